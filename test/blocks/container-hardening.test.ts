/**
 * Container hardening of every service template (generator/blocks/container-hardening.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HARDENING_IDS, SCRATCH_VOLUME } from '../../generator/blocks/container-hardening';
import { ECS_SERVICE_TEMPLATE_FILES, ecsServiceParameterFilePath } from '../../generator/templates/ecs-service';
import { TEMPLATES_DIR, exampleConfig, loadTemplate, resource } from '../helpers/template';

const templates = Object.entries(ECS_SERVICE_TEMPLATE_FILES).map(([strategy, file]) => [strategy, file, loadTemplate(file)] as const);

describe.each(templates)('%s (%s)', (_strategy, _file, t) => {
  const taskDefinition = resource(t, 'TaskDefinition').Properties as Record<string, any>;
  const container = taskDefinition.ContainerDefinitions[0];

  test('both switches are parameters that default to on', () => {
    for (const id of [HARDENING_IDS.readonlyRootFilesystem, HARDENING_IDS.dropLinuxCapabilities]) {
      expect(t.Parameters![id]).toEqual(expect.objectContaining({ Type: 'String', Default: 'true', AllowedValues: ['true', 'false'] }));
    }
  });

  test('a read-only root file system, with /tmp writable on a task volume', () => {
    expect(container.ReadonlyRootFilesystem).toEqual({ 'Fn::If': [HARDENING_IDS.isReadonlyRootFilesystem, true, false] });
    expect(container.MountPoints).toEqual([{ SourceVolume: SCRATCH_VOLUME.name, ContainerPath: '/tmp', ReadOnly: false }]);
    expect(taskDefinition.Volumes).toEqual([{ Name: SCRATCH_VOLUME.name }]);
  });

  test('every Linux capability dropped; nothing privileged, no user that overrides the image', () => {
    expect(container.LinuxParameters).toEqual({ 'Fn::If': [HARDENING_IDS.dropsLinuxCapabilities, { Capabilities: { Drop: ['ALL'] } }, { Ref: 'AWS::NoValue' }] });
    expect(container.Privileged).toBeUndefined();
    expect(container.User).toBeUndefined();
  });
});

test("parameter files carry each service's switches", () => {
  const config = exampleConfig();
  for (const svc of config.services) {
    for (const env of config.environments) {
      const file = ecsServiceParameterFilePath(svc.name, env.name, svc.environments[env.name].deploymentStrategy);
      const p = JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, file), 'utf8')).Parameters;
      expect([file, p[HARDENING_IDS.readonlyRootFilesystem], p[HARDENING_IDS.dropLinuxCapabilities]]).toEqual([file, svc.name === 'orders' ? 'false' : 'true', 'true']);
    }
  }
});

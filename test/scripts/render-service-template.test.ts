/**
 * scripts/render-service-template.js: the pipeline's build renders the service template
 * of each environment with the image written in and the hook's values resolved.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Template } from '../../generator/core/template';
import { serializeTemplate } from '../../generator/core/serialize';
import { ECS_SERVICE_TEMPLATE_FILES, ecsServiceParameterFilePath } from '../../generator/templates/ecs-service';
import { templateChecks } from '../../generator/validate';
import { ROOT, TEMPLATES_DIR, exampleConfig, loadTemplate, resolve, resource } from '../helpers/template';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const renderer = require('../../scripts/render-service-template.js') as {
  renderServiceTemplate(t: Template, file: unknown, image: string, pseudo: Record<string, string>): { template: Template; configuration: any };
  locate(dir: string, service: string, environment: string): { strategy: string; templateFile: string; parameterFile: string };
  STRATEGIES: Array<{ name: string; template: string; parameters: string }>;
  IMAGE_PARAMETER: string;
};

const SCRIPT = path.join(ROOT, 'scripts', 'render-service-template.js');
const IMAGE = '111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-web-tools:3f2a9c1';
const PSEUDO = { 'AWS::Region': 'eu-west-1', 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' };
const config = exampleConfig();
const memberRoles = loadTemplate('member-roles.json');

function intrinsicsIn(value: unknown, where = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => intrinsicsIn(v, `${where}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return [`${where}: ${JSON.stringify(value)}`];
  return keys.flatMap((k) => intrinsicsIn((value as Record<string, unknown>)[k], `${where}.${k}`));
}

function render(service: string, environment: string) {
  const where = renderer.locate(TEMPLATES_DIR, service, environment);
  const template = JSON.parse(fs.readFileSync(where.templateFile, 'utf8')) as Template;
  const file = JSON.parse(fs.readFileSync(where.parameterFile, 'utf8'));
  return { where, file, ...renderer.renderServiceTemplate(template, file, IMAGE, PSEUDO) };
}

const pairs = config.services.flatMap((s) => config.environments.map((e) => [s.name, e.name] as const));

describe('render-service-template', () => {
  test('knows the templates and parameter folders the generator writes', () => {
    for (const s of renderer.STRATEGIES) {
      expect(ECS_SERVICE_TEMPLATE_FILES[s.name as 'blue-green' | 'rolling']).toBe(s.template);
      expect(ecsServiceParameterFilePath('web', 'dev', s.name as 'blue-green' | 'rolling')).toBe(`parameters/${s.parameters}/web/dev.json`);
    }
    expect(renderer.STRATEGIES.map((s) => s.name).sort()).toEqual(Object.keys(ECS_SERVICE_TEMPLATE_FILES).sort());
  });

  test.each(pairs)('%s in %s: the configured strategy, the image written in, nothing left to resolve in the hook', (service, environment) => {
    const { where, file, template, configuration } = render(service, environment);
    const settings = config.services.find((s) => s.name === service)!.environments[environment];
    expect(where.strategy).toBe(settings.deploymentStrategy);
    const text = JSON.stringify(template);
    expect(text).not.toContain('"Ref":"ImageUri"');
    expect(template.Parameters!.ImageUri).toMatchObject({ Default: IMAGE });
    const images = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::ECS::TaskDefinition')
      .flatMap((r) => (r.Properties!.ContainerDefinitions as Array<{ Image: unknown }>).map((c) => c.Image));
    expect(images).toContain(IMAGE);
    expect(intrinsicsIn(template.Hooks ?? {})).toEqual([]);
    // The settings are written into the template; CloudFormation gets parameters and tags only.
    expect(configuration).toEqual({ Parameters: file.Parameters, Tags: file.Tags });
    // Still a template every check of the generator accepts, but for CD005: the image names
    // the tools account's registry, and a secret or key given by ARN names its account,
    // which is what a rendered template is for.
    const findings = templateChecks().check(template, serializeTemplate(template));
    expect(findings.filter((f) => f.check !== 'CD005')).toEqual([]);
    const configuredArns = JSON.stringify(file.ServiceSettings ?? {}).match(/arn:[^"]+/g) ?? [];
    expect(findings.filter((f) => !f.message.includes(IMAGE) && !configuredArns.some((a) => f.message.includes(a)))).toEqual([]);
  });

  test("the hook gets the environment's traffic routing and the CodeDeploy role member-roles.json creates", () => {
    const { template, file } = render('web', 'prod');
    const hook = Object.values(template.Hooks!)[0].Properties as Record<string, any>;
    expect(hook.TrafficRoutingConfig.Type).toBe('TimeBasedCanary');
    expect(typeof hook.TrafficRoutingConfig.TimeBasedCanary.StepPercentage).toBe('number');
    expect(hook.TrafficRoutingConfig.TimeBasedLinear).toBeUndefined();
    const memberValues = { ...file.Parameters, 'AWS::Region': 'eu-west-1' };
    expect(hook.ServiceRole).toBe(resolve(resource(memberRoles, 'CodeDeployRole').Properties!.RoleName, memberValues));
    const dev = Object.values(render('web', 'dev').template.Hooks!)[0].Properties as Record<string, any>;
    expect(dev.TrafficRoutingConfig).toEqual({ Type: 'AllAtOnce' });
  });

  test('a rendered blue/green template passes cfn-lint but for the Hooks section it does not know', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rendered-'));
    try {
      const file = path.join(dir, 'prod.json');
      fs.writeFileSync(file, serializeTemplate(render('web', 'prod').template));
      const r = spawnSync('cfn-lint', ['--format', 'json', '--', file], { encoding: 'utf8', timeout: 120_000 });
      const findings = (r.stdout.trim() ? JSON.parse(r.stdout) : []) as Array<{ Rule: { Id: string }; Message: string }>;
      expect(findings.map((f) => `${f.Rule.Id} ${f.Message}`)).toEqual([expect.stringMatching(/^E1001 .*'Hooks' was unexpected/)]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([
    ['an image that is not an ECR URI', (t: Template) => t, { Parameters: {} }, 'nginx:latest', 'is not an ECR image URI with a tag or digest'],
    ['a parameter the template lacks', (t: Template) => t, { Parameters: { Nope: 'x' } }, IMAGE, 'parameter file names Nope, which the template does not declare'],
    [
      'a resource attribute in the hook',
      (t: Template) => ({ ...t, Hooks: { H: { Type: 'AWS::CodeDeploy::BlueGreen', Properties: { ServiceRole: { 'Fn::GetAtt': ['Role', 'Arn'] } } } } }),
      null,
      IMAGE,
      'Hooks.H.Properties.ServiceRole: Fn::GetAtt cannot be resolved before the stack exists',
    ],
  ])('refuses %s', (_name, change, file, image, message) => {
    const base = render('web', 'prod');
    const template = change(loadTemplate('ecs-service.json')) as Template;
    expect(() => renderer.renderServiceTemplate(template, file ?? base.file, image as string, PSEUDO)).toThrow(message);
  });

  test('the command writes both files, and says what is missing', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rendered-'));
    try {
      const args = ['--templates-dir', TEMPLATES_DIR, '--service', 'web', '--image', IMAGE, '--region', 'eu-west-1', '--out-dir', out];
      const ok = spawnSync('node', [SCRIPT, ...args, '--environment', 'staging'], { encoding: 'utf8' });
      expect(ok.status).toBe(0);
      expect(ok.stdout).toBe('rendered ecs-service.json (blue-green) for web in staging\n');
      expect(fs.readdirSync(out).sort()).toEqual(['staging.config.json', 'staging.json']);
      const missing = spawnSync('node', [SCRIPT, ...args, '--environment', 'qa'], { encoding: 'utf8' });
      expect(missing.status).toBe(1);
      expect(missing.stderr).toBe(
        'error: no parameter file for service web in qa (looked for parameters/ecs-service/web/qa.json or parameters/ecs-service-native/web/qa.json or parameters/ecs-service-rolling/web/qa.json)\n',
      );
      const usage = spawnSync('node', [SCRIPT, '--service'], { encoding: 'utf8' });
      expect(usage.status).toBe(1);
      expect(usage.stderr).toBe('error: unknown or incomplete argument "--service"\n');
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});

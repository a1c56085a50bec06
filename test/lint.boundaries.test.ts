/**
 * The import boundaries of eslint.config.mjs hold: an import across the layers is an
 * error that `npm run lint` (and so `npm test` and CI) reports, and an import along them
 * is not. Each case lints a source text as if it were a file at the given path; nothing
 * is written to the project.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../generator/core/paths';

const ESLINT = path.join(PROJECT_ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');

function lint(file: string, source: string): string[] {
  const r = spawnSync(process.execPath, [ESLINT, '--stdin', '--stdin-filename', file, '--format', 'json'], {
    cwd: PROJECT_ROOT,
    input: source,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const report = JSON.parse(r.stdout) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
  return report[0].messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('import boundaries', () => {
  test('a template importing render and a sibling template is refused', () => {
    const found = lint(
      'generator/templates/probe.ts',
      "import type { ParameterFile } from '../render';\nimport { buildNetworkTemplate } from './network';\nexport const files: ParameterFile[] = [];\nexport const build = buildNetworkTemplate;\n",
    );
    expect(found).toEqual([
      expect.stringMatching(/^import-x\/no-restricted-paths: .*"\.\.\/render".*templates never read render/),
      expect.stringMatching(/^import-x\/no-restricted-paths: .*"\.\/network".*a template never imports a sibling template/),
    ]);
  });

  test('a section of a template folder reads its own folder, never another template', () => {
    const found = lint(
      'generator/templates/ecs-service/probe.ts',
      "import { trafficParameters } from './parameters';\nimport { buildNetworkTemplate } from '../network';\nexport const used = [trafficParameters, buildNetworkTemplate];\n",
    );
    expect(found).toEqual([expect.stringMatching(/^import-x\/no-restricted-paths: .*"\.\.\/network".*a template never imports a sibling template/)]);
    expect(lint('generator/templates/probe.ts', "import { buildEcsServiceTemplate } from './ecs-service';\nexport const build = buildEcsServiceTemplate;\n")).toEqual([
      expect.stringMatching(/^import-x\/no-restricted-paths: .*"\.\/ecs-service".*a template never imports a sibling template/),
    ]);
  });

  test("a template folder's files import each other, never another template", () => {
    const sections = "import { PIPELINE_IDS } from './ids';\nimport { sharedNames } from './names';\nexport const used = [PIPELINE_IDS, sharedNames];\n";
    expect(lint('generator/templates/pipeline/probe.ts', sections)).toEqual([]);
    expect(lint('generator/templates/pipeline/probe.ts', "import { buildNetworkTemplate } from '../network';\nexport const build = buildNetworkTemplate;\n")).toEqual([
      expect.stringMatching(/^import-x\/no-restricted-paths: .*"\.\.\/network".*a template never imports a sibling template/),
    ]);
    expect(lint('generator/templates/probe.ts', "import { STAGES } from './pipeline';\nexport const stages = STAGES;\n")).toEqual([
      expect.stringMatching(/^import-x\/no-restricted-paths: .*"\.\/pipeline".*a template never imports a sibling template/),
    ]);
  });

  test('core reading config, and a rule reading a block, are refused', () => {
    expect(lint('generator/core/probe.ts', "import type { ResolvedConfig } from '../config/types';\nexport type C = ResolvedConfig;\n")).toEqual([
      expect.stringMatching(/^import-x\/no-restricted-paths: .*core reads only core/),
    ]);
    expect(lint('generator/rules/probe.ts', "import { ACCESS_LOG_IDS } from '../blocks/access-logs';\nexport const ids = ACCESS_LOG_IDS;\n")).toEqual([
      expect.stringMatching(/^import-x\/no-restricted-paths: .*rules read only core/),
    ]);
  });

  test('a template reading contracts, blocks, config and core passes', () => {
    const source = [
      "import { ECS_SERVICE_IDS } from '../contracts/service';",
      "import { standardParameters } from '../blocks/standard-parameters';",
      "import { SERVICE_DEFAULTS } from '../config/defaults';",
      "import { TemplateBuilder } from '../core/template';",
      'export const used = [ECS_SERVICE_IDS, standardParameters, SERVICE_DEFAULTS, TemplateBuilder];',
      '',
    ].join('\n');
    expect(lint('generator/templates/probe.ts', source)).toEqual([]);
  });
});

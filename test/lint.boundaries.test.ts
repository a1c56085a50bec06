/**
 * The import boundaries of eslint.config.mjs hold: an import across the layers is an
 * error that `npm run lint` (and so `npm test` and CI) reports, and an import along them
 * is not. Each case lints a source text as if it were a file at the given path; nothing
 * is written to the project. Every finding of eslint is compared, so a case that passes
 * has none at all, and a refused one has exactly the boundary findings expected.
 */
import { LintMessage, lintAll } from './helpers/eslint';

/** A source text linted as the file at `file`, and a pattern for each finding, in eslint's order. */
interface Case {
  file: string;
  source: string;
  findings: RegExp[];
}

const SECTIONS = "import { PIPELINE_IDS } from './ids';\nimport { sharedNames } from './names';\nexport const used = [PIPELINE_IDS, sharedNames];\n";

const TEMPLATE_READING_ITS_LAYERS = [
  "import { ECS_SERVICE_IDS } from '../contracts/service';",
  "import { standardParameters } from '../blocks/standard-parameters';",
  "import { SERVICE_DEFAULTS } from '../config/defaults';",
  "import { TemplateBuilder } from '../core/template';",
  'export const used = [ECS_SERVICE_IDS, standardParameters, SERVICE_DEFAULTS, TemplateBuilder];',
  '',
].join('\n');

const TESTS: ReadonlyArray<{ name: string; cases: Case[] }> = [
  {
    name: 'a template importing render and a sibling template is refused',
    cases: [
      {
        file: 'generator/templates/probe.ts',
        source:
          "import type { ParameterFile } from '../render';\nimport { buildNetworkTemplate } from './network';\nexport const files: ParameterFile[] = [];\nexport const build = buildNetworkTemplate;\n",
        findings: [
          /^import-x\/no-restricted-paths: .*"\.\.\/render".*templates never read render/,
          /^import-x\/no-restricted-paths: .*"\.\/network".*a template never imports a sibling template/,
        ],
      },
    ],
  },
  {
    name: 'a section of a template folder reads its own folder, never another template',
    cases: [
      {
        file: 'generator/templates/ecs-service/probe.ts',
        source:
          "import { trafficParameters } from './parameters';\nimport { buildNetworkTemplate } from '../network';\nexport const used = [trafficParameters, buildNetworkTemplate];\n",
        findings: [/^import-x\/no-restricted-paths: .*"\.\.\/network".*a template never imports a sibling template/],
      },
      {
        file: 'generator/templates/probe.ts',
        source: "import { buildEcsServiceTemplate } from './ecs-service';\nexport const build = buildEcsServiceTemplate;\n",
        findings: [/^import-x\/no-restricted-paths: .*"\.\/ecs-service".*a template never imports a sibling template/],
      },
    ],
  },
  {
    name: "a template folder's files import each other, never another template",
    cases: [
      { file: 'generator/templates/pipeline/probe.ts', source: SECTIONS, findings: [] },
      {
        file: 'generator/templates/pipeline/probe.ts',
        source: "import { buildNetworkTemplate } from '../network';\nexport const build = buildNetworkTemplate;\n",
        findings: [/^import-x\/no-restricted-paths: .*"\.\.\/network".*a template never imports a sibling template/],
      },
      {
        file: 'generator/templates/probe.ts',
        source: "import { STAGES } from './pipeline';\nexport const stages = STAGES;\n",
        findings: [/^import-x\/no-restricted-paths: .*"\.\/pipeline".*a template never imports a sibling template/],
      },
    ],
  },
  {
    name: 'core reading config, and a rule reading a block, are refused',
    cases: [
      {
        file: 'generator/core/probe.ts',
        source: "import type { ResolvedConfig } from '../config/types';\nexport type C = ResolvedConfig;\n",
        findings: [/^import-x\/no-restricted-paths: .*core reads only core/],
      },
      {
        file: 'generator/rules/probe.ts',
        source: "import { ACCESS_LOG_IDS } from '../blocks/access-logs';\nexport const ids = ACCESS_LOG_IDS;\n",
        findings: [/^import-x\/no-restricted-paths: .*rules read only core/],
      },
    ],
  },
  {
    name: 'a template reading contracts, blocks, config and core passes',
    cases: [{ file: 'generator/templates/probe.ts', source: TEMPLATE_READING_ITS_LAYERS, findings: [] }],
  },
];

describe('import boundaries', () => {
  const cases = TESTS.flatMap((t) => t.cases);
  const found = new Map<Case, LintMessage[]>();
  beforeAll(() => {
    lintAll(cases).forEach((messages, i) => found.set(cases[i], messages));
  });

  test.each(TESTS)('$name', ({ cases: own }) => {
    for (const c of own) {
      const findings = found.get(c)!.map((m) => `${m.ruleId}: ${m.message}`);
      expect({ file: c.file, source: c.source, findings }).toEqual({ file: c.file, source: c.source, findings: c.findings.map((f) => expect.stringMatching(f)) });
    }
  });
});

/**
 * Adoption: a project's own configuration never breaks the tests. The invariants below
 * hold for any valid configuration; they run on the user's delivery.config.json, on a
 * second fixture that differs in everything (project, accounts, environments, source,
 * services), and on what `npm run init` writes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, USER_CONFIG_PATH } from '../generator/config/load';
import { ResolvedConfig } from '../generator/config/types';
import { Template } from '../generator/core/template';
import { renderAll } from '../generator/render';
import { toJson } from '../generator/core/serialize';
import { templateChecks } from '../generator/validate';
import { main as init } from '../scripts/init';
import { parameterProblems, parseParameterFile, TemplateJson } from '../scripts/lib/templates';
import { recordingTerminal } from '../scripts/lib/terminal';
import { FIXTURE_CONFIG_PATH, OTHER_CONFIG_PATH } from './helpers/fixtures';

const checks = templateChecks();

/** Checks every generated file; returns the problems (none expected). */
function invariantProblems(config: ResolvedConfig, files: { path: string; content: string }[]): string[] {
  const problems: string[] = [];
  const templates = new Map<string, Template>();
  for (const f of files) {
    if (!f.content.endsWith('}\n') || f.content !== toJson(JSON.parse(f.content)))
      problems.push(`${f.path}: not in the serializer's form (two-space JSON, small values on one line, a final newline)`);
    if (!f.path.includes('/')) templates.set(f.path.replace(/\.json$/, ''), JSON.parse(f.content) as Template);
  }
  for (const [name, t] of templates) {
    if (!checks.anatomy(t)) problems.push(`${name}: anatomy ${JSON.stringify(checks.anatomy.errors)}`);
    problems.push(...checks.providers.validate(t).map((e) => `${name}: provider schema ${JSON.stringify(e)}`));
    if (!checks.policy(t)) problems.push(`${name}: policy ${JSON.stringify(checks.policy.errors)}`);
    for (const [id, r] of Object.entries(t.Resources)) {
      if ((r as { DeletionPolicy?: string }).DeletionPolicy !== 'Delete') problems.push(`${name}: ${id} has DeletionPolicy ${(r as { DeletionPolicy?: string }).DeletionPolicy}`);
    }
  }
  for (const f of files.filter((x) => x.path.startsWith('parameters/'))) {
    const template = /^parameters\/([^/]+?)(\.json$|\/)/.exec(f.path)![1];
    const t = templates.get(template);
    if (!t) {
      problems.push(`${f.path}: no template ${template}.json`);
      continue;
    }
    const pf = parseParameterFile(f.path, JSON.parse(f.content));
    // ImageUri is the one value the pipeline supplies at deploy time (the image it built).
    const found = parameterProblems(t as unknown as TemplateJson, pf.parameters).filter((p) => p !== 'parameter ImageUri has no default and no value');
    problems.push(...found.map((p) => `${f.path}: ${p}`));
    if (pf.parameters.ProjectName !== undefined && pf.parameters.ProjectName !== config.project.name) problems.push(`${f.path}: ProjectName ${pf.parameters.ProjectName}`);
    if (pf.tags.Project !== config.project.name) problems.push(`${f.path}: Project tag ${pf.tags.Project}`);
  }
  return problems;
}

describe.each([
  ['the user configuration (delivery.config.json)', USER_CONFIG_PATH],
  ['the example fixture', FIXTURE_CONFIG_PATH],
  ['a second, different configuration', OTHER_CONFIG_PATH],
])('%s', (_what, file) => {
  const config = loadConfig(file);
  const files = renderAll(config);

  test('generates every template with a parameter file per environment or service, all meeting the invariants', () => {
    expect(files.filter((f) => !f.path.includes('/')).length).toBeGreaterThan(0);
    expect(invariantProblems(config, files)).toEqual([]);
  });

  test('generation is deterministic', () => {
    expect(renderAll(loadConfig(file))).toEqual(files);
  });
});

test('the second configuration really differs from the example', () => {
  const a = loadConfig(FIXTURE_CONFIG_PATH);
  const b = loadConfig(OTHER_CONFIG_PATH);
  expect(b.project.name).not.toBe(a.project.name);
  expect(b.environments.map((e) => e.name)).not.toEqual(a.environments.map((e) => e.name));
  expect(b.services.map((s) => s.name)).not.toEqual(a.services.map((s) => s.name));
});

describe('npm run init', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'init-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const flags = (out: string) => [
    '--project',
    'pets',
    '--cost-center',
    'cc-1',
    '--tools-account',
    '101010101010',
    '--environment',
    'dev=202020202020,prod=303030303030',
    '--repository',
    'pets-org/pets',
    '--connection-arn',
    'arn:aws:codeconnections:us-east-2:101010101010:connection/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    '--approval-email',
    'approvers@pets.example',
    '--alert-email',
    'alerts@pets.example',
    '--service',
    'shop:8080',
    '--out',
    out,
  ];

  test('writes a configuration that generates templates meeting the invariants', async () => {
    const out = path.join(dir, 'delivery.config.json');
    const term = recordingTerminal();
    expect(await init(flags(out), term)).toBe(0);
    const config = loadConfig(out);
    expect(config.project.name).toBe('pets');
    expect(invariantProblems(config, renderAll(config))).toEqual([]);
  });

  test('an existing file is kept without --force', async () => {
    const out = path.join(dir, 'kept.json');
    fs.writeFileSync(out, '{}');
    const term = recordingTerminal();
    expect(await init(flags(out), term)).toBe(1);
    expect(term.errors[0]).toContain('exists; pass --force');
    expect(fs.readFileSync(out, 'utf8')).toBe('{}');
  });

  test('bad values are reported by field and nothing is written', async () => {
    const out = path.join(dir, 'bad.json');
    const term = recordingTerminal();
    const argv = flags(out).map((a) => (a === 'pets' ? 'Pets_Shop' : a));
    expect(await init(argv, term)).toBe(2);
    expect(term.errors).toContain('  project.name: "Pets_Shop" must match ^[a-z][a-z0-9-]{1,11}$');
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('bad') || f.startsWith('.bad'))).toEqual([]);
  });

  test('missing answers are named', async () => {
    const term = recordingTerminal();
    expect(await init(['--project', 'pets'], term)).toBe(2);
    expect(term.errors[0]).toBe('error: missing --cost-center, --tools-account, --repository, --approval-email, --alert-email, --environment, --connection-arn (or --codecommit)');
  });
});

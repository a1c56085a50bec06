/**
 * cfn-lint over every committed template (generated from the user's configuration,
 * whatever it is): no errors, no warnings.
 *
 * cfn-lint 1.51 does not know the top-level Hooks section: it reports exactly one
 * `E1001 ... 'Hooks' was unexpected` for it and checks nothing inside, while it still
 * checks every resource. That finding is accepted only in templates that declare the
 * AWS::CodeDeployBlueGreen transform; the hook's contents are checked by the project's
 * own tests (test/templates/ecs-service.test.ts and rule CD006).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Template } from '../generator/core/template';
import { COMMITTED_TEMPLATES_DIR as TEMPLATES_DIR } from './helpers/template';

const templateFiles = () =>
  fs
    .readdirSync(TEMPLATES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
const loadTemplate = (file: string) => JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, file), 'utf8')) as Template;

interface LintFinding {
  Rule: { Id: string };
  Message: string;
  Level: string;
  Filename: string;
  Location: { Path?: Array<string | number> };
}

function lint(files: string[]): LintFinding[] {
  const r = spawnSync('cfn-lint', ['--format', 'json', '--', ...files], { encoding: 'utf8', timeout: 240_000 });
  if (r.error) throw new Error(`cfn-lint could not run (${r.error.message}): install it with \`python3 -m pip install cfn-lint\``);
  if (r.stdout.trim() === '') {
    if (r.status !== 0) throw new Error(`cfn-lint failed: ${r.stderr}`);
    return [];
  }
  return JSON.parse(r.stdout) as LintFinding[];
}

export function isAcceptedHooksFinding(f: LintFinding, hasBlueGreenTransform: boolean): boolean {
  // cfn-lint 1.51 reports the finding at the Hooks key itself (Path ["Hooks"]).
  const path = f.Location.Path ?? [];
  const atHooksKey = path.length === 0 || (path.length === 1 && path[0] === 'Hooks');
  return hasBlueGreenTransform && f.Rule.Id === 'E1001' && /'Hooks' was unexpected/.test(f.Message) && atHooksKey;
}

describe('cfn-lint', () => {
  const files = templateFiles();
  const broken = path.join(__dirname, 'fixtures', 'broken-template.json');
  // One cfn-lint run for the templates and the broken fixture: each start costs seconds.
  const all = lint([...files.map((f) => path.join(TEMPLATES_DIR, f)), broken]);
  const findings = all.filter((f) => path.resolve(f.Filename) !== broken);

  test.each(files)('%s has no cfn-lint errors or warnings', (file) => {
    const template = loadTemplate(file);
    const transforms = ([] as string[]).concat(template.Transform ?? []);
    const bg = transforms.includes('AWS::CodeDeployBlueGreen');
    const mine = findings.filter((f) => path.basename(f.Filename) === file);
    const accepted = mine.filter((f) => isAcceptedHooksFinding(f, bg));
    const rest = mine.filter((f) => !isAcceptedHooksFinding(f, bg));
    expect(rest.map((f) => `${f.Level} ${f.Rule.Id} ${JSON.stringify(f.Location.Path)}: ${f.Message}`)).toEqual([]);
    expect(accepted.length).toBe(bg && template.Hooks ? 1 : 0);
  });

  test('a broken template fails cfn-lint', () => {
    const found = all.filter((f) => path.resolve(f.Filename) === broken);
    expect(found.some((f) => f.Level === 'Error')).toBe(true);
  });
});

/**
 * What the generated reference pages say, checked against the code they come from.
 */
import * as fs from 'node:fs';
import { CONFIG_SCHEMA_PATH } from '../generator/config/load';
import { RULES } from '../generator/rules';
import { AWS_FLAGS } from '../scripts/lib/args';
import { DIFF_ERROR } from '../scripts/diff';
import { probeDefaults } from '../scripts/lib/docs/config-defaults';
import { JsonSchema, schemaFields } from '../scripts/lib/docs/config-schema';
import { anchor, prose, table } from '../scripts/lib/docs/markdown';
import { DocPage, renderDocs } from '../scripts/lib/docs/pages';
import { DECLARED } from '../scripts/lib/docs/scripts-page';

const schema = JSON.parse(fs.readFileSync(CONFIG_SCHEMA_PATH, 'utf8')) as JsonSchema;
const fields = schemaFields(schema);
const probe = probeDefaults(schema);
const defaultOf = (p: string) => probe.defaultOf(fields.find((f) => f.path === p)!);

let pages: Record<string, string>;
beforeAll(async () => {
  pages = Object.fromEntries((await renderDocs()).map((p: DocPage) => [p.file, p.content]));
});

describe('markdown', () => {
  test('a pipe in a cell is escaped, also inside code', () => {
    expect(table(['a'], [['`(x|y)`']])).toBe('| a |\n|---|\n| `(x\\|y)` |');
  });

  test('text from the code opens no HTML tag and no emphasis; code spans stay as written', () => {
    expect(prose('templates/parameters/<template>/<env>.json, "*" and `a*<b>`')).toBe('templates/parameters/&lt;template>/&lt;env>.json, "\\*" and `a*<b>`');
  });

  test('anchors are those GitHub gives headings', () => {
    expect(anchor('npm run schemas:refresh')).toBe('npm-run-schemasrefresh');
    expect(anchor('Checks beyond the schema')).toBe('checks-beyond-the-schema');
  });

  test('every link to a heading of the same page finds it', () => {
    for (const [file, text] of Object.entries(pages)) {
      const headings = new Set([...text.matchAll(/^#+ (.+)$/gm)].map((m) => anchor(m[1])));
      for (const m of text.matchAll(/\]\(#([^)]+)\)/g)) expect(`${file} #${m[1]}: ${headings.has(m[1])}`).toBe(`${file} #${m[1]}: true`);
    }
  });
});

describe('configuration.md', () => {
  test('every field of the schema has its row', () => {
    for (const f of fields.filter((x) => x.segments.length > 1 && x.segments[x.segments.length - 1].kind === 'key')) {
      expect(pages['configuration.md']).toContain(`| \`${f.path}\` |`);
    }
    for (const f of fields.filter((x) => x.segments.length === 1)) expect(pages['configuration.md']).toContain(`\n## ${f.path}\n`);
  });

  test('defaults are read from the code: another field, the position, a value', () => {
    expect(defaultOf('environments[].environmentSuffix')).toBe('same as `environments[].name`');
    expect(defaultOf('source.templatesBranch')).toBe('same as `source.branch`');
    expect(defaultOf('environments[].requiresApproval')).toBe('`false` for the first environment, `true` for later ones');
    expect(defaultOf('services[].environments.<name>.desiredCount')).toBe('same as `services[].desiredCount`');
    expect(defaultOf('source.connectionArn')).toBe('none');
    expect(defaultOf('services[].name')).toBeUndefined();
  });

  test('a default a description states is the one the code applies', () => {
    const stated = /Default (?:"([^"]*)"|(-?\d+(?:\.\d+)?|true|false|\[\]))/;
    let checked = 0;
    for (const f of fields) {
      const m = typeof f.schema.description === 'string' ? stated.exec(f.schema.description) : null;
      if (!m) continue;
      const literal = m[1] !== undefined ? JSON.stringify(m[1]) : m[2];
      expect(`${f.path}: ${defaultOf(f.path)}`).toContain(`\`${literal}\``);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });
});

describe('scripts.md', () => {
  test("every declared flag is listed, and the exit statuses are the runner's", () => {
    const text = pages['scripts.md'];
    for (const { spec } of Object.values(DECLARED)) {
      expect(text).toContain(`## npm run ${spec.command}`);
      for (const f of spec.flags) expect(text).toContain(`\`--${f.name}`);
    }
    for (const f of AWS_FLAGS) expect(text).toContain(`| \`--${f.name}`);
    const failure = text.split('\n').find((l) => l.startsWith('| any other error'))!;
    const head = text
      .split('\n')
      .find((l) => l.startsWith('| Outcome'))!
      .split('|')
      .map((c) => c.trim());
    expect(failure.split('|').map((c) => c.trim())[head.indexOf('`diff`')]).toBe(String(DIFF_ERROR));
  });
});

describe('rules.md', () => {
  test('every project rule is listed with its source', () => {
    for (const r of RULES) expect(pages['rules.md']).toContain(`| \`${r.id}\` | ${prose(r.description).replace(/\|/g, '\\|')} |`);
  });

  test('as many accepted findings as the suppression snapshot lists', () => {
    const snapshot = fs.readFileSync(`${__dirname}/__snapshots__/suppressions.test.ts.snap`, 'utf8');
    const listed = snapshot.split('\n').filter((l) => /^"?[\w-]+\.json \w+ AwsSolutions-/.test(l)).length;
    const m = /(\d+) suppressions and (\d+) IAM statements/.exec(pages['rules.md'])!;
    expect(Number(m[1]) + Number(m[2])).toBe(listed);
  });
});

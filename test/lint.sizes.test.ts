/**
 * The size limits of eslint.config.mjs hold: a file of generator/ or scripts/ over 400
 * lines, or a function there over 80, is an error that `npm run lint` (and so `npm test`
 * and CI) reports; tests, bench/ and the generated resource-properties.ts are not held to
 * them. Each case lints a source text as if it were a file at the given path; nothing is
 * written to the project.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../generator/core/paths';

const ESLINT = path.join(PROJECT_ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');

/** The size findings of eslint on `source` as the file `file`, sorted. */
function sizeFindings(file: string, source: string): string[] {
  const r = spawnSync(process.execPath, [ESLINT, '--stdin', '--stdin-filename', file, '--format', 'json'], {
    cwd: PROJECT_ROOT,
    input: source,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const report = JSON.parse(r.stdout) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
  return report[0].messages
    .filter((m) => m.ruleId === 'max-lines' || m.ruleId === 'max-lines-per-function')
    .map((m) => `${m.ruleId}: ${m.message}`)
    .sort();
}

/** A source of `lines` lines in all, one function of `functionLines` of them and constants after it. */
function sourceOf(lines: number, functionLines: number): string {
  const body = Array.from({ length: functionLines - 4 }, (_, i) => `  total += ${i};`);
  const fn = ['function probe() {', '  let total = 0;', ...body, '  return total;', '}'];
  const constants = Array.from({ length: lines - fn.length }, (_, i) => `const c${i} = probe() + ${i};`);
  return [...fn, ...constants, ''].join('\n');
}

const OVER = ["max-lines-per-function: Function 'probe' has too many lines (81). Maximum allowed is 80.", 'max-lines: File has too many lines (401). Maximum allowed is 400.'];

describe('size limits', () => {
  test('a file of 400 lines with a function of 80 passes', () => {
    expect(sizeFindings('generator/templates/probe.ts', sourceOf(400, 80))).toEqual([]);
  });

  test.each(['generator/templates/probe.ts', 'scripts/probe.ts', 'scripts/lib/probe.js', 'generator/functions/probe.js'])(
    'a file of 401 lines with a function of 81 is refused: %s',
    (file) => {
      expect(sizeFindings(file, sourceOf(401, 81))).toEqual(OVER);
    },
  );

  test.each(['test/probe.test.ts', 'bench/probe.ts', 'generator/core/resource-properties.ts'])('%s is not held to the limits', (file) => {
    expect(sizeFindings(file, sourceOf(401, 81))).toEqual([]);
  });
});

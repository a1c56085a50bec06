/**
 * The size limits of eslint.config.mjs hold: a file of generator/ or scripts/ over 400
 * lines, or a function there over 80, is an error that `npm run lint` (and so `npm test`
 * and CI) reports; tests, bench/ and the generated resource-properties.ts are not held to
 * them. Each case lints a source text as if it were a file at the given path; nothing is
 * written to the project.
 */
import { execFileSync } from 'node:child_process';
import { PROJECT_ROOT } from '../generator/core/paths';

/**
 * The size findings of eslint on each source as its file, sorted: one eslint (its API, in
 * a child process, since it loads the ESM configuration) for all the cases, which loads
 * the configuration once.
 */
function sizeFindings(cases: ReadonlyArray<{ file: string; source: string }>): string[][] {
  const script = `
    const { ESLint } = require('eslint');
    (async () => {
      const eslint = new ESLint({ cwd: process.cwd() });
      const out = [];
      for (const { file, source } of JSON.parse(require('node:fs').readFileSync(0, 'utf8'))) {
        const [result] = await eslint.lintText(source, { filePath: file });
        out.push(result.messages.filter((m) => m.ruleId === 'max-lines' || m.ruleId === 'max-lines-per-function').map((m) => m.ruleId + ': ' + m.message).sort());
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: PROJECT_ROOT, input: JSON.stringify(cases), encoding: 'utf8', timeout: 60_000 })) as string[][];
}

/** A source of `lines` lines in all, one function of `functionLines` of them and constants after it. */
function sourceOf(lines: number, functionLines: number): string {
  const body = Array.from({ length: functionLines - 4 }, (_, i) => `  total += ${i};`);
  const fn = ['function probe() {', '  let total = 0;', ...body, '  return total;', '}'];
  const constants = Array.from({ length: lines - fn.length }, (_, i) => `const c${i} = probe() + ${i};`);
  return [...fn, ...constants, ''].join('\n');
}

const OVER = ["max-lines-per-function: Function 'probe' has too many lines (81). Maximum allowed is 80.", 'max-lines: File has too many lines (401). Maximum allowed is 400.'];

const HELD = ['generator/templates/probe.ts', 'scripts/probe.ts', 'scripts/lib/probe.js', 'generator/functions/probe.js'];
const NOT_HELD = ['test/probe.test.ts', 'bench/probe.ts', 'generator/core/resource-properties.ts'];

describe('size limits', () => {
  const cases = [
    { file: HELD[0], source: sourceOf(400, 80) },
    ...HELD.map((file) => ({ file, source: sourceOf(401, 81) })),
    ...NOT_HELD.map((file) => ({ file, source: sourceOf(401, 81) })),
  ];
  let findings: string[][];
  beforeAll(() => {
    findings = sizeFindings(cases);
  });
  const findingsOf = (i: number) => ({ file: cases[i].file, findings: findings[i] });

  test('a file of 400 lines with a function of 80 passes', () => {
    expect(findingsOf(0)).toEqual({ file: HELD[0], findings: [] });
  });

  test.each(HELD.map((file, i) => [file, i + 1] as const))('a file of 401 lines with a function of 81 is refused: %s', (file, i) => {
    expect(findingsOf(i)).toEqual({ file, findings: OVER });
  });

  test.each(NOT_HELD.map((file, i) => [file, i + 1 + HELD.length] as const))('%s is not held to the limits', (file, i) => {
    expect(findingsOf(i)).toEqual({ file, findings: [] });
  });
});

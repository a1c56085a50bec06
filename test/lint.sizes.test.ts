/**
 * The size limits of eslint.config.mjs hold: a file of generator/ or scripts/ over 400
 * lines, or a function there over 80, is an error that `npm run lint` (and so `npm test`
 * and CI) reports; tests, bench/ and the generated resource-properties.ts are not held to
 * them. Each case lints a source text as if it were a file at the given path; nothing is
 * written to the project.
 */
import { lintAll } from './helpers/eslint';

const SIZE_RULES = ['max-lines', 'max-lines-per-function'];

/** The size findings of eslint on each source as its file, sorted: all the cases in one eslint. */
function sizeFindings(cases: ReadonlyArray<{ file: string; source: string }>): string[][] {
  return lintAll(cases).map((messages) =>
    messages
      .filter((m) => m.ruleId !== null && SIZE_RULES.includes(m.ruleId))
      .map((m) => `${m.ruleId}: ${m.message}`)
      .sort(),
  );
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

/**
 * The static checks runner of `npm test` (scripts/checks.js): it runs the type check, the
 * linter and the format check, and a failing check fails it.
 */
import * as fs from 'node:fs';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CHECKS, run } = require('../../scripts/checks') as {
  CHECKS: Array<[string, string[]]>;
  run(check: [string, string[]]): Promise<boolean>;
};

test('the three checks run the installed tools', () => {
  expect(CHECKS.map(([name]) => name)).toEqual(['type check (tsc)', 'lint (eslint)', 'format (prettier)']);
  for (const [, [tool]] of CHECKS) expect(fs.existsSync(tool)).toBe(true);
});

test('a check that exits non-zero fails, and one that exits 0 passes', async () => {
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    await expect(run(['failing', ['-e', 'process.stderr.write("broken\\n"); process.exit(3)']])).resolves.toBe(false);
    await expect(run(['passing', ['-e', '']])).resolves.toBe(true);
    expect(write.mock.calls.map(([text]) => String(text).replace(/ in [\d.]+ s/, ''))).toEqual(['FAILED: failing\nbroken\n', 'passed: passing\n']);
  } finally {
    write.mockRestore();
  }
});

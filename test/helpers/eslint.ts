/**
 * Lints source texts as if they were files of the project, with its eslint.config.mjs;
 * nothing is written to the project.
 */
import { execFileSync } from 'node:child_process';
import { PROJECT_ROOT } from '../../generator/core/paths';

/** One finding of eslint: its rule (null for a parse error) and its message. */
export interface LintMessage {
  ruleId: string | null;
  message: string;
}

/**
 * The findings of eslint on each source as its file, in eslint's order, one list per case.
 * One eslint (its Node API, in a child process, since jest cannot import the ESM
 * configuration) lints every case after loading the configuration once: a process per
 * case would load it, and its plugins, again each time.
 */
export function lintAll(cases: ReadonlyArray<{ file: string; source: string }>): LintMessage[][] {
  const script = `
    const { ESLint } = require('eslint');
    (async () => {
      const eslint = new ESLint({ cwd: process.cwd() });
      const out = [];
      for (const { file, source } of JSON.parse(require('node:fs').readFileSync(0, 'utf8'))) {
        const [result] = await eslint.lintText(source, { filePath: file });
        out.push(result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message })));
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const input = cases.map(({ file, source }) => ({ file, source }));
  const found = JSON.parse(
    execFileSync(process.execPath, ['-e', script], { cwd: PROJECT_ROOT, input: JSON.stringify(input), encoding: 'utf8', timeout: 60_000 }),
  ) as LintMessage[][];
  if (found.length !== cases.length) throw new Error(`eslint answered ${found.length} cases of ${cases.length}`);
  return found;
}

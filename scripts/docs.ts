/**
 * Writes the reference pages of docs/ that are generated from the code: configuration.md
 * (the configuration schema and the loader), scripts.md (each script's CommandSpec) and
 * rules.md (the project rules and every suppression). Hand-written pages are left alone.
 *
 *   npm run docs
 *   npm run docs -- --check    writes nothing; fails when a page differs from the code
 *
 * Every page is rendered in memory first, so an error writes nothing; each page that
 * changed is then written to a temporary file and renamed over the old one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCommand } from './lib/command';
import { DOCS_SPEC, DOCS_STALE_EXIT } from './lib/docs/spec';
import { runMain, Terminal } from './lib/terminal';

type Pages = typeof import('./lib/docs/pages');

/**
 * Loads the page renderers. They import the other scripts for their CommandSpecs, and in
 * this bundle every script shares one `module`: with require.main unset while they load,
 * no script's `require.main === module` starts its own main.
 */
function loadPages(): Pages {
  // Where require.main is fixed (a test runner), every module has its own `module` anyway.
  const own = Object.getOwnPropertyDescriptor(require, 'main');
  const settable = own?.writable === true || own?.set !== undefined;
  const main = require.main;
  if (settable) require.main = undefined;
  try {
    // A require, not an import: the module must load while require.main is unset (see above).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('./lib/docs/pages') as Pages;
  } finally {
    if (settable) require.main = main;
  }
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function writeAtomically(file: string, content: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(temp, content);
  fs.renameSync(temp, file);
}

export async function main(argv: readonly string[], term: Terminal): Promise<number> {
  return runCommand(
    DOCS_SPEC,
    argv,
    term,
    (args) => ({ check: args.booleans.has('check') }),
    async (plan) => {
      const { DOCS_DIR, renderDocs } = loadPages();
      const pages = await renderDocs();
      const stale = pages.filter((p) => readOrEmpty(path.join(DOCS_DIR, p.file)) !== p.content).map((p) => p.file);
      if (plan.check) {
        if (stale.length === 0) {
          term.out(`docs/ is up to date (${pages.length} generated pages)`);
          return 0;
        }
        term.err(`error: docs/ is stale (${stale.join(', ')}): run npm run docs and commit the result`);
        return DOCS_STALE_EXIT;
      }
      fs.mkdirSync(DOCS_DIR, { recursive: true });
      for (const p of pages) if (stale.includes(p.file)) writeAtomically(path.join(DOCS_DIR, p.file), p.content);
      term.out(stale.length ? `wrote ${stale.map((f) => `docs/${f}`).join(', ')}` : `docs/ is up to date (${pages.length} generated pages)`);
      return 0;
    },
  );
}

if (require.main === module) runMain(main);

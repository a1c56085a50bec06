/**
 * The generated pages of docs/ (configuration.md, scripts.md, rules.md) must be exactly
 * what `npm run docs` writes from the code as it is now.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../scripts/docs';
import { DOCS_DIR, DocPage, GENERATED_PAGES, renderDocs } from '../scripts/lib/docs/pages';
import { recordingTerminal } from '../scripts/lib/terminal';

const FIX = 'docs/ is stale: run `npm run docs` and commit the result';

describe('docs/ is fresh', () => {
  let pages: DocPage[];
  beforeAll(async () => {
    pages = await renderDocs();
  });

  test.each(GENERATED_PAGES.map((p) => [p.file]))('docs/%s is byte for byte what npm run docs writes', (file) => {
    const file_ = path.join(DOCS_DIR, file);
    const committed = fs.existsSync(file_) ? fs.readFileSync(file_, 'utf8') : '';
    if (committed !== pages.find((p) => p.file === file)!.content) throw new Error(`${FIX} (${file} differs)`);
  });

  test('rendering is deterministic', async () => {
    expect(await renderDocs()).toEqual(pages);
  });

  test('npm run docs -- --check passes on the committed pages and writes nothing', async () => {
    const before = GENERATED_PAGES.map((p) => fs.statSync(path.join(DOCS_DIR, p.file)).mtimeMs);
    const term = recordingTerminal();
    const status = await main(['--check'], term);
    expect(term.errors).toEqual([]);
    expect(status).toBe(0);
    expect(term.lines.join('\n')).toContain('up to date');
    expect(GENERATED_PAGES.map((p) => fs.statSync(path.join(DOCS_DIR, p.file)).mtimeMs)).toEqual(before);
  });

  test('docs/README.md links every generated page', () => {
    const index = fs.readFileSync(path.join(DOCS_DIR, 'README.md'), 'utf8');
    for (const p of GENERATED_PAGES) expect(index).toContain(`](${p.file})`);
  });
});

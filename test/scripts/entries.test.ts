/**
 * Each script of scripts/build.js's ENTRIES is bundled on its own, with the modules it
 * imports. A script's `if (require.main === module)` is true in any bundle it is part of,
 * so a script that imported another would also run that one's command line with its own
 * arguments. What scripts share lives in scripts/lib/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../helpers/template';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ENTRIES } = require('../../scripts/build') as { ENTRIES: readonly string[] };

/** The entry scripts that the source `text` of `file` imports (by a relative path). */
function importedEntries(file: string, text = fs.readFileSync(file, 'utf8')): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:from|require\()\s*'(\.{1,2}\/[^']+)'/g)) {
    const target = path.resolve(path.dirname(file), m[1]).replace(/\.(ts|js)$/, '');
    const rel = path.relative(path.join(ROOT, 'scripts'), target);
    if (ENTRIES.includes(rel)) found.push(rel);
  }
  return found;
}

test('no script or shared module imports an entry script', () => {
  const files = ['scripts', path.join('scripts', 'lib')].flatMap((dir) =>
    fs
      .readdirSync(path.join(ROOT, dir))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => path.join(ROOT, dir, f)),
  );
  expect(files.length).toBeGreaterThan(ENTRIES.length);
  expect(files.filter((f) => importedEntries(f).length).map((f) => `${path.relative(ROOT, f)} imports ${importedEntries(f).join(', ')}`)).toEqual([]);
});

test('the check finds an import of an entry script', () => {
  const text = "import { TREE_CACHE_DIR } from '../generate';\nimport { x } from '../lib/args';\nconst d = require('../deploy');\n";
  expect(importedEntries(path.join(ROOT, 'scripts', 'lib', 'x.ts'), text)).toEqual(['generate', 'deploy']);
  expect(importedEntries(path.join(ROOT, 'scripts', 'x.ts'), "import { y } from './generate';\n")).toEqual(['generate']);
});

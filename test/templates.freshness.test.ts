/**
 * The committed templates/ must be exactly what the generator produces now from the
 * user's configuration (delivery.config.json), whatever that configuration is.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderAll } from '../generator/render';
import { loadConfig, USER_CONFIG_PATH } from '../generator/config/load';
import { COMMITTED_TEMPLATES_DIR as TEMPLATES_DIR } from './helpers/template';

const userConfig = () => loadConfig(USER_CONFIG_PATH);
import { MARKER, MARKER_CONTENT } from '../scripts/lib/write-tree';

function committedFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...committedFiles(path.join(dir, e.name), rel));
    else out.push(rel);
  }
  return out.sort();
}

const FIX = 'templates/ is stale: run `npm run generate` and commit the result';

describe('templates/ is fresh', () => {
  const files = renderAll(userConfig());

  test('the same files exist', () => {
    const expected = files.map((f) => f.path).sort();
    const actual = committedFiles(TEMPLATES_DIR).filter((f) => f !== MARKER);
    if (JSON.stringify(expected) !== JSON.stringify(actual)) {
      const missing = expected.filter((f) => !actual.includes(f));
      const extra = actual.filter((f) => !expected.includes(f));
      throw new Error(`${FIX}\n  missing: ${missing.join(', ') || '-'}\n  not generated any more: ${extra.join(', ') || '-'}`);
    }
  });

  test.each(files.map((f) => [f.path, f.content]))('%s is byte for byte what the generator writes', (file, content) => {
    const committed = fs.existsSync(path.join(TEMPLATES_DIR, file)) ? fs.readFileSync(path.join(TEMPLATES_DIR, file), 'utf8') : '';
    if (committed !== content) throw new Error(`${FIX} (${file} differs)`);
  });

  test('templates/ carries the marker that lets generate replace it', () => {
    expect(fs.readFileSync(path.join(TEMPLATES_DIR, MARKER), 'utf8')).toBe(MARKER_CONTENT);
  });

  test('generation is deterministic', () => {
    const again = renderAll(userConfig());
    expect(again).toEqual(files);
  });
});

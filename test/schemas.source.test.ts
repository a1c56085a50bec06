/**
 * The schemas as text: JSON.parse keeps the last of two equal keys in one object, so a
 * repeated key in a schema silently drops what the first one said. The configuration
 * loader reports that in a user's file (duplicateKeys); the project's own schemas, and the
 * provider schemas written by schemas:refresh, are held to it here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { duplicateKeys } from '../generator/config/load';
import { SCHEMA_DIR } from '../generator/core/paths';

function jsonFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? jsonFiles(full) : e.name.endsWith('.json') ? [full] : [];
  });
}

const FILES = jsonFiles(SCHEMA_DIR).map((f) => path.relative(SCHEMA_DIR, f));

describe('schemas/ as text', () => {
  test('the project and provider schemas are all read', () => {
    expect(FILES).toEqual(expect.arrayContaining(['config.schema.json', 'template.schema.json', 'policy-rules.schema.json']));
    expect(FILES.filter((f) => f.startsWith('providers')).length).toBeGreaterThan(0);
  });

  test.each(FILES)('%s has no key twice in one object', (file) => {
    expect(duplicateKeys(fs.readFileSync(path.join(SCHEMA_DIR, file), 'utf8'))).toEqual([]);
  });

  test('a repeated key is what the check finds', () => {
    expect(duplicateKeys('{ "a": { "description": "x", "type": "string", "description": "y" } }')).toEqual([
      'a.description: the key appears twice in one object; only the last would count',
    ]);
  });
});

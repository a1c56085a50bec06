/**
 * The project's own JSON Schemas are valid draft-07 schemas. Generation compiles them
 * without this check (it costs a meta-schema compile per start), so it is made here.
 */
import Ajv from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SCHEMA_DIR } from '../generator/core/paths';

const FILES = fs.readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json'));

describe('project schemas', () => {
  test('there are schemas to check', () => {
    expect(FILES).toEqual(expect.arrayContaining(['config.schema.json', 'template.schema.json', 'policy-rules.schema.json']));
  });

  test.each(FILES)('%s is a valid draft-07 schema and compiles in strict mode', (file) => {
    const schema = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, file), 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv({ allErrors: true, strict: file === 'config.schema.json', allowUnionTypes: true });
    const valid = ajv.validateSchema(schema);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(() => ajv.compile(schema)).not.toThrow();
  });
});

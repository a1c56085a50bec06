/**
 * The configuration is declared twice, as TypeScript types (generator/config/types.ts,
 * what the code reads) and as a JSON Schema (schemas/config.schema.json, what a user's
 * file is checked against). This test reads both and requires the same shape: every
 * object has the same fields, the same of them are required, and a field of literal
 * values allows the same values. A field added to one and not the other fails here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { PROJECT_ROOT, SCHEMA_DIR } from '../generator/core/paths';

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  enum?: unknown[];
  $ref?: string;
  definitions?: Record<string, Schema>;
}

/** The schema's `definitions`, which `$ref: "#/definitions/NAME"` points into. */
let definitions: Record<string, Schema> = {};

/** One line per fact about the shape: `path: fields a, b?`, `path: one of "x", "y"`. */
type Shape = string[];

function fromSchema(s: Schema, at: string, out: Shape): Shape {
  if (s.$ref) return fromSchema(definitions[s.$ref.replace('#/definitions/', '')], at, out);
  if (s.enum)
    out.push(
      `${at}: one of ${s.enum
        .map((v) => JSON.stringify(v))
        .sort()
        .join(', ')}`,
    );
  if (s.properties) {
    const required = new Set(s.required ?? []);
    out.push(
      `${at}: fields ${Object.keys(s.properties)
        .sort()
        .map((k) => (required.has(k) ? k : `${k}?`))
        .join(', ')}`,
    );
    for (const [k, v] of Object.entries(s.properties)) fromSchema(v, `${at}.${k}`, out);
  }
  if (s.items) fromSchema(s.items, `${at}[]`, out);
  if (typeof s.additionalProperties === 'object') fromSchema(s.additionalProperties, `${at}{}`, out);
  return out;
}

function fromType(checker: ts.TypeChecker, type: ts.Type, at: string, out: Shape): Shape {
  const t = checker.getNonNullableType(type);
  if (t.isUnion() && t.types.every((u) => u.isLiteral())) {
    out.push(
      `${at}: one of ${t.types
        .map((u) => JSON.stringify((u as ts.LiteralType).value))
        .sort()
        .join(', ')}`,
    );
    return out;
  }
  if (checker.isArrayType(t) || checker.isTupleType(t)) {
    const [element] = checker.getTypeArguments(t as ts.TypeReference);
    return fromType(checker, element, `${at}[]`, out);
  }
  if (t.flags & ts.TypeFlags.Object) {
    const index = checker.getIndexInfoOfType(t, ts.IndexKind.String);
    if (index) return fromType(checker, index.type, `${at}{}`, out);
    const props = checker.getPropertiesOfType(t);
    out.push(
      `${at}: fields ${props
        .map((p) => (p.flags & ts.SymbolFlags.Optional ? `${p.name}?` : p.name))
        .sort()
        .join(', ')}`,
    );
    for (const p of props) fromType(checker, checker.getTypeOfSymbol(p), `${at}.${p.name}`, out);
  }
  return out;
}

describe('the configuration types and schema', () => {
  const file = path.join(PROJECT_ROOT, 'generator', 'config', 'types.ts');
  const program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file)!;
  const declaration = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'ProjectConfig')!;
  const schema = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, 'config.schema.json'), 'utf8')) as Schema;
  definitions = schema.definitions ?? {};

  test('ProjectConfig and config.schema.json describe the same configuration', () => {
    const fromTypes = fromType(checker, checker.getTypeAtLocation(declaration), '(root)', []).sort();
    // `$schema` names the schema for editors; the generator does not read it.
    const { $schema: _editorHint, ...fields } = schema.properties!;
    const fromJsonSchema = fromSchema({ ...schema, properties: fields }, '(root)', []).sort();
    expect(fromTypes.length).toBeGreaterThan(10);
    expect(fromTypes).toEqual(fromJsonSchema);
  });
});

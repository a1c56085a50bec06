/**
 * The fields of the configuration schema (schemas/config.schema.json) as a flat list, in
 * the schema's order: every object property, array item and map entry, with its `$ref`
 * resolved and what the schema allows, in words.
 */

export type JsonSchema = Record<string, unknown>;

/** One step from a value to a field inside it: a key, an array item or a map entry. */
export type Segment = { readonly kind: 'key'; readonly name: string } | { readonly kind: 'item' } | { readonly kind: 'map' };

export interface SchemaField {
  /** `services[].environments.<name>.trafficRouting`. */
  readonly path: string;
  readonly segments: readonly Segment[];
  /** The field's schema, `$ref` resolved (the referring node's keys win). */
  readonly schema: JsonSchema;
  /** Whether the object holding it requires it (array items and map entries count as required). */
  readonly required: boolean;
}

export function pathOf(segments: readonly Segment[]): string {
  return segments.reduce((acc, s) => (s.kind === 'item' ? `${acc}[]` : s.kind === 'map' ? `${acc}.<name>` : acc ? `${acc}.${s.name}` : s.name), '');
}

function resolve(root: JsonSchema, node: JsonSchema): JsonSchema {
  const ref = node.$ref;
  if (typeof ref !== 'string') return node;
  const m = /^#\/(definitions|\$defs)\/(.+)$/.exec(ref);
  const target = m ? (root[m[1]] as Record<string, JsonSchema> | undefined)?.[m[2]] : undefined;
  if (!target) throw new Error(`schema: cannot resolve $ref ${ref}`);
  const { $ref: _ref, ...rest } = node;
  return { ...resolve(root, target), ...rest };
}

const isSchema = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every field below `node`, depth first in the schema's order; the `$schema` key of the file itself is left out. */
export function schemaFields(root: JsonSchema, node: JsonSchema = root, segments: readonly Segment[] = []): SchemaField[] {
  const out: SchemaField[] = [];
  const visit = (child: JsonSchema, segs: Segment[], required: boolean) => {
    const schema = resolve(root, child);
    out.push({ path: pathOf(segs), segments: segs, schema, required });
    out.push(...schemaFields(root, schema, segs));
  };
  const props = node.properties;
  if (isSchema(props)) {
    const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
    for (const [name, child] of Object.entries(props)) {
      if (segments.length === 0 && name === '$schema') continue;
      if (isSchema(child)) visit(child, [...segments, { kind: 'key', name }], required.has(name));
    }
  }
  if (isSchema(node.items)) visit(node.items, [...segments, { kind: 'item' }], true);
  if (isSchema(node.additionalProperties)) visit(node.additionalProperties, [...segments, { kind: 'map' }], true);
  return out;
}

/** `string`, `integer`, `array of string`, `map of object`... */
export function typeOf(schema: JsonSchema): string {
  if (Array.isArray(schema.type)) return (schema.type as string[]).join(' or ');
  if (typeof schema.type === 'string') {
    if (schema.type === 'array' && isSchema(schema.items)) return `array of ${typeOf(schema.items)}`;
    if (schema.type === 'object' && isSchema(schema.additionalProperties)) return `map of ${typeOf(schema.additionalProperties)}`;
    return schema.type;
  }
  const values = Array.isArray(schema.enum) ? schema.enum : 'const' in schema ? [schema.const] : [];
  const kinds = [...new Set(values.map((v) => (Number.isInteger(v) ? 'integer' : typeof v)))];
  return kinds.join(' or ') || 'any';
}

const json = (v: unknown) => JSON.stringify(v);

/** What the schema allows beyond the type, as short phrases (each an exact value of the schema). */
export function constraintsOf(schema: JsonSchema): string[] {
  const out: string[] = [];
  const range = (lo: unknown, hi: unknown, unit: string) => {
    if (lo !== undefined && hi !== undefined) out.push(`${lo} to ${hi}${unit}`);
    else if (lo !== undefined) out.push(`at least ${lo}${unit}`);
    else if (hi !== undefined) out.push(`at most ${hi}${unit}`);
  };
  if (Array.isArray(schema.enum)) out.push(`one of ${schema.enum.map((v) => `\`${json(v)}\``).join(', ')}`);
  if ('const' in schema) out.push(`exactly \`${json(schema.const)}\``);
  if (typeof schema.pattern === 'string') out.push(`pattern \`${schema.pattern}\``);
  if (typeof schema.format === 'string') out.push(`format ${schema.format}`);
  range(schema.minLength, schema.maxLength, ' characters');
  range(schema.minimum, schema.maximum, '');
  if (schema.exclusiveMinimum !== undefined) out.push(`greater than ${schema.exclusiveMinimum}`);
  if (schema.exclusiveMaximum !== undefined) out.push(`less than ${schema.exclusiveMaximum}`);
  if (schema.multipleOf !== undefined) out.push(`a multiple of ${schema.multipleOf}`);
  range(schema.minItems, schema.maxItems, ' items');
  if (schema.uniqueItems === true) out.push('no two items alike');
  range(schema.minProperties, schema.maxProperties, ' keys');
  const names = schema.propertyNames;
  if (isSchema(names) && typeof names.pattern === 'string') out.push(`keys match \`${names.pattern}\``);
  return out;
}

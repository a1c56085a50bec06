/**
 * The one serializer: every file the generator writes goes through `toJson`.
 *
 * Sections, resource attributes, parameter and output attributes are written in a fixed
 * order whatever order the builders used; everything else keeps the builders' order,
 * which is deterministic. Two-space indentation, small values on one line and a final
 * newline, so that a one-line change in a builder is a small diff in templates/.
 */
import { RESOURCE_ATTRIBUTE_ORDER, SECTION_ORDER, Template } from './template';

const PARAMETER_ATTRIBUTE_ORDER = [
  'Type',
  'Description',
  'Default',
  'AllowedValues',
  'AllowedPattern',
  'MinLength',
  'MaxLength',
  'MinValue',
  'MaxValue',
  'ConstraintDescription',
] as const;

const OUTPUT_ATTRIBUTE_ORDER = ['Description', 'Condition', 'Value', 'Export'] as const;

function ordered(obj: Record<string, unknown>, order: readonly string[], what: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of order) if (obj[key] !== undefined) out[key] = obj[key];
  for (const key of Object.keys(obj)) {
    if (!order.includes(key) && obj[key] !== undefined) {
      throw new Error(`${what}: unknown attribute ${key}`);
    }
  }
  return out;
}

function mapValues(section: Record<string, unknown> | undefined, fn: (value: Record<string, unknown>, id: string) => Record<string, unknown>): Record<string, unknown> | undefined {
  if (section === undefined) return undefined;
  return Object.fromEntries(Object.entries(section).map(([id, v]) => [id, fn(v as Record<string, unknown>, id)]));
}

/** Puts a template in canonical order (sections, then attributes inside each entry). */
export function canonicalTemplate(template: Template): Record<string, unknown> {
  const t = template as unknown as Record<string, unknown>;
  const withOrderedEntries: Record<string, unknown> = {
    ...t,
    Parameters: mapValues(t.Parameters as Record<string, unknown>, (p, id) => ordered(p, PARAMETER_ATTRIBUTE_ORDER, `parameter ${id}`)),
    Resources: mapValues(t.Resources as Record<string, unknown>, (r, id) => ordered(r, RESOURCE_ATTRIBUTE_ORDER, `resource ${id}`)),
    Outputs: mapValues(t.Outputs as Record<string, unknown>, (o, id) => ordered(o, OUTPUT_ATTRIBUTE_ORDER, `output ${id}`)),
  };
  return ordered(withOrderedEntries, SECTION_ORDER, 'template');
}

/** The widest line a value is folded onto (indentation and key included). */
export const LINE_WIDTH = 100;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isScalar = (v: unknown): boolean => v === null || typeof v !== 'object';

/**
 * Small values that read as one thing stay on one line: a list of scalars
 * (`["logs:CreateLogStream", "logs:PutLogEvents"]`), an intrinsic function
 * (`{ "Ref": "ProjectName" }`, `{ "Fn::GetAtt": ["LoadBalancer", "Arn"] }`) and a pair
 * such as a tag (`{ "Key": "Project", "Value": { "Ref": "ProjectName" } }`). Anything
 * larger, a policy statement say, keeps one member a line.
 */
function foldable(v: unknown, depth = 0): boolean {
  if (isScalar(v)) return true;
  if (depth > 2) return false;
  if (Array.isArray(v)) return v.length > 0 && v.every((item) => isScalar(item) || (!Array.isArray(item) && foldable(item, depth + 1)));
  const values = Object.values(v as Record<string, unknown>);
  if (values.length === 1) return foldable(values[0], depth + 1);
  return values.length === 2 && values.every((x) => isScalar(x) || (!Array.isArray(x) && Object.keys(x as object).length === 1 && foldable(x, depth + 1)));
}

function oneLine(v: Json): string {
  if (isScalar(v)) return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(oneLine).join(', ')}]`;
  return `{ ${Object.entries(v as { [key: string]: Json })
    .map(([k, x]) => `${JSON.stringify(k)}: ${oneLine(x)}`)
    .join(', ')} }`;
}

function print(v: Json, indent: string, lead: number): string {
  if (isScalar(v)) return JSON.stringify(v);
  if (!Array.isArray(v)) {
    const flat = flatMap(v as { [key: string]: Json }, indent);
    if (flat !== undefined) return flat;
  }
  const entries: [string | null, Json][] = Array.isArray(v) ? v.map((x) => [null, x]) : Object.entries(v as { [key: string]: Json });
  if (entries.length === 0) return Array.isArray(v) ? '[]' : '{}';
  if (foldable(v)) {
    const line = oneLine(v);
    if (indent.length + lead + line.length <= LINE_WIDTH) return line;
  }
  const inner = `${indent}  `;
  const lines = entries.map(([key, x]) => {
    const prefix = key === null ? '' : `${JSON.stringify(key)}: `;
    return `${inner}${prefix}${print(x, inner, prefix.length)}`;
  });
  const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
  return `${open}\n${lines.join(',\n')}\n${indent}${close}`;
}

/**
 * An object of more than two scalar members (a parameter file's Parameters or Tags) as
 * `print` writes it, one member a line (`foldable` is false for it), in one pass;
 * undefined for any other value.
 */
function flatMap(v: { [key: string]: Json }, indent: string): string | undefined {
  const keys = Object.keys(v);
  if (keys.length <= 2) return undefined;
  const inner = `${indent}  `;
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const x = v[keys[i]];
    if (!isScalar(x)) return undefined;
    out += `${i ? ',' : ''}\n${inner}${JSON.stringify(keys[i])}: ${JSON.stringify(x)}`;
  }
  return `${out}\n${indent}}`;
}

/**
 * Whether JSON.stringify would give back `v` unchanged: plain objects and arrays of
 * strings, finite numbers, booleans and null, with no undefined member.
 */
function isPlainJson(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v !== 'object') return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!(i in v) || !isPlainJson(v[i])) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in v) {
    if (!Object.prototype.hasOwnProperty.call(v, key)) return false;
    if (!isPlainJson((v as Record<string, unknown>)[key])) return false;
  }
  return true;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * Whether `v` is an object of one or more sections, each an object of more than two
 * strings, finite numbers, booleans or nulls: a parameter file's Parameters and Tags. For
 * it, `print` writes one member a line (`flatMap`) at every level, which is exactly what
 * JSON.stringify with two spaces writes, in native code and without walking it twice.
 */
function isFlatSections(v: unknown): boolean {
  if (!isPlainObject(v)) return false;
  let sections = 0;
  for (const name in v) {
    if (!Object.prototype.hasOwnProperty.call(v, name)) return false;
    const section = v[name];
    if (!isPlainObject(section)) return false;
    let members = 0;
    for (const key in section) {
      if (!Object.prototype.hasOwnProperty.call(section, key)) return false;
      const x = section[key];
      if (!(typeof x === 'string' || typeof x === 'boolean' || x === null || (typeof x === 'number' && Number.isFinite(x)))) return false;
      members++;
    }
    if (members <= 2) return false;
    sections++;
  }
  return sections > 0;
}

/**
 * Serializes any JSON document the generator writes: two spaces, small values folded
 * onto one line (see `foldable`), a final newline. A document that is not plain JSON
 * already (undefined members, toJSON, class instances) is first put through JSON.
 */
export function toJson(document: unknown): string {
  if (isFlatSections(document)) return `${JSON.stringify(document, null, 2)}\n`;
  const plain = isPlainJson(document) ? document : JSON.parse(JSON.stringify(document));
  return `${print(plain as Json, '', 0)}\n`;
}

export function serializeTemplate(template: Template): string {
  return toJson(canonicalTemplate(template));
}

/**
 * How a configuration problem reads: its path in the file (`services[2].name`), the value
 * found, and what the schema allows, from an ajv error.
 */
import type { ErrorObject } from 'ajv';

function unescape(part: string): string {
  return part.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** `services[2].name` from `/services/2/name`. */
export function configPath(pointer: string): string {
  if (pointer === '') return '(root)';
  return pointer
    .slice(1)
    .split('/')
    .map(unescape)
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function valueAt(root: unknown, pointer: string): unknown {
  let v: unknown = root;
  for (const part of pointer.split('/').slice(1)) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[unescape(part)];
  }
  return v;
}

/** A value as it reads in the file, shortened when long. */
export function show(value: unknown): string {
  return shorten(JSON.stringify(value) ?? String(value));
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function typeName(t: unknown): string {
  const types = Array.isArray(t) ? t : String(t).split(',');
  return types.map((x) => TYPE_NAMES[String(x)] ?? String(x)).join(' or ');
}

function oneOfList(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

function allowedKeys(e: ErrorObject): string {
  const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  const keys = props ? Object.keys(props).filter((k) => k !== '$schema') : [];
  return keys.length ? `allowed here: ${keys.join(', ')}` : 'no keys are allowed here';
}

/**
 * One ajv error as a sentence. Every keyword the configuration schema uses has its own
 * wording; the rest (should the schema grow) still name the path, the value and the rule.
 */
export function describeError(root: unknown, e: ErrorObject, numbers: ReadonlyMap<string, string> = new Map()): string | undefined {
  const p = e.params as Record<string, unknown>;
  // A propertyNames failure arrives twice: as the inner keyword with `propertyName` set,
  // and as a summary; the inner one says what is wrong.
  if (e.keyword === 'propertyNames') return undefined;
  if (e.propertyName !== undefined) {
    const where = configPath(`${e.instancePath}/${e.propertyName.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    const rule = e.keyword === 'pattern' ? `must match ${String(p.pattern)}` : (e.message ?? 'is not allowed');
    return `${where}: key ${show(e.propertyName)} ${rule}`;
  }
  const where = configPath(e.instancePath);
  const value = valueAt(root, e.instancePath);
  // A number as written: JSON.parse makes 1e309 Infinity (shown as null) and rounds big integers.
  const source = numbers.get(e.instancePath);
  const v = source === undefined ? show(value) : shorten(source);
  switch (e.keyword) {
    case 'required':
      return `${configPath(`${e.instancePath}/${String(p.missingProperty)}`)}: is required`;
    case 'additionalProperties':
      return `${configPath(`${e.instancePath}/${String(p.additionalProperty)}`)}: unknown key; ${allowedKeys(e)}`;
    case 'type':
      return `${where}: ${v} must be ${typeName(p.type)}`;
    case 'pattern':
      return `${where}: ${v} must match ${String(p.pattern)}`;
    case 'enum':
      return `${where}: ${v} must be one of ${oneOfList(p.allowedValues as unknown[])}`;
    case 'const':
      return `${where}: ${v} must be ${JSON.stringify(p.allowedValue)}`;
    case 'minimum':
      return `${where}: ${v} must be at least ${String(p.limit)}`;
    case 'maximum':
      return `${where}: ${v} must be at most ${String(p.limit)}`;
    case 'exclusiveMinimum':
      return `${where}: ${v} must be greater than ${String(p.limit)}`;
    case 'exclusiveMaximum':
      return `${where}: ${v} must be less than ${String(p.limit)}`;
    case 'multipleOf':
      return `${where}: ${v} must be a multiple of ${String(p.multipleOf)}`;
    case 'minLength':
      return `${where}: ${v} must have at least ${String(p.limit)} character${p.limit === 1 ? '' : 's'}`;
    case 'maxLength':
      return `${where}: ${v} must have at most ${String(p.limit)} characters`;
    case 'minItems':
      return `${where}: has ${Array.isArray(value) ? value.length : 0} items; must have at least ${String(p.limit)}`;
    case 'maxItems':
      return `${where}: has ${Array.isArray(value) ? value.length : 0} items; must have at most ${String(p.limit)}`;
    case 'uniqueItems':
      return `${where}: items ${String(p.j)} and ${String(p.i)} are the same; every item must be different`;
    case 'minProperties':
      return `${where}: must have at least ${String(p.limit)} key${p.limit === 1 ? '' : 's'}`;
    case 'maxProperties':
      return `${where}: must have at most ${String(p.limit)} keys`;
    case 'dependencies':
    case 'dependentRequired':
      return `${configPath(`${e.instancePath}/${String(p.missingProperty)}`)}: is required when ${String(p.property)} is given`;
    case 'format':
      return `${where}: ${v} must be ${String(p.format)}`;
    // Combinators report their branches' errors too; these lines say which rule failed.
    case 'if':
      return undefined;
    case 'oneOf':
    case 'anyOf':
      return `${where}: ${v} matches none of the allowed forms`;
    case 'not':
      return `${where}: ${v} is not allowed here`;
    default:
      return `${where}: ${v} ${e.message ?? 'is not valid'}`;
  }
}

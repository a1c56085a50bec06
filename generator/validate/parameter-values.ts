/**
 * Checks a parameter file (CodePipeline's template configuration: Parameters and Tags)
 * against a template's Parameters section, as CloudFormation does when the stack is
 * created or updated:
 *
 * - every parameter without a Default is given (or supplied by the deploy action as an
 *   override, and then not in the file), and no unknown name is;
 * - every value is a string (the template configuration format has no other type);
 * - String: AllowedPattern (the whole value), AllowedValues, MinLength, MaxLength;
 * - Number: a decimal number, MinValue, MaxValue, AllowedValues (compared as numbers);
 * - CommaDelimitedList and List<...>: AllowedPattern and AllowedValues for each item;
 * - AWS-specific types (VPC, subnet, security group IDs, availability zones): the shape
 *   of each ID (whether it exists is only known in the account);
 * - Tags: at most 50, keys of 1 to 128 and values of at most 256 characters, no `aws:` keys.
 */
import { ParameterDef, Template } from '../core/template';

/** The shape of the values of AWS-specific parameter types. */
export const AWS_TYPE_PATTERNS: Readonly<Record<string, RegExp>> = {
  'AWS::EC2::VPC::Id': /^vpc-[0-9a-f]{8,17}$/,
  'AWS::EC2::Subnet::Id': /^subnet-[0-9a-f]{8,17}$/,
  'AWS::EC2::SecurityGroup::Id': /^sg-[0-9a-f]{8,17}$/,
  'AWS::EC2::AvailabilityZone::Name': /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/,
};

const NUMBER = /^-?\d+(\.\d+)?$/;

/** A declared parameter, with the problems of each value seen (found once per value). */
interface Declared {
  readonly name: string;
  readonly def: ParameterDef;
  /** Whether a value must be given (no Default). */
  readonly required: boolean;
  /**
   * The problems of each value seen: the parameter files of a thousand services repeat
   * the same values (an environment's VPC, a size) for the same parameter.
   */
  readonly checked: Map<string, readonly string[]>;
}

/** A template's Parameters section, prepared once for the many files checked against it. */
interface Declarations {
  readonly byName: ReadonlyMap<string, Declared>;
  readonly params: readonly Declared[];
  readonly required: number;
}

const prepared = new WeakMap<object, Declarations>();
const NO_PARAMETERS: Readonly<Record<string, ParameterDef>> = {};

function declarations(section: Readonly<Record<string, ParameterDef>>): Declarations {
  let d = prepared.get(section);
  if (!d) {
    const params = Object.entries(section).map(([name, def]) => ({ name, def, required: def.Default === undefined, checked: checkedValues(def, name) }));
    d = { byName: new Map(params.map((p) => [p.name, p])), params, required: params.filter((p) => p.required).length };
    prepared.set(section, d);
  }
  return d;
}

/**
 * The problems found so far for a declaration, by value: shared by the templates that
 * declare the same parameter (ProjectName, ServiceName), so each value is checked once.
 */
const checked = new WeakMap<ParameterDef, Map<string, Map<string, readonly string[]>>>();

function checkedValues(def: ParameterDef, name: string): Map<string, readonly string[]> {
  let byName = checked.get(def);
  if (!byName) {
    byName = new Map();
    checked.set(def, byName);
  }
  let byValue = byName.get(name);
  if (!byValue) {
    byValue = new Map();
    byName.set(name, byValue);
  }
  return byValue;
}

function problemsOf(p: Declared, value: string): readonly string[] {
  let found = p.checked.get(value);
  if (found === undefined) {
    found = checkOne(p.name, p.def, value);
    p.checked.set(value, found);
  }
  return found;
}

/**
 * Whether the values have no problem at all, in one pass over them: the common case,
 * which needs no list of problems (`checkParameterValues` finds them otherwise).
 */
function deploys(d: Declarations, values: Readonly<Record<string, unknown>>, suppliedAtDeploy: readonly string[]): boolean {
  let required = 0;
  for (const name in values) {
    if (!Object.prototype.hasOwnProperty.call(values, name)) return false;
    const p = d.byName.get(name);
    if (p === undefined || suppliedAtDeploy.includes(name)) return false;
    const value = values[name];
    if (typeof value !== 'string' || problemsOf(p, value).length > 0) return false;
    if (p.required) required++;
  }
  for (let i = 0; i < suppliedAtDeploy.length; i++) {
    const p = d.byName.get(suppliedAtDeploy[i]);
    if (p === undefined) return false;
    if (p.required && suppliedAtDeploy.indexOf(p.name) === i) required++;
  }
  return required === d.required;
}

/** Every problem of these parameter values for this template; empty when it deploys. */
export function checkParameterValues(
  template: Template,
  values: Readonly<Record<string, unknown>>,
  /** Parameters the deployment passes as overrides: required, but not in the file. */
  suppliedAtDeploy: readonly string[] = [],
): string[] {
  const d = declarations(template.Parameters ?? NO_PARAMETERS);
  if (deploys(d, values, suppliedAtDeploy)) return [];
  const problems: string[] = [];
  for (const name of Object.keys(values)) {
    if (!d.byName.has(name)) problems.push(`${name}: the template has no such parameter`);
    if (suppliedAtDeploy.includes(name)) problems.push(`${name}: is supplied at deploy time and must not be in the file`);
  }
  for (const name of suppliedAtDeploy) {
    if (!d.byName.has(name)) problems.push(`${name}: is supplied at deploy time, but the template has no such parameter`);
  }
  for (const p of d.params) {
    if (!Object.prototype.hasOwnProperty.call(values, p.name)) {
      if (p.required && !suppliedAtDeploy.includes(p.name)) problems.push(`${p.name}: is required (no default)`);
      continue;
    }
    const value = values[p.name];
    if (typeof value !== 'string') {
      problems.push(`${p.name}: ${JSON.stringify(value)} must be a string in a template configuration file`);
      continue;
    }
    for (const found of problemsOf(p, value)) problems.push(found);
  }
  return problems;
}

const patterns = new Map<string, RegExp>();

/** AllowedPattern matches the whole value, as CloudFormation applies it. */
function allowedPattern(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) {
    re = new RegExp(`^(?:${source})$`);
    patterns.set(source, re);
  }
  return re;
}

function checkOne(name: string, def: ParameterDef, value: string): string[] {
  const show = JSON.stringify(value);
  if (def.Type === 'Number') {
    if (!NUMBER.test(value)) return [`${name}: ${show} is not a number`];
    const n = Number(value);
    const problems: string[] = [];
    if (def.MinValue !== undefined && n < def.MinValue) problems.push(`${name}: ${show} is below MinValue ${def.MinValue}`);
    if (def.MaxValue !== undefined && n > def.MaxValue) problems.push(`${name}: ${show} is above MaxValue ${def.MaxValue}`);
    if (def.AllowedValues && !def.AllowedValues.some((a) => Number(a) === n)) {
      problems.push(`${name}: ${show} is not one of ${def.AllowedValues.join(', ')}`);
    }
    return problems;
  }
  const problems: string[] = [];
  const isList = def.Type === 'CommaDelimitedList' || def.Type.startsWith('List<');
  const itemType = isList ? def.Type.replace(/^List<(.*)>$/, '$1') : def.Type;
  const items = isList ? value.split(',') : [value];
  const pattern = def.AllowedPattern === undefined ? undefined : allowedPattern(def.AllowedPattern);
  for (const item of items) {
    const at = isList ? `${name}: item ${JSON.stringify(item)}` : `${name}: ${show}`;
    const shape = AWS_TYPE_PATTERNS[itemType];
    if (shape && !shape.test(item)) problems.push(`${at} is not a valid ${itemType}`);
    if (pattern && !pattern.test(item)) problems.push(`${at} does not match AllowedPattern ${def.AllowedPattern}`);
    if (def.AllowedValues && !def.AllowedValues.map(String).includes(item)) {
      problems.push(`${at} is not one of ${def.AllowedValues.join(', ')}`);
    }
  }
  if ('MinLength' in def && def.MinLength !== undefined && value.length < def.MinLength) {
    problems.push(`${name}: ${show} is shorter than MinLength ${def.MinLength}`);
  }
  if ('MaxLength' in def && def.MaxLength !== undefined && value.length > def.MaxLength) {
    problems.push(`${name}: ${show} is longer than MaxLength ${def.MaxLength}`);
  }
  return problems;
}

/** Stack tags, which CloudFormation propagates to every resource that takes tags. */
export function checkTags(tags: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  const keys = Object.keys(tags);
  if (keys.length > 50) problems.push(`Tags: ${keys.length} tags; a stack may have at most 50`);
  for (const key of keys) {
    const value = tags[key];
    if (key.length < 1 || key.length > 128) problems.push(`Tags.${key}: the key must have 1 to 128 characters`);
    if (/^aws:/i.test(key)) problems.push(`Tags.${key}: keys starting with "aws:" are reserved`);
    if (typeof value !== 'string') problems.push(`Tags.${key}: ${JSON.stringify(value)} must be a string`);
    else if (value.length > 256) problems.push(`Tags.${key}: the value has ${value.length} characters; at most 256 are allowed`);
  }
  return problems;
}

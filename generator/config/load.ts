/**
 * Reads and checks a project configuration. Every problem is collected and reported
 * at once, each naming its path in the file, the value found and what is allowed:
 *
 *   services[2].name: "Web_App" must match ^[a-z][a-z0-9-]{0,15}$
 *
 * Two layers: the JSON Schema (schemas/config.schema.json, compiled once per process),
 * then the rules a schema cannot say (duplicates, accounts, Fargate sizes, name lengths).
 * The second layer also runs when the first finds problems, on the parts that are well
 * formed, so one run reports everything.
 */
import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIGURED_NAMES, NameShape, measureName } from '../core/naming';
import { PATTERNS } from '../core/parameters';
import { PROJECT_ROOT, SCHEMA_DIR } from '../core/paths';
import { compiledValidators } from '../validate/compiled';
import { describeMemory, fargateMemoryFor } from './fargate';
import { ProjectConfig, ResolvedConfig, resolveConfig } from './types';

export const CONFIG_SCHEMA_PATH = path.join(SCHEMA_DIR, 'config.schema.json');
export const EXAMPLE_CONFIG_PATH = path.join(PROJECT_ROOT, 'generator', 'config', 'example.json');

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the configuration\n  ${problems.join('\n  ')}`);
  }
}

/**
 * The options the configuration schema is compiled with, ahead of time by the build
 * (generator/validate/aot.ts): every error; verbose, so errors carry their schema and an
 * unknown key can list the allowed ones. The schema itself is checked against draft-07 by
 * the tests, not at every start.
 */
export const CONFIG_AJV_OPTIONS: Options = { allErrors: true, strict: true, allowUnionTypes: true, verbose: true, validateSchema: false };

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  compiled ??= compiledValidators('config').config;
  return compiled;
}

// --- Paths and values in messages ---------------------------------------------------------

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
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
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
function describeError(root: unknown, e: ErrorObject): string | undefined {
  const p = e.params as Record<string, unknown>;
  // A propertyNames failure arrives twice: as the inner keyword with `propertyName` set,
  // and as a summary; the inner one says what is wrong.
  if (e.keyword === 'propertyNames') return undefined;
  if (e.propertyName !== undefined) {
    const where = configPath(`${e.instancePath}/${e.propertyName.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    const rule = e.keyword === 'pattern' ? `must match ${String(p.pattern)}` : e.message ?? 'is not allowed';
    return `${where}: key ${show(e.propertyName)} ${rule}`;
  }
  const where = configPath(e.instancePath);
  const value = valueAt(root, e.instancePath);
  const v = show(value);
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

// --- Rules a schema cannot say -----------------------------------------------------------------
//
// These read the raw JSON defensively: a part that the schema already found malformed is
// skipped here, so each problem is reported once.

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function objects(v: unknown): Array<[number, Json]> {
  return Array.isArray(v) ? v.flatMap((x, i) => (isObject(x) ? [[i, x] as [number, Json]] : [])) : [];
}
const regExps = new Map<string, RegExp>();
function matches(pattern: string, value: string): boolean {
  let re = regExps.get(pattern);
  if (!re) regExps.set(pattern, (re = new RegExp(pattern)));
  return re.test(value);
}
function str(o: Json | undefined, key: string, pattern?: string): string | undefined {
  const v = o?.[key];
  return typeof v === 'string' && (!pattern || matches(pattern, v)) ? v : undefined;
}
function int(o: Json | undefined, key: string): number | undefined {
  const v = o?.[key];
  return Number.isInteger(v) ? (v as number) : undefined;
}

interface Env {
  readonly index: number;
  readonly name: string;
  /** Undefined when the configured suffix is malformed (the schema reports it). */
  readonly suffix: string | undefined;
  /** The field the suffix comes from: environmentSuffix when given, else name. */
  readonly suffixPath: string;
  /** Whether an earlier environment has the same name. */
  readonly duplicate: boolean;
}

function environmentsOf(data: Json): Env[] {
  const names = new Set<string>();
  return objects(data.environments).flatMap(([index, e]) => {
    const name = str(e, 'name', PATTERNS.environmentName);
    if (name === undefined) return [];
    const duplicate = names.has(name);
    names.add(name);
    if (e.environmentSuffix !== undefined) {
      const suffix = str(e, 'environmentSuffix', PATTERNS.environmentSuffix);
      return [{ index, name, suffix, suffixPath: `environments[${index}].environmentSuffix`, duplicate }];
    }
    return [{ index, name, suffix: name, suffixPath: `environments[${index}].name`, duplicate }];
  });
}

/** Environments whose suffix is known, each name once. */
function withSuffix(envs: readonly Env[]): Array<Env & { readonly suffix: string }> {
  return envs.filter((e): e is Env & { suffix: string } => e.suffix !== undefined && !e.duplicate);
}

function firstSeen<T>(items: readonly T[], key: (t: T) => string | undefined, report: (t: T, first: T, k: string) => void): void {
  const seen = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const first = seen.get(k);
    if (first === undefined) seen.set(k, item);
    else report(item, first, k);
  }
}

function uniqueness(data: Json, envs: readonly Env[], problems: string[]): void {
  const services = objects(data.services);
  firstSeen(
    services,
    ([, s]) => str(s, 'name', PATTERNS.serviceName),
    ([i], [first], name) => problems.push(`services[${i}].name: "${name}" is already the name of services[${first}]; service names must be unique`),
  );
  firstSeen(
    objects(data.environments),
    ([, e]) => str(e, 'name', PATTERNS.environmentName),
    ([i], [first], name) =>
      problems.push(`environments[${i}].name: "${name}" is already the name of environments[${first}]; environment names must be unique`),
  );

  // Every environment in an account of its own, and none in the tools account: roles,
  // networks and stack names are per account, and the pipeline's trust boundary is the account.
  const tools = isObject(data.tools) ? data.tools : undefined;
  const accounts: Array<{ path: string; id: string | undefined }> = [
    { path: 'tools.accountId', id: str(tools, 'accountId', PATTERNS.accountId) },
    ...objects(data.environments).map(([i, e]) => ({ path: `environments[${i}].accountId`, id: str(e, 'accountId', PATTERNS.accountId) })),
  ];
  firstSeen(
    accounts,
    (a) => a.id,
    (a, first, id) =>
      problems.push(
        `${a.path}: "${id}" is already ${first.path}; ${first.path === 'tools.accountId' ? 'the tools account cannot also be an environment' : 'every environment needs an account of its own'}`,
      ),
  );

  const toolsSuffix = tools?.environmentSuffix === undefined ? 'tools' : str(tools, 'environmentSuffix', PATTERNS.environmentSuffix);
  const suffixes: Array<{ path: string; suffix: string | undefined }> = [
    { path: tools?.environmentSuffix === undefined ? 'tools.environmentSuffix (default "tools")' : 'tools.environmentSuffix', suffix: toolsSuffix },
    ...withSuffix(envs).map((e) => ({ path: e.suffixPath, suffix: e.suffix })),
  ];
  firstSeen(
    suffixes,
    (s) => s.suffix,
    (s, first, suffix) => problems.push(`${s.path}: environment suffix "${suffix}" is already used by ${first.path}; every suffix must be different`),
  );
}

function sourceRules(data: Json, problems: string[]): void {
  if (!isObject(data.source)) return;
  const source = data.source;
  const provider = source.provider === undefined ? 'CodeStarSourceConnection' : source.provider;
  const repoShape = (key: string): void => {
    const repo = str(source, key);
    if (repo === undefined) return;
    if (provider === 'CodeStarSourceConnection' && !repo.includes('/')) {
      problems.push(`source.${key}: ${show(repo)} must be "owner/name" when source.provider is "CodeStarSourceConnection"`);
    }
    if (provider === 'CodeCommit' && repo.includes('/')) {
      problems.push(`source.${key}: ${show(repo)} must be a CodeCommit repository name (no "/") when source.provider is "CodeCommit"`);
    }
  };
  if (provider === 'CodeStarSourceConnection' && source.connectionArn === undefined) {
    problems.push('source.connectionArn: is required when source.provider is "CodeStarSourceConnection"');
  }
  if (provider === 'CodeCommit' && source.connectionArn !== undefined) {
    problems.push('source.connectionArn: must be left out when source.provider is "CodeCommit"');
  }
  if (provider === 'CodeStarSourceConnection' || provider === 'CodeCommit') {
    repoShape('repository');
    repoShape('templatesRepository');
  }
}

function networkRules(data: Json, problems: string[]): void {
  for (const [i, e] of objects(data.environments)) {
    const cidr = str(e, 'vpcCidr');
    const m = cidr === undefined ? null : /^(\d+)\.(\d+)\.0\.0\/16$/.exec(cidr);
    if (!m) continue;
    const [a, b] = [Number(m[1]), Number(m[2])];
    const isPrivate = (a === 10 && b <= 255) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
    if (!isPrivate) {
      problems.push(`environments[${i}].vpcCidr: "${cidr}" must be a private /16 block: 10.0-255.0.0/16, 172.16-31.0.0/16 or 192.168.0.0/16`);
    }
  }
}

function serviceRules(data: Json, envs: readonly Env[], problems: string[]): void {
  const envNames = [...new Set(envs.map((e) => e.name))];
  for (const [i, s] of objects(data.services)) {
    // Fargate sizes: the schema limits each number, the table their combination.
    const cpuValue = s.cpu === undefined ? 256 : int(s, 'cpu');
    const memory = s.memoryMiB === undefined ? 512 : int(s, 'memoryMiB');
    const allowed = cpuValue === undefined ? undefined : fargateMemoryFor(cpuValue);
    if (allowed && memory !== undefined && memory >= 512 && !allowed.includes(memory)) {
      const cpuText = s.cpu === undefined ? 'the default cpu 256' : `cpu ${cpuValue}`;
      const memText = s.memoryMiB === undefined ? 'the default memoryMiB 512' : String(memory);
      problems.push(
        `services[${i}].memoryMiB: ${memText} is not a Fargate size for ${cpuText}; with cpu ${cpuValue} Fargate allows ${describeMemory(allowed)}`,
      );
    }

    if (!isObject(s.environments)) continue;
    const defaultStrategy = 'blue-green';
    for (const [key, own] of Object.entries(s.environments)) {
      if (!matches(PATTERNS.environmentName, key)) continue; // the schema reports the key
      if (envs.length && !envNames.includes(key)) {
        problems.push(`services[${i}].environments.${key}: no such environment; environments are ${envNames.join(', ')}`);
        continue;
      }
      if (isObject(own) && own.trafficRouting !== undefined && (own.deploymentStrategy ?? defaultStrategy) === 'rolling') {
        problems.push(
          `services[${i}].environments.${key}.trafficRouting: ${show(own.trafficRouting)} applies to blue-green deployments only; deploymentStrategy is "rolling"`,
        );
      }
    }
  }
}

/**
 * Names the templates will give, from the configured values, against each name's limit
 * (the shapes and the limits come from the naming module the templates use). One problem
 * per service and environment (or per environment): the first name that does not fit.
 */
export function nameProblems(data: unknown, shapes: readonly NameShape[] = CONFIGURED_NAMES): string[] {
  const problems: string[] = [];
  if (isObject(data)) nameRules(data, environmentsOf(data), problems, shapes);
  return problems;
}

function nameRules(data: Json, envs: readonly Env[], problems: string[], shapes: readonly NameShape[] = CONFIGURED_NAMES): void {
  const project = str(isObject(data.project) ? data.project : undefined, 'name', PATTERNS.projectName);
  if (project === undefined) return;
  const tools = isObject(data.tools) ? data.tools : undefined;
  const toolsSuffix = tools?.environmentSuffix === undefined ? 'tools' : str(tools, 'environmentSuffix', PATTERNS.environmentSuffix);
  const toolsSuffixPath = 'tools.environmentSuffix';
  const services = objects(data.services).flatMap(([i, s]) => {
    const name = str(s, 'name', PATTERNS.serviceName);
    return name === undefined ? [] : [{ i, name }];
  });

  const firstProblem = (shapes: readonly NameShape[], v: { project: string; service: string; suffix: string }) => {
    for (const shape of shapes) {
      const m = measureName(shape.kind, shape.parts(v));
      if (m.problem) return `makes the ${shape.what} name "${m.name}", which ${m.problem}`;
    }
    return undefined;
  };
  const byScope = (scope: NameShape['scope']) => shapes.filter((s) => s.scope === scope);

  const named = withSuffix(envs);
  for (const env of named) {
    const p = firstProblem(byScope('environment'), { project, service: '', suffix: env.suffix });
    if (p) problems.push(`${env.suffixPath}: environment suffix "${env.suffix}" with project.name "${project}" ${p}`);
  }
  for (const svc of services) {
    for (const env of named) {
      const p = firstProblem(byScope('service-environment'), { project, service: svc.name, suffix: env.suffix });
      if (p) problems.push(`services[${svc.i}].name: "${svc.name}" with environment suffix "${env.suffix}" (${env.suffixPath}) ${p}`);
    }
    if (toolsSuffix !== undefined) {
      const p = firstProblem(byScope('service-tools'), { project, service: svc.name, suffix: toolsSuffix });
      if (p) problems.push(`services[${svc.i}].name: "${svc.name}" with project.name "${project}" and ${toolsSuffixPath} "${toolsSuffix}" ${p}`);
    }
  }

  // Two services may not get the same name in one environment (a name shortened to fit
  // its limit can make two distinct services collide).
  for (const shape of byScope('service-environment')) {
    for (const env of named) {
      firstSeen(
        services,
        (svc) => measureName(shape.kind, shape.parts({ project, service: svc.name, suffix: env.suffix })).name,
        (svc, first, name) => {
          if (svc.name === first.name) return; // a duplicate service name, reported above
          problems.push(
            `services[${svc.i}].name: "${svc.name}" gives the ${shape.what} name "${name}" in ${env.name}, as services[${first.i}].name "${first.name}" does; the names must differ`,
          );
        },
      );
    }
  }
}

function semanticProblems(data: unknown): string[] {
  if (!isObject(data)) return [];
  const problems: string[] = [];
  const envs = environmentsOf(data);
  uniqueness(data, envs, problems);
  sourceRules(data, problems);
  networkRules(data, problems);
  serviceRules(data, envs, problems);
  nameRules(data, envs, problems);
  return problems;
}

// --- Reading -------------------------------------------------------------------------------------

/** `line 3, column 7` for a JSON.parse error that names a position. */
function jsonErrorAt(text: string, message: string): string {
  const m = /at position (\d+)/.exec(message);
  const detail = message.replace(/^(Unexpected token .*?|.*?) in JSON at position \d+.*$/s, '$1').replace(/\s*\(line \d+ column \d+\)$/, '');
  if (!m) return detail;
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const column = Number(m[1]) - before.lastIndexOf('\n');
  return `${detail} at line ${line}, column ${column}`;
}

/**
 * Keys that appear twice in one object. JSON.parse keeps the last silently, so a second
 * `services` list would hide the first; the text has already parsed, so a scan over its
 * strings and brackets is enough.
 */
export function duplicateKeys(text: string): string[] {
  interface Frame {
    readonly object: boolean;
    readonly path: string;
    readonly keys: Set<string>;
    expectKey: boolean;
    key: string;
    index: number;
  }
  const problems: string[] = [];
  const stack: Frame[] = [];
  const childPath = (f: Frame | undefined) =>
    f === undefined ? '' : f.object ? (f.path ? `${f.path}.${f.key}` : f.key) : `${f.path}[${f.index}]`;
  for (const [token] of text.matchAll(/"(?:[^"\\]|\\.)*"|[{}[\],]/g)) {
    const top = stack[stack.length - 1];
    if (token === '{' || token === '[') {
      stack.push({ object: token === '{', path: childPath(top), keys: new Set(), expectKey: token === '{', key: '', index: 0 });
    } else if (token === '}' || token === ']') {
      stack.pop();
    } else if (token === ',') {
      if (top?.object) top.expectKey = true;
      else if (top) top.index++;
    } else if (top?.object && top.expectKey) {
      const key = JSON.parse(token) as string;
      top.key = key;
      top.expectKey = false;
      if (top.keys.has(key)) problems.push(`${childPath(top) || key}: the key appears twice in one object; only the last would count`);
      top.keys.add(key);
    }
  }
  return problems;
}

/** Parses and checks configuration text; throws ConfigError listing every problem. */
export function parseConfig(text: string, file: string): ResolvedConfig {
  if (text.trim() === '') throw new ConfigError(file, ['(root): the file is empty; expected a JSON object']);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(file, [`(root): not valid JSON: ${jsonErrorAt(text, (e as Error).message)}`]);
  }
  const validate = validator();
  const problems: string[] = duplicateKeys(text);
  if (!validate(data)) {
    for (const e of validate.errors ?? []) {
      const line = describeError(data, e);
      if (line !== undefined) problems.push(line);
    }
  }
  problems.push(...semanticProblems(data));
  const unique = [...new Set(problems)];
  if (unique.length) throw new ConfigError(file, unique);
  return resolveConfig(data as ProjectConfig);
}

export function loadConfig(file: string): ResolvedConfig {
  let text: string;
  try {
    if (fs.statSync(file).isDirectory()) throw new ConfigError(file, ['(root): is a directory; expected a JSON configuration file']);
    // An editor may start the file with a byte order mark; JSON.parse does not accept one.
    text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code ?? (e as Error).message;
    throw new ConfigError(file, [`(root): cannot read the file: ${reason}`]);
  }
  return parseConfig(text, file);
}

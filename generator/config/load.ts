/**
 * Reads and checks a project configuration. Every problem is collected and reported
 * at once, each naming its path in the file, the value found and what is allowed.
 */
import Ajv, { ErrorObject } from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProjectConfig, ResolvedConfig, resolveConfig } from './types';

export const CONFIG_SCHEMA_PATH = path.resolve(__dirname, '..', '..', 'schemas', 'config.schema.json');
export const EXAMPLE_CONFIG_PATH = path.resolve(__dirname, 'example.json');

export class ConfigError extends Error {
  constructor(readonly file: string, readonly problems: readonly string[]) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the configuration\n  ${problems.join('\n  ')}`);
  }
}

let compiled: ReturnType<Ajv['compile']> | undefined;
function validator() {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    compiled = ajv.compile(JSON.parse(fs.readFileSync(CONFIG_SCHEMA_PATH, 'utf8')));
  }
  return compiled;
}

/** `services[2].name` from `/services/2/name`. */
export function configPath(pointer: string): string {
  if (pointer === '') return '(root)';
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function valueAt(root: unknown, pointer: string): unknown {
  let v: unknown = root;
  for (const part of pointer.split('/').slice(1)) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

function describeError(root: unknown, e: ErrorObject): string {
  const where = configPath(e.instancePath);
  const value = JSON.stringify(valueAt(root, e.instancePath));
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `${configPath(`${e.instancePath}/${String(p.missingProperty)}`)}: is required`;
    case 'additionalProperties':
      return `${configPath(`${e.instancePath}/${String(p.additionalProperty)}`)}: unknown key; allowed here: ${allowedKeys(e)}`;
    case 'pattern':
      return `${where}: ${value} must match ${String(p.pattern)}`;
    case 'enum':
      return `${where}: ${value} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `${where}: ${value} must be of type ${String(p.type)}`;
    case 'minimum':
    case 'maximum':
      return `${where}: ${value} must be ${e.keyword === 'minimum' ? '>=' : '<='} ${String(p.limit)}`;
    case 'minItems':
    case 'maxItems':
      return `${where}: must have ${e.keyword === 'minItems' ? 'at least' : 'at most'} ${String(p.limit)} item(s)`;
    case 'maxLength':
    case 'minLength':
      return `${where}: ${value} must have ${e.keyword === 'minLength' ? 'at least' : 'at most'} ${String(p.limit)} characters`;
    case 'propertyNames':
      return `${where}: key ${JSON.stringify(p.propertyName)} is not allowed`;
    default:
      return `${where}: ${value} ${e.message ?? 'is not valid'}`;
  }
}

function allowedKeys(e: ErrorObject): string {
  const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props).filter((k) => k !== '$schema').join(', ') : '(none)';
}

/** Rules a JSON Schema cannot say. */
function semanticProblems(c: ProjectConfig): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  c.services.forEach((s, i) => {
    const first = seen.get(s.name);
    if (first !== undefined) problems.push(`services[${i}].name: "${s.name}" is already the name of services[${first}]`);
    else seen.set(s.name, i);
  });
  const envIndex = new Map<string, number>();
  c.environments.forEach((e, i) => {
    const first = envIndex.get(e.name);
    if (first !== undefined) problems.push(`environments[${i}].name: "${e.name}" is already the name of environments[${first}]`);
    else envIndex.set(e.name, i);
  });
  const accounts = new Map<string, string>([[c.tools.accountId, 'tools.accountId']]);
  c.environments.forEach((e, i) => {
    const first = accounts.get(e.accountId);
    if (first !== undefined) {
      problems.push(`environments[${i}].accountId: "${e.accountId}" is already ${first}; every environment needs an account of its own`);
    } else accounts.set(e.accountId, `environments[${i}].accountId`);
  });
  const suffixes = new Map<string, string>([[c.tools.environmentSuffix ?? 'tools', 'tools.environmentSuffix']]);
  c.environments.forEach((e, i) => {
    const suffix = e.environmentSuffix ?? e.name;
    const first = suffixes.get(suffix);
    if (first !== undefined) problems.push(`environments[${i}].environmentSuffix: "${suffix}" is already used by ${first}`);
    else suffixes.set(suffix, `environments[${i}]`);
  });
  const provider = c.source.provider ?? 'CodeStarSourceConnection';
  if (provider === 'CodeStarSourceConnection' && c.source.connectionArn === undefined) {
    problems.push('source.connectionArn: is required when source.provider is "CodeStarSourceConnection"');
  }
  if (provider === 'CodeCommit' && c.source.connectionArn !== undefined) {
    problems.push('source.connectionArn: must be left out when source.provider is "CodeCommit"');
  }
  c.services.forEach((s, i) => {
    for (const name of Object.keys(s.environments ?? {})) {
      if (!envIndex.has(name)) {
        problems.push(`services[${i}].environments.${name}: no such environment; environments are ${[...envIndex.keys()].join(', ')}`);
      }
    }
  });
  return problems;
}

/** Parses and checks configuration text; throws ConfigError listing every problem. */
export function parseConfig(text: string, file: string): ResolvedConfig {
  if (text.trim() === '') throw new ConfigError(file, ['(root): the file is empty; expected a JSON object']);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(file, [`(root): not valid JSON: ${(e as Error).message}`]);
  }
  const validate = validator();
  if (!validate(data)) {
    const problems = [...new Set((validate.errors ?? []).map((e) => describeError(data, e)))];
    throw new ConfigError(file, problems);
  }
  const config = data as ProjectConfig;
  const problems = semanticProblems(config);
  if (problems.length) throw new ConfigError(file, problems);
  return resolveConfig(config);
}

export function loadConfig(file: string): ResolvedConfig {
  let text: string;
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) throw new ConfigError(file, ['(root): is a directory; expected a JSON configuration file']);
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(file, [`(root): cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`]);
  }
  return parseConfig(text, file);
}

/**
 * Templates and parameter files on disk, and what a template asks of a deployment
 * (capabilities, parameters). The inspection functions are pure; the readers only read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../generator/core/paths';
import { RESOURCE_TYPES, ResourceTypeEntry } from '../../generator/core/resource-types';
import { ArgsWith, TEMPLATES_DIR_FLAG, UsageError } from './args';
import { interruptedChange } from './patch-tree';

export const DEFAULT_TEMPLATES_DIR = path.join(PROJECT_ROOT, 'templates');

export interface TemplateJson {
  readonly Parameters?: Record<string, { Type?: string; Default?: unknown; NoEcho?: unknown }>;
  readonly Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  readonly Outputs?: Record<string, unknown>;
  readonly Transform?: string | string[];
  readonly [key: string]: unknown;
}

export interface LoadedTemplate {
  /** `member-roles` for templates/member-roles.json. */
  readonly name: string;
  readonly file: string;
  readonly body: string;
  readonly json: TemplateJson;
}

export interface ParameterFile {
  readonly file: string;
  readonly parameters: Record<string, string>;
  readonly tags: Record<string, string>;
}

/**
 * `--templates-dir`, or templates/ of this repository; refused while the journal of an
 * interrupted generate says the tree may be half changed (scripts/lib/patch-tree.ts).
 */
export function templatesDir(args: ArgsWith<[typeof TEMPLATES_DIR_FLAG]>): string {
  const given = args.strings['templates-dir'];
  const dir = given === undefined ? DEFAULT_TEMPLATES_DIR : path.resolve(given);
  const journal = interruptedChange(dir);
  if (journal) throw new UsageError(`${dir} may be half changed: a generate was interrupted (${journal}); run npm run generate, which completes it`);
  return dir;
}

/** Accepts `member-roles`, `member-roles.json` or `templates/member-roles.json`. */
export function templateName(arg: string): string {
  return path.basename(arg).replace(/\.json$/, '');
}

export function listTemplates(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}

/**
 * The file a template argument names: a bare name (`network`, `network.json`) is looked
 * up in `dir`; a path (`templates/network.json`, `../x/network.json`) must be that very
 * file and lie directly in `dir`, never a namesake elsewhere.
 */
export function templateFile(dir: string, arg: string): string | undefined {
  if (!arg.includes('/') && !arg.includes(path.sep)) return undefined;
  const given = path.resolve(arg);
  const real = (p: string) => (fs.existsSync(p) ? fs.realpathSync(p) : path.resolve(p));
  if (!fs.existsSync(given)) throw new UsageError(`template file ${arg} does not exist`);
  if (path.dirname(real(given)) !== real(dir) || !given.endsWith('.json')) {
    throw new UsageError(
      `${arg} is not a template in ${path.relative(process.cwd(), dir) || dir}/: the scripts deploy only the generated templates there; name one (e.g. network) or pass --templates-dir`,
    );
  }
  return real(given);
}

export function loadTemplate(dir: string, arg: string): LoadedTemplate {
  const exact = templateFile(dir, arg);
  const name = templateName(arg);
  const file = exact ?? path.join(dir, `${name}.json`);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    const known = listTemplates(dir);
    throw new UsageError(`template ${JSON.stringify(arg)} does not exist in ${path.relative(process.cwd(), dir) || dir}/; templates there: ${known.join(', ') || '(none)'}`);
  }
  const body = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON: ${(e as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || typeof (json as TemplateJson).Resources !== 'object') {
    throw new UsageError(`${file}: not a CloudFormation template (no Resources section)`);
  }
  return { name, file, body, json: json as TemplateJson };
}

/** Reads a parameter file in CodePipeline's template configuration format. */
export function loadParameterFile(file: string): ParameterFile {
  if (!fs.existsSync(file)) throw new UsageError(`parameter file ${file} does not exist`);
  if (fs.statSync(file).isDirectory()) throw new UsageError(`parameter file ${file} is a folder; name one of its files (${listJson(file) || 'it holds none'})`);
  if (!fs.statSync(file).isFile()) throw new UsageError(`parameter file ${file} is not a regular file`);
  let data: unknown;
  try {
    // A byte order mark is accepted, as the generator accepts one in the configuration.
    data = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON: ${(e as Error).message}`);
  }
  return { file, ...parseParameterFile(file, data) };
}

/** The .json files and folders directly in `dir`, for a hint. */
function listJson(dir: string): string {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() || e.name.endsWith('.json'))
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
    .sort()
    .join(', ');
}

/**
 * A service environment's settings as `Environment.NAME`, `Secrets.NAME`,
 * `ExecutionRoleStatements.SID`, `TaskRoleStatements.SID` with their values, for a diff.
 * The render step writes them into the template (scripts/render-service-template.js).
 */
function settingEntries(settings: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof settings !== 'object' || settings === null) return out;
  for (const [section, list] of Object.entries(settings as Record<string, unknown>)) {
    if (!Array.isArray(list)) continue;
    for (const item of list as Array<Record<string, unknown>>) {
      const key = String(item?.Name ?? item?.Sid);
      out[`${section}.${key}`] = item && 'Value' in item ? String(item.Value) : item && 'ValueFrom' in item ? String(item.ValueFrom) : JSON.stringify(item);
    }
  }
  return out;
}

/**
 * Checks the `{"Parameters": {...}, "Tags": {...}}` shape; every value a string. A
 * service environment's file may also hold `ServiceSettings` (returned as `settings`).
 */
export function parseParameterFile(file: string, data: unknown): { parameters: Record<string, string>; tags: Record<string, string>; settings: Record<string, string> } {
  const problems: string[] = [];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`${file}: expected {"Parameters": {...}, "Tags": {...}}`);
  }
  const record = data as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!['Parameters', 'Tags', 'StackPolicy', 'ServiceSettings'].includes(key)) problems.push(`${key}: unknown key; allowed: Parameters, Tags, StackPolicy, ServiceSettings`);
  }
  const section = (key: string): Record<string, string> => {
    const v = record[key];
    if (v === undefined) return {};
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      problems.push(`${key}: must be an object of strings`);
      return {};
    }
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(v)) {
      // A key like __proto__ would not become an entry of `out` but its prototype: refused
      // by name instead of dropped without a word.
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') problems.push(`${key}.${k}: not a name this file may use`);
      else if (key === 'Parameters' && !/^[A-Za-z0-9]+$/.test(k)) problems.push(`${key}.${k}: parameter names are alphanumeric`);
      else if (typeof val !== 'string') problems.push(`${key}.${k}: ${JSON.stringify(val)} must be a string`);
      else out[k] = val;
    }
    return out;
  };
  const parameters = section('Parameters');
  const tags = section('Tags');
  if (problems.length) throw new UsageError(`${file}: ${problems.join('; ')}`);
  return { parameters, tags, settings: settingEntries(record.ServiceSettings) };
}

/** Parameters the file names that the template does not declare, and required ones it lacks. */
export function parameterProblems(template: TemplateJson, parameters: Readonly<Record<string, string>>): string[] {
  const declared = template.Parameters ?? {};
  const problems: string[] = [];
  for (const key of Object.keys(parameters)) {
    if (!(key in declared)) problems.push(`parameter ${key} is not declared by the template`);
  }
  for (const [key, p] of Object.entries(declared)) {
    if (p.Default === undefined && !(key in parameters)) problems.push(`parameter ${key} has no default and no value`);
  }
  return problems;
}

const IAM_TYPES = new Set([
  'AWS::IAM::Role',
  'AWS::IAM::User',
  'AWS::IAM::Group',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::InstanceProfile',
  'AWS::IAM::AccessKey',
  'AWS::IAM::UserToGroupAddition',
  'AWS::IAM::RolePolicy',
  'AWS::IAM::UserPolicy',
  'AWS::IAM::GroupPolicy',
]);

/**
 * The named IAM types the generator never emits, which a template of another
 * `--templates-dir` may hold: CloudFormation demands CAPABILITY_NAMED_IAM for a custom
 * name on these as on the registry's (AWS CloudFormation User Guide, "Acknowledging IAM
 * resources in CloudFormation templates").
 */
const OTHER_IAM_NAME_PROPERTIES: ReadonlyArray<readonly [string, string]> = [
  ['AWS::IAM::Group', 'GroupName'],
  ['AWS::IAM::InstanceProfile', 'InstanceProfileName'],
  ['AWS::IAM::User', 'UserName'],
];

/**
 * The property that gives each IAM type a custom name (needs CAPABILITY_NAMED_IAM): its
 * `name` in the registry of resource types for every type the generator emits, and the
 * few others above.
 */
const IAM_NAME_PROPERTIES: ReadonlyMap<string, string> = new Map([
  ...OTHER_IAM_NAME_PROPERTIES,
  ...Object.entries(RESOURCE_TYPES as Readonly<Record<string, ResourceTypeEntry>>).flatMap(([type, entry]) =>
    IAM_TYPES.has(type) && entry.name !== null ? [[type, entry.name.property] as const] : [],
  ),
]);

export type Capability = 'CAPABILITY_IAM' | 'CAPABILITY_NAMED_IAM' | 'CAPABILITY_AUTO_EXPAND';

/** The capabilities CloudFormation will demand for this template. */
export function requiredCapabilities(template: TemplateJson): Capability[] {
  const caps: Capability[] = [];
  const resources = Object.values(template.Resources ?? {});
  const iam = resources.filter((r) => IAM_TYPES.has(r.Type));
  const named = (r: (typeof iam)[number]) => {
    const property = IAM_NAME_PROPERTIES.get(r.Type);
    return property !== undefined && r.Properties?.[property] !== undefined;
  };
  if (iam.some(named)) {
    caps.push('CAPABILITY_NAMED_IAM');
  } else if (iam.length > 0) caps.push('CAPABILITY_IAM');
  if (hasTransform(template)) caps.push('CAPABILITY_AUTO_EXPAND');
  return caps;
}

export function hasTransform(template: TemplateJson): boolean {
  const t = template.Transform;
  return typeof t === 'string' ? t !== '' : Array.isArray(t) && t.length > 0;
}

/** The environment a parameter file is for: EnvironmentName, the Environment tag, or EnvironmentSuffix. */
export function parameterEnvironment(pf: { parameters: Readonly<Record<string, string>>; tags: Readonly<Record<string, string>> }): string | undefined {
  return pf.parameters.EnvironmentName ?? pf.tags.Environment ?? pf.parameters.EnvironmentSuffix;
}

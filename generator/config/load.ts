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
import type { ErrorObject, ValidateFunction } from 'ajv';
import * as path from 'node:path';
import { CONFIGURED_NAMES, NameShape, measureName } from '../core/naming';
import { PATTERNS } from '../core/parameters';
import { PROJECT_ROOT, SCHEMA_DIR } from '../core/paths';
import { CONFIG_MAX_BYTES, ReadFileError, readTextFile } from '../core/read-file';
import { compiledValidators } from '../core/compiled-validators';
import { autoScalingProblems } from './autoscaling';
import { describeMemory, fargateMemoryFor } from './fargate';
import { ECS_STRATEGY, nativeTrafficProblems } from './ecs-traffic';
import { appSettingsProblems } from './app-settings';
import { NATIVE_DEFAULTS, SERVICE_DEFAULTS, SERVICE_ENVIRONMENT_DEFAULTS, TOOLS_DEFAULTS, defaultTrafficRouting } from './defaults';
import { NativeTrafficSettings, ProjectConfig, ResolvedConfig, TrafficRouting, resolveConfig } from './types';

export const CONFIG_SCHEMA_PATH = path.join(SCHEMA_DIR, 'config.schema.json');
export const EXAMPLE_CONFIG_PATH = path.join(PROJECT_ROOT, 'generator', 'config', 'example.json');
export { USER_CONFIG_PATH, userConfigPath } from '../core/paths';

/** How many problems a report lists; the rest are counted. */
export const MAX_REPORTED_PROBLEMS = 50;

/** The first MAX_REPORTED_PROBLEMS lines, and a line counting the others. */
export function capProblems(problems: readonly string[], max = MAX_REPORTED_PROBLEMS): string[] {
  if (problems.length <= max) return [...problems];
  const rest = problems.length - max;
  return [...problems.slice(0, max), `... and ${rest} more problem${rest === 1 ? '' : 's'} (fix these and run again to see them)`];
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the configuration\n  ${capProblems(problems).join('\n  ')}`);
  }
}

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
function describeError(root: unknown, e: ErrorObject, numbers: ReadonlyMap<string, string> = new Map()): string | undefined {
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

  const toolsSuffix = tools?.environmentSuffix === undefined ? TOOLS_DEFAULTS.environmentSuffix : str(tools, 'environmentSuffix', PATTERNS.environmentSuffix);
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

// --- What AWS and git accept, checked where the value is configured --------------------

/**
 * S3 bucket names may not start with these (and every bucket name starts with
 * project.name): https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
export const S3_FORBIDDEN_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'] as const;

/**
 * Why a branch name is not a git branch (`git check-ref-format --branch`; the schema's
 * pattern already limits the characters to letters, digits and ._/-), or undefined.
 * https://git-scm.com/docs/git-check-ref-format
 */
export function branchProblem(name: string): string | undefined {
  if (name.startsWith('-')) return 'may not start with "-"';
  if (name.startsWith('/') || name.endsWith('/')) return 'may not start or end with "/"';
  if (name.includes('//')) return 'may not hold "//"';
  if (name.includes('..')) return 'may not hold ".."';
  if (name.endsWith('.')) return 'may not end with "."';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return `may not have a part that starts with "." ("${part}")`;
    if (part.endsWith('.lock')) return `may not have a part that ends with ".lock" ("${part}")`;
  }
  return undefined;
}

/**
 * An e-mail address as SNS's email protocol takes it: an RFC 5321 mailbox (dot-atom local
 * part of at most 64 characters, a domain of letters, digits and hyphens with a top-level
 * label of letters), no display name, no quoted local part, no control characters.
 * https://www.rfc-editor.org/rfc/rfc5321#section-4.1.2 and section 4.5.3.1.1
 */
export function mailboxProblem(address: string): string | undefined {
  if (/[<>"\s]/.test(address)) return 'must be a bare address (no display name, quotes, angle brackets or spaces)';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(address)) return 'may not hold control characters';
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (at <= 0 || !/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/.test(local)) {
    return 'must have a local part of letters, digits and !#$%&\'*+/=?^_`{|}~- in dot-separated words before "@"';
  }
  if (local.length > 64) return `has a local part of ${local.length} characters; at most 64 are allowed`;
  if (!/^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/.test(domain)) {
    return 'must have a domain of dot-separated labels (letters, digits, inner hyphens) ending in a top-level domain of letters';
  }
  return undefined;
}

function awsValueRules(data: Json, problems: string[]): void {
  const project = isObject(data.project) ? data.project : undefined;
  const name = str(project, 'name');
  const prefix = name === undefined ? undefined : S3_FORBIDDEN_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) {
    problems.push(
      `project.name: ${show(name)} starts every S3 bucket name, and S3 bucket names may not start with "${prefix}" ` +
        `(nor ${S3_FORBIDDEN_PREFIXES.filter((p) => p !== prefix).map((p) => `"${p}"`).join(' or ')})`,
    );
  }

  const source = isObject(data.source) ? data.source : undefined;
  for (const key of ['branch', 'templatesBranch']) {
    const branch = str(source, key, '^[A-Za-z0-9._/-]{1,255}$');
    const problem = branch === undefined ? undefined : branchProblem(branch);
    if (problem) problems.push(`source.${key}: ${show(branch)} is not a git branch name: it ${problem}`);
  }
  for (const key of ['repository', 'templatesRepository']) {
    const repo = str(source, key, '^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)?$');
    if (repo === undefined) continue;
    const dots = repo.split('/').find((part) => part === '.' || part === '..');
    if (dots) problems.push(`source.${key}: ${show(repo)} may not have "${dots}" as a part; give "owner/name" or a repository name`);
    if (source?.provider === 'CodeCommit' && /\.git$/i.test(repo)) {
      problems.push(`source.${key}: ${show(repo)} may not end in ".git": CodeCommit repository names cannot (https://docs.aws.amazon.com/codecommit/latest/userguide/limits.html)`);
    }
  }
  if (Array.isArray(source?.filePaths)) {
    source.filePaths.forEach((glob, i) => {
      if (typeof glob === 'string' && glob.includes(',')) {
        problems.push(
          `source.filePaths[${i}]: ${show(glob)} holds a comma; the pipeline receives the globs as one comma-separated list, ` +
            'so it would become two globs: give one glob per item (for {a,b}, one item for each alternative)',
        );
      }
    });
  }

  const notifications = isObject(data.notifications) ? data.notifications : undefined;
  for (const key of ['approvalEmail', 'alertEmail']) {
    const address = str(notifications, key, '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$'); // the schema's pattern, else the schema reports it
    const problem = address === undefined ? undefined : mailboxProblem(address);
    if (problem) problems.push(`notifications.${key}: ${show(address)} is not an e-mail address SNS can send to: it ${problem}`);
  }

  // The pipeline pulls the build image from its own region (${AWS::Region} in the
  // template), so an image URI of another region would be silently replaced by the
  // pipeline's. Source actions run in the pipeline's region (CodePipeline refuses others:
  // https://github.com/aws/aws-cdk/pull/4303), so the connection's ARN names that region.
  const build = isObject(data.build) ? data.build : undefined;
  const image = str(build, 'buildImage');
  const imageRegion = image === undefined ? undefined : /^[0-9]{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\//.exec(image);
  if (imageRegion) {
    const [, region, cn] = imageRegion;
    if (region.startsWith('cn-') !== (cn !== undefined)) {
      problems.push(`build.buildImage: ${show(image)}: region ${region} ${cn ? 'is not a China region but the host ends in .amazonaws.com.cn' : 'is a China region; its host ends in .amazonaws.com.cn'}`);
    }
    // ECR's own rules for the parts, as the pipeline template's parameters hold them:
    // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html
    // and https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImage.html
    const parts = /\/([^:@]+)(?::(.*))?(?:@sha256:[a-f0-9]{64})?$/.exec(image!.slice(image!.indexOf('/')));
    const repository = parts?.[1];
    if (repository !== undefined && !/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(repository)) {
      problems.push(`build.buildImage: ${show(image)}: the repository name "${repository}" must be words of a-z and 0-9 joined by single ".", "_" or "-", separated by "/" (ECR's rule)`);
    }
    const tag = parts?.[2];
    if (tag !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(tag)) {
      problems.push(`build.buildImage: ${show(image)}: the tag "${tag}" must start with a letter, digit or "_" and have at most 128 characters (ECR's rule)`);
    }
    const connection = str(source, 'connectionArn');
    const pipelineRegion = connection?.split(':')[3];
    if (pipelineRegion && pipelineRegion !== region) {
      problems.push(
        `build.buildImage: ${show(image)} is in ${region}, but the pipeline runs in ${pipelineRegion} (the region of source.connectionArn) ` +
          'and pulls its build image from there: push the image to the pipeline\'s region',
      );
    }
  }
}

function networkRules(data: Json, problems: string[]): void {
  for (const [i, e] of objects(data.environments)) {
    const cidr = str(e, 'vpcCidr');
    const m = cidr === undefined ? null : /^(\d+)\.(\d+)\.0\.0\/16$/.exec(cidr);
    if (!m) continue;
    if (/^0\d/.test(m[2])) {
      problems.push(`environments[${i}].vpcCidr: "${cidr}" must write each number without a leading zero (the network template's VpcCidr pattern refuses it)`);
      continue;
    }
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
    const cpuValue = s.cpu === undefined ? SERVICE_DEFAULTS.cpu : int(s, 'cpu');
    const memory = s.memoryMiB === undefined ? SERVICE_DEFAULTS.memoryMiB : int(s, 'memoryMiB');
    const allowed = cpuValue === undefined ? undefined : fargateMemoryFor(cpuValue);
    if (allowed && memory !== undefined && memory >= 512 && !allowed.includes(memory)) {
      const cpuText = s.cpu === undefined ? `the default cpu ${SERVICE_DEFAULTS.cpu}` : `cpu ${cpuValue}`;
      const memText = s.memoryMiB === undefined ? `the default memoryMiB ${SERVICE_DEFAULTS.memoryMiB}` : String(memory);
      problems.push(
        `services[${i}].memoryMiB: ${memText} is not a Fargate size for ${cpuText}; with cpu ${cpuValue} Fargate allows ${describeMemory(allowed)}`,
      );
    }

    if (!isObject(s.environments)) continue;
    const defaultStrategy = SERVICE_ENVIRONMENT_DEFAULTS.deploymentStrategy;
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
      const cert = isObject(own) ? str(own, 'certificateArn') : undefined;
      const certAccount = cert === undefined ? undefined : /^arn:[^:]+:acm:[^:]*:([0-9]{12}):/.exec(cert)?.[1];
      const envAccount = str(objects(data.environments).find(([, e]) => e.name === key)?.[1], 'accountId', PATTERNS.accountId);
      // An account given to two environments is reported already; its certificates are not checked against it.
      const shared = objects(data.environments).filter(([, e]) => e.accountId === envAccount).length > 1;
      if (certAccount && envAccount && !shared && certAccount !== envAccount) {
        problems.push(`services[${i}].environments.${key}.certificateArn: the certificate is in account ${certAccount}; the load balancer is in ${key}'s account ${envAccount}, and ACM certificates work only in their own account`);
      }
      if (isObject(own)) nativeTrafficRules(own, `services[${i}].environments.${key}`, envs.findIndex((e) => e.name === key), problems);
      if (isObject(own)) problems.push(...autoScalingProblems(own, `services[${i}].environments.${key}`));
    }
  }
}

const NATIVE_FIELDS = ['trafficStepPercent', 'trafficStepBakeTimeMinutes', 'bakeTimeMinutes'] as const;

/** ECS-native traffic settings: only with ecs-blue-green, and only what ECS and CloudFormation accept. */
function nativeTrafficRules(own: Json, where: string, envIndex: number, problems: string[]): void {
  const strategy = own.deploymentStrategy ?? SERVICE_ENVIRONMENT_DEFAULTS.deploymentStrategy;
  if (strategy !== 'ecs-blue-green') {
    for (const field of NATIVE_FIELDS) {
      if (own[field] !== undefined) problems.push(`${where}.${field}: applies to deploymentStrategy "ecs-blue-green" only; deploymentStrategy is ${show(strategy)}`);
    }
    return;
  }
  const num = (k: string, d: number) => (own[k] === undefined ? d : typeof own[k] === 'number' ? (own[k] as number) : undefined);
  const settings = {
    trafficStepPercent: num('trafficStepPercent', NATIVE_DEFAULTS.trafficStepPercent),
    trafficStepBakeTimeMinutes: num('trafficStepBakeTimeMinutes', NATIVE_DEFAULTS.trafficStepBakeTimeMinutes),
    bakeTimeMinutes: num('bakeTimeMinutes', NATIVE_DEFAULTS.bakeTimeMinutes),
  };
  const routing = own.trafficRouting ?? defaultTrafficRouting(envIndex);
  if (Object.values(settings).some((v) => v === undefined) || !(typeof routing === 'string' && routing in ECS_STRATEGY)) return; // the schema reports it
  for (const p of nativeTrafficProblems(routing as TrafficRouting, settings as NativeTrafficSettings)) {
    problems.push(`${where}.${p.field}: ${p.message}`);
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
  const toolsSuffix = tools?.environmentSuffix === undefined ? TOOLS_DEFAULTS.environmentSuffix : str(tools, 'environmentSuffix', PATTERNS.environmentSuffix);
  const toolsSuffixPath = 'tools.environmentSuffix';
  const services = objects(data.services).flatMap(([i, s]) => {
    const name = str(s, 'name', PATTERNS.serviceName);
    return name === undefined ? [] : [{ i, name }];
  });

  // Each name is measured once: the collision check below measures the same names again.
  const measured = new Map<NameShape, Map<string, ReturnType<typeof measureName>>>();
  const measure = (shape: NameShape, v: { project: string; service: string; suffix: string }) => {
    let byValues = measured.get(shape);
    if (!byValues) measured.set(shape, (byValues = new Map()));
    const key = `${v.service}\0${v.suffix}`;
    let m = byValues.get(key);
    if (!m) byValues.set(key, (m = measureName(shape.kind, shape.parts(v))));
    return m;
  };
  const firstProblem = (shapes: readonly NameShape[], v: { project: string; service: string; suffix: string }) => {
    for (const shape of shapes) {
      const m = measure(shape, v);
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
        (svc) => measure(shape, { project, service: svc.name, suffix: env.suffix }).name,
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
  awsValueRules(data, problems);
  networkRules(data, problems);
  serviceRules(data, envs, problems);
  const accounts = new Map(objects(data.environments).map(([, e]) => [String(e.name), str(e, 'accountId', PATTERNS.accountId)]));
  problems.push(...appSettingsProblems(objects(data.services), accounts));
  nameRules(data, envs, problems);
  return problems;
}

// --- Reading -------------------------------------------------------------------------------------

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `line ${before.split('\n').length}, column ${offset - before.lastIndexOf('\n')}`;
}

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

/** How deep a configuration may nest; the schema's deepest field is 5 levels down. */
export const MAX_DEPTH = 32;

interface SourceScan {
  /** Keys that appear twice in one object. */
  readonly duplicates: string[];
  /** The source text of every number, by JSON pointer: 1e309 and 9007199254740993 as written. */
  readonly numbers: Map<string, string>;
  /** Where the nesting first goes deeper than MAX_DEPTH, as a character offset. */
  readonly tooDeepAt: number | undefined;
}

/**
 * One pass over text that has already parsed: its strings, numbers and brackets. It finds
 * keys that appear twice in one object (JSON.parse keeps the last silently, so a second
 * `services` list would hide the first), the source text of numbers (JSON.parse turns
 * 1e309 into Infinity and rounds 9007199254740993), and nesting too deep to check. It
 * keeps its own stack, so no depth overflows it.
 */
function scanSource(text: string): SourceScan {
  interface Frame {
    readonly object: boolean;
    readonly path: string;
    readonly pointer: string;
    readonly keys: Set<string>;
    expectKey: boolean;
    key: string;
    index: number;
  }
  const duplicates: string[] = [];
  const numbers = new Map<string, string>();
  const stack: Frame[] = [];
  const childPath = (f: Frame | undefined) =>
    f === undefined ? '' : f.object ? (f.path ? `${f.path}.${f.key}` : f.key) : `${f.path}[${f.index}]`;
  const childPointer = (f: Frame | undefined) =>
    f === undefined ? '' : `${f.pointer}/${f.object ? f.key.replace(/~/g, '~0').replace(/\//g, '~1') : f.index}`;
  for (const m of text.matchAll(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[{}[\],]/g)) {
    const token = m[0];
    const top = stack[stack.length - 1];
    if (token === '{' || token === '[') {
      if (stack.length >= MAX_DEPTH) return { duplicates, numbers, tooDeepAt: m.index };
      stack.push({ object: token === '{', path: childPath(top), pointer: childPointer(top), keys: new Set(), expectKey: token === '{', key: '', index: 0 });
    } else if (token === '}' || token === ']') {
      stack.pop();
    } else if (token === ',') {
      if (top?.object) top.expectKey = true;
      else if (top) top.index++;
    } else if (top?.object && top.expectKey) {
      const key = JSON.parse(token) as string;
      top.key = key;
      top.expectKey = false;
      if (top.keys.has(key)) duplicates.push(`${childPath(top) || key}: the key appears twice in one object; only the last would count`);
      top.keys.add(key);
    } else if (token[0] !== '"') {
      numbers.set(childPointer(top), token);
    }
  }
  return { duplicates, numbers, tooDeepAt: undefined };
}

/** Keys that appear twice in one object, each as a problem line. */
export function duplicateKeys(text: string): string[] {
  return scanSource(text).duplicates;
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
  const scan = scanSource(text);
  if (scan.tooDeepAt !== undefined) {
    throw new ConfigError(file, [`(root): nested more than ${MAX_DEPTH} levels deep (at ${lineColumn(text, scan.tooDeepAt)}); a configuration nests at most a few levels`]);
  }
  const validate = validator();
  const problems: string[] = scan.duplicates;
  if (!validate(data)) {
    for (const e of validate.errors ?? []) {
      const line = describeError(data, e, scan.numbers);
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
    // A regular file of at most CONFIG_MAX_BYTES, UTF-8 with or without a byte order mark.
    text = readTextFile(file, CONFIG_MAX_BYTES);
  } catch (e) {
    if (e instanceof ReadFileError) throw new ConfigError(file, [`(root): ${e.reason}`]);
    throw e;
  }
  return parseConfig(text, file);
}

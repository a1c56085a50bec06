/**
 * The rules a schema cannot say: uniqueness, the source's shape, networks, services (Fargate
 * sizes, strategies, traffic), and the length of every name built from configured values.
 * They read the raw JSON defensively (json.ts), so each problem is reported once.
 */
import { CONFIGURED_NAMES, NameShape, measureName } from '../../core/naming';
import { PATTERNS } from '../../core/parameters';
import { autoScalingProblems } from '../autoscaling';
import { describeMemory, fargateMemoryFor } from '../fargate';
import { ECS_STRATEGY, nativeTrafficProblems } from '../ecs-traffic';
import { appSettingsProblems } from '../app-settings';
import { NATIVE_DEFAULTS, SERVICE_DEFAULTS, SERVICE_ENVIRONMENT_DEFAULTS, TOOLS_DEFAULTS, defaultTrafficRouting } from '../defaults';
import { NativeTrafficSettings, TrafficRouting } from '../types';
import { awsValueRules } from './aws-values';
import { Env, Json, environmentsOf, firstSeen, int, isObject, matches, objects, str, withSuffix } from './json';
import { show } from './messages';

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
    ([i], [first], name) => problems.push(`environments[${i}].name: "${name}" is already the name of environments[${first}]; environment names must be unique`),
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
      problems.push(`services[${i}].memoryMiB: ${memText} is not a Fargate size for ${cpuText}; with cpu ${cpuValue} Fargate allows ${describeMemory(allowed)}`);
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
        problems.push(`services[${i}].environments.${key}.trafficRouting: ${show(own.trafficRouting)} applies to blue-green deployments only; deploymentStrategy is "rolling"`);
      }
      const cert = isObject(own) ? str(own, 'certificateArn') : undefined;
      const certAccount = cert === undefined ? undefined : /^arn:[^:]+:acm:[^:]*:([0-9]{12}):/.exec(cert)?.[1];
      const envAccount = str(objects(data.environments).find(([, e]) => e.name === key)?.[1], 'accountId', PATTERNS.accountId);
      // An account given to two environments is reported already; its certificates are not checked against it.
      const shared = objects(data.environments).filter(([, e]) => e.accountId === envAccount).length > 1;
      if (certAccount && envAccount && !shared && certAccount !== envAccount) {
        problems.push(
          `services[${i}].environments.${key}.certificateArn: the certificate is in account ${certAccount}; the load balancer is in ${key}'s account ${envAccount}, and ACM certificates work only in their own account`,
        );
      }
      if (isObject(own))
        nativeTrafficRules(
          own,
          `services[${i}].environments.${key}`,
          envs.findIndex((e) => e.name === key),
          problems,
        );
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
  const perEnvironment = byScope('environment');
  const perServiceEnvironment = byScope('service-environment');
  const perServiceTools = byScope('service-tools');

  const named = withSuffix(envs);
  for (const env of named) {
    const p = firstProblem(perEnvironment, { project, service: '', suffix: env.suffix });
    if (p) problems.push(`${env.suffixPath}: environment suffix "${env.suffix}" with project.name "${project}" ${p}`);
  }
  for (const svc of services) {
    for (const env of named) {
      const p = firstProblem(perServiceEnvironment, { project, service: svc.name, suffix: env.suffix });
      if (p) problems.push(`services[${svc.i}].name: "${svc.name}" with environment suffix "${env.suffix}" (${env.suffixPath}) ${p}`);
    }
    if (toolsSuffix !== undefined) {
      const p = firstProblem(perServiceTools, { project, service: svc.name, suffix: toolsSuffix });
      if (p) problems.push(`services[${svc.i}].name: "${svc.name}" with project.name "${project}" and ${toolsSuffixPath} "${toolsSuffix}" ${p}`);
    }
  }

  // Two services may not get the same name in one environment (a name shortened to fit
  // its limit can make two distinct services collide).
  for (const shape of perServiceEnvironment) {
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

export function semanticProblems(data: unknown): string[] {
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

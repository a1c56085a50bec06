/** The names of each service's resources and the network in a member account. */
import { Value } from '../intrinsics';
import { ParameterHandle } from '../template';
import { NAME_RULES, NameError, NamePart, physicalName, standardName } from './rules';

// --- Names of each service's resources in a member account -----------------------------
//
// Target groups and load balancers allow 32 characters, so these names carry the service
// and the suffix but not the project. Templates build them from these parts (with
// parameters, checked at their MaxLength by physicalName); the configuration check
// computes the same parts with the configured values.

export function targetGroupNameParts(service: NamePart, index: 1 | 2, suffix: NamePart): NamePart[] {
  return [service, '-', `tg${index}`, '-', suffix];
}

export function loadBalancerNameParts(service: NamePart, suffix: NamePart): NamePart[] {
  return [service, '-', 'alb', '-', suffix];
}

// --- Member-account network and services -------------------------------------------------
//
// network.json creates one ECS cluster per member account and environment; the service
// stacks find it by name, and member-roles.json scopes the ECS permissions to it.

export function clusterNameParts(project: ParameterHandle<string>, suffix: ParameterHandle<string>): NamePart[] {
  return [project, '-cluster-', suffix];
}

export function clusterName(project: ParameterHandle<string>, suffix: ParameterHandle<string>): Value<string> {
  return physicalName('ecs-cluster', clusterNameParts(project, suffix));
}

/**
 * The SSM parameters through which network.json hands its IDs to the service stacks:
 * `/{project}/network-{suffix}/{key}`. A blue/green stack may not import values, but
 * it may take `AWS::SSM::Parameter::Value<...>` parameters (resolved, not obfuscated).
 */
export const NETWORK_PARAMETER_KEYS = {
  vpcId: 'vpc-id',
  publicSubnetIds: 'public-subnet-ids',
  privateSubnetIds: 'private-subnet-ids',
  natPublicIps: 'nat-public-ips',
  accessLogBucket: 'access-log-bucket',
} as const;
export type NetworkParameterKey = keyof typeof NETWORK_PARAMETER_KEYS;

export function networkParameterName(project: ParameterHandle<string>, suffix: ParameterHandle<string>, key: NetworkParameterKey): Value<string> {
  return physicalName('ssm-parameter', ['/', project, '/network-', suffix, `/${NETWORK_PARAMETER_KEYS[key]}`]);
}

/** The same name with concrete values, as the service parameter files carry it. */
export function networkParameterPath(project: string, suffix: string, key: NetworkParameterKey): string {
  return `/${project}/network-${suffix}/${NETWORK_PARAMETER_KEYS[key]}`;
}

/**
 * Load balancer and target group names allow 32 characters: with a 12-character project,
 * a 16-character service and a 10-character suffix there is no room for the project, so
 * these two carry `{service}-{type}-{suffix}` (at most 31 characters). They still end in
 * `-{suffix}`, which member-roles.json scopes Elastic Load Balancing permissions to.
 */
export function loadBalancerName(service: ParameterHandle<string>, suffix: ParameterHandle<string>): Value<string> {
  return physicalName('alb', loadBalancerNameParts(service, suffix));
}

export function targetGroupName(service: ParameterHandle<string>, suffix: ParameterHandle<string>, ordinal: 1 | 2): Value<string> {
  return physicalName('target-group', targetGroupNameParts(service, ordinal, suffix));
}

/**
 * CodeDeploy lifecycle hook functions must be named `CodeDeployHook_*`: the CodeDeploy
 * role may invoke only those (member-roles.json scopes it to `CodeDeployHook_{project}-*`).
 */
export const CODEDEPLOY_HOOK_PREFIX = 'CodeDeployHook_';

export function hookFunctionNameParts(project: ParameterHandle<string>, service: ParameterHandle<string>, suffix: ParameterHandle<string>): NamePart[] {
  return [CODEDEPLOY_HOOK_PREFIX, project, '-', service, '-check-', suffix];
}

export function hookFunctionName(project: ParameterHandle<string>, service: ParameterHandle<string>, suffix: ParameterHandle<string>): Value<string> {
  return physicalName('lambda-function', hookFunctionNameParts(project, service, suffix));
}

/**
 * The lifecycle hook function of an ECS-native blue/green service,
 * `{project}-{service}-check-{suffix}`: the ECS infrastructure role of member-roles.json
 * may invoke exactly these (`{project}-*-check-{suffix}`).
 */
export function checkFunctionName(project: ParameterHandle<string>, service: ParameterHandle<string>, suffix: ParameterHandle<string>): Value<string> {
  return standardName('lambda-function', 'check', { project, service, suffix });
}

/**
 * The daily schedule that keeps a service's lifecycle-hook check function active,
 * `{project}-{service}-check-warm-{suffix}` (at most 51 of EventBridge's 64 characters).
 * It starts with `{project}-`, where member-roles.json lets CloudFormation manage rules.
 */
export const KEEP_WARM_RULE_TYPE = 'check-warm';

export function keepWarmRuleNameParts(project: NamePart, service: NamePart, suffix: NamePart): NamePart[] {
  return [project, '-', service, '-', KEEP_WARM_RULE_TYPE, '-', suffix];
}

export function keepWarmRuleName(project: ParameterHandle<string>, service: ParameterHandle<string>, suffix: ParameterHandle<string>): Value<string> {
  return physicalName('events-rule', keepWarmRuleNameParts(project, service, suffix));
}

/** Log groups live under `/{project}/`, where member-roles.json allows CloudFormation to manage them. */
export function logGroupName(project: ParameterHandle<string>, scope: { service?: ParameterHandle<string>; suffix: ParameterHandle<string> }, resourceType: string): Value<string> {
  const parts: NamePart[] = ['/', project, '/'];
  if (scope.service) parts.push(scope.service, '-');
  parts.push(resourceType, '-', scope.suffix);
  return physicalName('log-group', parts);
}

// --- Service canaries ------------------------------------------------------------------
//
// service-canary.json runs one CloudWatch Synthetics canary per service and environment.
// Canary names allow 21 characters (lower-case letters, digits, `-` and `_`): project (12),
// service (16) and suffix (10) cannot all fit, so a canary is named `{service}-{suffix}`,
// the service cut short where the two would pass 21 characters. Like the load balancer
// names, it ends in `-{suffix}`, which member-roles.json scopes Synthetics permissions to.
// The generator computes it from the configuration and passes it as a parameter (the
// template cannot shorten a parameter value).

export const CANARY_TYPE = 'canary';

/** `{service}-{suffix}`, the service shortened (and stripped of a final `-`) to fit 21 characters. */
export function canaryName(service: string, suffix: string): string {
  const rule = NAME_RULES['synthetics-canary'];
  const room = rule.max - suffix.length - 1;
  if (room < 1) throw new NameError(`canary name: suffix ${suffix} leaves no room for the service within ${rule.max} characters`);
  const name = `${service.slice(0, room).replace(/-+$/, '')}-${suffix}`;
  if (!rule.pattern.test(name)) throw new NameError(`canary name ${name} does not match ${rule.pattern.source}`);
  return name;
}

// --- Load balancer access logs --------------------------------------------------------
//
// The network stack owns one bucket per account, region and environment for the access
// logs of every load balancer there: `{project}-alb-logs-{suffix}-{account}-{region}`
// (at most 62 characters). Bucket names are global, so the account and region are part of it.

export const ACCESS_LOG_BUCKET_TYPE = 'alb-logs';

export function accessLogBucketNameParts(project: NamePart, suffix: NamePart): NamePart[] {
  return [project, '-', ACCESS_LOG_BUCKET_TYPE, '-', suffix, '-', 'AWS::AccountId', '-', 'AWS::Region'];
}

export function accessLogBucketName(project: ParameterHandle<string>, suffix: ParameterHandle<string>): Value<string> {
  return physicalName('s3-bucket', accessLogBucketNameParts(project, suffix));
}

/** The canary's artifact bucket, `{project}-{service}-canary-{suffix}-{account}` (at most 60 characters). */
export function canaryBucketName(project: ParameterHandle<string>, service: ParameterHandle<string>, suffix: ParameterHandle<string>): Value<string> {
  return physicalName('s3-bucket', [project, '-', service, `-${CANARY_TYPE}-`, suffix, '-', 'AWS::AccountId']);
}

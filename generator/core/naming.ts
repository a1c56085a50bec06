/**
 * The one naming module. Every physical name the templates set is built here, as
 * `{project}-[{service}-]{resource-type}-{environmentSuffix}`, and checked when the
 * template is generated: with every parameter at its MaxLength and the longest region
 * code, the name must still fit its service's length limit and character set.
 */
import { AWS, Intrinsic, Referable, Value, sub } from './intrinsics';
import { ParameterHandle } from './template';

/** The longest region code (ap-southeast-7, us-isob-east-1 are 14) with room to spare. */
export const REGION_MAX_LENGTH = 16;
export const ACCOUNT_ID_LENGTH = 12;

/** Name length limits and character sets, from each service's API reference. */
export const NAME_RULES = {
  'alb': { max: 32, pattern: /^[a-zA-Z0-9-]+$/ },
  'target-group': { max: 32, pattern: /^[a-zA-Z0-9-]+$/ },
  'iam-role': { max: 64, pattern: /^[\w+=,.@-]+$/ },
  'iam-policy': { max: 128, pattern: /^[\w+=,.@-]+$/ },
  'lambda-function': { max: 64, pattern: /^[a-zA-Z0-9-_]+$/ },
  's3-bucket': { max: 63, pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/ },
  'ecr-repository': { max: 256, pattern: /^[a-z0-9][a-z0-9._/-]*$/ },
  'codebuild-project': { max: 255, pattern: /^[A-Za-z0-9][A-Za-z0-9\-_]*$/ },
  'codebuild-report-group': { max: 128, pattern: /^[A-Za-z0-9][A-Za-z0-9\-_]*$/ },
  'codepipeline': { max: 100, pattern: /^[A-Za-z0-9.@\-_]+$/ },
  'sns-topic': { max: 256, pattern: /^[A-Za-z0-9_-]+$/ },
  'secret': { max: 512, pattern: /^[A-Za-z0-9/_+=.@-]+$/ },
  'log-group': { max: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/ },
  'ecs-cluster': { max: 255, pattern: /^[A-Za-z0-9_-]+$/ },
  'ecs-service': { max: 255, pattern: /^[A-Za-z0-9_-]+$/ },
  'events-rule': { max: 64, pattern: /^[.\-_A-Za-z0-9]+$/ },
  'dynamodb-table': { max: 255, pattern: /^[a-zA-Z0-9_.-]+$/ },
  'event-bus-statement': { max: 64, pattern: /^[a-zA-Z0-9-_]+$/ },
  'cloudwatch-alarm': { max: 255, pattern: /^[^\s]+$/ },
  'cloudwatch-dashboard': { max: 255, pattern: /^[A-Za-z0-9_-]+$/ },
  'kms-alias': { max: 256, pattern: /^alias\/[a-zA-Z0-9/_-]+$/ },
  'synthetics-canary': { max: 21, pattern: /^[0-9a-z_-]+$/ },
  'cloudformation-stack': { max: 128, pattern: /^[A-Za-z][A-Za-z0-9-]*$/ },
  'security-group': { max: 255, pattern: /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/ },
  'name-tag': { max: 256, pattern: /^[\w .:/=+\-@]+$/ },
  'ssm-parameter': { max: 1011, pattern: /^\/[a-zA-Z0-9_.\-/]+$/ },
} as const;

export type NameKind = keyof typeof NAME_RULES;

/** A piece of a name: literal text, a string parameter (its MaxLength bounds it), or a pseudo parameter. */
export type NamePart = string | ParameterHandle<string> | 'AWS::AccountId' | 'AWS::Region';

export class NameError extends Error {}

function isParameter(part: NamePart): part is ParameterHandle<string> {
  return typeof part === 'object';
}

/** The longest the name can become, and a sample of it with every part at that length. */
export function worstCase(parts: readonly NamePart[]): { length: number; sample: string } {
  let sample = '';
  for (const part of parts) {
    if (isParameter(part)) {
      const def = part.definition;
      const max = 'MaxLength' in def ? def.MaxLength : undefined;
      if (max === undefined) {
        throw new NameError(`parameter ${part.logicalId} is part of a resource name and needs a MaxLength`);
      }
      sample += 'a'.repeat(max);
    } else if (part === 'AWS::AccountId') {
      sample += '1'.repeat(ACCOUNT_ID_LENGTH);
    } else if (part === 'AWS::Region') {
      sample += 'a'.repeat(REGION_MAX_LENGTH);
    } else {
      sample += part;
    }
  }
  return { length: sample.length, sample };
}

/** Builds a physical name and checks that the longest allowed inputs still fit. */
export function physicalName(kind: NameKind, parts: readonly NamePart[]): Value<string> {
  const rule = NAME_RULES[kind];
  const { length, sample } = worstCase(parts);
  if (length > rule.max) {
    throw new NameError(
      `${kind} name ${describe(parts)} can reach ${length} characters with the longest allowed values; the limit is ${rule.max}`,
    );
  }
  if (!rule.pattern.test(sample)) {
    throw new NameError(`${kind} name ${describe(parts)} does not match ${rule.pattern.source}`);
  }
  return nameValue(parts);
}

/** The name as a literal when every part is literal, else as Fn::Sub. */
export function nameValue(parts: readonly NamePart[]): Value<string> {
  if (parts.every((p) => typeof p === 'string' && !p.startsWith('AWS::'))) return parts.join('');
  return sub(describe(parts));
}

function describe(parts: readonly NamePart[]): string {
  return parts
    .map((p) => (isParameter(p) ? `\${${p.logicalId}}` : p.startsWith('AWS::') ? `\${${p}}` : p))
    .join('');
}

/** `{project}-[{service}-]{type}-{suffix}`, the house pattern. */
export function standardName(
  kind: NameKind,
  resourceType: string,
  scope: { project: ParameterHandle<string>; service?: ParameterHandle<string>; suffix: ParameterHandle<string> },
  ...extra: NamePart[]
): Value<string> {
  const parts: NamePart[] = [scope.project, '-'];
  if (scope.service) parts.push(scope.service, '-');
  parts.push(resourceType, '-', scope.suffix);
  for (const e of extra) parts.push('-', e);
  return physicalName(kind, parts);
}

// --- Roles in the member accounts -------------------------------------------------------
//
// member-roles.json creates these roles (execution-role.json the execution role) and
// pipeline.json assumes them, so all take the names from here. The region is part of each name so that a StackSet may deploy the
// roles to several regions of one account without a name collision; the pipeline deploys
// to its own region, so it names the roles of that region.

export const MEMBER_ROLES = {
  execution: 'cfn-exec',
  codeDeploy: 'codedeploy',
  /** ECS's infrastructure role of ECS-native blue/green: shifts traffic, invokes the lifecycle hook. */
  ecsInfrastructure: 'ecs-infra',
} as const;
export type MemberRole = keyof typeof MEMBER_ROLES;

export function memberRoleNameParts(role: MemberRole, project: NamePart, suffix: NamePart): NamePart[] {
  return [project, '-', MEMBER_ROLES[role], '-', suffix, '-', 'AWS::Region'];
}

export function memberRoleName(
  role: MemberRole,
  project: ParameterHandle<string>,
  suffix: ParameterHandle<string>,
): Value<string> {
  return physicalName('iam-role', memberRoleNameParts(role, project, suffix));
}

/** The ARN of a member-account role, as the tools account refers to it. */
export function memberRoleArn(
  role: MemberRole,
  account: ParameterHandle<string> | 'AWS::AccountId',
  project: ParameterHandle<string>,
  suffix: ParameterHandle<string>,
): Intrinsic<string> {
  const parts = memberRoleNameParts(role, project, suffix);
  physicalName('iam-role', parts);
  const accountVar = account === 'AWS::AccountId' ? account : account.logicalId;
  return sub(`arn:\${AWS::Partition}:iam::\${${accountVar}}:role/${describe(parts)}`);
}

/**
 * The execution role's managed policies (execution-role.json), `{project}-cfn-exec-{suffix}-{region}-{n}`:
 * named, so that the role's own guard can name them and deny every change to them.
 */
export function executionPolicyName(project: ParameterHandle<string>, suffix: ParameterHandle<string>, n: number): Value<string> {
  return physicalName('iam-policy', [...memberRoleNameParts('execution', project, suffix), '-', String(n)]);
}

/** Every execution role policy of this account, project and environment, as an ARN pattern. */
export function executionPolicyArnPattern(project: ParameterHandle<string>, suffix: ParameterHandle<string>): Intrinsic<string> {
  return sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/${describe(memberRoleNameParts('execution', project, suffix))}-*`);
}

/** The tag on each deploy role that names its service; the shared deploy policy reads it as aws:PrincipalTag/Service. */
export const SERVICE_TAG = 'Service';

/**
 * Each service's deploy role, `{project}-{service}-deploy-{suffix}-{region}` (at most 64
 * characters with the schema's limits): the only role its pipeline may assume in a
 * member account, and one that may change only that service's stacks. Adding a service
 * adds one to member-roles.json.
 */
export const SERVICE_DEPLOY_ROLE_TYPE = 'deploy';

export function serviceDeployRoleNameParts(project: NamePart, service: NamePart, suffix: NamePart): NamePart[] {
  return [project, '-', service, '-', SERVICE_DEPLOY_ROLE_TYPE, '-', suffix, '-', 'AWS::Region'];
}

export function serviceDeployRoleName(project: ParameterHandle<string>, service: NamePart, suffix: ParameterHandle<string>): Value<string> {
  return physicalName('iam-role', serviceDeployRoleNameParts(project, service, suffix));
}

/** The ARN of a service's deploy role in a member account, as its pipeline and the role's own stack refer to it. */
export function serviceDeployRoleArn(
  account: ParameterHandle<string> | 'AWS::AccountId',
  project: ParameterHandle<string>,
  service: NamePart,
  suffix: ParameterHandle<string>,
): Intrinsic<string> {
  const parts = serviceDeployRoleNameParts(project, service, suffix);
  physicalName('iam-role', parts);
  const accountVar = account === 'AWS::AccountId' ? account : account.logicalId;
  return sub(`arn:\${AWS::Partition}:iam::\${${accountVar}}:role/${describe(parts)}`);
}

/**
 * The deploy policy every service's deploy role carries, created by member-roles.json:
 * `{project}-service-deploy-{suffix}-{region}`.
 */
export function deployPolicyNameParts(project: NamePart, suffix: NamePart): NamePart[] {
  return [project, '-service-deploy-', suffix, '-', 'AWS::Region'];
}

export function deployPolicyName(project: ParameterHandle<string>, suffix: ParameterHandle<string>): Value<string> {
  return physicalName('iam-policy', deployPolicyNameParts(project, suffix));
}

export function deployPolicyArn(project: ParameterHandle<string>, suffix: ParameterHandle<string>): Intrinsic<string> {
  const parts = deployPolicyNameParts(project, suffix);
  physicalName('iam-policy', parts);
  return sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/${describe(parts)}`);
}

/** Every service's deploy role in this account, as an ARN pattern. */
export function serviceDeployRoleArnPattern(project: ParameterHandle<string>, suffix: ParameterHandle<string>): Intrinsic<string> {
  return sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${describe(serviceDeployRoleNameParts(project, '*', suffix))}`);
}

/**
 * The stacks a service's deploy role may create, change and delete in a member account:
 * the service stack `{project}-{service}-{suffix}` (blue/green or rolling) and its canary
 * stack `{project}-{service}-canary-{suffix}`. Never the network or member-roles stacks,
 * never another service's.
 */
export function serviceStackNameParts(project: NamePart, service: NamePart, suffix: NamePart): NamePart[][] {
  return [
    [project, '-', service, '-', suffix],
    [project, '-', service, '-', CANARY_TYPE, '-', suffix],
  ];
}

/** Fn::Sub text of a name built from parts (parameters as `${Id}`), for ARN patterns. */
export function nameText(parts: readonly NamePart[]): string {
  return describe(parts);
}

// --- The permissions boundary of workload roles ----------------------------------------
//
// member-roles.json creates the managed policy `{project}-workload-boundary-{suffix}-{region}`;
// every role a member stack creates (under workloadRolePath) carries it as its permissions
// boundary, and the CloudFormation execution role may create or change a role only when
// it does.

export const WORKLOAD_BOUNDARY_TYPE = 'workload-boundary';

export function workloadBoundaryNameParts(project: NamePart, suffix: NamePart): NamePart[] {
  return [project, '-', WORKLOAD_BOUNDARY_TYPE, '-', suffix, '-', 'AWS::Region'];
}

export function workloadBoundaryName(project: ParameterHandle<string>, suffix: ParameterHandle<string>): Value<string> {
  return physicalName('iam-policy', workloadBoundaryNameParts(project, suffix));
}

/** The boundary's ARN in this account, as workload roles and the execution role's conditions name it. */
export function workloadBoundaryArn(project: ParameterHandle<string>, suffix: ParameterHandle<string>): Intrinsic<string> {
  const parts = workloadBoundaryNameParts(project, suffix);
  physicalName('iam-policy', parts);
  return sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/${describe(parts)}`);
}

export type { Referable };
export { AWS };

// --- Roles the tools-account pipelines run as ------------------------------------------
//
// Pipeline service roles live under the path /{project}/ in the tools account, so that a
// member account can trust exactly this project's pipelines (aws:PrincipalArn) and no
// other role of the tools account.

export function pipelineRolePath(project: ParameterHandle<string>): Intrinsic<string> {
  return sub(`/\${${project.logicalId}}/`);
}

/** A service's pipeline role name, `{project}-{service}-pipeline-{suffix}` (under pipelineRolePath). */
export function pipelineRoleNameParts(project: NamePart, service: NamePart, suffix: NamePart): NamePart[] {
  return [project, '-', service, '-', PIPELINE_TYPE, '-', suffix];
}

/**
 * The other roles of a service's pipeline stacks, under pipelineRolePath too:
 * `{project}-{service}-pipeline-{purpose}-{suffix}` (the CodeBuild roles of the build and
 * of the tests, the EventBridge role of a CodeCommit source). Every role the pipeline
 * stacks create is under that path, which is where the pipeline stacks' CloudFormation
 * role may manage roles.
 */
export function pipelineStackRoleNameParts(project: NamePart, service: NamePart, suffix: NamePart, purpose: 'builder' | 'tester' | 'events'): NamePart[] {
  return [project, '-', service, '-', PIPELINE_TYPE, '-', purpose, '-', suffix];
}

/** The ARN of one service's pipeline role in the tools account: the only principal its deploy roles trust. */
export function pipelineRoleArn(
  toolsAccount: ParameterHandle<string>,
  project: ParameterHandle<string>,
  service: NamePart,
  toolsSuffix: ParameterHandle<string>,
): Intrinsic<string> {
  const parts = pipelineRoleNameParts(project, service, toolsSuffix);
  physicalName('iam-role', parts);
  return sub(`arn:\${AWS::Partition}:iam::\${${toolsAccount.logicalId}}:role/\${${project.logicalId}}/${describe(parts)}`);
}

/**
 * The role of a service pipeline's deploy step (a CodeBuild project that creates and
 * executes the service stack's change sets with rollback triggers),
 * `{project}-{service}-pipeline-deploy-{suffix}` under pipelineRolePath: the principal
 * the service's member deploy roles trust.
 */
export function deployStepRoleNameParts(project: NamePart, service: NamePart, suffix: NamePart): NamePart[] {
  return [project, '-', service, '-', PIPELINE_TYPE, '-deploy-', suffix];
}

export function deployStepRoleArn(
  toolsAccount: ParameterHandle<string> | 'AWS::AccountId',
  project: ParameterHandle<string>,
  service: NamePart,
  toolsSuffix: ParameterHandle<string>,
): Intrinsic<string> {
  const parts = deployStepRoleNameParts(project, service, toolsSuffix);
  physicalName('iam-role', parts);
  const account = toolsAccount === 'AWS::AccountId' ? toolsAccount : toolsAccount.logicalId;
  return sub(`arn:\${AWS::Partition}:iam::\${${account}}:role/\${${project.logicalId}}/${describe(parts)}`);
}

/**
 * The stacks of a service's pipeline in the tools account, as `npm run deploy` names them
 * (stackName): `{project}-{service}-pipeline-build-{suffix}` and
 * `{project}-{service}-pipeline-{suffix}`. The pipeline updates exactly these two itself.
 */
export function pipelineStackNames(project: NamePart, service: NamePart, suffix: NamePart): { build: Value<string>; pipeline: Value<string> } {
  return {
    build: physicalName('cloudformation-stack', [project, '-', service, '-', PIPELINE_TYPE, '-build-', suffix]),
    pipeline: physicalName('cloudformation-stack', [project, '-', service, '-', PIPELINE_TYPE, '-', suffix]),
  };
}

/**
 * The CloudFormation role the pipelines' self-updates pass for their own stacks,
 * `{project}-pipeline-stacks-{suffix}` (at `/`, outside the pipeline role path it manages
 * roles in): pipeline-stacks-role.json, deployed once per project before the first pipeline.
 */
export function pipelineStacksRoleNameParts(project: NamePart, suffix: NamePart): NamePart[] {
  return [project, '-', PIPELINE_TYPE, '-stacks-', suffix];
}

/** Matches the ARN of every pipeline role of the project in the tools account. */
export function pipelineRoleArnPattern(toolsAccount: ParameterHandle<string>, project: ParameterHandle<string>): Intrinsic<string> {
  return sub(`arn:\${AWS::Partition}:iam::\${${toolsAccount.logicalId}}:role/\${${project.logicalId}}/*`);
}

/**
 * Roles that the member-account stacks create for their workloads (ECS tasks, Lambda
 * functions, flow logs) live under this path, so the CloudFormation execution role can
 * be allowed to manage exactly these roles and not the member roles themselves.
 */
export function workloadRolePath(project: ParameterHandle<string>): Intrinsic<string> {
  return sub(`/\${${project.logicalId}}-workload/`);
}

/** Stack names: `{project}-{stack}-{suffix}`; the execution role is scoped to `{project}-*`. */
export function stackName(project: string, stack: string, suffix: string): string {
  const name = `${project}-${stack}-${suffix}`;
  const rule = NAME_RULES['cloudformation-stack'];
  if (name.length > rule.max || !rule.pattern.test(name)) {
    throw new NameError(`stack name ${name} must match ${rule.pattern.source} and have at most ${rule.max} characters`);
  }
  return name;
}

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

// --- Names with the configured values ---------------------------------------------------
//
// What the configuration check (generator/config/load.ts) measures: the names built from
// configured values, from the same parts functions the templates use, so the two cannot
// drift. With the configuration schema's limits (project 12, service 16, suffix 10
// characters) every one of them fits, as physicalName proves for the templates; the
// check keeps it so when a name or a limit changes, and says which field is too long.

/** Where a name lives: once per environment, per service and environment, or per service in the tools account. */
export type NameScope = 'environment' | 'service-environment' | 'service-tools';

export interface NameShape {
  /** What the name is called in an error message. */
  readonly what: string;
  readonly kind: NameKind;
  readonly scope: NameScope;
  parts(v: { readonly project: NamePart; readonly service: NamePart; readonly suffix: NamePart }): NamePart[];
}

export const CONFIGURED_NAMES: readonly NameShape[] = [
  ...(Object.keys(MEMBER_ROLES) as MemberRole[]).map((r): NameShape => ({
    what: `IAM role ${MEMBER_ROLES[r]}`,
    kind: 'iam-role',
    scope: 'environment',
    parts: (v) => memberRoleNameParts(r, v.project, v.suffix),
  })),
  {
    what: 'IAM role deploy (per service)',
    kind: 'iam-role',
    scope: 'service-environment',
    parts: (v) => serviceDeployRoleNameParts(v.project, v.service, v.suffix),
  },
  { what: 'target group tg1', kind: 'target-group', scope: 'service-environment', parts: (v) => targetGroupNameParts(v.service, 1, v.suffix) },
  { what: 'target group tg2', kind: 'target-group', scope: 'service-environment', parts: (v) => targetGroupNameParts(v.service, 2, v.suffix) },
  { what: 'load balancer', kind: 'alb', scope: 'service-environment', parts: (v) => loadBalancerNameParts(v.service, v.suffix) },
  { what: 'EventBridge rule check-warm', kind: 'events-rule', scope: 'service-environment', parts: (v) => keepWarmRuleNameParts(v.project, v.service, v.suffix) },
  {
    what: 'artifact bucket',
    kind: 's3-bucket',
    scope: 'service-tools',
    parts: (v) => artifactBucketNameParts(v.project, v.service, v.suffix),
  },
  { what: 'access log bucket', kind: 's3-bucket', scope: 'environment', parts: (v) => accessLogBucketNameParts(v.project, v.suffix) },
  // canaryName shortens the service to fit 21 characters, so two services may collide.
  { what: 'Synthetics canary', kind: 'synthetics-canary', scope: 'service-environment', parts: (v) => [canaryName(String(v.service), String(v.suffix))] },
];

/**
 * A name built from literal values: its text (the region shown as `${AWS::Region}`),
 * its length (the region at its longest, an account ID at 12 digits) and, when it does
 * not fit its kind's rule, why.
 */
export function measureName(kind: NameKind, parts: readonly NamePart[]): { name: string; length: number; problem?: string } {
  const rule = NAME_RULES[kind];
  const { length, sample } = worstCase(parts);
  const name = describe(parts);
  const region = parts.includes('AWS::Region') ? ' with the longest region code' : '';
  if (length > rule.max) return { name, length, problem: `is ${length} characters long${region}; the limit is ${rule.max}` };
  if (!rule.pattern.test(sample)) return { name, length, problem: `must match ${rule.pattern.source}` };
  return { name, length };
}

// --- Pipeline artifact buckets ---------------------------------------------------------
//
// Each service's pipeline has its own artifact bucket in the tools account, named
// `{project}-{service}-artifacts-{suffix}-{account}` (bucket names are global, so the
// account ID is part of it). Member accounts are granted read access to every artifact
// bucket of the project by this pattern, so adding a service needs no StackSet update.

export const ARTIFACT_BUCKET_TYPE = 'artifacts';

export function artifactBucketName(
  project: ParameterHandle<string>,
  service: ParameterHandle<string>,
  suffix: ParameterHandle<string>,
): Value<string> {
  return physicalName('s3-bucket', artifactBucketNameParts(project, service, suffix));
}

export function artifactBucketNameParts(project: NamePart, service: NamePart, suffix: NamePart): NamePart[] {
  return [project, '-', service, '-', ARTIFACT_BUCKET_TYPE, '-', suffix, '-', 'AWS::AccountId'];
}

/** ARN pattern of every artifact bucket of the project, as seen from a member account. */
export function artifactBucketArnPattern(
  project: ParameterHandle<string>,
  toolsSuffix: ParameterHandle<string>,
  toolsAccount: ParameterHandle<string>,
): Intrinsic<string> {
  return sub(
    `arn:\${AWS::Partition}:s3:::\${${project.logicalId}}-*-${ARTIFACT_BUCKET_TYPE}-\${${toolsSuffix.logicalId}}-\${${toolsAccount.logicalId}}`,
  );
}

// --- Pipelines and their stages, as monitoring matches them ----------------------------
//
// Each service has its own pipeline in the tools account, named by
// standardName('codepipeline', PIPELINE_TYPE, { project, service, suffix }):
// `{project}-{service}-pipeline-{suffix}`. Its deploy stages are `Deploy-{environment}`
// and its approvals `Approve-{environment}`. Monitoring covers every pipeline of the
// project by this name pattern, so adding a service needs no monitoring update.

export const PIPELINE_TYPE = 'pipeline';
export const DEPLOY_STAGE_PREFIX = 'Deploy-';

/** The deploy stage of an environment, e.g. `Deploy-prod`. */
export function deployStageName(environmentName: string): string {
  return `${DEPLOY_STAGE_PREFIX}${environmentName}`;
}

/**
 * Every pipeline name of the project, `{project}-*-pipeline-{suffix}`, as Fn::Sub text: an
 * EventBridge `wildcard` value and the last part of an IAM resource ARN (both read `*` as
 * any run of characters).
 */
export function pipelineNamePattern(project: ParameterHandle<string>, suffix: ParameterHandle<string>): string {
  return `\${${project.logicalId}}-*-${PIPELINE_TYPE}-\${${suffix.logicalId}}`;
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

export function networkParameterName(
  project: ParameterHandle<string>,
  suffix: ParameterHandle<string>,
  key: NetworkParameterKey,
): Value<string> {
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

export function targetGroupName(
  service: ParameterHandle<string>,
  suffix: ParameterHandle<string>,
  ordinal: 1 | 2,
): Value<string> {
  return physicalName('target-group', targetGroupNameParts(service, ordinal, suffix));
}

/**
 * CodeDeploy lifecycle hook functions must be named `CodeDeployHook_*`: the CodeDeploy
 * role may invoke only those (member-roles.json scopes it to `CodeDeployHook_{project}-*`).
 */
export const CODEDEPLOY_HOOK_PREFIX = 'CodeDeployHook_';

export function hookFunctionNameParts(
  project: ParameterHandle<string>,
  service: ParameterHandle<string>,
  suffix: ParameterHandle<string>,
): NamePart[] {
  return [CODEDEPLOY_HOOK_PREFIX, project, '-', service, '-check-', suffix];
}

export function hookFunctionName(
  project: ParameterHandle<string>,
  service: ParameterHandle<string>,
  suffix: ParameterHandle<string>,
): Value<string> {
  return physicalName('lambda-function', hookFunctionNameParts(project, service, suffix));
}

/**
 * The lifecycle hook function of an ECS-native blue/green service,
 * `{project}-{service}-check-{suffix}`: the ECS infrastructure role of member-roles.json
 * may invoke exactly these (`{project}-*-check-{suffix}`).
 */
export function checkFunctionName(
  project: ParameterHandle<string>,
  service: ParameterHandle<string>,
  suffix: ParameterHandle<string>,
): Value<string> {
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

export function keepWarmRuleName(
  project: ParameterHandle<string>,
  service: ParameterHandle<string>,
  suffix: ParameterHandle<string>,
): Value<string> {
  return physicalName('events-rule', keepWarmRuleNameParts(project, service, suffix));
}

/** Log groups live under `/{project}/`, where member-roles.json allows CloudFormation to manage them. */
export function logGroupName(
  project: ParameterHandle<string>,
  scope: { service?: ParameterHandle<string>; suffix: ParameterHandle<string> },
  resourceType: string,
): Value<string> {
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

/** The access log bucket's ARN in this account and region, as the execution role is scoped to it. */
export function accessLogBucketArn(project: ParameterHandle<string>, suffix: ParameterHandle<string>): Intrinsic<string> {
  const parts = accessLogBucketNameParts(project, suffix);
  physicalName('s3-bucket', parts);
  return sub(`arn:\${AWS::Partition}:s3:::${describe(parts)}`);
}

/** The canary's artifact bucket, `{project}-{service}-canary-{suffix}-{account}` (at most 60 characters). */
export function canaryBucketName(
  project: ParameterHandle<string>,
  service: ParameterHandle<string>,
  suffix: ParameterHandle<string>,
): Value<string> {
  return physicalName('s3-bucket', [project, '-', service, `-${CANARY_TYPE}-`, suffix, '-', 'AWS::AccountId']);
}

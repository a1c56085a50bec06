/**
 * The registry of resource types: every CloudFormation resource type the generator may
 * emit, with what the generator needs to know of it. Adding a type is one entry here and
 * `npm run schemas:refresh` (which exports a provider schema for each type listed here
 * and writes the types that take tags into schemas/policy-rules.schema.json); a type of a
 * service no entry uses yet also needs that service's row in core/aws-services.ts, the
 * per-service half of the registry.
 *
 * Each entry holds:
 *
 * - `tags`: `'list'` for a `Tags` property of `[{ Key, Value }]`, `'map'` for a `Tags`
 *   object, `null` for a type that takes no tags (checked against its provider schema).
 * - `name`: the property that holds the physical name the generator gives it and its rule
 *   in NAME_RULES (core/naming/rules.ts: length limit and character set), or `null` when
 *   CloudFormation or AWS names it. The deploy scripts read it to tell a named IAM
 *   resource, which needs CAPABILITY_NAMED_IAM (scripts/lib/templates.ts).
 * - `scopes`: per CloudFormation role whose stacks deploy it (`execution`: the member
 *   stacks' execution role; `pipelineStacks`: the pipeline stacks' role), the scopes
 *   (statement Sids, or a scope group such as `Network`) that its handler actions go to;
 *   `{}` when no role of the generator deploys it (an operator's own stacks). Generation
 *   fails when one of its actions goes elsewhere, or a scope named here takes none
 *   (core/role-scopes.ts). A scope the role does not define is derived: its service's
 *   actions on the resources this project names, by `arn`.
 * - `arn`: where a scope holds its resources by name, the part of their ARN after the
 *   account (or region), `{name}` standing for the name or ID (`log-group:{name}`).
 * - `passesRoleTo`: the service its handlers pass a role to (iam:PassedToService).
 * - `serviceLinkedRole`: the service-linked role its handlers create on an account's first use.
 * - `creates`: the call that creates it and the IAM resource type it creates
 *   (`service:type`), where a scope holds creation to tagged requests (blocks/network-scopes.ts);
 *   `untagged` when the handler creates it without tags and tags it afterwards.
 * - `handlerActions`: what CloudFormation calls when the registry schema lists no handlers.
 */
import type { NameKind } from './naming/rules';

/** The CloudFormation roles whose permissions the generator builds from this registry. */
export const ROLE_KEYS = ['execution', 'pipelineStacks'] as const;
export type RoleKey = (typeof ROLE_KEYS)[number];

export interface ResourceTypeEntry {
  readonly tags: 'list' | 'map' | null;
  readonly name: { readonly property: string; readonly rule: NameKind } | null;
  readonly scopes: Readonly<Partial<Record<RoleKey, readonly string[]>>>;
  readonly arn?: string;
  readonly passesRoleTo?: string;
  readonly serviceLinkedRole?: { readonly service: string; readonly role: string };
  readonly creates?: { readonly action: string; readonly resource: string; readonly untagged?: boolean };
  readonly handlerActions?: readonly string[];
}

const NETWORK = { execution: ['Network'] } as const;

/**
 * CodeBuild projects and report groups: their registry schemas have no handlers (the
 * handler data holds them empty); CloudFormation manages them through the CodeBuild API
 * (CodeBuild API Reference: CreateProject, UpdateProject, DeleteProject, BatchGetProjects
 * and their report group counterparts). CreateProject and UpdateProject pass the
 * project's service role (CodeBuild User Guide, "Create a CodeBuild service role").
 */
const CODEBUILD_PROJECT_CALLS = ['codebuild:BatchGetProjects', 'codebuild:CreateProject', 'codebuild:DeleteProject', 'codebuild:UpdateProject', 'iam:PassRole'];
const CODEBUILD_REPORT_GROUP_CALLS = ['codebuild:BatchGetReportGroups', 'codebuild:CreateReportGroup', 'codebuild:DeleteReportGroup', 'codebuild:UpdateReportGroup'];

export const RESOURCE_TYPES = {
  'AWS::ApplicationAutoScaling::ScalableTarget': {
    tags: null,
    name: null,
    scopes: { execution: ['EcsScalableTargets', 'ScalingReads', 'ScalingPermissionChecks', 'Alarms'] },
    serviceLinkedRole: { service: 'ecs.application-autoscaling.amazonaws.com', role: 'AWSServiceRoleForApplicationAutoScaling_ECSService' },
  },
  'AWS::ApplicationAutoScaling::ScalingPolicy': {
    tags: null,
    name: { property: 'PolicyName', rule: 'scaling-policy' },
    scopes: { execution: ['EcsScalableTargets', 'ScalingReads'] },
  },
  'AWS::CloudWatch::Alarm': {
    tags: 'list',
    name: { property: 'AlarmName', rule: 'cloudwatch-alarm' },
    scopes: { execution: ['ScalingPermissionChecks', 'Alarms'] },
    arn: 'alarm:{name}',
  },
  'AWS::CloudWatch::Dashboard': { tags: null, name: { property: 'DashboardName', rule: 'cloudwatch-dashboard' }, scopes: {} },
  'AWS::CodeBuild::Project': {
    tags: 'list',
    name: { property: 'Name', rule: 'codebuild-project' },
    scopes: { pipelineStacks: ['CodeBuild'] },
    arn: 'project/{name}',
    passesRoleTo: 'codebuild.amazonaws.com',
    handlerActions: CODEBUILD_PROJECT_CALLS,
  },
  'AWS::CodeBuild::ReportGroup': {
    tags: 'list',
    name: { property: 'Name', rule: 'codebuild-report-group' },
    scopes: { pipelineStacks: ['CodeBuild'] },
    arn: 'report-group/{name}',
    handlerActions: CODEBUILD_REPORT_GROUP_CALLS,
  },
  'AWS::CodePipeline::Pipeline': {
    tags: 'list',
    name: { property: 'Name', rule: 'codepipeline' },
    scopes: { pipelineStacks: ['Pipelines', 'PassConnections', 'PipelineRoles'] },
    arn: '{name}',
    passesRoleTo: 'codepipeline.amazonaws.com',
  },
  'AWS::DynamoDB::Table': { tags: 'list', name: { property: 'TableName', rule: 'dynamodb-table' }, scopes: {} },
  'AWS::EC2::EIP': { tags: 'list', name: null, scopes: NETWORK, creates: { action: 'ec2:AllocateAddress', resource: 'ec2:elastic-ip', untagged: true } },
  'AWS::EC2::FlowLog': {
    tags: 'list',
    name: null,
    scopes: NETWORK,
    passesRoleTo: 'vpc-flow-logs.amazonaws.com',
    creates: { action: 'ec2:CreateFlowLogs', resource: 'ec2:vpc-flow-log' },
  },
  'AWS::EC2::InternetGateway': { tags: 'list', name: null, scopes: NETWORK, creates: { action: 'ec2:CreateInternetGateway', resource: 'ec2:internet-gateway' } },
  'AWS::EC2::NatGateway': { tags: 'list', name: null, scopes: NETWORK, creates: { action: 'ec2:CreateNatGateway', resource: 'ec2:natgateway' } },
  'AWS::EC2::Route': { tags: null, name: null, scopes: NETWORK },
  'AWS::EC2::RouteTable': { tags: 'list', name: null, scopes: NETWORK, creates: { action: 'ec2:CreateRouteTable', resource: 'ec2:route-table' } },
  'AWS::EC2::SecurityGroup': { tags: 'list', name: null, scopes: NETWORK, creates: { action: 'ec2:CreateSecurityGroup', resource: 'ec2:security-group' } },
  'AWS::EC2::SecurityGroupEgress': { tags: null, name: null, scopes: {} },
  'AWS::EC2::SecurityGroupIngress': { tags: null, name: null, scopes: NETWORK },
  'AWS::EC2::Subnet': { tags: 'list', name: null, scopes: NETWORK, creates: { action: 'ec2:CreateSubnet', resource: 'ec2:subnet' } },
  'AWS::EC2::SubnetRouteTableAssociation': { tags: null, name: null, scopes: NETWORK },
  'AWS::EC2::VPC': { tags: 'list', name: null, scopes: NETWORK, creates: { action: 'ec2:CreateVpc', resource: 'ec2:vpc' } },
  'AWS::EC2::VPCGatewayAttachment': { tags: null, name: null, scopes: NETWORK },
  'AWS::ECR::Repository': { tags: 'list', name: { property: 'RepositoryName', rule: 'ecr-repository' }, scopes: { pipelineStacks: ['Repositories'] }, arn: 'repository/{name}' },
  'AWS::ECS::Cluster': {
    tags: 'list',
    name: { property: 'ClusterName', rule: 'ecs-cluster' },
    scopes: { execution: ['EcsClusterAndServices'] },
    serviceLinkedRole: { service: 'ecs.amazonaws.com', role: 'AWSServiceRoleForECS' },
  },
  'AWS::ECS::PrimaryTaskSet': { tags: null, name: null, scopes: { execution: ['EcsClusterAndServices'] } },
  'AWS::ECS::Service': { tags: 'list', name: null, scopes: { execution: ['EcsClusterAndServices'] }, passesRoleTo: 'ecs-tasks.amazonaws.com' },
  'AWS::ECS::TaskDefinition': { tags: 'list', name: null, scopes: { execution: ['EcsClusterAndServices', 'ReadWorkloadRoles'] }, passesRoleTo: 'ecs-tasks.amazonaws.com' },
  'AWS::ECS::TaskSet': { tags: 'list', name: null, scopes: { execution: ['EcsClusterAndServices'] } },
  'AWS::ElasticLoadBalancingV2::Listener': { tags: null, name: null, scopes: NETWORK },
  'AWS::ElasticLoadBalancingV2::ListenerRule': { tags: null, name: null, scopes: NETWORK },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': {
    tags: 'list',
    name: { property: 'Name', rule: 'alb' },
    scopes: NETWORK,
    serviceLinkedRole: { service: 'elasticloadbalancing.amazonaws.com', role: 'AWSServiceRoleForElasticLoadBalancing' },
    creates: { action: 'elasticloadbalancing:CreateLoadBalancer', resource: 'elasticloadbalancing:loadbalancer/app' },
  },
  'AWS::ElasticLoadBalancingV2::TargetGroup': {
    tags: 'list',
    name: { property: 'Name', rule: 'target-group' },
    scopes: NETWORK,
    creates: { action: 'elasticloadbalancing:CreateTargetGroup', resource: 'elasticloadbalancing:targetgroup' },
  },
  'AWS::Events::EventBusPolicy': { tags: null, name: { property: 'StatementId', rule: 'event-bus-statement' }, scopes: {} },
  'AWS::Events::Rule': {
    tags: 'list',
    name: { property: 'Name', rule: 'events-rule' },
    scopes: { execution: ['EventRules'], pipelineStacks: ['EventRules'] },
    arn: 'rule/{name}',
    passesRoleTo: 'events.amazonaws.com',
  },
  'AWS::IAM::ManagedPolicy': { tags: null, name: { property: 'ManagedPolicyName', rule: 'iam-policy' }, scopes: {} },
  'AWS::IAM::OIDCProvider': { tags: 'list', name: null, scopes: {} },
  'AWS::IAM::Role': {
    tags: 'list',
    name: { property: 'RoleName', rule: 'iam-role' },
    scopes: { execution: ['BoundedWorkloadRoles', 'ReadWorkloadRoles'], pipelineStacks: ['PipelineRoles'] },
    arn: 'role/{name}',
  },
  'AWS::KMS::Alias': { tags: null, name: { property: 'AliasName', rule: 'kms-alias' }, scopes: {} },
  'AWS::KMS::Key': { tags: 'list', name: null, scopes: { pipelineStacks: ['CreateKeys', 'TagNewKeys', 'Keys'] }, arn: 'key/{name}' },
  'AWS::Lambda::Function': {
    tags: 'list',
    name: { property: 'FunctionName', rule: 'lambda-function' },
    scopes: { execution: ['Functions', 'Layers'] },
    arn: 'function:{name}',
    passesRoleTo: 'lambda.amazonaws.com',
  },
  'AWS::Lambda::Permission': { tags: null, name: null, scopes: { execution: ['Functions'] } },
  'AWS::Logs::LogGroup': {
    tags: 'list',
    name: { property: 'LogGroupName', rule: 'log-group' },
    scopes: { execution: ['LogGroups'], pipelineStacks: ['LogGroups'] },
    arn: 'log-group:{name}',
  },
  'AWS::Logs::MetricFilter': { tags: null, name: null, scopes: {} },
  'AWS::Logs::ResourcePolicy': { tags: null, name: { property: 'PolicyName', rule: 'logs-resource-policy' }, scopes: {} },
  'AWS::S3::Bucket': {
    tags: 'list',
    name: { property: 'BucketName', rule: 's3-bucket' },
    scopes: { execution: ['AccessLogBucket', 'CanaryArtifactBuckets'], pipelineStacks: ['Buckets'] },
    arn: '{name}',
  },
  'AWS::S3::BucketPolicy': { tags: null, name: null, scopes: { execution: ['AccessLogBucket', 'CanaryArtifactBuckets'], pipelineStacks: ['Buckets'] } },
  'AWS::SecretsManager::RotationSchedule': { tags: null, name: null, scopes: { pipelineStacks: ['Secrets', 'RotationFunctions'] } },
  // Secrets Manager appends six random characters to a secret's name in its ARN.
  'AWS::SecretsManager::Secret': { tags: 'list', name: { property: 'Name', rule: 'secret' }, scopes: { pipelineStacks: ['Secrets'] }, arn: 'secret:{name}-??????' },
  'AWS::SNS::Subscription': { tags: null, name: null, scopes: {} },
  'AWS::SNS::Topic': { tags: 'list', name: { property: 'TopicName', rule: 'sns-topic' }, scopes: { pipelineStacks: ['Topics', 'PipelineRoles'] }, arn: '{name}' },
  'AWS::SNS::TopicPolicy': { tags: null, name: null, scopes: {} },
  'AWS::SSM::Parameter': { tags: 'map', name: { property: 'Name', rule: 'ssm-parameter' }, scopes: { execution: ['NetworkParameters'] }, arn: 'parameter{name}' },
  'AWS::Synthetics::Canary': {
    tags: 'list',
    name: { property: 'Name', rule: 'synthetics-canary' },
    scopes: { execution: ['Functions', 'Layers', 'AccessLogBucket', 'CanaryArtifactBuckets', 'CreateCanaries', 'Canaries'] },
    arn: 'canary:{name}',
    passesRoleTo: 'synthetics.amazonaws.com',
  },
} as const satisfies Record<string, ResourceTypeEntry>;

export type ResourceType = keyof typeof RESOURCE_TYPES;

export function isResourceType(type: string): type is ResourceType {
  return Object.prototype.hasOwnProperty.call(RESOURCE_TYPES, type);
}

/** The registry entry of `type`; throws naming the table when there is none. */
export function resourceTypeEntry(type: string, registry: Readonly<Record<string, ResourceTypeEntry>> = RESOURCE_TYPES): ResourceTypeEntry {
  const entry = Object.prototype.hasOwnProperty.call(registry, type) ? registry[type] : undefined;
  if (entry === undefined) throw new Error(`${type} is not in RESOURCE_TYPES (generator/core/resource-types.ts): add its entry`);
  return entry;
}

const WHAT_TO_ADD: Readonly<Record<'tags' | 'name' | 'scopes', string>> = {
  tags: "'list' (Tags: [{ Key, Value }]), 'map' (Tags: { key: value }) or null (no tags), as its provider schema says",
  name: "the property that holds the physical name the generator gives it and its rule in NAME_RULES ({ property: 'TopicName', rule: 'sns-topic' }), or null when AWS names it",
  scopes: "per role that deploys it, the scopes its handler actions go to ({ execution: ['LogGroups'] }), or {} when no role of the generator deploys it",
};

/** Checks every entry's fields; throws naming the type and the field to add or fix. */
export function checkResourceTypes(registry: Readonly<Record<string, unknown>>): void {
  for (const [type, value] of Object.entries(registry)) {
    const at = `RESOURCE_TYPES['${type}']`;
    if (!/^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/.test(type)) throw new Error(`${at}: not a resource type name (AWS::Service::Type)`);
    const entry = value as Record<string, unknown>;
    for (const field of ['tags', 'name', 'scopes'] as const) {
      if (typeof entry !== 'object' || entry === null || !(field in entry)) throw new Error(`${at} has no "${field}": add ${WHAT_TO_ADD[field]}`);
    }
    if (!['list', 'map', null].includes(entry.tags as string | null)) throw new Error(`${at}.tags must be ${WHAT_TO_ADD.tags}`);
    const name = entry.name as Record<string, unknown> | null;
    if (name !== null && (typeof name !== 'object' || typeof name.property !== 'string' || typeof name.rule !== 'string')) {
      throw new Error(`${at}.name must be ${WHAT_TO_ADD.name}`);
    }
    const scopes = entry.scopes as Record<string, unknown>;
    if (typeof scopes !== 'object' || scopes === null) throw new Error(`${at}.scopes must be ${WHAT_TO_ADD.scopes}`);
    for (const [role, sids] of Object.entries(scopes)) {
      if (!(ROLE_KEYS as readonly string[]).includes(role)) throw new Error(`${at}.scopes.${role}: not a role (${ROLE_KEYS.join(', ')})`);
      if (!Array.isArray(sids) || sids.length === 0 || sids.some((s) => typeof s !== 'string' || !/^[A-Za-z0-9]+$/.test(s))) {
        throw new Error(`${at}.scopes.${role} must list the scopes (statement Sids or scope groups) its handler actions go to`);
      }
    }
    if (entry.passesRoleTo !== undefined && !/^[a-z0-9.-]+\.amazonaws\.com$/.test(String(entry.passesRoleTo))) {
      throw new Error(`${at}.passesRoleTo must be a service principal (lambda.amazonaws.com)`);
    }
    if (entry.arn !== undefined && !String(entry.arn).includes('{name}')) throw new Error(`${at}.arn must hold {name}, where the resource's name or ID goes`);
  }
}

checkResourceTypes(RESOURCE_TYPES);

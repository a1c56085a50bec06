/**
 * The example configuration's real values for simulating the member-roles and
 * execution-role policies: the
 * accounts, region and names resolved from the generated templates and their parameter
 * files, and the concrete resources each resource handler's call names.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CREATES, CREATES_UNTAGGED } from '../../generator/blocks/network-scopes';
import { RESOURCE_TYPES, ResourceTypeEntry } from '../../generator/core/resource-types';
import { MEMBER_ROLES_IDS as ID } from '../../generator/templates/member-roles';
import { EXECUTION_ROLE_IDS } from '../../generator/templates/execution-role';
import { Template } from '../../generator/core/template';
import { ActionInfo, Policy, arnFormat, identityPolicies, resolvePolicy } from './iam-sim';
import { TEMPLATES_DIR, exampleConfig, loadTemplate, resolve, resource, templateFiles } from './template';

export const config = exampleConfig();
export const REGION = 'eu-west-1';
export const TOOLS = config.tools.accountId;
export const memberRoles = loadTemplate('member-roles.json');
export const executionRole = loadTemplate('execution-role.json');

/** Templates deployed in the tools account or by an operator with their own credentials: the rest are member stacks. */
export const NOT_MEMBER_STACKS = [
  'member-roles.json',
  'execution-role.json',
  'service-deploy-role.json',
  'github-oidc.json',
  'dora.json',
  'monitoring.json',
  'pipeline-build.json',
  'pipeline.json',
  'pipeline-stacks-role.json',
];
export const memberFiles = templateFiles().filter((f) => !NOT_MEMBER_STACKS.includes(f));

export function parameterFile(rel: string): Record<string, string> {
  return JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, 'parameters', rel), 'utf8')).Parameters;
}

export function envOf(name: string) {
  return config.environments.find((e) => e.name === name)!;
}

export function pseudo(account: string): Record<string, string> {
  return { 'AWS::Partition': 'aws', 'AWS::Region': REGION, 'AWS::AccountId': account };
}

export function memberValues(env: string): Record<string, string> {
  return { ...parameterFile(`member-roles/${env}.json`), ...pseudo(envOf(env).accountId) };
}

/** Values of execution-role.json in an environment's member account. */
export function executionValues(env: string): Record<string, string> {
  return { ...parameterFile(`execution-role/${env}.json`), ...pseudo(envOf(env).accountId) };
}

/** The execution role's ARN and identity policies in an environment's member account. */
export function executionRoleOf(env: string): { arn: string; identity: ReturnType<typeof identityPolicies> } {
  const values = executionValues(env);
  return { arn: roleArn(executionRole, EXECUTION_ROLE_IDS.executionRole, values), identity: identityPolicies(executionRole, EXECUTION_ROLE_IDS.executionRole, values) };
}

export function roleArn(t: Template, id: string, values: Record<string, string>): string {
  const props = resource(t, id).Properties!;
  return `arn:aws:iam::${values['AWS::AccountId']}:role${props.Path !== undefined ? resolve(props.Path, values) : '/'}${resolve(props.RoleName, values)}`;
}

// --- Real names of the web service in dev, from the generated templates ------------------

export const DEV = envOf('dev');
export const ACCOUNT = DEV.accountId;
export const dev = memberValues('dev');
export const { arn: EXEC_ARN, identity: execIdentity } = executionRoleOf('dev');
export const CODEDEPLOY_ARN = roleArn(memberRoles, ID.codeDeployRole, dev);
export const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/${resolve(resource(memberRoles, ID.workloadBoundary).Properties!.ManagedPolicyName, dev)}`;
export const boundary = resolvePolicy(resource(memberRoles, ID.workloadBoundary).Properties!.PolicyDocument, dev) as Policy;

export const bg = loadTemplate('ecs-service.json');
export const network = loadTemplate('network.json');
export const canary = loadTemplate('service-canary.json');
export const webValues = { ...parameterFile('ecs-service/web/dev.json'), ...pseudo(ACCOUNT) };
export const canaryValues = { ...parameterFile('service-canary/web/dev.json'), ...pseudo(ACCOUNT) };
export const networkValues = { ...parameterFile('network/dev.json'), ...pseudo(ACCOUNT) };
export const prop = (t: Template, id: string, key: string, values: Record<string, string>) => resolve(resource(t, id).Properties![key], values);

export const LOAD_BALANCER = prop(bg, 'LoadBalancer', 'Name', webValues);
export const TARGET_GROUP = prop(bg, 'TargetGroup1', 'Name', webValues);
export const CLUSTER = prop(network, 'Cluster', 'ClusterName', networkValues);
export const STACK = `shop-web-${DEV.environmentSuffix}`;
export const CHECK_FUNCTION = prop(bg, 'CheckFunction', 'FunctionName', webValues);
export const CANARY = canaryValues.CanaryName;
export const CANARY_BUCKET = prop(canary, 'ArtifactBucket', 'BucketName', canaryValues);
export const LOG_GROUP = prop(bg, 'ServiceLogGroup', 'LogGroupName', webValues);
export const ALARM = prop(bg, 'TargetErrorsAlarm', 'AlarmName', webValues);
export const PARAMETER = prop(network, 'VpcIdParameter', 'Name', networkValues);
export const WORKLOAD_ROLE = `shop-workload/${STACK}-TaskRole-1A2B3C4D5E6F`;
export const doraForwarding = loadTemplate('dora-forwarding.json');
export const FORWARD_RULE = prop(doraForwarding, 'ForwardDeploymentEventsRule', 'Name', { ...parameterFile('dora-forwarding/dev.json'), ...pseudo(ACCOUNT) });

/** Values for the placeholders of the Service Authorization Reference's ARN formats. */
export const PLACEHOLDERS: Record<string, string> = {
  Partition: 'aws',
  Region: REGION,
  Account: ACCOUNT,
  VpcId: 'vpc-0a1b2c3d4e5f60718',
  SubnetId: 'subnet-0a1b2c3d4e5f60718',
  SecurityGroupId: 'sg-0a1b2c3d4e5f60718',
  SecurityGroupRuleId: 'sgr-0a1b2c3d4e5f60718',
  RouteTableId: 'rtb-0a1b2c3d4e5f60718',
  InternetGatewayId: 'igw-0a1b2c3d4e5f60718',
  NatGatewayId: 'nat-0a1b2c3d4e5f60718',
  AllocationId: 'eipalloc-0a1b2c3d4e5f60718',
  VpcFlowLogId: 'fl-0a1b2c3d4e5f60718',
  NetworkInterfaceId: 'eni-0a1b2c3d4e5f60718',
  IpamPoolId: 'ipam-pool-0a1b2c3d4e5f60718',
  LoadBalancerName: LOAD_BALANCER,
  LoadBalancerId: '50dc6c495c0c9188',
  ListenerId: 'f2f7dc8efc522ab2',
  ListenerRuleId: '9683b2d02a6cabee',
  TargetGroupName: TARGET_GROUP,
  TargetGroupId: '6d0ecf831eec9f09',
  ClusterName: CLUSTER,
  ServiceName: `${STACK}-Service-1A2B3C4D5E6F`,
  TaskSetId: 'ecs-svc/1234567890123456789',
  ServiceDeploymentId: 'r9sPTSJxwRNNRmDm',
  TaskDefinitionFamilyName: `${STACK}-TaskDefinition-1A2B3C4D5E6F`,
  TaskDefinitionRevisionNumber: '3',
  RoleNameWithPath: WORKLOAD_ROLE,
  FunctionName: CHECK_FUNCTION,
  LayerName: `cwsyn-${CANARY}-0a1b2c3d`,
  LayerVersion: '1',
  LogGroupName: LOG_GROUP,
  AlarmName: ALARM,
  ParameterNameWithoutLeadingSlash: PARAMETER.replace(/^\//, ''),
  CanaryName: CANARY,
  BucketName: CANARY_BUCKET,
};

/** Where a resource type's handlers act on something else than the defaults above. */
export const PLACEHOLDERS_BY_TYPE: Record<string, Record<string, string>> = {
  'AWS::Synthetics::Canary': { FunctionName: `cwsyn-${CANARY}-0a1b2c3d-1a2b-4c3d-8e9f-0a1b2c3d4e5f` },
  'AWS::ECS::Cluster': { RoleNameWithPath: 'aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS' },
  'AWS::Events::Rule': { RuleName: FORWARD_RULE },
  // Application Auto Scaling generates the scalable target's ID; its service-linked role for ECS.
  'AWS::ApplicationAutoScaling::ScalableTarget': {
    ResourceId: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f',
    RoleNameWithPath: 'aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService',
  },
  // cloudwatch:GetMetricData's only resource type is the optional OTLP dataset; classic metrics have none.
  'AWS::ApplicationAutoScaling::ScalingPolicy': { ResourceId: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f', DatasetId: 'a1b2c3d4e5f6' },
};

/** Context of the Application Auto Scaling calls: the services' task counts, the ECS service-linked role. */
const SCALING_CONTEXT = {
  'application-autoscaling:service-namespace': 'ecs',
  'application-autoscaling:scalable-dimension': 'ecs:service:DesiredCount',
};
const CONTEXT_BY_TYPE: Record<string, Record<string, string>> = {
  'AWS::ApplicationAutoScaling::ScalableTarget': { ...SCALING_CONTEXT, 'iam:AWSServiceName': 'ecs.application-autoscaling.amazonaws.com' },
  'AWS::ApplicationAutoScaling::ScalingPolicy': SCALING_CONTEXT,
};

/** The IAM resource type each handler acts on when an action accepts several (e.g. ecs:TagResource). */
export const PREFERRED_RESOURCE_TYPE: Record<string, readonly string[]> = {
  'AWS::Events::Rule': ['rule-on-default-event-bus'],
  'AWS::EC2::VPC': ['vpc'],
  'AWS::EC2::Subnet': ['subnet'],
  'AWS::EC2::SecurityGroup': ['security-group'],
  'AWS::EC2::SecurityGroupIngress': ['security-group'],
  'AWS::EC2::RouteTable': ['route-table'],
  'AWS::EC2::Route': ['route-table'],
  'AWS::EC2::InternetGateway': ['internet-gateway'],
  'AWS::EC2::VPCGatewayAttachment': ['internet-gateway', 'vpc'],
  'AWS::EC2::NatGateway': ['natgateway'],
  'AWS::EC2::EIP': ['elastic-ip'],
  'AWS::EC2::FlowLog': ['vpc-flow-log'],
  'AWS::EC2::SubnetRouteTableAssociation': ['route-table', 'subnet'],
  'AWS::ECS::Cluster': ['cluster'],
  'AWS::ECS::Service': ['service'],
  'AWS::ECS::TaskSet': ['task-set'],
  'AWS::ECS::PrimaryTaskSet': ['service'],
  'AWS::ECS::TaskDefinition': ['task-definition'],
  'AWS::ElasticLoadBalancingV2::LoadBalancer': ['loadbalancer/app/'],
  'AWS::ElasticLoadBalancingV2::Listener': ['listener/app', 'loadbalancer/app/'],
  'AWS::ElasticLoadBalancingV2::ListenerRule': ['listener-rule/app', 'listener/app', 'loadbalancer/app/'],
  'AWS::ElasticLoadBalancingV2::TargetGroup': ['targetgroup'],
  'AWS::Lambda::Function': ['function'],
  'AWS::Logs::LogGroup': ['log-group'],
  'AWS::S3::Bucket': ['bucket'],
  'AWS::S3::BucketPolicy': ['bucket'],
  'AWS::SSM::Parameter': ['parameter'],
  'AWS::CloudWatch::Alarm': ['alarm'],
  'AWS::Synthetics::Canary': ['canary', 'function', 'layerVersion', 'layer', 'bucket', 'role'],
};

/** What the handler passes a role to, per resource type (iam:PassedToService): the registry's `passesRoleTo`. */
export const PASSED_TO: Record<string, string> = Object.fromEntries(
  Object.entries(RESOURCE_TYPES as Readonly<Record<string, ResourceTypeEntry>>).flatMap(([type, e]) => (e.passesRoleTo !== undefined ? [[type, e.passesRoleTo]] : [])),
);

/** Resource types that carry no tags: CloudFormation gives listeners and rules none. */
const UNTAGGED = new Set(['listener/app', 'listener-rule/app']);

/** Whether `action` creates the resource of IAM resource type `name` (blocks/network-scopes.ts CREATES, CREATES_UNTAGGED). */
export function creates(action: string, name: string): boolean {
  const type = `${action.split(':')[0]}:${name.replace(/\/$/, '')}`;
  return CREATES[action] === type || CREATES_UNTAGGED[action] === type;
}

/**
 * Context of a handler request of the project on one resource: the stack's tags in the
 * request (CloudFormation passes them in create calls), the Project tag of the resource
 * unless the call creates it or its type takes no tags, the boundary of the roles it
 * creates. `project` and `tagged` stand for another project's request or resource.
 */
export function handlerContext(type: string, action = '', name = '', tags: { request?: string; resource?: string } = {}): Record<string, string> {
  const tagged = !creates(action, name) && !UNTAGGED.has(name.replace(/\/$/, ''));
  return {
    ...(tagged ? { 'aws:ResourceTag/Project': tags.resource ?? 'shop' } : {}),
    'aws:RequestTag/Project': tags.request ?? 'shop',
    'iam:PermissionsBoundary': BOUNDARY_ARN,
    'iam:AWSServiceName': 'ecs.amazonaws.com',
    ...(PASSED_TO[type] ? { 'iam:PassedToService': PASSED_TO[type] } : {}),
    ...(CONTEXT_BY_TYPE[type] ?? {}),
  };
}

/** Existing resources an EC2 call of the member stacks names besides those the reference marks required. */
const ALSO_NAMES: Record<string, readonly string[]> = {
  'ec2:CreateNatGateway': ['subnet', 'elastic-ip'],
  'ec2:CreateFlowLogs': ['vpc'],
  'ec2:CreateSecurityGroup': ['vpc'],
  'ec2:AssociateRouteTable': ['subnet'],
  'ec2:DisassociateRouteTable': ['subnet'],
};

/** Fills an ARN format of the Service Authorization Reference with concrete values. */
export async function arnOf(action: string, type: string, name: string, values: Record<string, string>): Promise<string> {
  const format = await arnFormat(action.split(':')[0].toLowerCase(), name);
  return format.replace(/\$\{([A-Za-z]+)\}/g, (_m, key: string) => {
    if (!(key in values)) throw new Error(`${action} (${type}) acts on ${name}: add a concrete value for \${${key}} (${format})`);
    return values[key];
  });
}

/**
 * The resources a handler's call names, each with its IAM resource type: `*` for calls
 * without resource types; else the type this resource type's handler acts on, and for
 * EC2 every required one and those in ALSO_NAMES.
 */
export async function concreteArns(action: string, info: ActionInfo, type: string, overrides: Record<string, string> = {}): Promise<Array<{ name: string; arn: string }>> {
  if (info.wildcardOnly || info.resourceTypes.length === 0) return [{ name: '', arn: '*' }];
  const service = action.split(':')[0].toLowerCase();
  // The Service Authorization Reference lists Elastic Load Balancing v1 and v2 under one
  // prefix; for an action both have, the data holds v1's entry (classic `loadbalancer`),
  // while our handlers act on v2's resource types.
  const elbV2 = service === 'elasticloadbalancing' && info.resourceTypes.every((r) => r.name === 'loadbalancer');
  const preferred = (PREFERRED_RESOURCE_TYPE[type] ?? []).filter((p) => elbV2 || info.resourceTypes.some((r) => r.name === p));
  const required = info.resourceTypes.filter((r) => r.required).map((r) => r.name);
  const first = preferred.length > 0 ? [preferred[0]] : required.length > 0 ? required : [info.resourceTypes[0].name];
  const names = [...new Set([...first, ...(service === 'ec2' ? [...required, ...(ALSO_NAMES[action] ?? [])] : [])])];
  const values = { ...PLACEHOLDERS, ...(PLACEHOLDERS_BY_TYPE[type] ?? {}), ...overrides };
  return Promise.all(names.map(async (name) => ({ name, arn: await arnOf(action, type, name, values) })));
}

/**
 * member-roles.json evaluated by a real IAM policy evaluator on the example
 * configuration's real values (accounts, region, names resolved from the generated
 * templates and their parameter files):
 *
 * - the execution role allows every action the resource handlers call for every resource
 *   type of every member-account template in templates/ (from generator/aws-data), except
 *   what the builder's one exclusions table leaves out with its reason;
 * - a template pushed by an attacker is denied at every step of the escalation;
 * - each service's pipeline reaches only its own stacks;
 * - every legitimate step of a deploy is allowed, and every workload role's own
 *   permissions fit inside the boundary.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { actionsOfType } from '../../generator/core/handler-permissions';
import { memberStackTemplates } from '../../generator/member-stacks';
import { EXECUTION_ROLE_EXCLUSIONS, MEMBER_ROLES_IDS as ID } from '../../generator/templates/member-roles';
import { Template } from '../../generator/core/template';
import { ActionInfo, Decision, Policy, actionInfo, arnFormat, decide, expandAction, identityPolicies, resolvePolicy, trustPolicy } from '../helpers/iam-sim';
import { TEMPLATES_DIR, exampleConfig, loadTemplate, resolve, resource, roleStatements, templateFiles } from '../helpers/template';

jest.setTimeout(120_000);

const config = exampleConfig();
const REGION = 'eu-west-1';
const TOOLS = config.tools.accountId;
const memberRoles = loadTemplate('member-roles.json');

/** Templates deployed in the tools account or by an operator with their own credentials: the rest are member stacks. */
const NOT_MEMBER_STACKS = ['member-roles.json', 'service-deploy-role.json', 'github-oidc.json', 'dora.json', 'monitoring.json', 'pipeline-build.json', 'pipeline.json'];
const memberFiles = templateFiles().filter((f) => !NOT_MEMBER_STACKS.includes(f));

function parameterFile(rel: string): Record<string, string> {
  return JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, 'parameters', rel), 'utf8')).Parameters;
}

function envOf(name: string) {
  return config.environments.find((e) => e.name === name)!;
}

function pseudo(account: string): Record<string, string> {
  return { 'AWS::Partition': 'aws', 'AWS::Region': REGION, 'AWS::AccountId': account };
}

function memberValues(env: string): Record<string, string> {
  return { ...parameterFile(`member-roles/${env}.json`), ...pseudo(envOf(env).accountId) };
}

function roleArn(t: Template, id: string, values: Record<string, string>): string {
  const props = resource(t, id).Properties!;
  return `arn:aws:iam::${values['AWS::AccountId']}:role${props.Path !== undefined ? resolve(props.Path, values) : '/'}${resolve(props.RoleName, values)}`;
}

// --- Real names of the web service in dev, from the generated templates ------------------

const DEV = envOf('dev');
const ACCOUNT = DEV.accountId;
const dev = memberValues('dev');
const execIdentity = identityPolicies(memberRoles, ID.executionRole, dev);
const EXEC_ARN = roleArn(memberRoles, ID.executionRole, dev);
const CODEDEPLOY_ARN = roleArn(memberRoles, ID.codeDeployRole, dev);
const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/${resolve(resource(memberRoles, ID.workloadBoundary).Properties!.ManagedPolicyName, dev)}`;
const boundary = resolvePolicy(resource(memberRoles, ID.workloadBoundary).Properties!.PolicyDocument, dev) as Policy;

const bg = loadTemplate('ecs-service.json');
const network = loadTemplate('network.json');
const canary = loadTemplate('service-canary.json');
const webValues = { ...parameterFile('ecs-service/web/dev.json'), ...pseudo(ACCOUNT) };
const canaryValues = { ...parameterFile('service-canary/web/dev.json'), ...pseudo(ACCOUNT) };
const networkValues = { ...parameterFile('network/dev.json'), ...pseudo(ACCOUNT) };
const prop = (t: Template, id: string, key: string, values: Record<string, string>) => resolve(resource(t, id).Properties![key], values);

const LOAD_BALANCER = prop(bg, 'LoadBalancer', 'Name', webValues);
const TARGET_GROUP = prop(bg, 'TargetGroup1', 'Name', webValues);
const CLUSTER = prop(network, 'Cluster', 'ClusterName', networkValues);
const STACK = `shop-web-${DEV.environmentSuffix}`;
const CHECK_FUNCTION = prop(bg, 'CheckFunction', 'FunctionName', webValues);
const CANARY = canaryValues.CanaryName;
const CANARY_BUCKET = prop(canary, 'ArtifactBucket', 'BucketName', canaryValues);
const LOG_GROUP = prop(bg, 'ServiceLogGroup', 'LogGroupName', webValues);
const ALARM = prop(bg, 'TargetErrorsAlarm', 'AlarmName', webValues);
const PARAMETER = prop(network, 'VpcIdParameter', 'Name', networkValues);
const WORKLOAD_ROLE = `shop-workload/${STACK}-TaskRole-1A2B3C4D5E6F`;
const doraForwarding = loadTemplate('dora-forwarding.json');
const FORWARD_RULE = prop(doraForwarding, 'ForwardDeploymentEventsRule', 'Name', { ...parameterFile('dora-forwarding/dev.json'), ...pseudo(ACCOUNT) });

/** Values for the placeholders of the Service Authorization Reference's ARN formats. */
const PLACEHOLDERS: Record<string, string> = {
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
const PLACEHOLDERS_BY_TYPE: Record<string, Record<string, string>> = {
  'AWS::Synthetics::Canary': { FunctionName: `cwsyn-${CANARY}-0a1b2c3d-1a2b-4c3d-8e9f-0a1b2c3d4e5f` },
  'AWS::ECS::Cluster': { RoleNameWithPath: 'aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS' },
  'AWS::Events::Rule': { RuleName: FORWARD_RULE },
};

/** The IAM resource type each handler acts on when an action accepts several (e.g. ecs:TagResource). */
const PREFERRED_RESOURCE_TYPE: Record<string, readonly string[]> = {
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

/** What the handler passes a role to, per resource type (iam:PassedToService). */
const PASSED_TO: Record<string, string> = {
  'AWS::ECS::Service': 'ecs-tasks.amazonaws.com',
  'AWS::ECS::TaskDefinition': 'ecs-tasks.amazonaws.com',
  'AWS::Lambda::Function': 'lambda.amazonaws.com',
  'AWS::Synthetics::Canary': 'synthetics.amazonaws.com',
  'AWS::EC2::FlowLog': 'vpc-flow-logs.amazonaws.com',
  'AWS::Events::Rule': 'events.amazonaws.com',
};

/** Context every handler request of the project carries: its Project tag, the boundary of the roles it creates. */
function handlerContext(type: string): Record<string, string> {
  return {
    'aws:ResourceTag/Project': 'shop',
    'aws:RequestTag/Project': 'shop',
    'iam:PermissionsBoundary': BOUNDARY_ARN,
    'iam:AWSServiceName': 'ecs.amazonaws.com',
    ...(PASSED_TO[type] ? { 'iam:PassedToService': PASSED_TO[type] } : {}),
  };
}

async function concreteArns(action: string, info: ActionInfo, type: string): Promise<string[]> {
  if (info.wildcardOnly || info.resourceTypes.length === 0) return ['*'];
  const service = action.split(':')[0].toLowerCase();
  // Where the reference lists several resource types (an ARN of one of them is what a call
  // names), the one this resource type's handler acts on; otherwise every required one.
  // The Service Authorization Reference lists Elastic Load Balancing v1 and v2 under one
  // prefix; for an action both have, the data holds v1's entry (classic `loadbalancer`),
  // while our handlers act on v2's resource types.
  const elbV2 = service === 'elasticloadbalancing' && info.resourceTypes.every((r) => r.name === 'loadbalancer');
  const preferred = (PREFERRED_RESOURCE_TYPE[type] ?? []).filter((p) => elbV2 || info.resourceTypes.some((r) => r.name === p));
  const required = info.resourceTypes.filter((r) => r.required).map((r) => r.name);
  const names = preferred.length > 0 ? [preferred[0]] : required.length > 0 ? required : [info.resourceTypes[0].name];
  const values = { ...PLACEHOLDERS, ...(PLACEHOLDERS_BY_TYPE[type] ?? {}) };
  const arns: string[] = [];
  for (const name of names) {
    const format = await arnFormat(service, name);
    arns.push(
      format.replace(/\$\{([A-Za-z]+)\}/g, (_m, key: string) => {
        if (!(key in values)) throw new Error(`${action} (${type}) acts on ${name}: add a concrete value for \${${key}} (${format})`);
        return values[key];
      }),
    );
  }
  return arns;
}

describe('member stacks: what the generated templates contain', () => {
  test('member-roles builds its roles from exactly the member-account templates in templates/', () => {
    expect(memberStackTemplates().map((t) => t.file).sort()).toEqual([...memberFiles].sort());
  });
});

describe('the execution role allows every handler action of every member stack resource type', () => {
  const types = [...new Set(memberFiles.flatMap((f) => Object.values(loadTemplate(f).Resources).map((r) => r.Type)))].sort();

  test.each(types)('%s', async (type) => {
    const excluded = new Set(EXECUTION_ROLE_EXCLUSIONS.filter((e) => e.resourceType === type).flatMap((e) => e.actions));
    const denied: string[] = [];
    for (const action of actionsOfType(type)) {
      if (excluded.has(action)) continue;
      const info = await actionInfo(action);
      if (info === undefined) {
        denied.push(`${action}: not an IAM action (exclude it with the reason)`);
        continue;
      }
      for (const arn of await concreteArns(action, info, type)) {
        const unvalidated = action.startsWith('elasticloadbalancing:') && info.resourceTypes.every((r) => r.name === 'loadbalancer');
        const d = await decide({ principal: EXEC_ARN, action, resource: arn, context: handlerContext(type), identity: execIdentity, unvalidated });
        if (d !== 'Allowed') denied.push(`${action} on ${arn}: ${d}`);
      }
    }
    expect(denied).toEqual([]);
  });

  test('every exclusion names an action its type\'s handlers call, with a reason', () => {
    for (const e of EXECUTION_ROLE_EXCLUSIONS) {
      expect(e.reason.length).toBeGreaterThanOrEqual(10);
      for (const a of e.actions) expect(`${a}: ${actionsOfType(e.resourceType).includes(a)}`).toBe(`${a}: true`);
    }
  });

  test('each wildcard action of the execution role expands to read and list actions only', async () => {
    const wildcards = roleStatements(memberRoles, ID.executionRole)
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => s.Action as string[])
      .filter((a) => a.includes('*'));
    expect(wildcards.length).toBeGreaterThan(0);
    for (const w of wildcards) {
      const actions = await expandAction(w);
      expect(actions.length).toBeGreaterThan(0);
      for (const a of actions) {
        const info = (await actionInfo(a))!;
        expect(`${a}: ${info.accessLevel}`).toMatch(/: (Read|List)$/);
      }
    }
  });
});

// --- The attacker's template ---------------------------------------------------------------

const ADMIN: Policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const BACKDOOR = `arn:aws:iam::${ACCOUNT}:role/shop-workload/backdoor`;
const deployRoleTemplate = loadTemplate('service-deploy-role.json');
const deployRoleValues = (svc: string, env: string) => ({ ...parameterFile(`service-deploy-role/${svc}/${env}.json`), ...pseudo(envOf(env).accountId) });
const deployRoleArns = config.services.map((s) => roleArn(deployRoleTemplate, 'DeployRole', deployRoleValues(s.name, 'dev')));

describe('a template that tries to become administrator is denied at every step', () => {
  const asExec = (action: string, resource: string, context: Record<string, string> = {}) =>
    decide({ principal: EXEC_ARN, action, resource, context, identity: execIdentity });
  const withBoundary = { 'iam:PermissionsBoundary': BOUNDARY_ARN };

  test('creating a role without the boundary, or with another one, is denied; with it, allowed', async () => {
    expect(await asExec('iam:CreateRole', BACKDOOR)).not.toBe('Allowed');
    expect(await asExec('iam:CreateRole', BACKDOOR, { 'iam:PermissionsBoundary': `arn:aws:iam::${ACCOUNT}:policy/open` })).not.toBe('Allowed');
    expect(await asExec('iam:CreateRole', BACKDOOR, { 'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/AdministratorAccess' })).not.toBe('Allowed');
    expect(await asExec('iam:CreateRole', BACKDOOR, withBoundary)).toBe('Allowed');
    expect(await asExec('iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/backdoor`, withBoundary)).not.toBe('Allowed');
  });

  test('an admin inline policy on a bounded role grants nothing outside the boundary', async () => {
    expect(await asExec('iam:PutRolePolicy', BACKDOOR)).not.toBe('Allowed');
    const asBackdoor = (action: string, resource: string) => decide({ principal: BACKDOOR, action, resource, identity: [ADMIN], boundary });
    for (const [action, res] of [
      ['iam:CreateUser', `arn:aws:iam::${ACCOUNT}:user/backdoor`],
      ['iam:AttachRolePolicy', EXEC_ARN],
      ['iam:PutRolePolicy', BACKDOOR],
      ['sts:AssumeRole', deployRoleArns[0]],
      ['organizations:LeaveOrganization', '*'],
      ['account:PutAlternateContact', `arn:aws:account::${ACCOUNT}:account`],
      ['ec2:TerminateInstances', `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0a1b2c3d4e5f60718`],
      ['s3:GetObject', 'arn:aws:s3:::someone-elses-bucket/secret'],
      ['cloudformation:CreateStack', `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/shop-network-dev/0a1b`],
    ]) {
      expect(`${action}: ${await asBackdoor(action, res)}`).not.toBe(`${action}: Allowed`);
    }
  });

  test('attaching a managed policy (AdministratorAccess) is denied, even to a bounded role', async () => {
    const context = { ...withBoundary, 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' };
    expect(await asExec('iam:AttachRolePolicy', BACKDOOR, context)).not.toBe('Allowed');
  });

  test('only workload roles can be passed, each to its own service', async () => {
    expect(await asExec('iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/${WORKLOAD_ROLE}`, { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' })).toBe('Allowed');
    expect(await asExec('iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/${WORKLOAD_ROLE}`, { 'iam:PassedToService': 'ec2.amazonaws.com' })).not.toBe('Allowed');
    expect(await asExec('iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/OrganizationAccountAccessRole`, { 'iam:PassedToService': 'lambda.amazonaws.com' })).not.toBe('Allowed');
    expect(await asExec('iam:PassRole', EXEC_ARN, { 'iam:PassedToService': 'cloudformation.amazonaws.com' })).not.toBe('Allowed');
  });

  test('a boundary can be neither removed nor replaced', async () => {
    expect(await asExec('iam:DeleteRolePermissionsBoundary', BACKDOOR, withBoundary)).toBe('ExplicitlyDenied');
    expect(await asExec('iam:PutRolePermissionsBoundary', BACKDOOR, { 'iam:PermissionsBoundary': `arn:aws:iam::${ACCOUNT}:policy/open` })).not.toBe('Allowed');
  });

  test('the deploy, execution and CodeDeploy roles and the boundary policy cannot be changed', async () => {
    for (const target of [EXEC_ARN, CODEDEPLOY_ARN, ...deployRoleArns]) {
      for (const action of ['iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:DeleteRolePolicy', 'iam:DeleteRole', 'iam:TagRole']) {
        expect(`${action} ${target}: ${await asExec(action, target, withBoundary)}`).toBe(`${action} ${target}: ExplicitlyDenied`);
      }
    }
    for (const action of ['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion']) {
      expect(`${action}: ${await asExec(action, BOUNDARY_ARN)}`).toBe(`${action}: ExplicitlyDenied`);
    }
  });

  test('the boundary allows nothing of IAM, Organizations, STS or account settings, and denies terminating instances', () => {
    const actions = boundary.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action as string[]);
    expect(actions.filter((a) => /^(iam|organizations|sts|account):/.test(a))).toEqual([]);
    expect(boundary.Statement).toContainEqual({ Sid: 'DenyTerminateInstances', Effect: 'Deny', Action: ['ec2:TerminateInstances'], Resource: '*' });
  });
});

// --- Per-service reach and the deploy steps ------------------------------------------------

const pipeline = loadTemplate('pipeline.json');
const build = loadTemplate('pipeline-build.json');
const toolsValues = (svc: string) => ({ ...parameterFile(`pipeline/${svc}.json`), ...pseudo(TOOLS) });
const pipelineRole = (svc: string) => roleArn(pipeline, 'PipelineRole', toolsValues(svc));

/** The pipeline role's permission to assume member roles (the rest of its policy acts in the tools account). */
function assumeStatements(svc: string): Policy {
  const statement = roleStatements(pipeline, 'PipelineRole').find((st) => st.Sid === 'AssumeMemberDeployRoles')!;
  return { Version: '2012-10-17', Statement: [resolvePolicy(statement, toolsValues(svc)) as Record<string, unknown>] };
}

function deployRole(svc: string, env: string) {
  const values = deployRoleValues(svc, env);
  // The role's own inline policy and the deploy policy of member-roles.json it names by ARN.
  const inline = identityPolicies(deployRoleTemplate, 'DeployRole', values);
  const policy = resolvePolicy(resource(memberRoles, ID.deployPolicy).Properties!.PolicyDocument, memberValues(env)) as Policy;
  return {
    arn: roleArn(deployRoleTemplate, 'DeployRole', values),
    identity: [...inline, policy],
    trust: trustPolicy(deployRoleTemplate, 'DeployRole', values),
    // IAM sets the role's own tags as aws:PrincipalTag for its sessions.
    context: { 'aws:PrincipalTag/Service': svc },
  };
}

describe('each service\'s pipeline reaches only its own stacks', () => {
  test.each(config.environments.map((e) => e.name))('%s: only a service\'s own pipeline role can assume its deploy role', async (env) => {
    for (const svc of config.services.map((s) => s.name)) {
      const target = deployRole(svc, env);
      for (const caller of config.services.map((s) => s.name)) {
        const d = await decide({
          principal: pipelineRole(caller),
          action: 'sts:AssumeRole',
          resource: target.arn,
          identity: [assumeStatements(caller)],
          resourcePolicy: target.trust,
        });
        expect(`${caller} -> ${svc}: ${d}`).toBe(`${caller} -> ${svc}: ${caller === svc ? 'Allowed' : d === 'Allowed' ? 'denied' : d}`);
      }
    }
  });

  test.each(['dev', 'prod'])('%s: the orders deploy role cannot touch shop-web, the network or member-roles stacks', async (env) => {
    const orders = deployRole('orders', env);
    const account = envOf(env).accountId;
    const suffix = envOf(env).environmentSuffix;
    const stack = (name: string) => `arn:aws:cloudformation:${REGION}:${account}:stack/${name}/0a1b2c3d-0000-0000-0000-000000000000`;
    for (const name of [`shop-web-${suffix}`, `shop-web-canary-${suffix}`, `shop-network-${suffix}`, `shop-member-roles-${suffix}`, `other-orders-${suffix}`]) {
      for (const action of ['cloudformation:CreateChangeSet', 'cloudformation:ExecuteChangeSet', 'cloudformation:DeleteChangeSet']) {
        const d = await decide({ principal: orders.arn, action, resource: stack(name), context: orders.context, identity: orders.identity });
        expect(`${action} ${name}: ${d}`).not.toBe(`${action} ${name}: Allowed`);
      }
    }
    for (const name of [`shop-orders-${suffix}`, `shop-orders-canary-${suffix}`]) {
      const d = await decide({ principal: orders.arn, action: 'cloudformation:CreateChangeSet', resource: stack(name), context: orders.context, identity: orders.identity });
      expect(`${name}: ${d}`).toBe(`${name}: Allowed`);
    }
  });
});

describe('every step of a deploy is allowed', () => {
  test.each(config.environments.map((e) => e.name))('%s: the web pipeline\'s change set on its stack', async (env) => {
    const web = deployRole('web', env);
    const account = envOf(env).accountId;
    const suffix = envOf(env).environmentSuffix;
    const values = memberValues(env);
    const stackArn = `arn:aws:cloudformation:${REGION}:${account}:stack/shop-web-${suffix}/0a1b2c3d-0000-0000-0000-000000000000`;
    const steps: Array<[string, string, Record<string, string>?]> = [
      ['cloudformation:CreateChangeSet', stackArn],
      ['cloudformation:DescribeChangeSet', stackArn],
      ['cloudformation:ExecuteChangeSet', stackArn],
      ['cloudformation:DescribeStacks', stackArn],
      ['cloudformation:DescribeStackEvents', stackArn],
      ['cloudformation:DeleteChangeSet', stackArn],
      ['s3:GetObject', `arn:aws:s3:::shop-web-artifacts-tools-${TOOLS}/shop-web-pipeline/BuildOutpu/a1b2c3`],
      ['s3:GetBucketLocation', `arn:aws:s3:::shop-web-artifacts-tools-${TOOLS}`],
      ['kms:Decrypt', `arn:aws:kms:${REGION}:${TOOLS}:key/0a1b2c3d-0000-0000-0000-000000000000`, { 'kms:ViaService': `s3.${REGION}.amazonaws.com` }],
      ['iam:PassRole', roleArn(memberRoles, ID.executionRole, values), { 'iam:PassedToService': 'cloudformation.amazonaws.com' }],
      ['ssm:GetParameters', `arn:aws:ssm:${REGION}:${account}:parameter/shop/network-${suffix}/vpc-id`],
      ['ec2:DescribeVpcs', '*'],
      ['ec2:DescribeSubnets', '*'],
    ];
    // The artifact bucket and key are in the tools account: their policies must admit the role too.
    const buildValues = { ...parameterFile('pipeline-build/web.json'), ...pseudo(TOOLS), 'ArtifactBucket.Arn': `arn:aws:s3:::shop-web-artifacts-tools-${TOOLS}` };
    const resourcePolicies: Record<string, { policy: Policy; account: string }> = {
      s3: { policy: resolvePolicy(resource(build, 'ArtifactBucketPolicy').Properties!.PolicyDocument, buildValues) as Policy, account: TOOLS },
      kms: { policy: resolvePolicy(resource(build, 'ArtifactKey').Properties!.KeyPolicy, buildValues) as Policy, account: TOOLS },
    };
    for (const [action, res, context] of steps) {
      const tools = resourcePolicies[action.split(':')[0]];
      const d = await decide({
        principal: web.arn,
        action,
        resource: res,
        context: { ...web.context, 'aws:SecureTransport': 'true', ...(context ?? {}) },
        identity: web.identity,
        ...(tools ? { resourcePolicy: tools.policy, resourceAccount: tools.account } : {}),
      });
      expect(`${action} ${res}: ${d}`).toBe(`${action} ${res}: Allowed`);
    }
    // The evaluator's data has no resource type for transforms: the grant is checked as written.
    const transform = web.identity.flatMap((p) => p.Statement).find((st) => st.Sid === 'UseBlueGreenTransform')!;
    expect(transform.Resource).toEqual([`arn:aws:cloudformation:${REGION}:aws:transform/CodeDeployBlueGreen`]);
  });

  test('the CodeDeploy role moves task sets, tags the green one, shifts traffic and runs the check', async () => {
    const identity = identityPolicies(memberRoles, ID.codeDeployRole, dev);
    const steps: Array<[string, string, Record<string, string>?]> = [
      ['ecs:CreateTaskSet', `arn:aws:ecs:${REGION}:${ACCOUNT}:task-set/${CLUSTER}/${PLACEHOLDERS.ServiceName}/ecs-svc/123`],
      ['ecs:TagResource', `arn:aws:ecs:${REGION}:${ACCOUNT}:task-set/${CLUSTER}/${PLACEHOLDERS.ServiceName}/ecs-svc/123`, { 'ecs:CreateAction': 'CreateTaskSet' }],
      ['ecs:UpdateServicePrimaryTaskSet', `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${CLUSTER}/${PLACEHOLDERS.ServiceName}`],
      ['ecs:DeleteTaskSet', `arn:aws:ecs:${REGION}:${ACCOUNT}:task-set/${CLUSTER}/${PLACEHOLDERS.ServiceName}/ecs-svc/123`],
      ['elasticloadbalancing:ModifyListener', `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener/app/${LOAD_BALANCER}/50dc6c495c0c9188/f2f7dc8efc522ab2`],
      ['elasticloadbalancing:DescribeTargetGroups', '*'],
      ['lambda:InvokeFunction', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${CHECK_FUNCTION}`],
      ['cloudwatch:DescribeAlarms', `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${ALARM}`],
      ['iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/${WORKLOAD_ROLE}`, { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }],
    ];
    for (const [action, res, context] of steps) {
      const d = await decide({ principal: CODEDEPLOY_ARN, action, resource: res, context, identity });
      expect(`${action}: ${d}`).toBe(`${action}: Allowed`);
    }
    // Trusted by CodeDeploy for this account's stacks only.
    const trust = trustPolicy(memberRoles, ID.codeDeployRole, dev);
    const assume = (account: string) =>
      decide({
        principal: 'codedeploy.amazonaws.com',
        action: 'sts:AssumeRole',
        resource: CODEDEPLOY_ARN,
        context: { 'aws:SourceAccount': account, 'aws:SourceArn': `arn:aws:cloudformation:${REGION}:${account}:stack/${STACK}/0a1b` },
        identity: [],
        resourcePolicy: trust,
      });
    expect(await assume(ACCOUNT)).toBe('Allowed');
    expect(await assume('999999999999')).not.toBe('Allowed');
  });

  test('every workload role\'s actions fit inside the boundary', async () => {
    const outside: string[] = [];
    for (const { file, template } of memberStackTemplates()) {
      for (const [id, r] of Object.entries(template.Resources)) {
        if (r.Type !== 'AWS::IAM::Role') continue;
        expect(`${file} ${id}: ${JSON.stringify(r.Properties!.PermissionsBoundary)}`).toContain('workload-boundary');
        for (const action of roleStatements(template, id).filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action as string[])) {
          const d = await decide({ principal: BACKDOOR, action, resource: '*', identity: [ADMIN], boundary });
          if (d !== 'Allowed') outside.push(`${file} ${id} ${action}: ${d}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });
});

describe('the daily schedules that keep the check functions active', () => {
  // The blue/green check of web in dev and the ECS-native check of orders in staging, each
  // against the execution role of its own account and environment.
  test.each([
    ['ecs-service.json', 'ecs-service/web/dev.json', 'dev'],
    ['ecs-service-native.json', 'ecs-service-native/orders/staging.json', 'staging'],
  ])('%s (%s): the execution role may manage the rule and the function\'s permission', async (file, values, env) => {
    const t = loadTemplate(file);
    const account = envOf(env).accountId;
    const stackValues = { ...parameterFile(values), ...pseudo(account) };
    const member = memberValues(env);
    const identity = identityPolicies(memberRoles, ID.executionRole, member);
    const principal = roleArn(memberRoles, ID.executionRole, member);
    const targets = resource(t, 'CheckFunctionKeepWarmRule').Properties!.Targets as Array<Record<string, unknown>>;
    // iam:PassRole is called only for a target's RoleArn; a Lambda target has none.
    expect(targets.map((x) => x.RoleArn)).toEqual([undefined]);
    const arns: Record<string, string> = {
      'AWS::Events::Rule': `arn:aws:events:${REGION}:${account}:rule/${prop(t, 'CheckFunctionKeepWarmRule', 'Name', stackValues)}`,
      'AWS::Lambda::Permission': `arn:aws:lambda:${REGION}:${account}:function:${prop(t, 'CheckFunction', 'FunctionName', stackValues)}`,
    };
    expect(arns['AWS::Events::Rule']).toMatch(new RegExp(`:rule/shop-${file === 'ecs-service.json' ? 'web' : 'orders'}-check-warm-${envOf(env).environmentSuffix}$`));
    const denied: string[] = [];
    for (const [type, arn] of Object.entries(arns)) {
      for (const action of actionsOfType(type).filter((a) => a !== 'iam:PassRole')) {
        const info = (await actionInfo(action))!;
        const target = info.wildcardOnly || info.resourceTypes.length === 0 ? '*' : arn;
        const d = await decide({ principal, action, resource: target, context: handlerContext(type), identity });
        if (d !== 'Allowed') denied.push(`${action} on ${target}: ${d}`);
      }
    }
    expect(denied).toEqual([]);
  });
});

describe('the pre-traffic check function can run in the VPC', () => {
  test('its role allows what Lambda calls for a VPC function, inside the boundary', async () => {
    const identity = identityPolicies(bg, 'CheckFunctionRole', { ...webValues, 'CheckFunctionLogGroup.Arn': `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/shop/web-check-dev:*` });
    const role = `arn:aws:iam::${ACCOUNT}:role/${WORKLOAD_ROLE}`;
    for (const [action, res] of [
      ['ec2:CreateNetworkInterface', `arn:aws:ec2:${REGION}:${ACCOUNT}:network-interface/eni-0a1b2c3d4e5f60718`],
      ['ec2:DeleteNetworkInterface', `arn:aws:ec2:${REGION}:${ACCOUNT}:network-interface/eni-0a1b2c3d4e5f60718`],
      ['ec2:DescribeNetworkInterfaces', '*'],
      ['ec2:DescribeSubnets', '*'],
      ['codedeploy:PutLifecycleEventHookExecutionStatus', '*'],
    ]) {
      const d: Decision = await decide({ principal: role, action, resource: res, identity, boundary });
      expect(`${action}: ${d}`).toBe(`${action}: Allowed`);
    }
  });
});

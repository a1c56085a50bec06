/**
 * The execution role, the CodeDeploy role and the ECS infrastructure role reach this
 * project's resources only (blocks/network-scopes.ts, blocks/execution-scopes.ts,
 * member-roles.ts), evaluated by a
 * real IAM policy evaluator on the example configuration's values:
 *
 * - every handler call of the member stacks is denied on another project's resources in
 *   the same account and environment (other names, or the same kind of name with another
 *   Project tag), except what the API leaves reachable by name, listed here with the reason;
 * - every create call is denied without this project's Project tag in the request, and
 *   tagging is allowed at creation only as part of a create call (Elastic IP addresses,
 *   which their handler tags afterwards: only while they carry no Project tag);
 * - every role a service assumes, in every template, is held to this account
 *   (aws:SourceAccount), but where the service documents none.
 */
import { CREATES, LISTENERS_BECAUSE } from '../../generator/blocks/network-scopes';
import { actionsOfType } from '../../generator/core/handler-permissions';
import { EXECUTION_ROLE_EXCLUSIONS } from '../../generator/blocks/execution-exclusions';
import { MEMBER_ROLES_IDS as ID } from '../../generator/templates/member-roles';
import { actionInfo, decide, identityPolicies } from '../helpers/iam-sim';
import { ACCOUNT, EXEC_ARN, PLACEHOLDERS, REGION, arnOf, concreteArns, creates, dev, envOf, execIdentity, handlerContext, memberFiles, memberRoles, executionRole, roleArn } from '../helpers/member-roles-values';
import { loadTemplate, templateFiles } from '../helpers/template';
import { TemplateBuilder } from '../../generator/core/template';
import { role, serviceTrust } from '../../generator/blocks/role';

jest.setTimeout(120_000);

const SUFFIX = envOf('dev').environmentSuffix;

/** Another project's resources in the same account and environment; its load balancer is named like ours, so only its tag tells. */
const OTHER: Record<string, string> = {
  LoadBalancerName: `api-alb-${SUFFIX}`,
  TargetGroupName: `api-tg1-${SUFFIX}`,
  ClusterName: `other-cluster-${SUFFIX}`,
  ServiceName: `other-api-${SUFFIX}-Service-1A2B3C4D5E6F`,
  TaskDefinitionFamilyName: `other-api-${SUFFIX}-TaskDefinition-1A2B3C4D5E6F`,
  RoleNameWithPath: `other-workload/other-api-${SUFFIX}-TaskRole-1A2B3C4D5E6F`,
  FunctionName: `other-api-check-${SUFFIX}`,
  LayerName: `cwsyn-api-${SUFFIX}-0a1b2c3d`,
  LogGroupName: `/other/api-ecs-${SUFFIX}`,
  AlarmName: `other-api-target-errors-${SUFFIX}`,
  ParameterNameWithoutLeadingSlash: `other/network-${SUFFIX}/vpc-id`,
  CanaryName: `api-${SUFFIX}`,
  BucketName: `other-api-canary-${SUFFIX}-${ACCOUNT}`,
  RuleName: `other-dora-forward-${SUFFIX}`,
};
const OTHER_BY_TYPE: Record<string, Record<string, string>> = {
  'AWS::Synthetics::Canary': { FunctionName: `cwsyn-api-${SUFFIX}-0a1b2c3d-1a2b-4c3d-8e9f-0a1b2c3d4e5f` },
  'AWS::ECS::Cluster': { RoleNameWithPath: 'aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS' },
};

/** Named actions allowed on "*" although the reference gives them a resource type, each with the reason. */
const WIDE_BECAUSE: Readonly<Record<string, string>> = {
  'cloudwatch:GetMetricData': 'read-only; its only resource type is the optional OTLP dataset: GetMetricData of CloudWatch metrics names none',
};

/**
 * What another project's resources leave reachable, and the API reason (the README's
 * Security section lists the same).
 */
const REACHABLE: ReadonlyArray<{ readonly what: RegExp; readonly because: string }> = [
  { what: /:listener(-rule)?\/app\//, because: LISTENERS_BECAUSE },
  {
    what: /:lambda:.*:(function|layer):cwsyn-/,
    because: "CloudWatch Synthetics names a canary's function and layer cwsyn-{canary}-{id}, and canary names ({service}-{suffix}) cannot hold the project: held to this environment's",
  },
  { what: /:role\/aws-service-role\/ecs\.amazonaws\.com\//, because: 'the ECS service-linked role is one per account, shared by every project' },
  { what: /^ec2:DescribeVpcAttribute /, because: 'read-only: ec2:Describe* is granted on "*", most EC2 Describe calls having no resource-level permissions' },
  {
    what: /:application-autoscaling:.*:scalable-target\//,
    because: "Application Auto Scaling names scalable targets by generated IDs and CloudFormation gives them no tags: held to ECS services' task counts",
  },
  { what: /^cloudwatch:GetMetricData /, because: WIDE_BECAUSE['cloudwatch:GetMetricData'] },
];
const memberTypes = [...new Set(memberFiles.flatMap((f) => Object.values(loadTemplate(f).Resources).map((r) => r.Type)))].sort();

describe("the execution role's handler calls are denied on another project's resources", () => {
  test.each(memberTypes)('%s', async (type) => {
    const excluded = new Set(EXECUTION_ROLE_EXCLUSIONS.filter((e) => e.resourceType === type).flatMap((e) => e.actions));
    const allowed: string[] = [];
    for (const action of actionsOfType(type)) {
      const info = excluded.has(action) ? undefined : await actionInfo(action);
      if (info === undefined) continue;
      for (const { name, arn } of await concreteArns(action, info, type, { ...OTHER, ...(OTHER_BY_TYPE[type] ?? {}) })) {
        // Calls without resource types are account-wide by the API; new resources are the create test's.
        if (arn === '*' || creates(action, name)) continue;
        const unvalidated = action.startsWith('elasticloadbalancing:') && info.resourceTypes.every((r) => r.name === 'loadbalancer');
        // The other project's template claims to be this project in its request tags.
        const context = handlerContext(type, action, name, { request: 'shop', resource: 'other' });
        const d = await decide({ principal: EXEC_ARN, action, resource: arn, context, identity: execIdentity, unvalidated });
        if (d === 'Allowed' && !REACHABLE.some((r) => r.what.test(`${action} ${arn}`))) allowed.push(`${action} on ${arn}`);
      }
    }
    expect(allowed).toEqual([]);
  });

  // IAM authorizes each resource a call names: a statement that allowed CreateSubnet on a
  // pattern the same statement allows CreateVpc on (vpc/*) would let it into any VPC.
  test.each(Object.keys(CREATES).filter((a) => a.startsWith('ec2:')))('%s: every existing resource it can name must carry the Project tag', async (action) => {
    const info = (await actionInfo(action))!;
    for (const r of info.resourceTypes) {
      if (creates(action, r.name)) continue;
      let arn: string;
      try {
        arn = await arnOf(action, 'create', r.name, { ...PLACEHOLDERS, ...OTHER, Ipv4PoolEc2Id: 'ipv4pool-ec2-0a1b2c3d4e5f60718', Ipv6PoolEc2Id: 'ipv6pool-ec2-0a1b2c3d4e5f60718' });
      } catch {
        continue; // a type whose ARN needs an ID this test has no value for (transit gateways)
      }
      const d = await decide({ principal: EXEC_ARN, action, resource: arn, context: { 'aws:RequestTag/Project': 'shop', 'aws:ResourceTag/Project': 'other' }, identity: execIdentity });
      expect(`${r.name}: ${d}`).not.toBe(`${r.name}: Allowed`);
    }
  });

  test('listeners and rules: only those of load balancers named {service}-alb-{suffix}', async () => {
    const listener = (lb: string) => `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener/app/${lb}/50dc6c495c0c9188/f2f7dc8efc522ab2`;
    const ask = (role: string, identity: ReturnType<typeof identityPolicies>, lb: string) =>
      decide({ principal: role, action: 'elasticloadbalancing:ModifyListener', resource: listener(lb), identity, unvalidated: true });
    const roles: Array<[string, ReturnType<typeof identityPolicies>]> = [
      [EXEC_ARN, execIdentity],
      [roleArn(memberRoles, ID.codeDeployRole, dev), identityPolicies(memberRoles, ID.codeDeployRole, dev)],
      [roleArn(memberRoles, ID.ecsInfrastructureRole, dev), identityPolicies(memberRoles, ID.ecsInfrastructureRole, dev)],
    ];
    for (const [role, identity] of roles) {
      expect(await ask(role, identity, `web-alb-${SUFFIX}`)).toBe('Allowed');
      for (const lb of [`other-web-${SUFFIX}`, `web-alb-prod`, 'k8s-default-ingress']) expect(`${lb}: ${await ask(role, identity, lb)}`).not.toBe(`${lb}: Allowed`);
    }
  });

  test('the ECS infrastructure role registers tasks only in target groups tagged with this project', async () => {
    const identity = identityPolicies(memberRoles, ID.ecsInfrastructureRole, dev);
    const principal = roleArn(memberRoles, ID.ecsInfrastructureRole, dev);
    const tg = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/web-tg1-${SUFFIX}/6d0ecf831eec9f09`;
    const ask = (project: string) => decide({ principal, action: 'elasticloadbalancing:RegisterTargets', resource: tg, context: { 'aws:ResourceTag/Project': project }, identity });
    expect(await ask('shop')).toBe('Allowed');
    expect(await ask('other')).not.toBe('Allowed');
  });
});

describe('"*" only where the API has no resource types', () => {
  test('every named action allowed on "*" in member-roles.json and execution-role.json (the boundary aside) has no resource types in the reference', async () => {
    const wide: string[] = [];
    for (const [id, r] of [...Object.entries(memberRoles.Resources), ...Object.entries(executionRole.Resources)]) {
      if (id === ID.workloadBoundary) continue;
      const docs = r.Properties!.PolicyDocument ? [r.Properties!.PolicyDocument] : ((r.Properties!.Policies ?? []) as Array<{ PolicyDocument: unknown }>).map((p) => p.PolicyDocument);
      for (const doc of docs as Array<{ Statement: Array<{ Effect: string; Resource: unknown; Action: string[]; Condition?: { Bool?: Record<string, string> } }> }>) {
        // Calls only an AWS service makes for the role (aws:ViaAWSService): Application Auto
        // Scaling's permission checks, which name no alarm.
        const viaService = (x: { Condition?: { Bool?: Record<string, string> } }) => x.Condition?.Bool?.['aws:ViaAWSService'] === 'true';
        for (const st of doc.Statement.filter((x) => x.Effect === 'Allow' && x.Resource === '*' && !viaService(x))) {
          // Wildcards (ec2:Describe*) are read-only by member-roles.iam.test.ts.
          for (const action of st.Action.filter((a) => !a.includes('*'))) {
            const info = await actionInfo(action);
            if (info === undefined || !(info.wildcardOnly || info.resourceTypes.length === 0 || action in WIDE_BECAUSE)) wide.push(`${id} ${action}`);
          }
        }
      }
    }
    expect(wide).toEqual([]);
  });
});

describe('create calls need this project\'s Project tag in the request', () => {
  test.each(Object.entries(CREATES))('%s (%s)', async (action, type) => {
    const name = type.split(':')[1];
    const arn = await arnOf(action, 'create', name === 'loadbalancer/app' ? 'loadbalancer/app/' : name, PLACEHOLDERS);
    const ask = (context: Record<string, string>) =>
      decide({ principal: EXEC_ARN, action, resource: arn, context, identity: execIdentity, unvalidated: action.startsWith('elasticloadbalancing:') });
    expect(await ask({ 'aws:RequestTag/Project': 'shop' })).toBe('Allowed');
    expect(await ask({})).not.toBe('Allowed');
    expect(await ask({ 'aws:RequestTag/Project': 'other' })).not.toBe('Allowed');
  });

  test('Elastic IP addresses, which the EIP handler tags after allocating: only an address without a Project tag gets this project\'s', async () => {
    const address = `arn:aws:ec2:${REGION}:${ACCOUNT}:elastic-ip/eipalloc-0a1b2c3d4e5f60718`;
    const ask = (action: string, context: Record<string, string>) => decide({ principal: EXEC_ARN, action, resource: address, context, identity: execIdentity });
    expect(await ask('ec2:AllocateAddress', {})).toBe('Allowed');
    expect(await ask('ec2:CreateTags', { 'aws:RequestTag/Project': 'shop' })).toBe('Allowed');
    expect(await ask('ec2:CreateTags', { 'aws:RequestTag/Project': 'shop', 'aws:ResourceTag/Project': 'other' })).not.toBe('Allowed');
    expect(await ask('ec2:CreateTags', { 'aws:RequestTag/Project': 'other' })).not.toBe('Allowed');
    expect(await ask('ec2:ReleaseAddress', { 'aws:ResourceTag/Project': 'other' })).not.toBe('Allowed');
    expect(await ask('ec2:ReleaseAddress', {})).not.toBe('Allowed');
    // Untagged resources of any other type stay out of reach.
    const vpc = `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/vpc-0a1b2c3d4e5f60718`;
    expect(await decide({ principal: EXEC_ARN, action: 'ec2:CreateTags', resource: vpc, context: { 'aws:RequestTag/Project': 'shop' }, identity: execIdentity })).not.toBe('Allowed');
  });

  test('synthetics:CreateCanary', async () => {
    const ask = (context: Record<string, string>) => decide({ principal: EXEC_ARN, action: 'synthetics:CreateCanary', resource: '*', context, identity: execIdentity });
    expect(await ask({ 'aws:RequestTag/Project': 'shop' })).toBe('Allowed');
    expect(await ask({ 'aws:RequestTag/Project': 'other' })).not.toBe('Allowed');
  });

  test('tags go on at creation only as part of a create call, and never onto another project\'s resource', async () => {
    const vpc = `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/vpc-0a1b2c3d4e5f60718`;
    const lb = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/web-alb-${SUFFIX}/50dc6c495c0c9188`;
    const cases: Array<[string, string, Record<string, string>, boolean]> = [
      ['ec2:CreateTags', vpc, { 'aws:RequestTag/Project': 'shop', 'ec2:CreateAction': 'CreateVpc' }, true],
      ['ec2:CreateTags', vpc, { 'aws:RequestTag/Project': 'shop' }, false], // an untagged VPC (the default VPC)
      ['ec2:CreateTags', vpc, { 'aws:RequestTag/Project': 'other', 'ec2:CreateAction': 'CreateVpc' }, false],
      ['ec2:CreateTags', vpc, { 'aws:RequestTag/Project': 'shop', 'aws:ResourceTag/Project': 'other' }, false],
      ['elasticloadbalancing:AddTags', lb, { 'aws:RequestTag/Project': 'shop', 'elasticloadbalancing:CreateAction': 'CreateLoadBalancer' }, true],
      ['elasticloadbalancing:AddTags', lb, { 'aws:RequestTag/Project': 'shop' }, false],
      ['elasticloadbalancing:AddTags', lb, { 'aws:RequestTag/Project': 'shop', 'aws:ResourceTag/Project': 'other' }, false],
    ];
    for (const [action, resource, context, allowed] of cases) {
      const d = await decide({ principal: EXEC_ARN, action, resource, context, identity: execIdentity, unvalidated: action.startsWith('elasticloadbalancing:') });
      expect(`${action} ${JSON.stringify(context)}: ${d === 'Allowed'}`).toBe(`${action} ${JSON.stringify(context)}: ${allowed}`);
    }
  });
});

describe('service principals assume roles only for this account', () => {
  /** The roles whose service documents no aws:SourceAccount (blocks/role.ts trustWithoutSourceAccount). */
  const WITHOUT = ['execution-role.json ExecutionRole', 'member-roles.json EcsInfrastructureRole', 'pipeline-stacks-role.json PipelineStacksRole'];

  test('every trust of a service principal carries aws:SourceAccount, but for the roles whose service sets none', () => {
    const missing: string[] = [];
    for (const file of templateFiles()) {
      for (const [id, r] of Object.entries(loadTemplate(file).Resources)) {
        if (r.Type !== 'AWS::IAM::Role') continue;
        for (const st of (r.Properties!.AssumeRolePolicyDocument as { Statement: Array<Record<string, any>> }).Statement) {
          if (st.Principal?.Service === undefined) continue;
          const keys = Object.values((st.Condition ?? {}) as Record<string, object>).flatMap((c) => Object.keys(c));
          if (!keys.includes('aws:SourceAccount')) missing.push(`${file} ${id}`);
        }
      }
    }
    expect(missing.sort()).toEqual(WITHOUT);
  });

  test('a role for a service without aws:SourceAccount or a reason is refused', () => {
    const t = new TemplateBuilder('test');
    expect(() => role(t, 'R', { description: 'x', assumedBy: { Service: 'lambda.amazonaws.com' }, policyName: null, statements: [] })).toThrow(/aws:SourceAccount/);
    expect(() => role(t, 'S', { description: 'x', assumedBy: { Service: 'lambda.amazonaws.com' }, trustCondition: serviceTrust(), policyName: null, statements: [] })).not.toThrow();
  });
});

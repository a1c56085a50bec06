/**
 * member-roles.json and execution-role.json evaluated by a real IAM policy evaluator on the example
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
import { actionsOfType } from '../../generator/core/handler-permissions';
import { EXECUTION_ROLE_EXCLUSIONS } from '../../generator/blocks/execution-exclusions';
import { MEMBER_ROLES_IDS as ID } from '../../generator/templates/member-roles';
import { EXECUTION_ROLE_IDS as EXEC_ID } from '../../generator/templates/execution-role';
import { memberStackTemplates } from '../../generator/member-stacks';
import { Decision, Policy, actionInfo, decide, expandAction, identityPolicies, resolvePolicy, trustPolicy } from '../helpers/iam-sim';
import { loadTemplate, resolve, resource, roleStatements } from '../helpers/template';
import {
  ACCOUNT,
  ALARM,
  BOUNDARY_ARN,
  CHECK_FUNCTION,
  CLUSTER,
  CODEDEPLOY_ARN,
  EXEC_ARN,
  LOAD_BALANCER,
  PLACEHOLDERS,
  REGION,
  STACK,
  TOOLS,
  WORKLOAD_ROLE,
  bg,
  boundary,
  concreteArns,
  config,
  dev,
  envOf,
  execIdentity,
  executionRole,
  executionRoleOf,
  executionValues,
  handlerContext,
  memberFiles,
  memberRoles,
  memberValues,
  parameterFile,
  prop,
  pseudo,
  roleArn,
  webValues,
} from '../helpers/member-roles-values';

jest.setTimeout(120_000);

describe('member stacks: what the generated templates contain', () => {
  test('execution-role and member-roles build their policies from exactly the member-account templates in templates/', () => {
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
      for (const { name, arn } of await concreteArns(action, info, type)) {
        const unvalidated = action.startsWith('elasticloadbalancing:') && info.resourceTypes.every((r) => r.name === 'loadbalancer');
        const d = await decide({ principal: EXEC_ARN, action, resource: arn, context: handlerContext(type, action, name), identity: execIdentity, unvalidated });
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
    const wildcards = roleStatements(executionRole, EXEC_ID.executionRole)
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

describe('service auto scaling: what the execution role may do beyond its handler actions', () => {
  const asExec = (action: string, resource: string, context: Record<string, string> = {}) =>
    decide({ principal: EXEC_ARN, action, resource, context, identity: execIdentity });
  const alarm = (name: string) => `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`;
  const target = `arn:aws:application-autoscaling:${REGION}:${ACCOUNT}:scalable-target/1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f`;

  test("Application Auto Scaling's permission checks (made for the role, naming no alarm) pass", async () => {
    for (const action of ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms']) {
      // The simulator needs an alarm name; the checks name none, so any name stands for them.
      expect(`${action}: ${await asExec(action, alarm('any'), { 'aws:ViaAWSService': 'true' })}`).toBe(`${action}: Allowed`);
    }
  });

  test("called directly, the role reaches only this project's alarms", async () => {
    expect(await asExec('cloudwatch:DeleteAlarms', alarm(ALARM), { 'aws:ViaAWSService': 'false' })).toBe('Allowed');
    for (const action of ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms']) {
      expect(`${action}: ${await asExec(action, alarm('billing-alarm'), { 'aws:ViaAWSService': 'false' })}`).not.toBe(`${action}: Allowed`);
    }
  });

  test('scalable targets: only ECS service task counts', async () => {
    const ecs = { 'application-autoscaling:service-namespace': 'ecs', 'application-autoscaling:scalable-dimension': 'ecs:service:DesiredCount' };
    expect(await asExec('application-autoscaling:RegisterScalableTarget', target, ecs)).toBe('Allowed');
    const dynamo = { 'application-autoscaling:service-namespace': 'dynamodb', 'application-autoscaling:scalable-dimension': 'dynamodb:table:ReadCapacityUnits' };
    expect(await asExec('application-autoscaling:RegisterScalableTarget', target, dynamo)).not.toBe('Allowed');
    expect(await asExec('application-autoscaling:DeregisterScalableTarget', target, dynamo)).not.toBe('Allowed');
  });

  test("only Application Auto Scaling's service-linked role for ECS is created, no other of its roles", async () => {
    const role = (path: string) => `arn:aws:iam::${ACCOUNT}:role/aws-service-role/${path}`;
    expect(
      await asExec('iam:CreateServiceLinkedRole', role('ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService'), {
        'iam:AWSServiceName': 'ecs.application-autoscaling.amazonaws.com',
      }),
    ).toBe('Allowed');
    expect(
      await asExec('iam:CreateServiceLinkedRole', role('dynamodb.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable'), {
        'iam:AWSServiceName': 'dynamodb.application-autoscaling.amazonaws.com',
      }),
    ).not.toBe('Allowed');
  });
});

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

  test('the deploy, execution and CodeDeploy roles, the boundary, the deploy policy and the execution policies cannot be changed', async () => {
    for (const target of [EXEC_ARN, CODEDEPLOY_ARN, ...deployRoleArns]) {
      for (const action of ['iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:DeleteRolePolicy', 'iam:DeleteRole', 'iam:TagRole']) {
        expect(`${action} ${target}: ${await asExec(action, target, withBoundary)}`).toBe(`${action} ${target}: ExplicitlyDenied`);
      }
    }
    // The boundary, the deploy policy and the execution role's own policies.
    const policyArn = (t: typeof memberRoles, id: string, values: Record<string, string>) =>
      `arn:aws:iam::${ACCOUNT}:policy/${resolve(resource(t, id).Properties!.ManagedPolicyName, values)}`;
    const execPolicies = Object.keys(executionRole.Resources).filter((id) => id.startsWith(EXEC_ID.executionPolicy));
    expect(execPolicies.length).toBeGreaterThan(1);
    const policies = [BOUNDARY_ARN, policyArn(memberRoles, ID.deployPolicy, dev), ...execPolicies.map((id) => policyArn(executionRole, id, executionValues('dev')))];
    for (const target of policies) {
      for (const action of ['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion']) {
        expect(`${action} ${target}: ${await asExec(action, target)}`).toBe(`${action} ${target}: ExplicitlyDenied`);
      }
    }
  });

  test('the boundary allows nothing of IAM, Organizations, STS or account settings, and denies terminating instances', () => {
    const actions = boundary.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action as string[]);
    expect(actions.filter((a) => /^(iam|organizations|sts|account):/.test(a))).toEqual([]);
    expect(boundary.Statement).toContainEqual({ Sid: 'DenyTerminateInstances', Effect: 'Deny', Action: ['ec2:TerminateInstances'], Resource: '*' });
  });
});

// --- Per-service reach and the deploy steps ------------------------------------------------

const build = loadTemplate('pipeline-build.json');
const pipelineStack = loadTemplate('pipeline.json');
const pipelineStackValues = (svc: string) => ({ ...parameterFile(`pipeline/${svc}.json`), ...pseudo(TOOLS) });
/** The role of the pipeline's deploy step (pipeline.json): the one principal the member deploy roles trust. */
const deployStepRole = (svc: string) => roleArn(pipelineStack, 'CodeBuildDeployRole', pipelineStackValues(svc));

/** The deploy step role's permission to assume member roles (the rest of its policy acts in the tools account). */
function assumeStatements(svc: string): Policy {
  const statement = roleStatements(pipelineStack, 'CodeBuildDeployRole').find((st) => st.Sid === 'AssumeMemberDeployRoles')!;
  return { Version: '2012-10-17', Statement: [resolvePolicy(statement, pipelineStackValues(svc)) as Record<string, unknown>] };
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
  test.each(config.environments.map((e) => e.name))('%s: only a service\'s own pipeline deploy step can assume its deploy role', async (env) => {
    for (const svc of config.services.map((s) => s.name)) {
      const target = deployRole(svc, env);
      for (const caller of config.services.map((s) => s.name)) {
        const d = await decide({
          principal: deployStepRole(caller),
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
    const stackArn = `arn:aws:cloudformation:${REGION}:${account}:stack/shop-web-${suffix}/0a1b2c3d-0000-0000-0000-000000000000`;
    const steps: Array<[string, string, Record<string, string>?]> = [
      ['cloudformation:CreateChangeSet', stackArn],
      ['cloudformation:DescribeChangeSet', stackArn],
      ['cloudformation:ExecuteChangeSet', stackArn],
      ['cloudformation:DescribeStacks', stackArn],
      ['cloudformation:DescribeStackEvents', stackArn],
      ['cloudformation:ListStackResources', stackArn],
      ['cloudformation:DeleteChangeSet', stackArn],
      // The rollback triggers: the stack's own alarms, read after a rollback (scripts/deploy-stack.js).
      ['cloudwatch:DescribeAlarms', `arn:aws:cloudwatch:${REGION}:${account}:alarm:shop-web-target-5xx-${suffix}`],
      ['s3:GetObject', `arn:aws:s3:::shop-web-artifacts-tools-${TOOLS}/shop-web-pipeline/BuildOutpu/a1b2c3`],
      ['s3:GetBucketLocation', `arn:aws:s3:::shop-web-artifacts-tools-${TOOLS}`],
      ['kms:Decrypt', `arn:aws:kms:${REGION}:${TOOLS}:key/0a1b2c3d-0000-0000-0000-000000000000`, { 'kms:ViaService': `s3.${REGION}.amazonaws.com` }],
      ['iam:PassRole', executionRoleOf(env).arn, { 'iam:PassedToService': 'cloudformation.amazonaws.com' }],
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
    const { arn: principal, identity } = executionRoleOf(env);
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

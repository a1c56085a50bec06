/**
 * ecs-service.json (blue/green) and ecs-service-rolling.json, their parameter files, and
 * the member-account roles that deploy them.
 *
 * cfn-lint 1.51 does not read the Hooks section (it reports one E1001 for it and checks
 * nothing inside), so the hook is checked here and by rule CD006.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { StringParameter, Template, TemplateBuilder, TemplateError } from '../../generator/core/template';
import { equals } from '../../generator/core/intrinsics';
import { Typed, blueGreenHook, logicalIdOf } from '../../generator/blocks/blue-green-hook';
import { BLUE_GREEN_HOOK_TYPE } from '../../generator/core/blue-green';
import { blueGreenStack, hookReferences } from '../../generator/rules/blue-green-stack';
import {
  CHECK_ATTEMPTS,
  ECS_SERVICE_TEMPLATE_FILES,
  ecsServiceParameterFilePath,
} from '../../generator/templates/ecs-service';
import { ECS_SERVICE_IDS, PRODUCTION_PORT, TEST_PORT } from '../../generator/contracts/service';
import { checkParameterValues } from '../../generator/validate/parameter-values';
import { HTTPS_IDS } from '../../generator/blocks/https';
import { ACCESS_LOG_IDS } from '../../generator/blocks/access-logs';
import { KEEP_WARM_SCHEDULE } from '../../generator/blocks/keep-warm';
import { scheduledEvent } from '../fixtures/scheduled-events';
import { TEMPLATES_DIR, exampleConfig, loadTemplate, policyStatements, resolve, resource, resourcesOfType } from '../helpers/template';
import { longestValues, nameViolations, resolvedNames } from '../helpers/names';
import { FakeCommand, runCheckCode } from '../helpers/check-function';

const ID = ECS_SERVICE_IDS;
const bg = loadTemplate(ECS_SERVICE_TEMPLATE_FILES['blue-green']);
const rolling = loadTemplate(ECS_SERVICE_TEMPLATE_FILES.rolling);
const native = loadTemplate(ECS_SERVICE_TEMPLATE_FILES['ecs-blue-green']);
const byStrategy = { 'blue-green': bg, rolling, 'ecs-blue-green': native } as const;
const memberRoles = loadTemplate('member-roles.json');
const config = exampleConfig();

function parameterFile(file: string): { Parameters: Record<string, string>; Tags: Record<string, string> } {
  return JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, file), 'utf8'));
}

const webProd = parameterFile(ecsServiceParameterFilePath('web', 'prod', 'blue-green')).Parameters;
const values: Record<string, string> = {
  ...webProd,
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '444444444444',
  'AWS::Partition': 'aws',
  'LoadBalancer.DNSName': 'web-alb-prod-123.eu-west-1.elb.amazonaws.com',
};
// Ref of an alarm is its name, as CloudFormation resolves it.
for (const id of [ID.errorAlarm, ID.unhealthyAlarm]) values[id] = resolve(resource(bg, id).Properties!.AlarmName, values);
const refTo = (id: string) => ({ Ref: id });

describe('ecs-service.json: the blue/green hook', () => {
  const hooks = Object.entries(bg.Hooks ?? {});
  const [, hook] = hooks[0];

  test('declares the transform and exactly one AWS::CodeDeploy::BlueGreen hook', () => {
    expect(bg.Transform).toBe('AWS::CodeDeployBlueGreen');
    expect(hooks.map(([, h]) => h.Type)).toEqual([BLUE_GREEN_HOOK_TYPE]);
  });

  test('every logical ID the hook names is a declared resource of the right type; the green copies are not declared', () => {
    const refs = hookReferences(hook.Properties);
    expect(refs).toHaveLength(9);
    for (const r of refs) {
      const declared = bg.Resources[r.logicalId as string];
      if (r.declared) expect(`${r.path}: ${declared?.Type}`).toBe(`${r.path}: ${r.type}`);
      else expect(`${r.path}: ${declared?.Type ?? 'undeclared'}`).toBe(`${r.path}: undeclared`);
    }
    expect(refs.filter((r) => r.declared).map((r) => r.logicalId)).toEqual([
      ID.service,
      ID.taskDefinition,
      ID.taskSet,
      ID.productionListener,
      ID.testListener,
      ID.targetGroup1,
      ID.targetGroup2,
    ]);
  });

  test('rule CD006 finds a renamed or retyped resource the hook still names', () => {
    expect(blueGreenStack.check(bg, '')).toEqual([]);
    const { [ID.testListener]: listener, ...rest } = bg.Resources;
    const renamed: Template = { ...bg, Resources: { ...rest, TestListener2: listener } };
    expect(blueGreenStack.check(renamed, '')).toEqual([
      expect.stringContaining('TestTrafficRoute.LogicalID: TestListener must be a declared AWS::ElasticLoadBalancingV2::Listener, found nothing'),
    ]);
    const retyped: Template = { ...bg, Resources: { ...bg.Resources, [ID.targetGroup2]: bg.Resources[ID.productionListener] } };
    expect(blueGreenStack.check(retyped, '').join('\n')).toContain('TargetGroup2 must be a declared AWS::ElasticLoadBalancingV2::TargetGroup');
    const greenDeclared: Template = { ...bg, Resources: { ...bg.Resources, TaskSetGreen: bg.Resources[ID.taskSet] } };
    expect(blueGreenStack.check(greenDeclared, '').join('\n')).toContain('TaskSetGreen is the green copy the transform creates');
  });

  test('rule CD006 rejects hook values the transform cannot resolve (resource Ref or GetAtt)', () => {
    const props = { ...hook.Properties, ServiceRole: { 'Fn::GetAtt': ['TaskRole', 'Arn'] }, AdditionalOptions: { TerminationWaitTimeInMinutes: refTo(ID.service) } };
    const broken: Template = { ...bg, Hooks: { Hook: { Type: BLUE_GREEN_HOOK_TYPE, Properties: props } } };
    const found = blueGreenStack.check(broken, '').join('\n');
    expect(found).toContain('Fn::GetAtt is resolved after the hook runs');
    expect(found).toContain(`Ref ${ID.service} is not a parameter`);
  });

  test('the typed references refuse a resource of the wrong type', () => {
    const t = new TemplateBuilder('test');
    t.standardTags({ Environment: 'e', Project: 'p', CostCenter: 'c' });
    const listener = t.resource('L', 'AWS::ElasticLoadBalancingV2::Listener', { LoadBalancerArn: 'arn', DefaultActions: [] });
    expect(() => logicalIdOf(listener as Typed<'AWS::ElasticLoadBalancingV2::TargetGroup'>, 'AWS::ElasticLoadBalancingV2::TargetGroup')).toThrow(
      TemplateError,
    );
    const cond = t.condition('C', equals('a', 'b'));
    expect(() =>
      blueGreenHook(t, 'Hook', {
        service: listener as unknown as Typed<'AWS::ECS::Service'>,
        taskDefinition: listener as unknown as Typed<'AWS::ECS::TaskDefinition'>,
        taskSet: listener as unknown as Typed<'AWS::ECS::TaskSet'>,
        productionListener: listener as Typed<'AWS::ElasticLoadBalancingV2::Listener'>,
        testListener: listener as Typed<'AWS::ElasticLoadBalancingV2::Listener'>,
        targetGroups: [listener as unknown as Typed<'AWS::ElasticLoadBalancingV2::TargetGroup'>, listener as unknown as Typed<'AWS::ElasticLoadBalancingV2::TargetGroup'>],
        serviceRole: 'r',
        trafficRouting: { type: 'AllAtOnce', isCanary: cond, isLinear: cond, stepPercentage: 20, bakeTimeMins: 5 },
        terminationWaitTimeInMinutes: 5,
        lifecycleEventHooks: {},
      }),
    ).toThrow(/needs a AWS::ECS::Service here, but L is a AWS::ElasticLoadBalancingV2::Listener/);
  });

  test('traffic routing comes from a parameter; only the chosen type carries step settings', () => {
    const routing = hook.Properties.TrafficRoutingConfig as Record<string, unknown>;
    expect(routing.Type).toEqual(refTo(ID.trafficRouting));
    expect(bg.Parameters![ID.trafficRouting].AllowedValues).toEqual(['AllAtOnce', 'TimeBasedCanary', 'TimeBasedLinear']);
    expect(routing.TimeBasedCanary).toEqual({
      'Fn::If': [ID.isCanary, { StepPercentage: refTo(ID.trafficStepPercentage), BakeTimeMins: refTo(ID.trafficBakeTimeMins) }, refTo('AWS::NoValue')],
    });
    expect(bg.Conditions![ID.isCanary]).toEqual({ 'Fn::Equals': [refTo(ID.trafficRouting), 'TimeBasedCanary'] });
    expect(bg.Conditions![ID.isLinear]).toEqual({ 'Fn::Equals': [refTo(ID.trafficRouting), 'TimeBasedLinear'] });
    expect((bg.Parameters![ID.trafficStepPercentage] as { MinValue: number }).MinValue).toBe(14);
    expect(hook.Properties.AdditionalOptions).toEqual({ TerminationWaitTimeInMinutes: refTo(ID.terminationWaitTimeInMinutes) });
  });

  test('dev shifts at once and later environments in steps, as the configuration says', () => {
    for (const svc of config.services) {
      for (const env of config.environments) {
        const settings = svc.environments[env.name];
        if (settings.deploymentStrategy !== 'blue-green') continue;
        const file = parameterFile(ecsServiceParameterFilePath(svc.name, env.name, 'blue-green')).Parameters;
        expect(`${svc.name}/${env.name}: ${file[ID.trafficRouting]}`).toBe(`${svc.name}/${env.name}: ${settings.trafficRouting}`);
      }
    }
    expect(parameterFile(ecsServiceParameterFilePath('web', 'dev', 'blue-green')).Parameters[ID.trafficRouting]).toBe('AllAtOnce');
    expect(webProd[ID.trafficRouting]).toBe('TimeBasedCanary');
  });

  test('the service role is the CodeDeploy role of member-roles.json', () => {
    const roleValues = { ...values, ProjectName: 'shop', EnvironmentSuffix: 'prod' };
    const codeDeployRole = resource(memberRoles, 'CodeDeployRole');
    expect(resolve(hook.Properties.ServiceRole, values)).toBe(resolve(codeDeployRole.Properties!.RoleName, roleValues));
    expect(resolve(hook.Properties.ServiceRole, values)).toBe('shop-codedeploy-prod-eu-west-1');
  });

  test('the lifecycle hooks name the check function, which the CodeDeploy role may invoke', () => {
    const events = hook.Properties.LifecycleEventHooks as Record<string, unknown>;
    expect(Object.keys(events)).toEqual(['AfterAllowTestTraffic', 'AfterAllowTraffic']);
    const fn = resolve(resource(bg, ID.checkFunction).Properties!.FunctionName, values);
    expect(fn).toBe('CodeDeployHook_shop-web-check-prod');
    for (const v of Object.values(events)) expect(resolve(v, values)).toBe(fn);
    const invoke = policyStatements(resource(memberRoles, 'CodeDeployRole')).find((s) => s.Sid === 'InvokeLifecycleHooks')!;
    const pattern = resolve((invoke.Resource as unknown[])[0], { ...values, ProjectName: 'shop' });
    expect(new RegExp(`^${pattern.replace(/\*/g, '.*')}$`).test(`arn:aws:lambda:eu-west-1:444444444444:function:${fn}`)).toBe(true);
  });
});

describe('ecs-service.json: what the blue/green hook forbids', () => {
  test('project rule CD006 passes', () => {
    expect(blueGreenStack.check(bg, '')).toEqual([]);
  });

  test('one ECS service, no outputs, no imports, no NoEcho, no nested stacks, no dynamic references', () => {
    const text = JSON.stringify(bg);
    expect(resourcesOfType(bg, 'AWS::ECS::Service')).toHaveLength(1);
    expect(bg.Outputs).toBeUndefined();
    expect(text).not.toContain('Fn::ImportValue');
    expect(text).not.toContain('{{resolve:');
    expect(text).not.toContain('NoEcho');
    expect(resourcesOfType(bg, 'AWS::CloudFormation::Stack')).toHaveLength(0);
  });

  test('the task definition and the task set have no fixed names', () => {
    expect(resource(bg, ID.taskDefinition).Properties!.Family).toBeUndefined();
    expect(resource(bg, ID.taskSet).Properties!.ExternalId).toBeUndefined();
  });

  test('the network comes in as SSM parameter types, not as imports', () => {
    for (const id of [ID.vpcId, ID.publicSubnetIds, ID.privateSubnetIds, ID.natPublicIps]) {
      expect(bg.Parameters![id].Type).toMatch(/^AWS::SSM::Parameter::Value<.+>$/);
    }
  });

  test('a new image changes the task definition and nothing else, so it starts a green deployment alone', () => {
    const users = Object.entries(bg.Resources)
      .filter(([, r]) => JSON.stringify(r).includes(`{"Ref":"${ID.imageUri}"}`))
      .map(([id]) => id);
    expect(users).toEqual([ID.taskDefinition]);
    expect(JSON.stringify(bg.Hooks)).not.toContain(ID.imageUri);
  });
});

describe('access logs: every service template delivers its load balancer logs to the network\'s bucket', () => {
  const files = (strategy: keyof typeof byStrategy) =>
    config.services.flatMap((svc) => config.environments.filter((env) => svc.environments[env.name].deploymentStrategy === strategy).map((env) => ({ svc, env })));

  test.each(Object.keys(byStrategy) as Array<keyof typeof byStrategy>)('%s: enabled, to the bucket named in SSM, under {service}/{suffix}', (strategy) => {
    const t = byStrategy[strategy];
    const lb = resource(t, ID.loadBalancer);
    const attributes = lb.Properties!.LoadBalancerAttributes as Array<{ Key: string; Value: unknown }>;
    const byKey = Object.fromEntries(attributes.map((a) => [a.Key, a.Value]));
    expect(byKey['access_logs.s3.enabled']).toBe('true');
    expect(byKey['access_logs.s3.bucket']).toEqual(refTo(ACCESS_LOG_IDS.bucketNameParameter));
    expect(t.Parameters![ACCESS_LOG_IDS.bucketNameParameter].Type).toBe('AWS::SSM::Parameter::Value<String>');
    // No scanner finding on load balancer access logs is accepted any more.
    expect(JSON.stringify(lb.Metadata ?? {})).not.toMatch(/ELB2|W52|CKV_AWS_91/);
    expect(files(strategy).length).toBeGreaterThan(0);
    for (const { svc, env } of files(strategy)) {
      const params = parameterFile(ecsServiceParameterFilePath(svc.name, env.name, strategy)).Parameters;
      expect(params[ACCESS_LOG_IDS.bucketNameParameter]).toBe(`/${config.project.name}/network-${env.environmentSuffix}/access-log-bucket`);
      const prefix = resolve(byKey['access_logs.s3.prefix'], params);
      expect(prefix).toBe(`${svc.name}/${env.environmentSuffix}`);
      expect(prefix).not.toMatch(/^\/|\/$|AWSLogs/);
    }
  });
});

describe('ecs-service.json: load balancer, target groups, listeners', () => {
  test('an internet-facing ALB in the public subnets, deletion protection off, behind a security group', () => {
    const lb = resource(bg, ID.loadBalancer).Properties!;
    expect(lb).toMatchObject({ Scheme: 'internet-facing', Type: 'application', Subnets: refTo(ID.publicSubnetIds) });
    expect(lb.LoadBalancerAttributes).toContainEqual({ Key: 'deletion_protection.enabled', Value: 'false' });
    expect(lb.SecurityGroups).toEqual([{ 'Fn::GetAtt': [ID.loadBalancerSecurityGroup, 'GroupId'] }]);
  });

  test('two target groups with explicit health checks and a short deregistration delay', () => {
    const tgs = resourcesOfType(bg, 'AWS::ElasticLoadBalancingV2::TargetGroup');
    expect(tgs.map(([id]) => id)).toEqual([ID.targetGroup1, ID.targetGroup2]);
    for (const [, tg] of tgs) {
      const p = tg.Properties!;
      expect(p).toMatchObject({ TargetType: 'ip', HealthCheckEnabled: true, HealthCheckPath: refTo(ID.healthCheckPath), Matcher: { HttpCode: '200-299' } });
      for (const k of ['HealthCheckIntervalSeconds', 'HealthCheckTimeoutSeconds', 'HealthyThresholdCount', 'UnhealthyThresholdCount']) {
        expect(typeof p[k]).toBe('number');
      }
      expect(p.HealthCheckTimeoutSeconds as number).toBeLessThan(p.HealthCheckIntervalSeconds as number);
      const delay = (p.TargetGroupAttributes as Array<{ Key: string; Value: string }>).find((a) => a.Key === 'deregistration_delay.timeout_seconds');
      expect(Number(delay!.Value)).toBeLessThanOrEqual(60);
    }
  });

  test('a production and a test listener on different ports, both starting on target group 1', () => {
    const listeners = resourcesOfType(bg, 'AWS::ElasticLoadBalancingV2::Listener').filter(([id]) => id !== HTTPS_IDS.httpRedirectListener);
    expect(listeners.map(([id, r]) => [id, r.Properties!.Port])).toEqual([
      [ID.productionListener, { 'Fn::If': [HTTPS_IDS.hasCertificate, 443, PRODUCTION_PORT] }],
      [ID.testListener, TEST_PORT],
    ]);
    for (const [, l] of listeners) {
      expect(JSON.stringify(l.Properties!.DefaultActions)).toContain(`{"Ref":"${ID.targetGroup1}"}`);
    }
  });

  test('the test listener is reachable only from the NAT gateways (where the check runs), production from anywhere', () => {
    const ingress = resource(bg, ID.loadBalancerSecurityGroup).Properties!.SecurityGroupIngress as Array<Record<string, unknown>>;
    const open = ingress.filter((r) => r.CidrIp === '0.0.0.0/0').map((r) => r.FromPort);
    expect(open).toEqual([PRODUCTION_PORT]);
    const test = ingress.filter((r) => r.FromPort === TEST_PORT);
    expect(test).toHaveLength(2);
    for (const r of test) expect(JSON.stringify(r.CidrIp)).toContain(`{"Ref":"${ID.natPublicIps}"}`);
  });
});

describe('ecs-service.json: service, task set, task definition', () => {
  test('the service uses the EXTERNAL deployment controller on the project cluster', () => {
    const svc = resource(bg, ID.service).Properties!;
    expect(svc.DeploymentController).toEqual({ Type: 'EXTERNAL' });
    expect(resolve(svc.Cluster, values)).toBe('shop-cluster-prod');
  });

  test('tasks run in the private subnets without a public IP, reachable from the load balancer only', () => {
    const vpc = (resource(bg, ID.taskSet).Properties!.NetworkConfiguration as { AwsVpcConfiguration: Record<string, unknown> }).AwsVpcConfiguration;
    expect(vpc).toEqual({ AssignPublicIp: 'DISABLED', Subnets: refTo(ID.privateSubnetIds), SecurityGroups: [{ 'Fn::GetAtt': [ID.serviceSecurityGroup, 'GroupId'] }] });
    const ingress = resource(bg, ID.serviceIngressFromLoadBalancer).Properties!;
    expect(ingress.SourceSecurityGroupId).toEqual({ 'Fn::GetAtt': [ID.loadBalancerSecurityGroup, 'GroupId'] });
    expect(resource(bg, ID.serviceSecurityGroup).Properties!.SecurityGroupIngress).toBeUndefined();
  });

  test('a Fargate task definition built from parameters; a task set and its primary', () => {
    const td = resource(bg, ID.taskDefinition).Properties!;
    expect(td).toMatchObject({ RequiresCompatibilities: ['FARGATE'], NetworkMode: 'awsvpc', Cpu: refTo(ID.taskCpu), Memory: refTo(ID.taskMemory) });
    expect(td.RuntimePlatform).toEqual({ CpuArchitecture: refTo(ID.cpuArchitecture), OperatingSystemFamily: 'LINUX' });
    const [container] = td.ContainerDefinitions as Array<Record<string, unknown>>;
    expect(container).toMatchObject({ Image: refTo(ID.imageUri), PortMappings: [{ ContainerPort: refTo(ID.containerPort), Protocol: 'tcp' }] });
    expect(resource(bg, ID.taskSet).Properties).toMatchObject({ LaunchType: 'FARGATE', TaskDefinition: refTo(ID.taskDefinition), Scale: { Unit: 'PERCENT', Value: 100 } });
    expect(resource(bg, ID.primaryTaskSet).Properties!.TaskSetId).toEqual({ 'Fn::GetAtt': [ID.taskSet, 'Id'] });
  });

  test('task, execution and check roles live under the workload path and pass nothing on', () => {
    for (const id of [ID.taskRole, ID.executionRole, ID.checkRole]) {
      expect(resolve(resource(bg, id).Properties!.Path, values)).toBe('/shop-workload/');
      const actions = policyStatements(resource(bg, id)).flatMap((s) => s.Action as string[]);
      expect(actions.filter((a) => a.startsWith('iam:'))).toEqual([]);
    }
    const pull = policyStatements(resource(bg, ID.executionRole)).find((s) => s.Sid === 'PullProjectImages')!;
    expect(resolve((pull.Resource as unknown[])[0], values)).toBe('arn:aws:ecr:eu-west-1:111111111111:repository/shop*');
  });

  test('log groups sit under /{project}/ with a retention, where member-roles.json lets CloudFormation manage them', () => {
    const groups = resourcesOfType(bg, 'AWS::Logs::LogGroup');
    expect(groups).toHaveLength(2);
    for (const [, g] of groups) {
      expect(resolve(g.Properties!.LogGroupName, values)).toMatch(/^\/shop\//);
      expect(g.Properties!.RetentionInDays).toEqual(refTo(ID.logRetentionDays));
    }
  });

  test('alarm names start with {project}- and the check function reads exactly those alarms', () => {
    const names = resourcesOfType(bg, 'AWS::CloudWatch::Alarm').map(([, a]) => resolve(a.Properties!.AlarmName, values));
    expect(names).toEqual(['shop-web-target-5xx-prod', 'shop-web-unhealthy-targets-prod']);
    const env = (resource(bg, ID.checkFunction).Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(resolve(env.ALARM_NAMES, values).split(',')).toEqual(names);
  });

  test('every name fits its limit with the longest parameter values', () => {
    for (const t of [bg, rolling]) {
      const names = resolvedNames(t, longestValues(t));
      expect(names.filter((n) => n.kind === 'alb' || n.kind === 'target-group').length).toBeGreaterThanOrEqual(2);
      expect(nameViolations(names)).toEqual([]);
    }
  });
});

/** The hook event CodeDeploy sends at a lifecycle event. */
const HOOK_EVENT = { DeploymentId: 'd-123', LifecycleEventHookExecutionId: 'hook-456' };
/** What an EventBridge schedule rule sends its target (EventBridge User Guide, scheduled events). */
const SCHEDULED_EVENT = scheduledEvent('shop-web-check-warm-prod');

/** Runs the check function's inline code with fake HTTP, CodeDeploy and CloudWatch clients. */
async function runCheck(answers: Array<number | 'refused'>, firing: string[] = [], event: unknown = HOOK_EVENT) {
  const fn = resource(bg, ID.checkFunction).Properties!;
  const source = (fn.Code as { ZipFile: string }).ZipFile;
  const env = Object.fromEntries(Object.entries((fn.Environment as { Variables: Record<string, unknown> }).Variables).map(([k, v]) => [k, resolve(v, values)]));
  const reported: Array<Record<string, unknown>> = [];
  class PutLifecycleEventHookExecutionStatusCommand extends FakeCommand {}
  const codeDeploy = {
    PutLifecycleEventHookExecutionStatusCommand,
    CodeDeployClient: class {
      async send(cmd: FakeCommand) {
        reported.push(cmd.input);
        return {};
      }
    },
  };
  const run = await runCheckCode(source, env, { answers, firing, event, extraModules: { '@aws-sdk/client-codedeploy': codeDeploy } });
  return { ...run, reported };
}

describe('ecs-service.json: the pre-traffic check function', () => {
  test('Node.js with inline code that parses and needs only the runtime SDK v3 clients', () => {
    const fn = resource(bg, ID.checkFunction).Properties!;
    expect(fn.Runtime).toMatch(/^nodejs(2[0-9])\.x$/);
    const source = (fn.Code as { ZipFile: string }).ZipFile;
    expect(() => new vm.Script(source)).not.toThrow();
    expect(source.length).toBeLessThanOrEqual(4096);
    const required = [...source.matchAll(/require\('([^']+)'\)/g)].map((m) => m[1]);
    expect(required.sort()).toEqual(['@aws-sdk/client-cloudwatch', '@aws-sdk/client-codedeploy', 'node:http']);
  });

  test('reports Succeeded when the test listener is healthy and no alarm fires', async () => {
    const { result, reported, calls } = await runCheck([200, 200, 204]);
    expect(result).toEqual({ status: 'Succeeded' });
    expect(reported).toEqual([{ deploymentId: 'd-123', lifecycleEventHookExecutionId: 'hook-456', status: 'Succeeded' }]);
    expect(calls).toEqual(Array(CHECK_ATTEMPTS).fill(`http://${values['LoadBalancer.DNSName']}:${TEST_PORT}/health`));
  });

  test.each([
    ['an unhealthy answer', [200, 503, 200], []],
    ['a refused connection', ['refused'], []],
    ['a redirect', [302, 200, 200], []],
    ['a firing alarm', [200, 200, 200], ['shop-web-unhealthy-targets-prod']],
  ] as Array<[string, Array<number | 'refused'>, string[]]>)('reports Failed on %s, so CodeDeploy rolls back', async (_name, answers, firing) => {
    const { result, reported } = await runCheck(answers, firing);
    expect(result).toEqual({ status: 'Failed' });
    expect(reported).toEqual([{ deploymentId: 'd-123', lifecycleEventHookExecutionId: 'hook-456', status: 'Failed' }]);
  });

  test('answers the keep-warm schedule at once: no probe, no alarm read, nothing reported to CodeDeploy', async () => {
    const { result, reported, calls, alarmReads, logs } = await runCheck([200, 200, 200], [], SCHEDULED_EVENT);
    expect(result).toEqual({ keepWarm: true });
    expect({ reported, calls, alarmReads }).toEqual({ reported: [], calls: [], alarmReads: [] });
    expect(logs.map((l) => JSON.parse(l))).toEqual([{ keepWarm: true, source: 'aws.events', time: SCHEDULED_EVENT.time }]);
  });

  test('a hook event is never taken for the schedule, even with a failing listener', async () => {
    const { result, reported, logs } = await runCheck(['refused'], [], { ...SCHEDULED_EVENT, ...HOOK_EVENT });
    expect(result).toEqual({ status: 'Failed' });
    expect(reported).toEqual([{ deploymentId: 'd-123', lifecycleEventHookExecutionId: 'hook-456', status: 'Failed' }]);
    expect(logs.join('\n')).not.toContain('keepWarm');
  });

  test('its role may report to CodeDeploy and read the alarms, nothing else of CodeDeploy or CloudWatch', () => {
    const actions = policyStatements(resource(bg, ID.checkRole))
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => s.Action as string[])
      .filter((a) => /^(codedeploy|cloudwatch):/.test(a));
    expect(actions.sort()).toEqual(['cloudwatch:DescribeAlarms', 'codedeploy:PutLifecycleEventHookExecutionStatus']);
  });
});

describe.each([
  ['ecs-service.json', bg],
  ['ecs-service-native.json', native],
] as const)('%s: the daily schedule that keeps the check function active', (_file, template) => {
  const rules = resourcesOfType(template, 'AWS::Events::Rule');
  const permissions = resourcesOfType(template, 'AWS::Lambda::Permission');

  test('every function in the VPC has a schedule rule that invokes it', () => {
    const vpcFunctions = resourcesOfType(template, 'AWS::Lambda::Function').filter(([, f]) => f.Properties!.VpcConfig !== undefined);
    expect(vpcFunctions.map(([id]) => id)).toEqual([ID.checkFunction]);
    for (const [id] of vpcFunctions) {
      const scheduled = rules.filter(([, r]) => r.Properties!.ScheduleExpression !== undefined && JSON.stringify(r.Properties!.Targets).includes(`{"Fn::GetAtt":["${id}","Arn"]}`));
      expect(scheduled.map(([ruleId]) => ruleId)).toEqual([ID.checkKeepWarmRule]);
    }
  });

  test('a daily schedule, enabled, whose one target gets EventBridge\'s own event (no Input, so no hook fields)', () => {
    expect(rules.map(([id]) => id)).toEqual([ID.checkKeepWarmRule]);
    const rule = resource(template, ID.checkKeepWarmRule).Properties!;
    expect(KEEP_WARM_SCHEDULE).toBe('rate(1 day)');
    expect(rule).toMatchObject({ State: 'ENABLED', ScheduleExpression: KEEP_WARM_SCHEDULE });
    expect(rule.EventPattern).toBeUndefined();
    expect(rule.Targets).toEqual([{ Id: 'CheckFunction', Arn: { 'Fn::GetAtt': [ID.checkFunction, 'Arn'] } }]);
  });

  test('named {project}-{service}-check-warm-{suffix}, within 64 characters at the longest parameter values', () => {
    const name = resource(template, ID.checkKeepWarmRule).Properties!.Name;
    expect(resolve(name, values)).toBe('shop-web-check-warm-prod');
    const longest = resolve(name, longestValues(template));
    expect(longest.length).toBeLessThanOrEqual(64);
    expect(longest).toMatch(/^[.\-_A-Za-z0-9]+$/);
  });

  test('the function admits EventBridge for this rule of this account only', () => {
    expect(permissions.map(([id]) => id)).toEqual([ID.checkKeepWarmPermission]);
    expect(resource(template, ID.checkKeepWarmPermission).Properties).toEqual({
      FunctionName: { 'Fn::GetAtt': [ID.checkFunction, 'Arn'] },
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ID.checkKeepWarmRule, 'Arn'] },
      SourceAccount: refTo('AWS::AccountId'),
    });
  });
});

describe('ecs-service-rolling.json', () => {
  test('the ECS deployment controller with the circuit breaker and alarm rollback, no transform, no hook', () => {
    expect(rolling.Transform).toBeUndefined();
    expect(rolling.Hooks).toBeUndefined();
    const svc = resource(rolling, ID.service).Properties!;
    expect(svc.DeploymentController).toEqual({ Type: 'ECS' });
    expect(svc.DeploymentConfiguration).toMatchObject({
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      Alarms: { AlarmNames: [refTo(ID.errorAlarm), refTo(ID.unhealthyAlarm)], Enable: true, Rollback: true },
    });
    expect(resourcesOfType(rolling, 'AWS::ECS::TaskSet')).toHaveLength(0);
  });

  test('no check function, so no keep-warm schedule', () => {
    expect(resourcesOfType(rolling, 'AWS::Lambda::Function')).toHaveLength(0);
    expect(resourcesOfType(rolling, 'AWS::Events::Rule')).toHaveLength(0);
  });

  test('tasks in the private subnets without a public IP, one target group and one listener', () => {
    const svc = resource(rolling, ID.service).Properties!;
    expect((svc.NetworkConfiguration as { AwsvpcConfiguration: Record<string, unknown> }).AwsvpcConfiguration).toMatchObject({
      AssignPublicIp: 'DISABLED',
      Subnets: refTo(ID.privateSubnetIds),
    });
    expect(resourcesOfType(rolling, 'AWS::ElasticLoadBalancingV2::TargetGroup').map(([id]) => id)).toEqual([ID.targetGroup1]);
    expect(resourcesOfType(rolling, 'AWS::ElasticLoadBalancingV2::Listener').map(([id]) => id)).toEqual([ID.productionListener, HTTPS_IDS.httpRedirectListener]);
    expect(resource(rolling, ID.service).DependsOn).toBe(ID.productionListener);
  });
});

describe('parameter files', () => {
  const pairs = config.services.flatMap((svc) => config.environments.map((env) => ({ svc, env, settings: svc.environments[env.name] })));

  test.each(pairs.map((p) => [`${p.svc.name}/${p.env.name}`, p] as const))(
    '%s matches the template of its deployment strategy and leaves ImageUri to the pipeline',
    (_name, { svc, env, settings }) => {
      const file = parameterFile(ecsServiceParameterFilePath(svc.name, env.name, settings.deploymentStrategy));
      const template = byStrategy[settings.deploymentStrategy];
      expect(file.Parameters[ID.imageUri]).toBeUndefined();
      expect(checkParameterValues(template, { ...file.Parameters, [ID.imageUri]: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-web:3f2a9c1' })).toEqual([]);
      expect(checkParameterValues(template, file.Parameters)).toEqual([`${ID.imageUri}: is required (no default)`]);
      expect(file.Parameters).toMatchObject({ DesiredCount: String(settings.desiredCount), EnvironmentSuffix: env.environmentSuffix });
      expect(file.Tags).toEqual({ Environment: env.name, Project: 'shop', CostCenter: 'cc-4711' });
    },
  );

  test('a file that carries ImageUri itself is refused, since the pipeline supplies it', () => {
    const file = parameterFile(ecsServiceParameterFilePath('web', 'prod', 'blue-green')).Parameters;
    expect(checkParameterValues(bg, file, [ID.imageUri])).toEqual([]);
    expect(checkParameterValues(bg, { ...file, [ID.imageUri]: 'r.example.com/shop-web:1' }, [ID.imageUri])).toEqual([
      `${ID.imageUri}: is supplied at deploy time and must not be in the file`,
    ]);
  });

  test('every template runs the tasks on the CpuArchitecture parameter, X86_64 unless a file says otherwise', () => {
    for (const template of [bg, rolling, native]) {
      expect(template.Parameters![ID.cpuArchitecture]).toMatchObject({ Type: 'String', Default: 'X86_64', AllowedValues: ['X86_64', 'ARM64'] });
      expect(resource(template, ID.taskDefinition).Properties!.RuntimePlatform).toEqual({
        CpuArchitecture: refTo(ID.cpuArchitecture),
        OperatingSystemFamily: 'LINUX',
      });
    }
  });

  test.each(pairs.map((p) => [`${p.svc.name}/${p.env.name}`, p] as const))('%s carries the configured cpuArchitecture', (_name, { svc, env, settings }) => {
    const file = parameterFile(ecsServiceParameterFilePath(svc.name, env.name, settings.deploymentStrategy));
    expect(file.Parameters[ID.cpuArchitecture]).toBe(svc.name === 'orders' ? 'ARM64' : 'X86_64');
  });

  test('the example configuration uses every strategy, so every template is exercised', () => {
    expect(new Set(pairs.map((p) => p.settings.deploymentStrategy))).toEqual(new Set(['blue-green', 'ecs-blue-green', 'rolling']));
  });

  test('the ImageUri pattern accepts immutable tags and digests', () => {
    const pattern = new RegExp((bg.Parameters![ID.imageUri] as StringParameter).AllowedPattern!);
    expect(pattern.test('111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-web:3f2a9c1')).toBe(true);
    expect(pattern.test(`111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-web@sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(pattern.test('111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-web')).toBe(false);
  });
});

const grants = (pattern: string, action: string) => new RegExp(`^${pattern.replace(/\*/g, '.*')}$`, 'i').test(action);

describe('member-roles.json CodeDeployRole is what the hook needs', () => {
  const role = resource(memberRoles, 'CodeDeployRole');
  const allowed = policyStatements(role).filter((s) => s.Effect === 'Allow' && !s.Principal).flatMap((s) => s.Action as string[]);

  test('trusted by CodeDeploy; moves task sets and listeners, invokes the lifecycle hooks', () => {
    expect(JSON.stringify(role.Properties!.AssumeRolePolicyDocument)).toContain('codedeploy.amazonaws.com');
    for (const a of [
      'ecs:CreateTaskSet',
      'ecs:DeleteTaskSet',
      'ecs:DescribeServices',
      'ecs:UpdateServicePrimaryTaskSet',
      'elasticloadbalancing:DescribeListeners',
      'elasticloadbalancing:DescribeRules',
      'elasticloadbalancing:DescribeTargetGroups',
      'elasticloadbalancing:ModifyListener',
      'elasticloadbalancing:ModifyRule',
      'lambda:InvokeFunction',
      'cloudwatch:DescribeAlarms',
    ]) {
      expect(`${a}: ${allowed.includes(a)}`).toBe(`${a}: true`);
    }
  });

  test('may shift traffic on the service listeners, whose load balancer name ends in the suffix', () => {
    const shift = policyStatements(role).find((s) => s.Sid === 'ShiftTraffic')!;
    const listenerArn = resolve((shift.Resource as unknown[])[0], { ...values, EnvironmentSuffix: 'prod' });
    const lbName = resolve(resource(bg, ID.loadBalancer).Properties!.Name, values);
    expect(grants(listenerArn, `arn:aws:elasticloadbalancing:eu-west-1:444444444444:listener/app/${lbName}/abc/def`)).toBe(true);
  });
});

describe('ecs-service.json uses names member-roles.json scopes its permissions to', () => {
  test('load balancer and target group names end in -{suffix}', () => {
    for (const id of [ID.loadBalancer, ID.targetGroup1, ID.targetGroup2]) {
      expect(resolve(resource(bg, id).Properties!.Name, values)).toMatch(/-prod$/);
    }
  });

});

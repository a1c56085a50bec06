/**
 * ecs-service-native.json: ECS-native blue/green, canary and linear deployments, its
 * parameter files, and the member-account roles that let ECS run them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { totalBakeMinutes } from '../../generator/config/ecs-traffic';
import { linearSteps } from '../../generator/core/ecs-traffic-limits';
import { RULES } from '../../generator/rules';
import { CHECK_ATTEMPTS, ecsServiceParameterFilePath } from '../../generator/templates/ecs-service';
import { TEST_PORT } from '../../generator/contracts/service';
import { CHECK_STAGES, ECS_NATIVE_FILE, ECS_NATIVE_IDS } from '../../generator/templates/ecs-service-native';
import { MEMBER_ROLES_IDS } from '../../generator/templates/member-roles';
import { EXECUTION_ROLE_IDS } from '../../generator/templates/execution-role';
import { scheduledEvent } from '../fixtures/scheduled-events';
import { TEMPLATES_DIR, exampleConfig, loadTemplate, policyStatements, resolve, resource, resourcesOfType } from '../helpers/template';
import { longestValues, nameViolations, resolvedNames } from '../helpers/names';
import { runCheckCode } from '../helpers/check-function';

const ID = ECS_NATIVE_IDS;
const native = loadTemplate(ECS_NATIVE_FILE);
const memberRoles = loadTemplate('member-roles.json');
const config = exampleConfig();
const service = resource(native, ID.service).Properties as Record<string, any>;
const refTo = (id: string) => ({ Ref: id });

function parameterFile(service: string, env: string): Record<string, string> {
  return JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, ecsServiceParameterFilePath(service, env, 'ecs-blue-green')), 'utf8')).Parameters;
}

const values: Record<string, string> = {
  ...parameterFile('orders', 'prod'),
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '444444444444',
  'AWS::Partition': 'aws',
  'LoadBalancer.DNSName': 'orders-alb-prod-123.eu-west-1.elb.amazonaws.com',
};
// Ref of an alarm is its name, as CloudFormation resolves it.
for (const id of [ID.errorAlarm, ID.unhealthyAlarm]) values[id] = resolve(resource(native, id).Properties!.AlarmName, values);
const memberValues = { ...values, ToolsEnvironmentSuffix: 'tools' };

/** IAM's ARN matching: `*` any characters, `?` one. */
const covers = (pattern: string, arnText: string) =>
  new RegExp(`^${pattern.split('*').map((p) => p.split('?').map((q) => q.replace(/[.+^$|()[\]{}\\]/g, '\\$&')).join('.')).join('.*')}$`).test(arnText);

describe('ecs-service-native.json: the ECS deployment controller does the blue/green', () => {
  test('no transform, no hook, no task sets: one service with the ECS controller', () => {
    expect(native.Transform).toBeUndefined();
    expect(native.Hooks).toBeUndefined();
    expect(resourcesOfType(native, 'AWS::ECS::TaskSet')).toHaveLength(0);
    expect(resourcesOfType(native, 'AWS::ECS::PrimaryTaskSet')).toHaveLength(0);
    expect(service.DeploymentController).toEqual({ Type: 'ECS' });
  });

  test('the strategy follows TrafficRouting; only the chosen one carries its step settings', () => {
    const dc = service.DeploymentConfiguration;
    expect(dc.Strategy).toEqual({ 'Fn::If': [ID.isCanary, 'CANARY', { 'Fn::If': [ID.isLinear, 'LINEAR', 'BLUE_GREEN'] }] });
    expect(dc.BakeTimeInMinutes).toEqual(refTo(ID.bakeTimeMins));
    expect(dc.CanaryConfiguration).toEqual({
      'Fn::If': [ID.isCanary, { CanaryPercent: refTo(ID.canaryPercentage), CanaryBakeTimeInMinutes: refTo(ID.trafficBakeTimeMins) }, refTo('AWS::NoValue')],
    });
    expect(dc.LinearConfiguration).toEqual({
      'Fn::If': [ID.isLinear, { StepPercent: refTo(ID.linearStepPercentage), StepBakeTimeInMinutes: refTo(ID.trafficBakeTimeMins) }, refTo('AWS::NoValue')],
    });
    expect(native.Conditions).toMatchObject({
      [ID.isCanary]: { 'Fn::Equals': [refTo(ID.trafficRouting), 'TimeBasedCanary'] },
      [ID.isLinear]: { 'Fn::Equals': [refTo(ID.trafficRouting), 'TimeBasedLinear'] },
    });
  });

  test('the parameters hold ECS\'s ranges: canary from 0.1, linear from 3, bake times to 1440 minutes', () => {
    expect(native.Parameters![ID.canaryPercentage]).toMatchObject({ Type: 'Number', MinValue: 0.1, MaxValue: 100 });
    expect(native.Parameters![ID.linearStepPercentage]).toMatchObject({ Type: 'Number', MinValue: 3, MaxValue: 100 });
    for (const id of [ID.trafficBakeTimeMins, ID.bakeTimeMins]) expect(native.Parameters![id]).toMatchObject({ MinValue: 0, MaxValue: 1440 });
  });

  test('the circuit breaker and both alarms roll a deployment back', () => {
    expect(service.DeploymentConfiguration).toMatchObject({
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      Alarms: { AlarmNames: [refTo(ID.errorAlarm), refTo(ID.unhealthyAlarm)], Enable: true, Rollback: true },
    });
  });

  test('the check runs as a lifecycle hook after the test shift and after the production shift', () => {
    expect(service.DeploymentConfiguration.LifecycleHooks).toEqual([
      {
        HookTargetArn: { 'Fn::GetAtt': [ID.checkFunction, 'Arn'] },
        RoleArn: service.LoadBalancers[0].AdvancedConfiguration.RoleArn,
        LifecycleStages: ['POST_TEST_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT'],
      },
    ]);
    expect(CHECK_STAGES).toHaveLength(2);
  });

  test('project rules pass, including CD007 (both target groups on both rules)', () => {
    const text = fs.readFileSync(path.join(TEMPLATES_DIR, ECS_NATIVE_FILE), 'utf8');
    for (const rule of RULES) expect([rule.id, rule.check(native, text)]).toEqual([rule.id, []]);
  });
});

describe('ecs-service-native.json: listener rules and target groups as ECS requires', () => {
  test('the service names the primary and alternate target groups and both rules', () => {
    expect(service.LoadBalancers).toEqual([
      {
        ContainerName: 'app',
        ContainerPort: refTo(ID.containerPort),
        TargetGroupArn: refTo(ID.targetGroup1),
        AdvancedConfiguration: {
          AlternateTargetGroupArn: refTo(ID.targetGroup2),
          ProductionListenerRule: refTo(ID.productionListenerRule),
          TestListenerRule: refTo(ID.testListenerRule),
          RoleArn: expect.anything(),
        },
      },
    ]);
  });

  test.each([
    [ID.productionListenerRule, ID.productionListener, { 'Fn::If': ['HasCertificate', 443, 80] }],
    [ID.testListenerRule, ID.testListener, TEST_PORT],
  ])('%s forwards every path to both target groups, blue first; its listener answers 404 otherwise', (ruleId, listenerId, port) => {
    const rule = resource(native, ruleId).Properties!;
    expect(rule).toMatchObject({ ListenerArn: refTo(listenerId), Priority: 1, Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }] });
    expect(rule.Actions).toEqual([
      { Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: refTo(ID.targetGroup1), Weight: 100 }, { TargetGroupArn: refTo(ID.targetGroup2), Weight: 0 }] } },
    ]);
    const listener = resource(native, listenerId).Properties!;
    expect(listener).toMatchObject({ Port: port, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }] });
  });

  test('the test listener is reachable only from the NAT gateways (where the check runs)', () => {
    const ingress = resource(native, ID.loadBalancerSecurityGroup).Properties!.SecurityGroupIngress as Array<Record<string, unknown>>;
    const test = ingress.filter((r) => r.FromPort === TEST_PORT);
    expect(test).toHaveLength(2);
    for (const r of test) expect(JSON.stringify(r.CidrIp)).toContain(ID.natPublicIps);
  });

  test('every name fits its limit with the longest parameter values', () => {
    expect(nameViolations(resolvedNames(native, longestValues(native)))).toEqual([]);
  });
});

describe('member-roles.json EcsInfrastructureRole: what ECS assumes, and no more', () => {
  const role = resource(memberRoles, MEMBER_ROLES_IDS.ecsInfrastructureRole);
  const allows = policyStatements(role).filter((s) => s.Effect === 'Allow' && !s.Principal);

  test('the service names it by the ARN member-roles.json gives it', () => {
    const arnText = resolve(service.LoadBalancers[0].AdvancedConfiguration.RoleArn, values);
    expect(arnText).toBe(`arn:aws:iam::444444444444:role/${resolve(role.Properties!.RoleName, memberValues)}`);
  });

  test('trusted by ECS only; an inline policy, no managed policy', () => {
    expect(role.Properties!.AssumeRolePolicyDocument).toMatchObject({ Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' }, Action: ['sts:AssumeRole'] }] });
    expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
  });

  test('grants the actions of AmazonECSInfrastructureRolePolicyForLoadBalancers for ALBs, and the hook invocation', () => {
    expect(allows.flatMap((s) => s.Action as string[]).sort()).toEqual([
      'elasticloadbalancing:DeregisterTargets',
      'elasticloadbalancing:DescribeListeners',
      'elasticloadbalancing:DescribeRules',
      'elasticloadbalancing:DescribeTargetGroups',
      'elasticloadbalancing:DescribeTargetHealth',
      'elasticloadbalancing:ModifyListener',
      'elasticloadbalancing:ModifyRule',
      'elasticloadbalancing:RegisterTargets',
      'lambda:InvokeFunction',
    ]);
  });

  test.each([
    ['elasticloadbalancing:ModifyRule', 'arn:aws:elasticloadbalancing:eu-west-1:444444444444:listener-rule/app/orders-alb-prod/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee', true],
    ['elasticloadbalancing:ModifyListener', 'arn:aws:elasticloadbalancing:eu-west-1:444444444444:listener/app/orders-alb-prod/50dc6c495c0c9188/f2f7dc8efc522ab2', true],
    ['elasticloadbalancing:RegisterTargets', 'arn:aws:elasticloadbalancing:eu-west-1:444444444444:targetgroup/orders-tg2-prod/73e2d6bc24d8a067', true],
    ['lambda:InvokeFunction', 'arn:aws:lambda:eu-west-1:444444444444:function:shop-orders-check-prod', true],
    // Another environment's load balancer in the same account, another project's function.
    ['elasticloadbalancing:ModifyRule', 'arn:aws:elasticloadbalancing:eu-west-1:444444444444:listener-rule/app/orders-alb-staging/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee', false],
    ['lambda:InvokeFunction', 'arn:aws:lambda:eu-west-1:444444444444:function:other-orders-check-prod', false],
  ])('%s on %s: %s', (action, arnText, expected) => {
    const granted = allows.some(
      (s) => (s.Action as string[]).includes(action) && ([] as unknown[]).concat(s.Resource).some((r) => r === '*' || covers(resolve(r, memberValues), arnText)),
    );
    expect(granted).toBe(expected);
  });

  test('the hook function of the template is one the role may invoke', () => {
    const name = resolve(resource(native, ID.checkFunction).Properties!.FunctionName, values);
    expect(name).toBe('shop-orders-check-prod');
  });

  test('the execution role may pass it to ECS only', () => {
    const exec = resource(loadTemplate('execution-role.json'), EXECUTION_ROLE_IDS.executionRole);
    const pass = policyStatements(exec).find((s) => s.Sid === 'PassEcsInfrastructureRole')!;
    expect(pass.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs.amazonaws.com' } });
    expect(([] as unknown[]).concat(pass.Resource).map((r) => resolve(r, memberValues))).toEqual([`arn:aws:iam::444444444444:role/${resolve(role.Properties!.RoleName, memberValues)}`]);
  });
});

describe('parameter files', () => {
  test('orders/staging shifts linearly and orders/prod as a canary, as configured', () => {
    expect(parameterFile('orders', 'staging')).toMatchObject({ TrafficRouting: 'TimeBasedLinear', LinearStepPercentage: '25', TrafficBakeTimeMins: '3', BakeTimeMins: '10' });
    expect(parameterFile('orders', 'prod')).toMatchObject({ TrafficRouting: 'TimeBasedCanary', CanaryPercentage: '5', TrafficBakeTimeMins: '15', BakeTimeMins: '30' });
    expect(parameterFile('orders', 'prod').LinearStepPercentage).toBeUndefined();
  });

  test('every environment that uses it stays within the 33 hours CloudFormation accepts', () => {
    for (const svc of config.services) {
      for (const [env, s] of Object.entries(svc.environments)) {
        if (s.deploymentStrategy !== 'ecs-blue-green') continue;
        expect([svc.name, env, totalBakeMinutes(s.trafficRouting, s.native) <= 33 * 60]).toEqual([svc.name, env, true]);
      }
    }
  });

  test.each([
    [10, 9],
    [11, 9],
    [25, 3],
    [3, 33],
    [33.3, 3],
    [100, 0],
  ])('linear steps of %s %% bake %s times (CloudFormation\'s count)', (percent, steps) => {
    expect(linearSteps(percent)).toBe(steps);
  });
});

/** What ECS sends the hook (ECS Developer Guide, lifecycle payloads): every stage carries the serviceArn. */
const HOOK_EVENT = {
  serviceArn: 'arn:aws:ecs:eu-west-1:444444444444:service/shop-cluster-prod/orders',
  targetServiceRevisionArn: 'arn:aws:ecs:eu-west-1:444444444444:service-revision/shop-cluster-prod/orders/01275892',
  testTrafficWeights: {},
  productionTrafficWeights: {},
};
/** What the daily schedule rule sends (EventBridge's scheduled event). */
const SCHEDULED_EVENT = scheduledEvent('shop-orders-check-warm-prod');

/** Runs the lifecycle hook's inline code with fake HTTP and CloudWatch clients. */
async function runCheck(answers: Array<number | 'refused'>, firing: string[] = [], event: unknown = HOOK_EVENT) {
  const fn = resource(native, ID.checkFunction).Properties!;
  const source = (fn.Code as { ZipFile: string }).ZipFile;
  const env = Object.fromEntries(Object.entries((fn.Environment as { Variables: Record<string, unknown> }).Variables).map(([k, v]) => [k, resolve(v, values)]));
  return runCheckCode(source, env, { answers, firing, event });
}

describe('ecs-service-native.json: the lifecycle hook function', () => {
  test('Node.js 24 with inline code that needs only the runtime\'s CloudWatch client', () => {
    const fn = resource(native, ID.checkFunction).Properties!;
    expect(fn.Runtime).toBe('nodejs24.x');
    const source = (fn.Code as { ZipFile: string }).ZipFile;
    expect(source.length).toBeLessThanOrEqual(4096);
    expect([...source.matchAll(/require\('([^']+)'\)/g)].map((m) => m[1]).sort()).toEqual(['@aws-sdk/client-cloudwatch', 'node:http']);
  });

  test('answers SUCCEEDED when the test listener is healthy and no alarm fires', async () => {
    const { result, calls } = await runCheck([200, 200, 204]);
    expect(result).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(calls).toEqual(Array(CHECK_ATTEMPTS).fill(`http://${values['LoadBalancer.DNSName']}:${TEST_PORT}/health`));
  });

  test.each([
    ['an unhealthy answer', [200, 503, 200], []],
    ['a refused connection', ['refused'], []],
    ['a firing alarm', [200, 200, 200], ['shop-orders-target-5xx-prod']],
  ] as Array<[string, Array<number | 'refused'>, string[]]>)('answers FAILED on %s, so ECS rolls back', async (_name, answers, firing) => {
    expect((await runCheck(answers, firing)).result).toEqual({ hookStatus: 'FAILED' });
  });

  test('answers the keep-warm schedule at once: no probe, no alarm read, no hookStatus', async () => {
    const { result, calls, alarmReads, logs } = await runCheck([200, 200, 200], [], SCHEDULED_EVENT);
    expect(result).toEqual({ keepWarm: true });
    expect({ calls, alarmReads }).toEqual({ calls: [], alarmReads: [] });
    expect(logs.map((l) => JSON.parse(l))).toEqual([{ keepWarm: true, source: 'aws.events', time: SCHEDULED_EVENT.time }]);
  });

  test('a hook event is never taken for the schedule, even with a failing listener', async () => {
    const { result, logs } = await runCheck(['refused'], [], { ...SCHEDULED_EVENT, ...HOOK_EVENT });
    expect(result).toEqual({ hookStatus: 'FAILED' });
    expect(logs.join('\n')).not.toContain('keepWarm');
  });

  test('its role reads the alarms and writes its logs; nothing of ECS, ELB or CodeDeploy', () => {
    const actions = policyStatements(resource(native, ID.checkRole)).filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action as string[]);
    expect(actions.filter((a) => /^(ecs|elasticloadbalancing|codedeploy|cloudwatch):/.test(a))).toEqual(['cloudwatch:DescribeAlarms']);
  });
});

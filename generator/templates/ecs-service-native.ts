/**
 * ecs-service-native.json: one ECS Fargate service with ECS-native blue/green
 * deployments (`DeploymentConfiguration.Strategy` BLUE_GREEN, CANARY or LINEAR, July and
 * October 2025), chosen per environment with `deploymentStrategy: "ecs-blue-green"`.
 *
 * The ECS deployment controller does the blue/green itself: no transform, no hook, no
 * task sets. A deployment starts green tasks in the alternate target group, moves the
 * test listener rule to them, runs the lifecycle hook (the pre-traffic check), shifts
 * production traffic all at once, as a canary or in linear steps, runs the check again,
 * bakes with both revisions up and then stops blue. The circuit breaker, the service's
 * alarms and the check each roll a deployment back. CloudFormation waits for the whole
 * deployment, so one stack update may change the image and anything else together.
 *
 * What ECS requires of the load balancer (ECS Developer Guide, "Amazon ECS blue/green
 * deployments", load balancer resources): both target groups are forwarded to by the
 * production listener rule and by the test listener rule (ECS moves the weights), and
 * `LoadBalancers[].AdvancedConfiguration` names the alternate target group, both rules
 * and the infrastructure role ECS assumes to modify them (rule CD007 checks the wiring).
 * The infrastructure role lives in member-roles.json, one per account.
 */
import { AWS, ConditionHandle, Value, equals, getAtt, ifCond, ref } from '../core/intrinsics';
import { allow, anyResource } from '../core/iam';
import { checkFunctionName, clusterName, memberRoleArn } from '../core/naming';
import { NumberParameter, ResourceHandle, StringParameter, Template, TemplateBuilder } from '../core/template';
import type { ElasticLoadBalancingV2ListenerProperties } from '../core/resource-properties';
import { accessLogBucketParameter } from '../blocks/access-logs';
import { autoScaling } from '../blocks/autoscaling';
import { Https, httpRedirectListener, httpsParameter, productionListenerProtocol } from '../blocks/https';
import { LOG_RETENTION_PARAMETER } from '../blocks/log-group';
import { serviceAlarms } from '../blocks/service/alarms';
import { CheckProps, checkFunction } from '../blocks/service/check-function';
import { CONTAINER_NAME, ECS_SERVICE_IDS, TEST_PORT } from '../blocks/service/facts';
import { serviceLoadBalancer, targetGroup } from '../blocks/service/load-balancer';
import { ecsServiceParameterFiles } from '../blocks/service/parameter-files';
import { ERROR_ALARM_THRESHOLD, natPublicIpsParameter, serviceParameters } from '../blocks/service/parameters';
import { ServiceScope, taskDefinition } from '../blocks/service/task-definition';
import { standardParameters } from '../blocks/standard-parameters';
import { BAKE_TIME_MAX_MINUTES, CANARY_PERCENT_MIN, LINEAR_PERCENT_MIN } from '../core/ecs-traffic-limits';
import { ECS_STRATEGY } from '../config/ecs-traffic';
import { ResolvedConfig } from '../config/types';
import type { ParameterFile } from '../core/parameter-file';
import { ECS_CHECK_FILE, functionSource } from '../functions';
import { networkParameterPaths } from '../blocks/service/network';

export const ECS_NATIVE_FILE = 'ecs-service-native.json';

/** Logical IDs: those the service templates share keep their names, so a migration reads as a small diff. */
export const ECS_NATIVE_IDS = {
  ...ECS_SERVICE_IDS,
  bakeTimeMins: 'BakeTimeMins',
  canaryPercentage: 'CanaryPercentage',
  linearStepPercentage: 'LinearStepPercentage',
  productionListenerRule: 'ProductionListenerRule',
  testListenerRule: 'TestListenerRule',
} as const;

const ID = ECS_NATIVE_IDS;

/** The lifecycle stages the check runs at: green behind the test rule, and after the production shift. */
export const CHECK_STAGES = ['POST_TEST_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT'] as const;

/** The listener rules match every path; the listeners' default action answers 404. */
export const RULE_PRIORITY = 1;

const TRAFFIC_ROUTING: StringParameter = {
  Type: 'String',
  Description: 'How ECS shifts production traffic to the new revision: at once (BLUE_GREEN), canary (two steps) or linear (equal steps)',
  Default: 'TimeBasedCanary',
  AllowedValues: Object.keys(ECS_STRATEGY),
};

/** Two parameters, since ECS takes smaller canary steps than linear ones; the file sets the one its routing uses. */
const CANARY_PERCENTAGE: NumberParameter = {
  Type: 'Number',
  Description: 'Percent of production traffic in the canary step: 0.1 to 100, a multiple of 0.1 (TimeBasedCanary only)',
  Default: 10,
  MinValue: CANARY_PERCENT_MIN,
  MaxValue: 100,
};

const LINEAR_STEP_PERCENTAGE: NumberParameter = {
  Type: 'Number',
  Description: 'Percent of production traffic in each linear step: 3 to 100, a multiple of 0.1 (TimeBasedLinear only)',
  Default: 10,
  MinValue: LINEAR_PERCENT_MIN,
  MaxValue: 100,
};

const TRAFFIC_BAKE_TIME_MINS: NumberParameter = {
  Type: 'Number',
  Description: 'Minutes after the canary step or between linear steps',
  Default: 5,
  MinValue: 0,
  MaxValue: BAKE_TIME_MAX_MINUTES,
};

const BAKE_TIME_MINS: NumberParameter = {
  Type: 'Number',
  Description: 'Minutes both revisions keep running after the full shift; a rollback within them is instant',
  Default: 10,
  MinValue: 0,
  MaxValue: BAKE_TIME_MAX_MINUTES,
};

export function buildEcsServiceNativeTemplate(): Template {
  const t = new TemplateBuilder(
    'One ECS Fargate service with ECS-native blue/green, canary or linear deployments (no transform): internet-facing ALB with production and test listener rules over two target groups, lifecycle-hook check, alarm and circuit-breaker rollback.',
  );
  const { project, suffix } = standardParameters(t);
  const params = serviceParameters(t);
  const { service, vpcId, privateSubnets, healthCheckPath } = params;
  const natPublicIps = natPublicIpsParameter(t);
  const accessLogBucket = accessLogBucketParameter(t);
  const traffic = trafficParameters(t);
  const errorThreshold = t.parameter(ID.errorAlarmThreshold, ERROR_ALARM_THRESHOLD);
  const retention = t.parameter(ID.logRetentionDays, LOG_RETENTION_PARAMETER);
  const https = httpsParameter(t);
  const isCanary = t.condition(ID.isCanary, equals(ref(traffic.routing), 'TimeBasedCanary'));
  const isLinear = t.condition(ID.isLinear, equals(ref(traffic.routing), 'TimeBasedLinear'));
  const scope = { project, service, suffix };

  // --- Network access as in ecs-service.json (the test listener for the check only); the two rules ECS moves.
  const { serviceSg, loadBalancer } = serviceLoadBalancer(t, { ...params, suffix, accessLogBucket, https, testListener: { natPublicIps, check: 'lifecycle-hook' } });
  const [tg1, tg2] = ([1, 2] as const).map((ordinal) => targetGroup(t, ordinal, { ...params, suffix }));
  const { production, testRule } = listenersWithRules(t, { loadBalancer, tg1, tg2, https });

  // --- Task definition and its roles, alarms (as in ecs-service.json), the check.
  const task = taskDefinition(t, scope, { ...params, retention });
  const alarms = serviceAlarms(t, scope, loadBalancer, [tg1, tg2], ref(errorThreshold));
  const check = lifecycleCheck(t, scope, { privateSubnets, vpcId, healthCheckPath, alarmNames: alarms, retention: ref(retention) });
  nativeService(t, scope, {
    params,
    traffic,
    conditions: { isCanary, isLinear },
    task,
    alarms,
    check,
    serviceSg,
    targetGroups: [tg1, tg2],
    rules: { production: production.rule, test: testRule },
  });
  return t.build();
}

/**
 * The production and test listeners, each answering 404 by default, and a rule on each that
 * forwards to both target groups: ECS moves the weights between them.
 */
function listenersWithRules(
  t: TemplateBuilder,
  p: { loadBalancer: ResourceHandle; tg1: ResourceHandle; tg2: ResourceHandle; https: Https },
): { production: { listener: ResourceHandle; rule: ResourceHandle }; testRule: ResourceHandle } {
  const { loadBalancer, tg1, tg2, https } = p;
  const listenerWithRule = (listenerId: string, ruleId: string, protocol: Partial<ElasticLoadBalancingV2ListenerProperties>) => {
    const listener = t.resource(listenerId, 'AWS::ElasticLoadBalancingV2::Listener', {
      LoadBalancerArn: loadBalancer.ref(),
      ...protocol,
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain' } }],
    });
    // Blue takes all traffic at first; ECS moves the weights during a deployment and
    // leaves them as they ended, which CloudFormation does not touch while this rule
    // stays as it is.
    const rule = t.resource(ruleId, 'AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: listener.ref(),
      Priority: RULE_PRIORITY,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
      Actions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: tg1.ref(), Weight: 100 },
              { TargetGroupArn: tg2.ref(), Weight: 0 },
            ],
          },
        },
      ],
    });
    return { listener, rule };
  };
  const production = listenerWithRule(ID.productionListener, ID.productionListenerRule, productionListenerProtocol(https));
  httpRedirectListener(t, https, loadBalancer, production.listener);
  const testRule = listenerWithRule(ID.testListener, ID.testListenerRule, { Port: TEST_PORT, Protocol: 'HTTP' }).rule;

  return { production, testRule };
}

/** The service: ECS-native blue/green, canary or linear, with the check as its lifecycle hook and ECS's infrastructure role. */
function nativeService(
  t: TemplateBuilder,
  c: ServiceScope,
  p: {
    params: ReturnType<typeof serviceParameters>;
    traffic: ReturnType<typeof trafficParameters>;
    conditions: { isCanary: ConditionHandle; isLinear: ConditionHandle };
    task: ResourceHandle;
    alarms: Value<string>[];
    check: ResourceHandle;
    serviceSg: ResourceHandle;
    targetGroups: [ResourceHandle, ResourceHandle];
    rules: { production: ResourceHandle; test: ResourceHandle };
  },
): void {
  const { project, suffix } = c;
  const { params, traffic, task, alarms, check, serviceSg } = p;
  const { isCanary, isLinear } = p.conditions;
  const [tg1, tg2] = p.targetGroups;
  const { privateSubnets } = params;
  const infrastructureRole = memberRoleArn('ecsInfrastructure', 'AWS::AccountId', project, suffix);
  // Request tracking would follow tg1, which serves production only until the next deployment.
  const scaling = autoScaling(t);
  const ecsService = t.resource(
    ID.service,
    'AWS::ECS::Service',
    {
      Cluster: clusterName(project, suffix),
      LaunchType: 'FARGATE',
      DesiredCount: scaling.desiredCount(params.desiredCount),
      TaskDefinition: task.ref(),
      DeploymentController: { Type: 'ECS' },
      DeploymentConfiguration: {
        Strategy: ifCond(isCanary, 'CANARY', ifCond(isLinear, 'LINEAR', 'BLUE_GREEN')),
        BakeTimeInMinutes: ref(traffic.bake),
        CanaryConfiguration: ifCond(isCanary, { CanaryPercent: ref(traffic.canaryPercent), CanaryBakeTimeInMinutes: ref(traffic.stepBake) }, AWS.noValue),
        LinearConfiguration: ifCond(isLinear, { StepPercent: ref(traffic.linearPercent), StepBakeTimeInMinutes: ref(traffic.stepBake) }, AWS.noValue),
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        Alarms: { AlarmNames: alarms, Enable: true, Rollback: true },
        LifecycleHooks: [{ HookTargetArn: getAtt(check, 'Arn'), RoleArn: infrastructureRole, LifecycleStages: [...CHECK_STAGES] }],
      },
      HealthCheckGracePeriodSeconds: 60,
      NetworkConfiguration: {
        AwsvpcConfiguration: { AssignPublicIp: 'DISABLED', Subnets: ref(privateSubnets), SecurityGroups: [serviceSg.getAtt('GroupId')] },
      },
      LoadBalancers: [
        {
          ContainerName: CONTAINER_NAME,
          ContainerPort: ref(params.containerPort),
          TargetGroupArn: tg1.ref(),
          AdvancedConfiguration: {
            AlternateTargetGroupArn: tg2.ref(),
            ProductionListenerRule: p.rules.production.ref(),
            TestListenerRule: p.rules.test.ref(),
            RoleArn: infrastructureRole,
          },
        },
      ],
      PropagateTags: 'SERVICE',
    },
  );
  scaling.attach(ecsService, clusterName(project, suffix));
}

/** How ECS shifts traffic: the routing, the canary or linear step, the bakes. */
function trafficParameters(t: TemplateBuilder) {
  const routing = t.parameter(ID.trafficRouting, TRAFFIC_ROUTING);
  const canaryPercent = t.parameter(ID.canaryPercentage, CANARY_PERCENTAGE);
  const linearPercent = t.parameter(ID.linearStepPercentage, LINEAR_STEP_PERCENTAGE);
  const stepBake = t.parameter(ID.trafficBakeTimeMins, TRAFFIC_BAKE_TIME_MINS);
  const bake = t.parameter(ID.bakeTimeMins, BAKE_TIME_MINS);
  return { routing, canaryPercent, linearPercent, stepBake, bake };
}

/** The ECS lifecycle hook: generator/functions/ecs-check.js in the shared check function; ECS invokes it by ARN. */
function lifecycleCheck(t: TemplateBuilder, c: ServiceScope, p: CheckProps): ResourceHandle {
  return checkFunction(t, c, p, {
    functionName: checkFunctionName(c.project, c.service, c.suffix),
    descriptions: {
      function: 'ECS lifecycle hook: fails the deployment when the test listener is unhealthy or an alarm fires',
      role: 'Lifecycle-hook check: reads the service alarms, writes its logs',
      securityGroup: 'Lifecycle-hook check: out to the test listener and to the CloudWatch API',
      keepWarm: 'Invokes the lifecycle-hook check daily so that Lambda keeps it active between deployments',
    },
    policyName: 'lifecycle-hook-check',
    statements: {
      before: [],
      after: [allow('DescribeNetworkInterfaces', ['ec2:DescribeNetworkInterfaces'], anyResource('ec2:DescribeNetworkInterfaces has no resource-level permissions'))],
    },
    // generator/functions/ecs-check.js, with the verdicts as ECS spells them.
    code: functionSource(ECS_CHECK_FILE, { SUCCEEDED: 'SUCCEEDED', FAILED: 'FAILED' }),
  });
}

/**
 * The parameter files of the environments that use ecs-blue-green: the values the
 * service templates share, the NAT addresses for the test listener, and the traffic
 * settings (checked against what ECS and CloudFormation accept when the configuration
 * is loaded).
 */
export function ecsServiceNativeParameterFiles(config: ResolvedConfig): ParameterFile[] {
  return ecsServiceParameterFiles(config, 'ecs-blue-green').map((file) => {
    const [, serviceName, envName] = /\/([^/]+)\/([^/]+)\.json$/.exec(file.path)!;
    const settings = config.services.find((s) => s.name === serviceName)!.environments[envName];
    const env = config.environments.find((e) => e.name === envName)!;
    return {
      ...file,
      parameters: {
        ...file.parameters,
        [ID.natPublicIps]: networkParameterPaths(config.project.name, env.environmentSuffix).natPublicIps,
        [ID.trafficRouting]: settings.trafficRouting,
        ...(settings.trafficRouting === 'AllAtOnce'
          ? {}
          : { [settings.trafficRouting === 'TimeBasedCanary' ? ID.canaryPercentage : ID.linearStepPercentage]: String(settings.native.trafficStepPercent) }),
        [ID.trafficBakeTimeMins]: String(settings.native.trafficStepBakeTimeMinutes),
        [ID.bakeTimeMins]: String(settings.native.bakeTimeMinutes),
      },
    };
  });
}

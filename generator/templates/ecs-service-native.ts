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
import { AWS, Value, equals, getAtt, ifCond, join, ref, select, sub } from '../core/intrinsics';
import { allow, anyResource } from '../core/iam';
import { checkFunctionName, clusterName, keepWarmRuleName, logGroupName, memberRoleArn, standardName, targetGroupName } from '../core/naming';
import { NumberParameter, ParameterHandle, StringParameter, Template, TemplateBuilder } from '../core/template';
import type { ElasticLoadBalancingV2ListenerProperties } from '../core/resource-properties';
import { accessLogBucketParameter } from '../blocks/access-logs';
import { autoScaling } from '../blocks/autoscaling';
import { typedResource } from '../blocks/blue-green-hook';
import { containerHardening } from '../blocks/container-hardening';
import { containerHealthCheck } from '../blocks/container-health-check';
import { checkVerdictSource } from '../blocks/check-verdict';
import { keepWarmSchedule } from '../blocks/keep-warm';
import { httpRedirectListener, httpsParameter, productionIngress, productionListenerProtocol } from '../blocks/https';
import { LOG_RETENTION_PARAMETER, logGroup } from '../blocks/log-group';
import { workloadRole } from '../blocks/role';
import { standardParameters } from '../blocks/standard-parameters';
import { BAKE_TIME_MAX_MINUTES, CANARY_PERCENT_MIN, LINEAR_PERCENT_MIN } from '../core/ecs-traffic-limits';
import { ECS_STRATEGY } from '../config/ecs-traffic';
import { ResolvedConfig } from '../config/types';
import type { ParameterFile } from '../core/parameter-file';
// The one sibling import left: the sections both service templates build (parameters,
// load balancer, alarms, execution role, parameter files) move to generator/blocks when
// ecs-service.ts becomes a folder of sections.
/* eslint-disable import-x/no-restricted-paths */
import {
  CHECK_ATTEMPTS,
  CHECK_DELAY_MS,
  ERROR_ALARM_THRESHOLD,
  PUBLIC_LOAD_BALANCER,
  alarms,
  ecsServiceParameterFiles,
  executionRoleStatements,
  loadBalancerWithIngress,
  serviceParameters,
} from './ecs-service';
/* eslint-enable import-x/no-restricted-paths */
import { CONTAINER_NAME, ECS_SERVICE_IDS, HEALTH_CHECK, PRODUCTION_PORT, TEST_PORT } from '../contracts/service';
import { networkParameterPaths } from '../contracts/network';

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

/**
 * The ECS lifecycle hook (Node.js 24, AWS SDK v3 from the runtime). ECS invokes it
 * synchronously and reads `hookStatus` from the answer (ECS Developer Guide, "Lambda
 * hooks for Amazon ECS service deployments"): the test listener's health path must
 * answer 2xx CHECK_ATTEMPTS times and none of the service's alarms may be in ALARM.
 * Anything else, including an error of its own, answers FAILED and ECS rolls back.
 *
 * Every hook event of ECS carries the serviceArn (ECS Developer Guide, "Lifecycle hooks
 * for Amazon ECS service deployments", lifecycle payloads); an event without it is the
 * daily keep-warm schedule (blocks/keep-warm.ts), answered at once with nothing probed.
 * That answer has no hookStatus, so ECS would roll back should it ever send such an event.
 */
export const NATIVE_CHECK_FUNCTION_SOURCE = `'use strict';
const http = require('node:http');
const { CloudWatchClient, DescribeAlarmsCommand } = require('@aws-sdk/client-cloudwatch');
const cloudwatch = new CloudWatchClient({});

${checkVerdictSource('SUCCEEDED', 'FAILED')}exports.handler = async (event) => {
  if (!(event && event.serviceArn)) {
    console.log(JSON.stringify({ keepWarm: true, source: event && event.source, time: event && event.time }));
    return { keepWarm: true };
  }
  console.log(JSON.stringify({ serviceArn: event.serviceArn, targetServiceRevisionArn: event.targetServiceRevisionArn }));
  let hookStatus = 'FAILED';
  try {
    hookStatus = await verdict();
  } catch (err) {
    console.error(err);
  }
  return { hookStatus };
};
`;

export function buildEcsServiceNativeTemplate(): Template {
  const t = new TemplateBuilder(
    'One ECS Fargate service with ECS-native blue/green, canary or linear deployments (no transform): internet-facing ALB with production and test listener rules over two target groups, lifecycle-hook check, alarm and circuit-breaker rollback.',
  );
  const { project, suffix } = standardParameters(t);
  const { service, toolsAccount, imageUri, containerPort, healthCheckPath, taskCpu, taskMemory, cpuArchitecture, desiredCount, vpcId, publicSubnets, privateSubnets } =
    serviceParameters(t);
  const natPublicIps = t.parameter(ID.natPublicIps, {
    Type: 'AWS::SSM::Parameter::Value<List<String>>',
    Description: 'SSM parameter holding the NAT gateway addresses (/{project}/network-{suffix}/nat-public-ips); only they reach the test listener',
  });
  const accessLogBucket = accessLogBucketParameter(t);
  const routing = t.parameter(ID.trafficRouting, TRAFFIC_ROUTING);
  const canaryPercent = t.parameter(ID.canaryPercentage, CANARY_PERCENTAGE);
  const linearPercent = t.parameter(ID.linearStepPercentage, LINEAR_STEP_PERCENTAGE);
  const stepBake = t.parameter(ID.trafficBakeTimeMins, TRAFFIC_BAKE_TIME_MINS);
  const bake = t.parameter(ID.bakeTimeMins, BAKE_TIME_MINS);
  const errorThreshold = t.parameter(ID.errorAlarmThreshold, ERROR_ALARM_THRESHOLD);
  const retention = t.parameter(ID.logRetentionDays, LOG_RETENTION_PARAMETER);
  const https = httpsParameter(t);
  const isCanary = t.condition(ID.isCanary, equals(ref(routing), 'TimeBasedCanary'));
  const isLinear = t.condition(ID.isLinear, equals(ref(routing), 'TimeBasedLinear'));
  const scope = { project, service, suffix };

  // --- Network access: as in ecs-service.json, the test listener for the check only.
  const serviceSg = t.resource(ID.serviceSecurityGroup, 'AWS::EC2::SecurityGroup', {
    GroupDescription: 'Service tasks: traffic from the load balancer only; HTTPS out (ECR, CloudWatch Logs) through the NAT gateways',
    VpcId: ref(vpcId),
    SecurityGroupEgress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0', Description: 'HTTPS to AWS APIs and the registry' }],
  });
  const loadBalancerSg = t.resource(ID.loadBalancerSecurityGroup, 'AWS::EC2::SecurityGroup', {
    GroupDescription: 'Load balancer: production listener open, test listener for the lifecycle-hook check only; out to the service tasks',
    VpcId: ref(vpcId),
    SecurityGroupIngress: [
      ...productionIngress(https),
      ...[0, 1].map((i) => ({
        IpProtocol: 'tcp',
        FromPort: TEST_PORT,
        ToPort: TEST_PORT,
        CidrIp: join('', [select(i, ref(natPublicIps)), '/32']),
        Description: `Test listener, from NAT gateway ${i + 1} (lifecycle-hook check)`,
      })),
    ],
    SecurityGroupEgress: [
      { IpProtocol: 'tcp', FromPort: ref(containerPort), ToPort: ref(containerPort), DestinationSecurityGroupId: serviceSg.getAtt('GroupId'), Description: 'To the service tasks' },
    ],
  }, { suppressions: [PUBLIC_LOAD_BALANCER] });
  // --- Load balancer, target groups, listeners and the two rules ECS moves.
  const loadBalancer = loadBalancerWithIngress(t, { serviceSg, loadBalancerSg, containerPort, publicSubnets, accessLogBucket, service, suffix });
  const [tg1, tg2] = ([1, 2] as const).map((ordinal) =>
    typedResource(t, ordinal === 1 ? ID.targetGroup1 : ID.targetGroup2, 'AWS::ElasticLoadBalancingV2::TargetGroup', {
      Name: targetGroupName(service, suffix, ordinal),
      TargetType: 'ip',
      Protocol: 'HTTP',
      Port: PRODUCTION_PORT,
      VpcId: ref(vpcId),
      HealthCheckEnabled: true,
      HealthCheckProtocol: 'HTTP',
      HealthCheckPath: ref(healthCheckPath),
      HealthCheckIntervalSeconds: HEALTH_CHECK.intervalSeconds,
      HealthCheckTimeoutSeconds: HEALTH_CHECK.timeoutSeconds,
      HealthyThresholdCount: HEALTH_CHECK.healthyThresholdCount,
      UnhealthyThresholdCount: HEALTH_CHECK.unhealthyThresholdCount,
      Matcher: { HttpCode: HEALTH_CHECK.matcher },
      TargetGroupAttributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: String(HEALTH_CHECK.deregistrationDelaySeconds) }],
    }),
  );
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
  const productionRule = production.rule;
  const testRule = listenerWithRule(ID.testListener, ID.testListenerRule, { Port: TEST_PORT, Protocol: 'HTTP' }).rule;

  // --- Task definition and its roles (as in ecs-service.json).
  const serviceLogGroup = logGroup(t, ID.logGroup, { logGroupName: logGroupName(project, { service, suffix }, 'ecs'), retentionDays: ref(retention) });
  const executionRole = workloadRole(t, ID.executionRole, { project, suffix }, {
    description: 'ECS task execution role: pulls the image from the tools account and writes the container logs',
    service: 'ecs-tasks.amazonaws.com',
    policyName: 'pull-image-write-logs',
    statements: executionRoleStatements(scope, toolsAccount, serviceLogGroup),
  });
  const taskRole = workloadRole(t, ID.taskRole, { project, suffix }, {
    description: 'Role of the application in the task: no AWS permissions until the service needs some',
    service: 'ecs-tasks.amazonaws.com',
    policyName: 'application',
    statements: [],
  });
  const hardening = containerHardening(t);
  const taskDefinition = t.resource(ID.taskDefinition, 'AWS::ECS::TaskDefinition', {
    RequiresCompatibilities: ['FARGATE'],
    NetworkMode: 'awsvpc',
    Cpu: ref(taskCpu),
    Memory: ref(taskMemory),
    RuntimePlatform: { CpuArchitecture: ref(cpuArchitecture), OperatingSystemFamily: 'LINUX' },
    ExecutionRoleArn: executionRole.getAtt('Arn'),
    TaskRoleArn: taskRole.getAtt('Arn'),
    ContainerDefinitions: [
      {
        Name: CONTAINER_NAME,
        Image: ref(imageUri),
        Essential: true,
        PortMappings: [{ ContainerPort: ref(containerPort), Protocol: 'tcp' }],
        LogConfiguration: {
          LogDriver: 'awslogs',
          Options: { 'awslogs-group': serviceLogGroup.ref(), 'awslogs-region': sub('${AWS::Region}'), 'awslogs-stream-prefix': CONTAINER_NAME },
        },
        ...hardening.container,
        ...containerHealthCheck(t),
      },
    ],
    Volumes: hardening.volumes,
  });

  const serviceAlarms = alarms(
    t,
    loadBalancer,
    [tg1, tg2],
    {
      errors: standardName('cloudwatch-alarm', 'target-5xx', scope),
      unhealthy: standardName('cloudwatch-alarm', 'unhealthy-targets', scope),
    },
    ref(errorThreshold),
  ).map((a) => a.ref());

  const checkFunction = lifecycleCheck(t, scope, { privateSubnets, vpcId, healthCheckPath, alarmNames: serviceAlarms, retention: ref(retention) });
  const infrastructureRole = memberRoleArn('ecsInfrastructure', 'AWS::AccountId', project, suffix);

  // Request tracking would follow tg1, which serves production only until the next deployment.
  const scaling = autoScaling(t);
  const ecsService = t.resource(
    ID.service,
    'AWS::ECS::Service',
    {
      Cluster: clusterName(project, suffix),
      LaunchType: 'FARGATE',
      DesiredCount: scaling.desiredCount(desiredCount),
      TaskDefinition: taskDefinition.ref(),
      DeploymentController: { Type: 'ECS' },
      DeploymentConfiguration: {
        Strategy: ifCond(isCanary, 'CANARY', ifCond(isLinear, 'LINEAR', 'BLUE_GREEN')),
        BakeTimeInMinutes: ref(bake),
        CanaryConfiguration: ifCond(isCanary, { CanaryPercent: ref(canaryPercent), CanaryBakeTimeInMinutes: ref(stepBake) }, AWS.noValue),
        LinearConfiguration: ifCond(isLinear, { StepPercent: ref(linearPercent), StepBakeTimeInMinutes: ref(stepBake) }, AWS.noValue),
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        Alarms: { AlarmNames: serviceAlarms, Enable: true, Rollback: true },
        LifecycleHooks: [{ HookTargetArn: getAtt(checkFunction, 'Arn'), RoleArn: infrastructureRole, LifecycleStages: [...CHECK_STAGES] }],
      },
      HealthCheckGracePeriodSeconds: 60,
      NetworkConfiguration: {
        AwsvpcConfiguration: { AssignPublicIp: 'DISABLED', Subnets: ref(privateSubnets), SecurityGroups: [serviceSg.getAtt('GroupId')] },
      },
      LoadBalancers: [
        {
          ContainerName: CONTAINER_NAME,
          ContainerPort: ref(containerPort),
          TargetGroupArn: tg1.ref(),
          AdvancedConfiguration: {
            AlternateTargetGroupArn: tg2.ref(),
            ProductionListenerRule: productionRule.ref(),
            TestListenerRule: testRule.ref(),
            RoleArn: infrastructureRole,
          },
        },
      ],
      PropagateTags: 'SERVICE',
    },
  );
  scaling.attach(ecsService, clusterName(project, suffix));
  return t.build();
}

/** The lifecycle hook function, its role, log group and security group, and the daily schedule that keeps it active. */
function lifecycleCheck(
  t: TemplateBuilder,
  c: { project: ParameterHandle<string>; service: ParameterHandle<string>; suffix: ParameterHandle<string> },
  p: {
    privateSubnets: ParameterHandle<string[]>;
    vpcId: ParameterHandle<string>;
    healthCheckPath: ParameterHandle<string>;
    alarmNames: Value<string>[];
    retention: Value<number>;
  },
): { readonly logicalId: string } {
  const checkLogGroup = logGroup(t, ID.checkLogGroup, {
    logGroupName: logGroupName(c.project, { service: c.service, suffix: c.suffix }, 'check'),
    retentionDays: p.retention,
  });
  const sg = t.resource(ID.checkFunctionSecurityGroup, 'AWS::EC2::SecurityGroup', {
    GroupDescription: 'Lifecycle-hook check: out to the test listener and to the CloudWatch API',
    VpcId: ref(p.vpcId),
    SecurityGroupEgress: [
      { IpProtocol: 'tcp', FromPort: TEST_PORT, ToPort: TEST_PORT, CidrIp: '0.0.0.0/0', Description: 'Test listener (public address)' },
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0', Description: 'HTTPS to AWS APIs' },
    ],
  });
  const [project, service, suffix] = [c.project, c.service, c.suffix].map((h) => `\${${h.logicalId}}`);
  const arn = (svc: string, resource: string) => sub(`arn:\${AWS::Partition}:${svc}:\${AWS::Region}:\${AWS::AccountId}:${resource}`);
  const checkRole = workloadRole(t, ID.checkRole, { project: c.project, suffix: c.suffix }, {
    description: 'Lifecycle-hook check: reads the service alarms, writes its logs',
    service: 'lambda.amazonaws.com',
    policyName: 'lifecycle-hook-check',
    statements: [
      allow('ReadServiceAlarms', ['cloudwatch:DescribeAlarms'], [arn('cloudwatch', `alarm:${project}-${service}-*-${suffix}`)]),
      allow('WriteLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [checkLogGroup.getAtt('Arn')]),
      allow(
        'ManageNetworkInterfaces',
        ['ec2:AssignPrivateIpAddresses', 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:UnassignPrivateIpAddresses'],
        [arn('ec2', '*')],
      ),
      allow('DescribeNetworkInterfaces', ['ec2:DescribeNetworkInterfaces'], anyResource('ec2:DescribeNetworkInterfaces has no resource-level permissions')),
    ],
  });
  const checkFunction = t.resource(ID.checkFunction, 'AWS::Lambda::Function', {
    FunctionName: checkFunctionName(c.project, c.service, c.suffix),
    Description: 'ECS lifecycle hook: fails the deployment when the test listener is unhealthy or an alarm fires',
    Runtime: 'nodejs24.x',
    Handler: 'index.handler',
    Role: checkRole.getAtt('Arn'),
    Timeout: 60,
    MemorySize: 128,
    Code: { ZipFile: NATIVE_CHECK_FUNCTION_SOURCE },
    Environment: {
      Variables: {
        TEST_URL: sub(`http://\${${ID.loadBalancer}.DNSName}:${TEST_PORT}\${${p.healthCheckPath.logicalId}}`),
        ATTEMPTS: String(CHECK_ATTEMPTS),
        DELAY_MS: String(CHECK_DELAY_MS),
        ALARM_NAMES: join(',', p.alarmNames),
      },
    },
    LoggingConfig: { LogGroup: checkLogGroup.ref(), LogFormat: 'Text' },
    VpcConfig: { SubnetIds: ref(p.privateSubnets), SecurityGroupIds: [sg.getAtt('GroupId')] },
  });
  keepWarmSchedule(t, checkFunction, {
    ids: { rule: ID.checkKeepWarmRule, permission: ID.checkKeepWarmPermission },
    name: keepWarmRuleName(c.project, c.service, c.suffix),
    description: 'Invokes the lifecycle-hook check daily so that Lambda keeps it active between deployments',
  });
  return checkFunction;
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

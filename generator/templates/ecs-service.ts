/**
 * ecs-service.json and ecs-service-rolling.json: one ECS Fargate service behind an
 * internet-facing Application Load Balancer, in one member account and environment,
 * deployed by the pipeline's CloudFormation action as `{project}-{service}-{suffix}`.
 *
 * Which file a service's environment uses is `services[].environments[env].deploymentStrategy`:
 *
 * - `blue-green` (ecs-service.json): the AWS::CodeDeployBlueGreen transform and an
 *   AWS::CodeDeploy::BlueGreen hook. The service has the EXTERNAL deployment controller;
 *   a task set serves the production listener, and when the task definition changes the
 *   transform starts a green task set behind the test listener, runs the pre-traffic
 *   check, shifts traffic (all at once, canary or linear, per parameter) and removes blue.
 * - `rolling` (ecs-service-rolling.json): the ECS deployment controller replaces tasks
 *   in place; the deployment circuit breaker and the two alarms roll a failed
 *   deployment back.
 *
 * What the blue/green hook forbids shapes this file (rule CD006 checks it): no Outputs,
 * no Fn::ImportValue and no dynamic references (so the network comes in through
 * `AWS::SSM::Parameter::Value<...>` parameters, which CloudFormation resolves and shows),
 * no NoEcho parameters, no nested stacks, exactly one ECS service, and no fixed names on
 * the task definition (no Family) or the task set, which the transform replaces.
 */
import { Value, equals, join, ref, select, sub } from '../core/intrinsics';
import { Statement, allow, anyResource } from '../core/iam';
import {
  clusterName,
  hookFunctionName,
  keepWarmRuleName,
  loadBalancerName,
  logGroupName,
  memberRoleName,
  standardName,
  targetGroupName,
} from '../core/naming';
import { SERVICE_NAME, accountIdParameter } from '../core/parameters';
import { NumberParameter, ParameterHandle, ResourceHandle, StringParameter, Template, TemplateBuilder } from '../core/template';
import { Typed, blueGreenHook, typedResource } from '../blocks/blue-green-hook';
import { HARDENING_IDS, containerHardening } from '../blocks/container-hardening';
import { HEALTH_CHECK_IDS, containerHealthCheck } from '../blocks/container-health-check';
import { ServiceSettings, serviceSettings } from '../blocks/app-settings';
import { ACCESS_LOG_IDS, accessLogAttributes, accessLogBucketParameter } from '../blocks/access-logs';
import { keepWarmSchedule } from '../blocks/keep-warm';
import { autoScaling, autoScalingParameterValues } from '../blocks/autoscaling';
import { checkVerdictSource } from '../blocks/check-verdict';
import { HTTPS_IDS, httpRedirectListener, httpsParameter, productionIngress, productionListenerProtocol } from '../blocks/https';
import { LOG_RETENTION_PARAMETER, logGroup } from '../blocks/log-group';
import { suppress } from '../core/suppressions';
import { workloadRole } from '../blocks/role';
import { standardParameterValues, standardParameters, standardTagValues } from '../blocks/standard-parameters';
import { TRACKS_REQUESTS } from '../config/autoscaling';
import { SERVICE_DEFAULTS } from '../config/defaults';
import { DeploymentStrategy, ResolvedConfig } from '../config/types';
import type { ParameterFile } from '../core/parameter-file';
import { CONTAINER_NAME, ECS_SERVICE_IDS, HEALTH_CHECK, HEALTH_CHECK_PATH, PRODUCTION_PORT, TEST_PORT } from '../contracts/service';
import { networkParameterPaths } from '../contracts/network';

export const ECS_SERVICE_TEMPLATE_FILES: Readonly<Record<DeploymentStrategy, string>> = {
  'blue-green': 'ecs-service.json',
  'ecs-blue-green': 'ecs-service-native.json',
  rolling: 'ecs-service-rolling.json',
};

/** Scanner findings every service template accepts on its load balancer and its security group. */
export const PUBLIC_LOAD_BALANCER = suppress(
  'AwsSolutions-EC23',
  'an internet-facing load balancer serves the public on its production listener; the test listener admits only the pre-traffic check',
);

const ID = ECS_SERVICE_IDS;

/** How many times the pre-traffic check calls the test listener; each call must succeed. */
export const CHECK_ATTEMPTS = 3;
export const CHECK_DELAY_MS = 5000;

// --- Parameters -------------------------------------------------------------------------

export const IMAGE_URI: StringParameter = {
  Type: 'String',
  Description: 'Container image with an immutable tag or digest; the pipeline sets it on every deployment (a new value starts a deployment)',
  AllowedPattern:
    '^[a-z0-9][a-z0-9.-]*(:[0-9]{1,5})?/[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$',
  MinLength: 3,
  MaxLength: 1024,
  ConstraintDescription: 'registry/repository:tag or registry/repository@sha256:digest',
};

export const CONTAINER_PORT: NumberParameter = {
  Type: 'Number',
  Description: 'Port the container listens on',
  MinValue: 1,
  MaxValue: 65535,
};

export const FARGATE_CPU_UNITS = ['256', '512', '1024', '2048', '4096', '8192', '16384'] as const;

export const TASK_CPU: StringParameter = {
  Type: 'String',
  Description: 'Fargate CPU units of the task',
  Default: String(SERVICE_DEFAULTS.cpu),
  AllowedValues: FARGATE_CPU_UNITS,
};

export const TASK_MEMORY: StringParameter = {
  Type: 'String',
  Description: 'Fargate memory of the task in MiB; must suit TaskCpu (see the Fargate task size table)',
  Default: String(SERVICE_DEFAULTS.memoryMiB),
  AllowedPattern: '^[1-9][0-9]{2,5}$',
  MinLength: 3,
  MaxLength: 6,
  ConstraintDescription: 'MiB as digits, 512 to 122880',
};

/** The image must hold this platform (a single image of it, or an image index that includes it). */
export const CPU_ARCHITECTURE: StringParameter = {
  Type: 'String',
  Description: 'CPU architecture of the Fargate tasks; the image must be built for it (linux/amd64 or linux/arm64)',
  Default: SERVICE_DEFAULTS.cpuArchitecture,
  AllowedValues: ['X86_64', 'ARM64'],
};

export const DESIRED_COUNT: NumberParameter = {
  Type: 'Number',
  Description: 'Number of tasks the service runs',
  Default: SERVICE_DEFAULTS.desiredCount,
  MinValue: 1,
  MaxValue: 100,
};

const TRAFFIC_ROUTING: StringParameter = {
  Type: 'String',
  Description: 'How CodeDeploy shifts production traffic to the green task set: at once, canary (two steps) or linear (equal steps)',
  Default: 'TimeBasedCanary',
  AllowedValues: ['AllAtOnce', 'TimeBasedCanary', 'TimeBasedLinear'],
};

const TRAFFIC_STEP_PERCENTAGE: NumberParameter = {
  Type: 'Number',
  Description: 'Percentage of traffic shifted in the first canary step, or in each linear step (the hook requires at least 14)',
  Default: 20,
  MinValue: 14,
  MaxValue: 99,
};

const TRAFFIC_BAKE_TIME_MINS: NumberParameter = {
  Type: 'Number',
  Description: 'Minutes between traffic shifts of a canary or linear deployment',
  Default: 5,
  MinValue: 1,
  MaxValue: 120,
};

const TERMINATION_WAIT: NumberParameter = {
  Type: 'Number',
  Description: 'Minutes the blue task set keeps running after the shift, for a quick manual rollback',
  Default: 5,
  MinValue: 0,
  MaxValue: 2880,
};

export const ERROR_ALARM_THRESHOLD: NumberParameter = {
  Type: 'Number',
  Description: 'Target 5xx responses per minute, two minutes in a row, that raise the error alarm and roll a deployment back',
  Default: 5,
  MinValue: 1,
  MaxValue: 100000,
};

// --- The pre-traffic check --------------------------------------------------------------

/**
 * The CodeDeploy lifecycle hook function (Node.js 24, AWS SDK v3 from the runtime).
 * It calls the test listener's health path CHECK_ATTEMPTS times; every answer must be
 * 2xx, and none of the service's alarms may be in ALARM. Anything else, including an
 * error of its own, reports Failed, and CodeDeploy rolls the deployment back.
 *
 * An event without a LifecycleEventHookExecutionId is not CodeDeploy's: it is the daily
 * keep-warm schedule (blocks/keep-warm.ts), answered at once with nothing probed or
 * reported. Should CodeDeploy ever send such an event, nothing reports a verdict and
 * the hook times out as Failed.
 */
export const CHECK_FUNCTION_SOURCE = `'use strict';
const http = require('node:http');
const { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } = require('@aws-sdk/client-codedeploy');
const { CloudWatchClient, DescribeAlarmsCommand } = require('@aws-sdk/client-cloudwatch');
const codedeploy = new CodeDeployClient({});
const cloudwatch = new CloudWatchClient({});

${checkVerdictSource('Succeeded', 'Failed')}exports.handler = async (event) => {
  if (!(event && event.LifecycleEventHookExecutionId)) {
    console.log(JSON.stringify({ keepWarm: true, source: event && event.source, time: event && event.time }));
    return { keepWarm: true };
  }
  let status = 'Failed';
  try {
    status = await verdict();
  } catch (err) {
    console.error(err);
  }
  await codedeploy.send(new PutLifecycleEventHookExecutionStatusCommand({
    deploymentId: event.DeploymentId,
    lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
    status,
  }));
  return { status };
};
`;

// --- The template -----------------------------------------------------------------------

export interface Common {
  readonly project: ParameterHandle<string>;
  readonly service: ParameterHandle<string>;
  readonly suffix: ParameterHandle<string>;
}

function arn(service: string, resource: string): Value<string> {
  return sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`);
}

/**
 * The service's internet-facing load balancer in the public subnets, with access logs,
 * and the ingress that lets it reach the tasks: the same in every service template.
 */
export function loadBalancerWithIngress(
  t: TemplateBuilder,
  p: {
    serviceSg: ResourceHandle;
    loadBalancerSg: ResourceHandle;
    containerPort: ParameterHandle<number>;
    publicSubnets: ParameterHandle<string[]>;
    accessLogBucket: ParameterHandle<string>;
    service: ParameterHandle<string>;
    suffix: ParameterHandle<string>;
  },
): ResourceHandle {
  const { serviceSg, loadBalancerSg, containerPort, publicSubnets, accessLogBucket, service, suffix } = p;
  t.resource(ID.serviceIngressFromLoadBalancer, 'AWS::EC2::SecurityGroupIngress', {
    GroupId: serviceSg.getAtt('GroupId'),
    IpProtocol: 'tcp',
    FromPort: ref(containerPort),
    ToPort: ref(containerPort),
    SourceSecurityGroupId: loadBalancerSg.getAtt('GroupId'),
    Description: 'From the load balancer',
  });

  return t.resource(ID.loadBalancer, 'AWS::ElasticLoadBalancingV2::LoadBalancer', {
    Name: loadBalancerName(service, suffix),
    Type: 'application',
    Scheme: 'internet-facing',
    IpAddressType: 'ipv4',
    Subnets: ref(publicSubnets),
    SecurityGroups: [loadBalancerSg.getAtt('GroupId')],
    LoadBalancerAttributes: [
      { Key: 'deletion_protection.enabled', Value: 'false' },
      { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      ...accessLogAttributes(accessLogBucket, service, suffix),
    ],
  });
}

/**
 * The parameters every service template declares first, in this order: the service, the
 * image and its task size, and the network stack's IDs read from SSM when the change set
 * is created.
 */
export function serviceParameters(t: TemplateBuilder) {
  const service = t.parameter(ID.serviceName, SERVICE_NAME);
  const toolsAccount = t.parameter(ID.toolsAccountId, accountIdParameter('AWS account ID of the tools account whose ECR repositories hold the images'));
  const imageUri = t.parameter(ID.imageUri, IMAGE_URI);
  const containerPort = t.parameter(ID.containerPort, CONTAINER_PORT);
  const healthCheckPath = t.parameter(ID.healthCheckPath, HEALTH_CHECK_PATH);
  const taskCpu = t.parameter(ID.taskCpu, TASK_CPU);
  const taskMemory = t.parameter(ID.taskMemory, TASK_MEMORY);
  const cpuArchitecture = t.parameter(ID.cpuArchitecture, CPU_ARCHITECTURE);
  const desiredCount = t.parameter(ID.desiredCount, DESIRED_COUNT);
  const vpcId = t.parameter(ID.vpcId, {
    Type: 'AWS::SSM::Parameter::Value<AWS::EC2::VPC::Id>',
    Description: 'SSM parameter holding the VPC ID (written by the network stack: /{project}/network-{suffix}/vpc-id)',
  });
  const publicSubnets = t.parameter(ID.publicSubnetIds, {
    Type: 'AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>',
    Description: 'SSM parameter holding the public subnet IDs (/{project}/network-{suffix}/public-subnet-ids)',
  });
  const privateSubnets = t.parameter(ID.privateSubnetIds, {
    Type: 'AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>',
    Description: 'SSM parameter holding the private subnet IDs (/{project}/network-{suffix}/private-subnet-ids)',
  });
  return { service, toolsAccount, imageUri, containerPort, healthCheckPath, taskCpu, taskMemory, cpuArchitecture, desiredCount, vpcId, publicSubnets, privateSubnets };
}

export function buildEcsServiceTemplate(strategy: DeploymentStrategy): Template {
  const blueGreen = strategy === 'blue-green';
  const t = new TemplateBuilder(
    blueGreen
      ? 'One ECS Fargate service with CodeDeploy blue/green deployments through the AWS::CodeDeployBlueGreen transform: internet-facing ALB with production and test listeners, two target groups, task set, pre-traffic check and alarms.'
      : 'One ECS Fargate service with rolling deployments, the deployment circuit breaker and alarm-based rollback: internet-facing ALB, target group, task definition and alarms.',
  );
  const { project, suffix } = standardParameters(t);
  const { service, toolsAccount, imageUri, containerPort, healthCheckPath, taskCpu, taskMemory, cpuArchitecture, desiredCount, vpcId, publicSubnets, privateSubnets } =
    serviceParameters(t);
  const accessLogBucket = accessLogBucketParameter(t);
  const errorThreshold = t.parameter(ID.errorAlarmThreshold, ERROR_ALARM_THRESHOLD);
  const retention = t.parameter(ID.logRetentionDays, LOG_RETENTION_PARAMETER);
  const c: Common = { project, service, suffix };
  const scope = { project, service, suffix };

  // --- Network access: the internet reaches the load balancer, the load balancer the tasks.
  const serviceSg = t.resource(ID.serviceSecurityGroup, 'AWS::EC2::SecurityGroup', {
    GroupDescription: 'Service tasks: traffic from the load balancer only; HTTPS out (ECR, CloudWatch Logs) through the NAT gateways',
    VpcId: ref(vpcId),
    SecurityGroupEgress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0', Description: 'HTTPS to AWS APIs and the registry' }],
  });
  const https = httpsParameter(t);
  const loadBalancerIngress = productionIngress(https);
  let natPublicIps: ParameterHandle<string[]> | undefined;
  if (blueGreen) {
    // The test listener answers only the pre-traffic check, which runs in the private
    // subnets and reaches the load balancer through the NAT gateways' addresses.
    natPublicIps = t.parameter(ID.natPublicIps, {
      Type: 'AWS::SSM::Parameter::Value<List<String>>',
      Description: 'SSM parameter holding the NAT gateway addresses (/{project}/network-{suffix}/nat-public-ips); only they reach the test listener',
    });
    for (const i of [0, 1]) {
      loadBalancerIngress.push({
        IpProtocol: 'tcp',
        FromPort: TEST_PORT,
        ToPort: TEST_PORT,
        CidrIp: join('', [select(i, ref(natPublicIps)), '/32']),
        Description: `Test listener, from NAT gateway ${i + 1} (pre-traffic check)`,
      });
    }
  }
  const loadBalancerSg = t.resource(ID.loadBalancerSecurityGroup, 'AWS::EC2::SecurityGroup', {
    GroupDescription: blueGreen
      ? 'Load balancer: production listener open, test listener for the pre-traffic check only; out to the service tasks'
      : 'Load balancer: production listener open; out to the service tasks',
    VpcId: ref(vpcId),
    SecurityGroupIngress: loadBalancerIngress,
    SecurityGroupEgress: [
      { IpProtocol: 'tcp', FromPort: ref(containerPort), ToPort: ref(containerPort), DestinationSecurityGroupId: serviceSg.getAtt('GroupId'), Description: 'To the service tasks' },
    ],
  }, {
    suppressions: [
      PUBLIC_LOAD_BALANCER,
    ],
  });
  // --- Load balancer, target groups, listeners.
  const loadBalancer = loadBalancerWithIngress(t, { serviceSg, loadBalancerSg, containerPort, publicSubnets, accessLogBucket, service, suffix });
  const targetGroup = (id: string, ordinal: 1 | 2) =>
    typedResource(t, id, 'AWS::ElasticLoadBalancingV2::TargetGroup', {
      Name: targetGroupName(service, suffix, ordinal),
      TargetType: 'ip',
      Protocol: 'HTTP',
      // ECS registers each task with the container port; this is only the default.
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
    });
  const tg1 = targetGroup(ID.targetGroup1, 1);
  const listener = (id: string, protocol: Record<string, unknown>) =>
    typedResource(t, id, 'AWS::ElasticLoadBalancingV2::Listener', {
      LoadBalancerArn: loadBalancer.ref(),
      ...protocol,
      DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg1.ref(), Weight: 1 }] } }],
    });
  const productionListener = listener(ID.productionListener, productionListenerProtocol(https));
  httpRedirectListener(t, https, loadBalancer, productionListener);
  const tg2 = blueGreen ? targetGroup(ID.targetGroup2, 2) : undefined;
  const testListener = blueGreen ? listener(ID.testListener, { Port: TEST_PORT, Protocol: 'HTTP' }) : undefined;

  // --- Task definition and its roles.
  const serviceLogGroup = logGroup(t, ID.logGroup, { logGroupName: logGroupName(project, { service, suffix }, 'ecs'), retentionDays: ref(retention) });
  const executionRole = workloadRole(t, ID.executionRole, { project, suffix }, {
    description: 'ECS task execution role: pulls the image from the tools account and writes the container logs',
    service: 'ecs-tasks.amazonaws.com',
    policyName: 'pull-image-write-logs',
    statements: executionRoleStatements(c, toolsAccount, serviceLogGroup),
  });
  const taskRole = workloadRole(t, ID.taskRole, { project, suffix }, {
    description: 'Role of the application in the task: no AWS permissions until the service needs some',
    service: 'ecs-tasks.amazonaws.com',
    policyName: 'application',
    statements: [],
  });
  // No Family: the blue/green transform replaces the task definition, and a fixed name
  // would collide with the replacement (CloudFormation generates one from the stack name).
  const hardening = containerHardening(t);
  const taskDefinition = typedResource(t, ID.taskDefinition, 'AWS::ECS::TaskDefinition', {
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

  const cluster = clusterName(project, suffix);
  // Private subnets, no public address. (The service spells it AwsvpcConfiguration, the task set AwsVpcConfiguration.)
  const awsVpc = { AssignPublicIp: 'DISABLED', Subnets: ref(privateSubnets), SecurityGroups: [serviceSg.getAtt('GroupId')] };
  const loadBalancers = [{ ContainerName: CONTAINER_NAME, ContainerPort: ref(containerPort), TargetGroupArn: tg1.ref() }];

  // --- Alarms: target 5xx of the load balancer, unhealthy targets in either target group.
  const targetGroups = tg2 ? [tg1, tg2] : [tg1];
  // Ref of an alarm is its name: the service and the check refer to the alarms that way,
  // so that CloudFormation creates them first.
  const serviceAlarms = alarms(
    t,
    loadBalancer,
    targetGroups,
    {
      errors: standardName('cloudwatch-alarm', 'target-5xx', scope),
      unhealthy: standardName('cloudwatch-alarm', 'unhealthy-targets', scope),
    },
    ref(errorThreshold),
  ).map((a) => a.ref());

  // Request tracking follows tg1, which serves production only with rolling deployments.
  const scaling = autoScaling(t, TRACKS_REQUESTS[strategy] ? { requests: { loadBalancer, targetGroup: tg1 } } : {});
  if (!blueGreen) {
    // Rolling: ECS replaces tasks in place; the circuit breaker rolls back tasks that
    // never become healthy, the deployment alarms roll back a deployment that errors.
    const rollingService = t.resource(
      ID.service,
      'AWS::ECS::Service',
      {
        Cluster: cluster,
        LaunchType: 'FARGATE',
        DesiredCount: scaling.desiredCount(desiredCount),
        TaskDefinition: taskDefinition.ref(),
        DeploymentController: { Type: 'ECS' },
        DeploymentConfiguration: {
          MinimumHealthyPercent: 100,
          MaximumPercent: 200,
          DeploymentCircuitBreaker: { Enable: true, Rollback: true },
          Alarms: { AlarmNames: serviceAlarms, Enable: true, Rollback: true },
        },
        HealthCheckGracePeriodSeconds: 60,
        NetworkConfiguration: { AwsvpcConfiguration: awsVpc },
        LoadBalancers: loadBalancers,
        PropagateTags: 'SERVICE',
      },
      { dependsOn: [productionListener] },
    );
    scaling.attach(rollingService, cluster);
    return t.build();
  }

  // --- Blue/green: the service only holds the task sets; CodeDeploy moves traffic.
  const ecsService = typedResource(t, ID.service, 'AWS::ECS::Service', {
    Cluster: cluster,
    DesiredCount: scaling.desiredCount(desiredCount),
    DeploymentController: { Type: 'EXTERNAL' },
  });
  scaling.attach(ecsService, cluster);
  // No name either: the transform creates the green task set beside this one.
  const taskSet = typedResource(
    t,
    ID.taskSet,
    'AWS::ECS::TaskSet',
    {
      Cluster: cluster,
      Service: ecsService.getAtt('Name'),
      TaskDefinition: taskDefinition.ref(),
      LaunchType: 'FARGATE',
      NetworkConfiguration: { AwsVpcConfiguration: awsVpc },
      LoadBalancers: loadBalancers,
      Scale: { Unit: 'PERCENT', Value: 100 },
    },
    { dependsOn: [productionListener, testListener!] },
  );
  t.resource(ID.primaryTaskSet, 'AWS::ECS::PrimaryTaskSet', {
    Cluster: cluster,
    Service: ecsService.getAtt('Name'),
    TaskSetId: taskSet.getAtt('Id'),
  });

  const checkFunction = preTrafficCheck(t, c, {
    privateSubnets,
    vpcId,
    healthCheckPath,
    loadBalancer,
    alarmNames: serviceAlarms,
    retention: ref(retention),
  });

  const routing = t.parameter(ID.trafficRouting, TRAFFIC_ROUTING);
  const step = t.parameter(ID.trafficStepPercentage, TRAFFIC_STEP_PERCENTAGE);
  const bake = t.parameter(ID.trafficBakeTimeMins, TRAFFIC_BAKE_TIME_MINS);
  const wait = t.parameter(ID.terminationWaitTimeInMinutes, TERMINATION_WAIT);
  blueGreenHook(t, ID.hook, {
    service: ecsService,
    taskDefinition,
    taskSet,
    productionListener,
    testListener: testListener!,
    targetGroups: [tg1, tg2!],
    serviceRole: memberRoleName('codeDeploy', project, suffix),
    trafficRouting: {
      type: ref(routing),
      isCanary: t.condition(ID.isCanary, equals(ref(routing), 'TimeBasedCanary')),
      isLinear: t.condition(ID.isLinear, equals(ref(routing), 'TimeBasedLinear')),
      stepPercentage: ref(step),
      bakeTimeMins: ref(bake),
    },
    terminationWaitTimeInMinutes: ref(wait),
    // The check runs when the test listener serves green (before any production
    // traffic) and again once production traffic has moved, when the alarms see it.
    lifecycleEventHooks: { AfterAllowTestTraffic: checkFunction, AfterAllowTraffic: checkFunction },
  });
  return t.build();
}

/** Pull from the project's repositories in the tools account; write to the service log group. */
export function executionRoleStatements(c: Common, toolsAccount: ParameterHandle<string>, serviceLogGroup: ResourceHandle): Statement[] {
  return [
    allow('AuthenticateToRegistry', ['ecr:GetAuthorizationToken'], anyResource('ecr:GetAuthorizationToken has no resource-level permissions')),
    allow(
      'PullProjectImages',
      ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      [sub(`arn:\${AWS::Partition}:ecr:\${AWS::Region}:\${${toolsAccount.logicalId}}:repository/\${${c.project.logicalId}}*`)],
    ),
    allow('WriteContainerLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [serviceLogGroup.getAtt('Arn')]),
  ];
}

export function alarms(
  t: TemplateBuilder,
  loadBalancer: ResourceHandle,
  targetGroups: ReadonlyArray<Typed<'AWS::ElasticLoadBalancingV2::TargetGroup'>>,
  names: { errors: Value<string>; unhealthy: Value<string> },
  errorThreshold: Value<number>,
): ResourceHandle[] {
  const common = { EvaluationPeriods: 2, DatapointsToAlarm: 2, TreatMissingData: 'notBreaching' };
  const errorAlarm = t.resource(ID.errorAlarm, 'AWS::CloudWatch::Alarm', {
    AlarmName: names.errors,
    AlarmDescription: 'Targets behind the load balancer answer with 5xx; rolls a deployment back',
    Namespace: 'AWS/ApplicationELB',
    MetricName: 'HTTPCode_Target_5XX_Count',
    Dimensions: [{ Name: 'LoadBalancer', Value: loadBalancer.getAtt('LoadBalancerFullName') }],
    Statistic: 'Sum',
    Period: 60,
    Threshold: errorThreshold,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    ...common,
  });
  // Unhealthy hosts are counted per target group; blue and green swap target groups, so
  // the alarm watches the larger count of both.
  const ids = targetGroups.map((_tg, i) => `tg${i + 1}`);
  const unhealthyAlarm = t.resource(ID.unhealthyAlarm, 'AWS::CloudWatch::Alarm', {
    AlarmName: names.unhealthy,
    AlarmDescription: 'Targets fail the load balancer health check; rolls a deployment back',
    Metrics: [
      ...targetGroups.map((tg, i) => ({
        Id: ids[i],
        ReturnData: false,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/ApplicationELB',
            MetricName: 'UnHealthyHostCount',
            Dimensions: [
              { Name: 'LoadBalancer', Value: loadBalancer.getAtt('LoadBalancerFullName') },
              { Name: 'TargetGroup', Value: tg.getAtt('TargetGroupFullName') },
            ],
          },
          Period: 60,
          Stat: 'Maximum',
        },
      })),
      { Id: 'unhealthy', Label: 'Unhealthy targets', Expression: `MAX([${ids.join(', ')}])`, ReturnData: true },
    ],
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    ...common,
  });
  return [errorAlarm, unhealthyAlarm];
}

/**
 * The lifecycle hook function, its role, log group and security group, and the daily
 * schedule that keeps it active; returns its name.
 */
function preTrafficCheck(
  t: TemplateBuilder,
  c: Common,
  p: {
    privateSubnets: ParameterHandle<string[]>;
    vpcId: ParameterHandle<string>;
    healthCheckPath: ParameterHandle<string>;
    loadBalancer: ResourceHandle;
    alarmNames: Value<string>[];
    retention: Value<number>;
  },
): Value<string> {
  const functionName = hookFunctionName(c.project, c.service, c.suffix);
  const checkLogGroup = logGroup(t, ID.checkLogGroup, {
    logGroupName: logGroupName(c.project, { service: c.service, suffix: c.suffix }, 'check'),
    retentionDays: p.retention,
  });
  const sg = t.resource(ID.checkFunctionSecurityGroup, 'AWS::EC2::SecurityGroup', {
    GroupDescription: 'Pre-traffic check: out to the test listener and to the CodeDeploy and CloudWatch APIs',
    VpcId: ref(p.vpcId),
    SecurityGroupEgress: [
      { IpProtocol: 'tcp', FromPort: TEST_PORT, ToPort: TEST_PORT, CidrIp: '0.0.0.0/0', Description: 'Test listener (public address)' },
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0', Description: 'HTTPS to AWS APIs' },
    ],
  });
  const project = `\${${c.project.logicalId}}`;
  const service = `\${${c.service.logicalId}}`;
  const suffix = `\${${c.suffix.logicalId}}`;
  const checkRole = workloadRole(t, ID.checkRole, { project: c.project, suffix: c.suffix }, {
    description: 'Pre-traffic check: reports the verdict to CodeDeploy, reads the service alarms, writes its logs',
    service: 'lambda.amazonaws.com',
    policyName: 'pre-traffic-check',
    statements: [
      allow('ReportVerdict', ['codedeploy:PutLifecycleEventHookExecutionStatus'], anyResource(
        'codedeploy:PutLifecycleEventHookExecutionStatus has no resource-level permissions',
      )),
      allow('ReadServiceAlarms', ['cloudwatch:DescribeAlarms'], [arn('cloudwatch', `alarm:${project}-${service}-*-${suffix}`)]),
      allow('WriteLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [checkLogGroup.getAtt('Arn')]),
      allow(
        'ManageNetworkInterfaces',
        ['ec2:AssignPrivateIpAddresses', 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:UnassignPrivateIpAddresses'],
        [arn('ec2', '*')],
      ),
      // What Lambda calls for a function in a VPC (AWSLambdaVPCAccessExecutionRole).
      allow('DescribeNetwork', ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], anyResource(
        'ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets have no resource-level permissions',
      )),
    ],
  });
  const checkFunction = t.resource(ID.checkFunction, 'AWS::Lambda::Function', {
    FunctionName: functionName,
    Description: 'CodeDeploy lifecycle hook: fails the blue/green deployment when the test listener is unhealthy or an alarm fires',
    // Node.js 20 can no longer be created (deprecated 2026-04-30); 24 is supported until 2028.
    Runtime: 'nodejs24.x',
    Handler: 'index.handler',
    Role: checkRole.getAtt('Arn'),
    Timeout: 60,
    MemorySize: 128,
    Code: { ZipFile: CHECK_FUNCTION_SOURCE },
    Environment: {
      Variables: {
        TEST_URL: sub(`http://\${${p.loadBalancer.logicalId}.DNSName}:${TEST_PORT}\${${p.healthCheckPath.logicalId}}`),
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
    description: 'Invokes the pre-traffic check daily so that Lambda keeps it active between deployments',
  });
  return functionName;
}

/**
 * One parameter file per service and environment (CodePipeline template configuration):
 * every environment-specific value, the network's SSM parameter names, and no ImageUri,
 * which the pipeline's deploy action supplies as a parameter override. The file's
 * parameters match the template of the environment's deployment strategy.
 */
export function ecsServiceParameterFiles(config: ResolvedConfig, strategy: DeploymentStrategy): ParameterFile[] {
  const files: ParameterFile[] = [];
  for (const svc of config.services) {
    for (const env of config.environments) {
      const settings = svc.environments[env.name];
      if (settings.deploymentStrategy !== strategy) continue;
      const network = networkParameterPaths(config.project.name, env.environmentSuffix);
      files.push({
        path: ecsServiceParameterFilePath(svc.name, env.name, strategy),
        parameters: {
          ...standardParameterValues(config, env),
          [ID.serviceName]: svc.name,
          [ID.toolsAccountId]: config.tools.accountId,
          [ID.containerPort]: String(svc.containerPort),
          [ID.healthCheckPath]: svc.healthCheckPath,
          [ID.taskCpu]: String(svc.cpu),
          [ID.taskMemory]: String(svc.memoryMiB),
          [ID.cpuArchitecture]: svc.cpuArchitecture,
          [ID.desiredCount]: String(settings.desiredCount),
          ...autoScalingParameterValues(settings.autoScaling, TRACKS_REQUESTS[strategy]),
          ...(settings.certificateArn ? { [HTTPS_IDS.certificateArn]: settings.certificateArn } : {}),
          [HARDENING_IDS.readonlyRootFilesystem]: String(svc.readOnlyRootFilesystem),
          [HARDENING_IDS.dropLinuxCapabilities]: String(svc.dropLinuxCapabilities),
          [HEALTH_CHECK_IDS.command]: svc.containerHealthCheck,
          [ID.vpcId]: network.vpcId,
          [ID.publicSubnetIds]: network.publicSubnetIds,
          [ID.privateSubnetIds]: network.privateSubnetIds,
          [ACCESS_LOG_IDS.bucketNameParameter]: network.accessLogBucket,
          ...(strategy === 'blue-green' ? { [ID.natPublicIps]: network.natPublicIps, [ID.trafficRouting]: settings.trafficRouting } : {}),
        },
        tags: standardTagValues(config, env),
        suppliedAtDeploy: [ID.imageUri],
        ...withSettings(serviceSettings(settings.appSettings, svc.taskRoleStatements)),
      });
    }
  }
  return files;
}

/** The settings section, left out when there is nothing to write in. */
function withSettings(s: ServiceSettings): { settings?: ServiceSettings } {
  return s.Environment.length + s.Secrets.length + s.ExecutionRoleStatements.length + s.TaskRoleStatements.length ? { settings: s } : {};
}

/**
 * Where the parameter file of a service's environment is generated. The folder names the
 * template (parameters/ecs-service/ or parameters/ecs-service-rolling/), so the pipeline's
 * render step (scripts/render-service-template.js) knows which template to deploy.
 */
export function ecsServiceParameterFilePath(service: string, environment: string, strategy: DeploymentStrategy): string {
  return `parameters/${ECS_SERVICE_TEMPLATE_FILES[strategy].replace(/\.json$/, '')}/${service}/${environment}.json`;
}

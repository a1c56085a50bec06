/**
 * What every service template (ecs-service.json, ecs-service-rolling.json,
 * ecs-service-native.json) builds on: logical IDs, listener ports, the container's name,
 * the health check and the pre-traffic check's probing. The stacks beside the services
 * read them through generator/contracts/service.ts.
 */
import { StringParameter } from '../../core/template';
import { SERVICE_DEFAULTS } from '../../config/defaults';
import { STANDARD_PARAMETER_IDS } from '../standard-parameters';

/** Logical IDs: a public contract (renaming one replaces the live resource). */
export const ECS_SERVICE_IDS = {
  ...STANDARD_PARAMETER_IDS,
  serviceName: 'ServiceName',
  toolsAccountId: 'ToolsAccountId',
  imageUri: 'ImageUri',
  containerPort: 'ContainerPort',
  healthCheckPath: 'HealthCheckPath',
  taskCpu: 'TaskCpu',
  taskMemory: 'TaskMemory',
  cpuArchitecture: 'CpuArchitecture',
  desiredCount: 'DesiredCount',
  vpcId: 'VpcId',
  publicSubnetIds: 'PublicSubnetIds',
  privateSubnetIds: 'PrivateSubnetIds',
  natPublicIps: 'NatPublicIps',
  trafficRouting: 'TrafficRouting',
  trafficStepPercentage: 'TrafficStepPercentage',
  trafficBakeTimeMins: 'TrafficBakeTimeMins',
  terminationWaitTimeInMinutes: 'TerminationWaitTimeInMinutes',
  errorAlarmThreshold: 'ErrorAlarmThreshold',
  logRetentionDays: 'LogRetentionDays',
  isCanary: 'IsTimeBasedCanary',
  isLinear: 'IsTimeBasedLinear',
  loadBalancerSecurityGroup: 'LoadBalancerSecurityGroup',
  serviceSecurityGroup: 'ServiceSecurityGroup',
  serviceIngressFromLoadBalancer: 'ServiceIngressFromLoadBalancer',
  checkFunctionSecurityGroup: 'CheckFunctionSecurityGroup',
  loadBalancer: 'LoadBalancer',
  targetGroup1: 'TargetGroup1',
  targetGroup2: 'TargetGroup2',
  productionListener: 'ProductionListener',
  testListener: 'TestListener',
  logGroup: 'ServiceLogGroup',
  executionRole: 'TaskExecutionRole',
  taskRole: 'TaskRole',
  taskDefinition: 'TaskDefinition',
  service: 'Service',
  taskSet: 'TaskSet',
  primaryTaskSet: 'PrimaryTaskSet',
  checkLogGroup: 'CheckFunctionLogGroup',
  checkRole: 'CheckFunctionRole',
  checkFunction: 'CheckFunction',
  checkKeepWarmRule: 'CheckFunctionKeepWarmRule',
  checkKeepWarmPermission: 'CheckFunctionKeepWarmPermission',
  errorAlarm: 'TargetErrorsAlarm',
  unhealthyAlarm: 'UnhealthyTargetsAlarm',
  hook: 'CodeDeployBlueGreenHook',
} as const;

/** Listener ports: production traffic on 80, the blue/green test listener on 8080. */
export const PRODUCTION_PORT = 80;

export const TEST_PORT = 8080;

/** The one container of the task; the load balancer routes to it by this name. */
export const CONTAINER_NAME = 'app';

/** Health checks of both target groups (explicit, so that a review sees the thresholds). */
export const HEALTH_CHECK = {
  intervalSeconds: 15,
  timeoutSeconds: 5,
  healthyThresholdCount: 2,
  unhealthyThresholdCount: 3,
  matcher: '200-299',
  deregistrationDelaySeconds: 30,
} as const;

export const HEALTH_CHECK_PATH: StringParameter = {
  Type: 'String',
  Description: 'Path the load balancer and the pre-traffic check call; healthy answers 2xx',
  Default: SERVICE_DEFAULTS.healthCheckPath,
  AllowedPattern: '^/[A-Za-z0-9._~/-]*$',
  MinLength: 1,
  MaxLength: 1024,
  ConstraintDescription: 'an absolute URL path: letters, digits and ._~/-',
};

/** How many times the pre-traffic check calls the test listener; each call must succeed. */
export const CHECK_ATTEMPTS = 3;
export const CHECK_DELAY_MS = 5000;

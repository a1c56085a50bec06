/**
 * The parameters every service template declares: the service, its image and task size,
 * the network stack's IDs read from SSM when the change set is created, and the error
 * alarm's threshold.
 */
import { SERVICE_NAME, accountIdParameter } from '../../core/parameters';
import { NumberParameter, ParameterHandle, StringParameter, TemplateBuilder } from '../../core/template';
import { SERVICE_DEFAULTS } from '../../config/defaults';
import { ECS_SERVICE_IDS as ID, HEALTH_CHECK_PATH } from './facts';

export const IMAGE_URI: StringParameter = {
  Type: 'String',
  Description: 'Container image with an immutable tag or digest; the pipeline sets it on every deployment (a new value starts a deployment)',
  AllowedPattern: '^[a-z0-9][a-z0-9.-]*(:[0-9]{1,5})?/[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$',
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

export const ERROR_ALARM_THRESHOLD: NumberParameter = {
  Type: 'Number',
  Description: 'Target 5xx responses per minute, two minutes in a row, that raise the error alarm and roll a deployment back',
  Default: 5,
  MinValue: 1,
  MaxValue: 100000,
};

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

/**
 * The NAT gateways' addresses: the test listener admits only them, since the pre-traffic
 * check runs in the private subnets and reaches the load balancer through them.
 */
export function natPublicIpsParameter(t: TemplateBuilder): ParameterHandle<string[]> {
  return t.parameter(ID.natPublicIps, {
    Type: 'AWS::SSM::Parameter::Value<List<String>>',
    Description: 'SSM parameter holding the NAT gateway addresses (/{project}/network-{suffix}/nat-public-ips); only they reach the test listener',
  });
}

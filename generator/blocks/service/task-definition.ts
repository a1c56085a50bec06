/**
 * The task every service template runs: its log group, the execution role (pulls from the
 * tools account's repositories, writes the logs), the application's task role and the
 * Fargate task definition with the hardened container.
 *
 * No Family: the blue/green transform replaces the task definition, and a fixed name
 * would collide with the replacement (CloudFormation generates one from the stack name).
 */
import { ref, sub } from '../../core/intrinsics';
import { Statement, allow, anyResource } from '../../core/iam';
import { logGroupName } from '../../core/naming';
import { ParameterHandle, ResourceHandle, TemplateBuilder } from '../../core/template';
import { Typed, typedResource } from '../blue-green-hook';
import { containerHardening } from '../container-hardening';
import { containerHealthCheck } from '../container-health-check';
import { logGroup } from '../log-group';
import { workloadRole } from '../role';
import { CONTAINER_NAME, ECS_SERVICE_IDS as ID } from './facts';

/** The standard and service parameters a service's resources are named by. */
export interface ServiceScope {
  readonly project: ParameterHandle<string>;
  readonly service: ParameterHandle<string>;
  readonly suffix: ParameterHandle<string>;
}

export interface TaskProps {
  readonly toolsAccount: ParameterHandle<string>;
  readonly imageUri: ParameterHandle<string>;
  readonly containerPort: ParameterHandle<number>;
  readonly taskCpu: ParameterHandle<string>;
  readonly taskMemory: ParameterHandle<string>;
  readonly cpuArchitecture: ParameterHandle<string>;
  readonly retention: ParameterHandle<number>;
}

export function taskDefinition(t: TemplateBuilder, c: ServiceScope, p: TaskProps): Typed<'AWS::ECS::TaskDefinition'> {
  const { project, service, suffix } = c;
  const serviceLogGroup = logGroup(t, ID.logGroup, { logGroupName: logGroupName(project, { service, suffix }, 'ecs'), retentionDays: ref(p.retention) });
  const executionRole = workloadRole(
    t,
    ID.executionRole,
    { project, suffix },
    {
      description: 'ECS task execution role: pulls the image from the tools account and writes the container logs',
      service: 'ecs-tasks.amazonaws.com',
      policyName: 'pull-image-write-logs',
      statements: executionRoleStatements(c, p.toolsAccount, serviceLogGroup),
    },
  );
  const taskRole = workloadRole(
    t,
    ID.taskRole,
    { project, suffix },
    {
      description: 'Role of the application in the task: no AWS permissions until the service needs some',
      service: 'ecs-tasks.amazonaws.com',
      policyName: 'application',
      statements: [],
    },
  );
  const hardening = containerHardening(t);
  return typedResource(t, ID.taskDefinition, 'AWS::ECS::TaskDefinition', {
    RequiresCompatibilities: ['FARGATE'],
    NetworkMode: 'awsvpc',
    Cpu: ref(p.taskCpu),
    Memory: ref(p.taskMemory),
    RuntimePlatform: { CpuArchitecture: ref(p.cpuArchitecture), OperatingSystemFamily: 'LINUX' },
    ExecutionRoleArn: executionRole.getAtt('Arn'),
    TaskRoleArn: taskRole.getAtt('Arn'),
    ContainerDefinitions: [
      {
        Name: CONTAINER_NAME,
        Image: ref(p.imageUri),
        Essential: true,
        PortMappings: [{ ContainerPort: ref(p.containerPort), Protocol: 'tcp' }],
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
}

/** Pull from the project's repositories in the tools account; write to the service log group. */
export function executionRoleStatements(c: ServiceScope, toolsAccount: ParameterHandle<string>, serviceLogGroup: ResourceHandle): Statement[] {
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

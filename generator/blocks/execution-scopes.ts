/**
 * Where each handler action of the CloudFormation execution role (execution-role.json)
 * goes: the first scope whose pattern matches it, which must be one its type's registry
 * entry names (core/resource-types.ts, checked by core/role-scopes.ts). The EC2 and
 * Elastic Load Balancing scopes are in network-scopes.ts (the group `Network`).
 */
import { Intrinsic, sub } from '../core/intrinsics';
import { anyResource } from '../core/iam';
import { Scope as PermissionScope } from '../core/handler-permissions';
import { accessLogBucketArn } from '../core/naming';
import { RolePermissions, held, passedToServices, serviceLinkedRoles, withoutResourceTypesScope } from '../core/role-scopes';
import { ParameterHandle } from '../core/template';
import { arn, iamArn } from './account-arns';
import { networkScopes } from './network-scopes';

/** The project and environment suffix parameters of the template that holds the role. */
export interface ExecutionScope {
  readonly project: ParameterHandle<string>;
  readonly suffix: ParameterHandle<string>;
}

/**
 * The order the ServiceLinkedRoles statement has listed its roles in (the registry's
 * `serviceLinkedRole` of the types decides which): IAM reads them as a set, so the order
 * only keeps the policy stable; a role added later follows these.
 */
const SERVICE_LINKED_ROLE_ORDER = ['ecs.amazonaws.com', 'elasticloadbalancing.amazonaws.com', 'ecs.application-autoscaling.amazonaws.com'];

/** The names the scopes below hold mutations to. */
interface ScopeNames {
  /** `${ProjectParameter}`, for Fn::Sub. */
  readonly project: string;
  /** `${SuffixParameter}`, for Fn::Sub. */
  readonly suffix: string;
  readonly projectTag: { readonly StringEquals: { readonly 'aws:ResourceTag/Project': Intrinsic<string> } };
  readonly workloadRoles: Intrinsic<string>[];
  /** The granted actions and the registry entries of the member stacks' types. */
  readonly permissions: RolePermissions;
}

/** The names a scope the execution role does not define holds, when a registry entry names it: this project's. */
export function executionDefaultNames(s: ExecutionScope): string[] {
  return [`\${${s.project.logicalId}}-*`];
}

/**
 * Where each granted action goes: the first scope whose pattern matches it. Mutations
 * are held to this account and region and, where the service allows, to this project's
 * names or its Project tag; every `*` says which APIs require it.
 */
export function executionScopes(s: ExecutionScope, boundaryArn: Intrinsic<string>, permissions: RolePermissions): PermissionScope[] {
  const project = `\${${s.project.logicalId}}`;
  const suffix = `\${${s.suffix.logicalId}}`;
  const projectTag = { StringEquals: { 'aws:ResourceTag/Project': sub(project) } };
  const workloadRoles = [iamArn(`role/${project}-workload/*`)];
  const names: ScopeNames = { project, suffix, projectTag, workloadRoles, permissions };
  return [
    withoutResourceTypesScope(permissions),
    ...networkScopes({ project, suffix, projectId: s.project.logicalId }, permissions.types),
    ...ecsScopes(names),
    ...roleScopes(names, boundaryArn),
    ...scalingScopes(),
    held('ReadWorkloadRoles', 'AWS::IAM::Role', [`${project}-workload/*`]),
    held('LogGroups', 'AWS::Logs::LogGroup', [`/${project}/*`]),
    ...canaryScopes(names),
    ...bucketScopes(s, names),
    ...alarmScopes(names),
    // dora-forwarding.json: the rule that forwards ECS deployment events, `{project}-dora-forward-{suffix}`.
    held('EventRules', 'AWS::Events::Rule', [`${project}-*`]),
    // The network stack hands its IDs to the service stacks through SSM parameters
    // under /{project}/.
    held('NetworkParameters', 'AWS::SSM::Parameter', [`/${project}/*`]),
  ];
}

/** The ECS cluster, its services, task sets and task definitions. */
function ecsScopes({ project, suffix }: ScopeNames): PermissionScope[] {
  return [
    {
      sid: 'EcsClusterAndServices',
      actions: /^ecs:\w+$/,
      resources: [
        arn('ecs', `cluster/${project}-cluster-${suffix}`),
        arn('ecs', `service/${project}-cluster-${suffix}/*`),
        arn('ecs', `task-set/${project}-cluster-${suffix}/*/*`),
        arn('ecs', `service-deployment/${project}-cluster-${suffix}/*/*`),
        // Task definition families are generated from the stack names, `{project}-...`.
        arn('ecs', `task-definition/${project}-*:*`),
      ],
    },
  ];
}

/** The workload roles and the service-linked roles of the first ECS and ELB resources. */
function roleScopes({ workloadRoles, permissions }: ScopeNames, boundaryArn: Intrinsic<string>): PermissionScope[] {
  const linked = serviceLinkedRoles(permissions, SERVICE_LINKED_ROLE_ORDER);
  return [
    // Workload roles: created, changed and deleted only with the workload boundary.
    {
      sid: 'BoundedWorkloadRoles',
      actions: /^iam:(CreateRole|DeleteRole|DeleteRolePolicy|PutRolePermissionsBoundary|PutRolePolicy|UpdateAssumeRolePolicy|UpdateRole|UpdateRoleDescription)$/,
      resources: workloadRoles,
      options: { condition: { StringEquals: { 'iam:PermissionsBoundary': boundaryArn } } },
    },
    {
      sid: 'PassWorkloadRoles',
      actions: /^iam:PassRole$/,
      resources: workloadRoles,
      // Only to the services the member stacks' handlers pass roles to (the registry's passesRoleTo).
      options: { condition: { StringEquals: { 'iam:PassedToService': passedToServices(permissions) } } },
      basis: 'passesRoleTo',
    },
    // The first load balancer, the first ECS cluster and the first scalable ECS service of
    // an account create their service-linked roles (the registry's serviceLinkedRole);
    // nothing else may be created that way.
    {
      sid: 'ServiceLinkedRoles',
      actions: /^iam:CreateServiceLinkedRole$/,
      resources: linked.map((r) => iamArn(`role/aws-service-role/${r.service}/${r.role}`)),
      options: { condition: { StringEquals: { 'iam:AWSServiceName': linked.map((r) => r.service) } } },
      basis: 'serviceLinkedRole',
    },
  ];
}

/** Service auto scaling: its reads and the ECS services' scalable targets. */
function scalingScopes(): PermissionScope[] {
  return [
    // Service auto scaling (blocks/autoscaling.ts): scalable targets have generated IDs, so
    // they are held to ECS services' task counts in this account and region.
    // A target tracking policy also reads its metric when it is created or changed.
    {
      sid: 'ScalingReads',
      actions: /^(application-autoscaling:Describe\w+|cloudwatch:GetMetricData)$/,
      resources: anyResource('Application Auto Scaling Describe* calls and cloudwatch:GetMetricData (of CloudWatch metrics) have no resource-level permissions'),
      collapse: ['application-autoscaling:Describe*'],
    },
    {
      sid: 'EcsScalableTargets',
      actions: /^application-autoscaling:\w+$/,
      resources: [arn('application-autoscaling', 'scalable-target/*')],
      options: {
        condition: { StringEquals: { 'application-autoscaling:service-namespace': 'ecs', 'application-autoscaling:scalable-dimension': 'ecs:service:DesiredCount' } },
        because: 'Application Auto Scaling names scalable targets by generated IDs; only ECS service task counts qualify',
      },
    },
  ];
}

/** The Lambda functions and layers of the pre-traffic checks and canaries, and the canaries. */
function canaryScopes({ project, suffix, projectTag }: ScopeNames): PermissionScope[] {
  return [
    // service-canary.json: CloudWatch Synthetics creates the canary's Lambda function and
    // layer (`cwsyn-{canary}-*`, the canary `{service}-{suffix}`) with the caller's
    // permissions and deletes them with the canary (ProvisionedResourceCleanup); the
    // runtime's own layers belong to AWS accounts.
    {
      sid: 'Layers',
      actions: /^lambda:\w*Layer\w*$/,
      resources: [
        arn('lambda', `layer:cwsyn-*-${suffix}-*`),
        arn('lambda', `layer:cwsyn-*-${suffix}-*:*`),
        sub('arn:${AWS::Partition}:lambda:${AWS::Region}:*:layer:Synthetics:*'),
        sub('arn:${AWS::Partition}:lambda:${AWS::Region}:*:layer:AWS-CW-Synthetics*'),
      ],
      options: {
        because:
          "CloudWatch Synthetics names a canary's function and layer cwsyn-{canary}-{id}, and canary names ({service}-{suffix}, 21 characters) cannot hold the project; the runtime's layers belong to AWS accounts",
      },
    },
    // The pre-traffic check functions (CodeDeployHook_{project}-*) and the canaries'
    // functions (cwsyn-{canary}-*, named by Synthetics).
    held('Functions', 'AWS::Lambda::Function', [`CodeDeployHook_${project}-*`, `${project}-*-check-${suffix}`, `cwsyn-*-${suffix}-*`], {
      because: "CloudWatch Synthetics names a canary's function and layer cwsyn-{canary}-{id}, and canary names ({service}-{suffix}, 21 characters) cannot hold the project",
    }),
    // CreateCanary has no resource type: it is held to canaries tagged with this project.
    {
      sid: 'CreateCanaries',
      actions: /^synthetics:CreateCanary$/,
      resources: anyResource('synthetics:CreateCanary has no resource-level permissions'),
      options: { condition: { StringEquals: { 'aws:RequestTag/Project': sub(project) } } },
    },
    // Canary names cannot hold the project (21 characters): they end in `-{suffix}`, and
    // only canaries tagged with this project qualify.
    held('Canaries', 'AWS::Synthetics::Canary', [`*-${suffix}`], {
      condition: projectTag,
      because: 'canary names (21 characters) cannot hold the project; only canaries tagged with this project qualify',
    }),
  ];
}

/** The access log bucket and the canaries' artifact buckets. */
function bucketScopes(s: ExecutionScope, { project, suffix }: ScopeNames): PermissionScope[] {
  return [
    // network.json: the load balancer access log bucket of this account, region and
    // environment (core/naming accessLogBucketName); its S3 actions also go to the canaries'.
    {
      sid: 'AccessLogBucket',
      actions: /^s3:\w+$/,
      resources: [accessLogBucketArn(s.project, s.suffix)],
      collapse: ['s3:Get*Configuration', 's3:GetBucket*'],
      shared: true,
    },
    // The canaries' artifact buckets, `{project}-{service}-canary-{suffix}-{account}`.
    held('CanaryArtifactBuckets', 'AWS::S3::Bucket', [`${project}-*-canary-${suffix}-\${AWS::AccountId}`], { collapse: ['s3:Get*Configuration', 's3:GetBucket*'] }),
  ];
}

/** The CloudWatch alarms: Application Auto Scaling's permission checks and this project's. */
function alarmScopes({ project }: ScopeNames): PermissionScope[] {
  return [
    // RegisterScalableTarget and PutScalingPolicy first check the caller's CloudWatch
    // permissions with calls that name no alarm (PutMetricAlarm and DeleteAlarms without
    // parameters, DescribeAlarms of one record), made on the caller's behalf (Application
    // Auto Scaling User Guide, "Permissions validation for API calls on target resources").
    // Only such service-made calls qualify here; CloudFormation's own alarm calls stay
    // with this project's alarms (Alarms, below).
    {
      sid: 'ScalingPermissionChecks',
      actions: /^cloudwatch:(DeleteAlarms|DescribeAlarms|PutMetricAlarm)$/,
      resources: anyResource('the permission checks of Application Auto Scaling call CloudWatch naming no alarm; only calls an AWS service makes for this role qualify'),
      options: { condition: { Bool: { 'aws:ViaAWSService': 'true' } } },
      shared: true,
    },
    held('Alarms', 'AWS::CloudWatch::Alarm', [`${project}-*`]),
  ];
}

/**
 * member-roles.json: the roles a StackSet rolls out to every member account (dev,
 * staging, prod). Nothing in it is specific to one account or region: the tools account
 * and the environment come in as parameters, and role and policy names carry the region
 * so that two regions of one account never collide.
 *
 * - DeployRole{Service}: one per configured service, assumed only by that service's
 *   pipeline deploy step role in the tools account; creates and executes change sets on that
 *   service's stacks only (never another service's, the network's or this stack's),
 *   reads pipeline artifacts and passes the execution role to CloudFormation.
 * - ExecutionRole: the role CloudFormation uses for the member stacks (network, ECS
 *   service, service canary). Its permissions are built from the registry's handler
 *   permissions of exactly the resource types those stacks contain (see
 *   EXECUTION_ROLE_EXCLUSIONS and EXECUTION_ROLE_SCOPES). It may create and change a
 *   role only when that role carries the workload boundary.
 * - WorkloadBoundary: the managed policy that bounds every role the member stacks
 *   create: the actions the workload roles use and nothing of IAM, Organizations,
 *   account settings or STS.
 * - CodeDeployRole: the service role of the AWS::CodeDeploy::BlueGreen hook.
 * - EcsInfrastructureRole: what ECS assumes in ECS-native blue/green deployments
 *   (ecs-service-native.json) to move listener rules and invoke the lifecycle hook.
 */
import { Intrinsic, join, sub } from '../core/intrinsics';
import { DENY_TERMINATE_INSTANCES, NEVER_IN_BOUNDARY, Statement, allow, anyResource, deny, packStatements, policyDocument } from '../core/iam';
import { Exclusion, Scope as PermissionScope, exclude, requiredActions, scopedStatements } from '../core/handler-permissions';
import {
  MemberRole,
  accessLogBucketArn,
  artifactBucketArnPattern,
  memberRoleArn,
  memberRoleName,
  nameText,
  deployPolicyName,
  serviceDeployRoleArnPattern,
  serviceStackNameParts,
  workloadBoundaryArn,
  workloadBoundaryName,
} from '../core/naming';
import { ENVIRONMENT_SUFFIX, accountIdParameter } from '../core/parameters';
import { ParameterHandle, Template, TemplateBuilder } from '../core/template';
import { role } from '../blocks/role';
import { LISTENERS_BECAUSE, loadBalancingArns, networkScopes, projectResourceTag } from '../blocks/network-scopes';
import { standardParameterValues, standardParameters, standardTagValues } from '../blocks/standard-parameters';
import { ResolvedConfig } from '../config/types';
import type { ParameterFile } from '../core/parameter-file';
import { SERVICE_TAG } from '../contracts/service';

/** Logical IDs: a public contract (renaming one replaces the live resource). */
export const MEMBER_ROLES_IDS = {
  toolsAccountId: 'ToolsAccountId',
  environmentName: 'EnvironmentName',
  environmentSuffix: 'EnvironmentSuffix',
  projectName: 'ProjectName',
  costCenter: 'CostCenter',
  toolsEnvironmentSuffix: 'ToolsEnvironmentSuffix',
  executionRole: 'ExecutionRole',
  codeDeployRole: 'CodeDeployRole',
  workloadBoundary: 'WorkloadBoundary',
  executionPolicy: 'ExecutionPolicy',
  deployPolicy: 'DeployPolicy',
  ecsInfrastructureRole: 'EcsInfrastructureRole',
} as const;

const ID = MEMBER_ROLES_IDS;

/**
 * A template whose stacks CloudFormation deploys with the execution role. Its permissions
 * and the workload boundary are built from what these templates contain; render passes
 * them in (generator/member-stacks.ts lists them), so this template reads no sibling.
 */
export interface MemberStack {
  readonly file: string;
  readonly template: Template;
}

export function resourceTypesOf(templates: ReadonlyArray<{ readonly template: Template }>): string[] {
  return [...new Set(templates.flatMap((t) => Object.values(t.template.Resources).map((r) => r.Type)))].sort();
}

interface Scope {
  readonly project: ParameterHandle<string>;
  readonly suffix: ParameterHandle<string>;
}

/** ARNs in this account and region, for resource-scoped statements. */
function arn(service: string, resource: string): Intrinsic<string> {
  return sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`);
}

function iamArn(resource: string): Intrinsic<string> {
  return sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:${resource}`);
}

// --- The workload boundary ---------------------------------------------------------------

/**
 * The actions the workload roles of the member stacks use (their Allow statements), which
 * is what the boundary allows. A role's own policy still names its resources; the boundary
 * caps what any role created through the execution role can ever do. A task role that
 * needs more (an application's S3 or DynamoDB calls) needs those actions here first: a
 * change to this template, which only an operator rolls out. `configured` adds the
 * actions the configuration gives workload roles (config/app-settings.ts
 * configuredWorkloadActions: task role statements, reading secrets), checked the same way.
 */
export function workloadBoundaryActions(templates: readonly MemberStack[], configured: readonly string[] = []): string[] {
  const actions = new Set<string>(configured);
  for (const { template } of templates) {
    for (const r of Object.values(template.Resources)) {
      if (r.Type !== 'AWS::IAM::Role') continue;
      const policies = (r.Properties?.Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>;
      for (const p of policies) {
        for (const st of p.PolicyDocument.Statement) if (st.Effect === 'Allow') st.Action.forEach((a) => actions.add(a));
      }
    }
  }
  const sorted = [...actions].sort();
  const forbidden = sorted.filter((a) => NEVER_IN_BOUNDARY.test(a));
  if (forbidden.length > 0) throw new Error(`workload boundary: a workload role asks for ${forbidden.join(', ')}, which no workload role may have`);
  return sorted;
}

function boundaryStatements(templates: readonly MemberStack[], configured: readonly string[]): Statement[] {
  return [
    allow('WorkloadActions', workloadBoundaryActions(templates, configured), anyResource(
      'a permissions boundary caps actions only; each workload role names its own resources, and the boundary must fit every service and environment',
    )),
    DENY_TERMINATE_INSTANCES,
  ];
}

// --- The deploy roles ----------------------------------------------------------------------

/**
 * What a service's deploy role may do: change sets on that service's stacks, nothing more.
 * `service` is the service name or the policy variable that resolves to it.
 */
function deployStatements(
  s: Scope,
  service: string,
  tools: { account: ParameterHandle<string>; suffix: ParameterHandle<string> },
  executionRoleArn: Intrinsic<string>,
): Statement[] {
  const buckets = artifactBucketArnPattern(s.project, tools.suffix, tools.account);
  const stacks = serviceStackNameParts(s.project, service, s.suffix).map((parts) => arn('cloudformation', `stack/${nameText(parts)}/*`));
  return [
    allow(
      'ChangeSetsOnServiceStacks',
      [
        'cloudformation:CreateChangeSet',
        'cloudformation:DeleteChangeSet',
        'cloudformation:DescribeChangeSet',
        'cloudformation:DescribeStackEvents',
        'cloudformation:DescribeStacks',
        'cloudformation:ExecuteChangeSet',
        'cloudformation:GetTemplate',
        'cloudformation:GetTemplateSummary',
        // The deploy step finds the stack's alarms for its rollback triggers (scripts/deploy-stack.js).
        'cloudformation:ListStackResources',
      ],
      stacks,
    ),
    allow(
      'UseBlueGreenTransform',
      ['cloudformation:CreateChangeSet'],
      [sub('arn:${AWS::Partition}:cloudformation:${AWS::Region}:aws:transform/CodeDeployBlueGreen')],
    ),
    allow('ValidateTemplates', ['cloudformation:ValidateTemplate'], anyResource(
      'cloudformation:ValidateTemplate has no resource-level permissions',
    )),
    // The service stacks take the network's IDs as AWS::SSM::Parameter::Value parameters,
    // which CloudFormation resolves when the change set is created: read-only, and only
    // the project's parameters.
    allow('ResolveNetworkParameters', ['ssm:GetParameters'], [arn('ssm', `parameter/\${${s.project.logicalId}}/*`)]),
    // ...and validates the resolved AWS::EC2::VPC::Id and AWS::EC2::Subnet::Id values
    // against the account with the caller's credentials (CloudFormation User Guide,
    // "Supported SSM parameter types" / AWS-specific parameter types).
    allow('ValidateNetworkParameterValues', ['ec2:DescribeSubnets', 'ec2:DescribeVpcs'], anyResource(
      'ec2:DescribeVpcs and ec2:DescribeSubnets have no resource-level permissions',
    )),
    // The pipeline's deploy step watches the service stack's own alarms through rollback
    // triggers and, after a rollback, reads their state to say which one fired
    // (scripts/deploy-stack.js). Only the alarms the service templates name
    // `{project}-{service}-*-{suffix}`.
    allow('ReadServiceAlarms', ['cloudwatch:DescribeAlarms'], [arn('cloudwatch', `alarm:\${${s.project.logicalId}}-${service}-*-\${${s.suffix.logicalId}}`)]),
    allow('ReadPipelineArtifacts', ['s3:GetObject', 's3:GetObjectVersion'], [join('', [buckets, '/*'])]),
    allow('LocatePipelineArtifactBuckets', ['s3:GetBucketLocation'], [buckets]),
    // The artifact keys live in the tools account; each key's policy admits this role
    // only for its own pipeline, and only through S3 in this region.
    allow(
      'DecryptPipelineArtifacts',
      ['kms:Decrypt', 'kms:DescribeKey'],
      [sub(`arn:\${AWS::Partition}:kms:\${AWS::Region}:\${${tools.account.logicalId}}:key/*`)],
      { condition: { StringEquals: { 'kms:ViaService': sub('s3.${AWS::Region}.amazonaws.com') } } },
    ),
    allow('PassExecutionRole', ['iam:PassRole'], [executionRoleArn], {
      condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
    }),
  ];
}

// --- The execution role ------------------------------------------------------------------

/** The service principal of Application Auto Scaling's service-linked role for ECS services. */
const APP_AUTOSCALING_ECS = 'ecs.application-autoscaling.amazonaws.com';

/**
 * The handler actions of the member stacks' resource types that the execution role does
 * not get, each with the reason. One table: the permissions test lists it.
 */
export const EXECUTION_ROLE_EXCLUSIONS: readonly Exclusion[] = [
  // Not IAM actions: names in the registry schemas that IAM does not know.
  exclude('AWS::S3::Bucket', ['S3:GetBucketWebsite'], 'not an IAM action (a mis-capitalised s3:GetBucketWebsite in the registry schema); no bucket is a website'),
  exclude('AWS::Logs::LogGroup', ['s3:REST.PUT.OBJECT'], 'not an IAM action (an S3 REST operation name in the registry schema)'),
  exclude('AWS::Synthetics::Canary', ['lambda:GetLayerVersionByArn'], 'not an IAM action; lambda:GetLayerVersion authorizes GetLayerVersionByArn'),
  exclude('AWS::Synthetics::Canary', ['s3:PutBucketEncryption'], 'not an IAM action (s3:PutEncryptionConfiguration authorizes PutBucketEncryption); the canary sets no ArtifactConfig anyway'),
  // Never: account-wide settings and IAM escalation paths.
  exclude('AWS::ECS::Cluster', ['ecs:PutAccountSetting', 'ecs:PutAccountSettingDefault'], 'account-wide ECS settings are never changed from a stack; the cluster sets only ClusterSettings (containerInsights)'),
  exclude('AWS::IAM::Role', ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'], 'no workload role has ManagedPolicyArns (project rule CD004): no managed policy may be attached, so none is ever detached'),
  exclude('AWS::IAM::Role', ['iam:DeleteRolePermissionsBoundary'], 'a workload role never loses the workload boundary; the role also denies it explicitly'),
  // Properties the templates never set.
  exclude('AWS::EC2::EIP', ['ec2:AcceptAddressTransfer', 'ec2:AssociateAddress', 'ec2:DisassociateAddress'], 'called only for TransferAddress, InstanceId or NetworkInterfaceId, which the NAT addresses never set (the NAT gateway holds the address)'),
  exclude('AWS::EC2::NatGateway', ['ec2:AssignPrivateNatGatewayAddress', 'ec2:AssociateNatGatewayAddress', 'ec2:DisassociateNatGatewayAddress', 'ec2:UnassignPrivateNatGatewayAddress'], 'called only for secondary addresses (SecondaryAllocationIds, SecondaryPrivateIpAddresses), which are never set'),
  exclude('AWS::EC2::Subnet', ['ec2:AssociateSubnetCidrBlock', 'ec2:DisassociateSubnetCidrBlock'], 'called only for Ipv6CidrBlock, which is never set (IPv4 only)'),
  exclude('AWS::EC2::VPC', ['ec2:CreateVpcEncryptionControl', 'ec2:ModifyVpcTenancy'], 'called only for VpcEncryptionControl and InstanceTenancy, which are never set'),
  exclude('AWS::EC2::VPCGatewayAttachment', ['ec2:AttachVpnGateway', 'ec2:DetachVpnGateway'], 'called only for VpnGatewayId; the attachment attaches an internet gateway'),
  exclude('AWS::EC2::FlowLog', ['iam:CreateServiceLinkedRole'], 'a flow log that delivers to CloudWatch Logs with DeliverLogsPermissionArn uses that role; no service-linked role is created'),
  exclude('AWS::EC2::FlowLog', ['logs:CreateLogDelivery', 'logs:DeleteLogDelivery', 's3:GetBucketPolicy', 's3:PutBucketPolicy'], 'called only for S3 or Firehose destinations; the flow log delivers to CloudWatch Logs with its own role'),
  exclude('AWS::ElasticLoadBalancingV2::LoadBalancer', ['elasticloadbalancing:ModifyCapacityReservation', 'elasticloadbalancing:ModifyIpPools'], 'called only for MinimumLoadBalancerCapacity and Ipv4IpamPoolId, which are never set'),
  exclude('AWS::ElasticLoadBalancingV2::Listener', ['cognito-idp:DescribeUserPoolClient'], 'called only for authenticate-cognito actions; the listeners only forward'),
  exclude('AWS::ECS::Cluster', ['kms:DescribeKey'], 'called only for a managed storage KMS key (Configuration.ManagedStorageConfiguration), which is never set'),
  exclude('AWS::ECS::Service', ['ecs:StopServiceDeployment'], 'called only to stop an ECS-controlled deployment on update; blue/green services are CODE_DEPLOY-controlled and rolling updates are not stopped by CloudFormation'),
  exclude('AWS::Logs::LogGroup', ['logs:AssociateKmsKey', 'logs:DisassociateKmsKey'], 'called only for KmsKeyId, which is never set'),
  exclude('AWS::Logs::LogGroup', ['logs:PutDataProtectionPolicy'], 'called only for DataProtectionPolicy, which is never set'),
  exclude('AWS::Logs::LogGroup', ['logs:PutIndexPolicy', 'logs:DeleteIndexPolicy'], 'called only for FieldIndexPolicies, which are never set'),
  exclude('AWS::Logs::LogGroup', ['logs:PutResourcePolicy', 'logs:DeleteResourcePolicy'], 'called only for ResourcePolicyDocument, which is never set'),
  exclude('AWS::Logs::LogGroup', ['logs:PutBearerTokenAuthentication', 'logs:PutLogGroupDeletionProtection'], 'called only for BearerTokenAuthenticationEnabled and DeletionProtectionEnabled, which are never set'),
  exclude('AWS::Logs::LogGroup', ['firehose:TagDeliveryStream', 'logs:CreateLogDelivery'], 'called only for a log delivery (vended logs to Firehose or S3), which no log group has'),
  exclude('AWS::Lambda::Function', ['lambda:GetCodeSigningConfig', 'lambda:PutFunctionCodeSigningConfig', 'lambda:DeleteFunctionCodeSigningConfig'], 'called only for CodeSigningConfigArn, which is never set'),
  exclude('AWS::Lambda::Function', ['lambda:PutFunctionConcurrency', 'lambda:DeleteFunctionConcurrency'], 'called only for ReservedConcurrentExecutions, which is never set'),
  exclude('AWS::Lambda::Function', ['lambda:PutFunctionRecursionConfig', 'lambda:PutFunctionScalingConfig', 'lambda:PutRuntimeManagementConfig', 'lambda:PassCapacityProvider'], 'called only for RecursiveLoop, FunctionScalingConfig, RuntimeManagementConfig and CapacityProviderConfig, which are never set'),
  exclude('AWS::Lambda::Function', ['elasticfilesystem:DescribeMountTargets', 's3files:ListMountTargets'], 'called only for FileSystemConfigs, which is never set'),
  exclude('AWS::Lambda::Function', ['kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'], 'called only for KmsKeyArn; the function environment uses the AWS managed key'),
  exclude('AWS::Lambda::Function', ['s3:GetObject', 's3:GetObjectVersion'], 'called only for code in S3; the check function\'s code is inline (ZipFile)'),
  exclude('AWS::Synthetics::Canary', ['s3:GetObject', 's3:GetObjectVersion'], 'called only for canary code in S3; the canary\'s script is inline'),
  exclude('AWS::S3::Bucket', ['iam:PassRole'], 'called only for ReplicationConfiguration.Role, which is never set'),
  exclude(
    'AWS::S3::Bucket',
    [
      's3:CreateBucketMetadataTableConfiguration',
      's3:DeleteBucketMetadataTableConfiguration',
      's3:UpdateBucketMetadataAnnotationTableConfiguration',
      's3:UpdateBucketMetadataInventoryTableConfiguration',
      's3:UpdateBucketMetadataJournalTableConfiguration',
      's3tables:CreateNamespace',
      's3tables:CreateTable',
      's3tables:CreateTableBucket',
      's3tables:GetTable',
      's3tables:GetTableMetadataLocation',
      's3tables:PutTableBucketPolicy',
      's3tables:PutTableEncryption',
      's3tables:PutTablePolicy',
      's3tables:UpdateTableMetadataLocation',
    ],
    'called only for MetadataConfiguration / MetadataTableConfiguration, which is never set',
  ),
  exclude(
    'AWS::S3::Bucket',
    [
      's3:DeleteBucketAnalyticsConfiguration',
      's3:DeleteBucketCors',
      's3:DeleteBucketMetricsConfiguration',
      's3:DeleteBucketReplication',
      's3:DeleteBucketWebsite',
      's3:PutAccelerateConfiguration',
      's3:PutAnalyticsConfiguration',
      's3:PutBucketAbac',
      's3:PutBucketCORS',
      's3:PutBucketNotification',
      's3:PutBucketReplication',
      's3:PutBucketWebsite',
      's3:PutIntelligentTieringConfiguration',
      's3:PutInventoryConfiguration',
      's3:PutMetricsConfiguration',
      's3:PutReplicationConfiguration',
    ],
    'called only for acceleration, analytics, ABAC, CORS, notification, replication, website, tiering, inventory or metrics configurations, which the canary and access log buckets never set',
  ),
  exclude(
    'AWS::S3::Bucket',
    ['s3:PutBucketAcl', 's3:PutObjectAcl', 's3:PutBucketOwnershipControls', 's3:DeleteObject'],
    'called only for AccessControl and OwnershipControls; the bucket keeps S3\'s defaults (ACLs disabled, bucket owner enforced)',
  ),
  exclude('AWS::S3::Bucket', ['s3:PutBucketObjectLockConfiguration', 's3:PutObjectLockConfiguration'], 'called only for ObjectLockEnabled / ObjectLockConfiguration, which are never set'),
  exclude('AWS::S3::Bucket', ['s3:PutBucketVersioning'], 'called only for VersioningConfiguration; neither the canary bucket nor the access log bucket is versioned'),
  exclude('AWS::ElasticLoadBalancingV2::ListenerRule', ['cognito-idp:DescribeUserPoolClient'], 'called only for authenticate-cognito rule actions; every rule forwards'),
  exclude('AWS::S3::Bucket', ['s3:DeleteBucketEncryption', 's3:DeleteBucketLifecycle'], 'called only when BucketEncryption or LifecycleConfiguration is removed; every bucket keeps both'),
  exclude('AWS::ApplicationAutoScaling::ScalableTarget', ['iam:PassRole'], 'called only for RoleARN, which is never set: Application Auto Scaling uses its service-linked role'),
  exclude('AWS::ApplicationAutoScaling::ScalableTarget', ['application-autoscaling:DeleteScheduledAction', 'application-autoscaling:PutScheduledAction'], 'called only for ScheduledActions, which are never set'),
  exclude(
    'AWS::ApplicationAutoScaling::ScalableTarget',
    ['lambda:DeleteProvisionedConcurrencyConfig', 'lambda:GetProvisionedConcurrencyConfig', 'lambda:PutProvisionedConcurrencyConfig'],
    'called only for Lambda provisioned concurrency; every scalable target is an ECS service',
  ),
];

/**
 * The handler actions that have no resource-level permissions (Service Authorization
 * Reference: no resource types), in one statement on `*` ahead of the scopes below.
 */
const WITHOUT_RESOURCE_TYPES: ReadonlyArray<{ readonly actions: RegExp; readonly calls: string }> = [
  { actions: /ec2:Describe\w+|autoscaling:DescribeTags|elasticloadbalancing:Describe\w+/, calls: 'EC2 and Elastic Load Balancing Describe* calls, autoscaling:DescribeTags' },
  { actions: /ecs:(DeregisterTaskDefinition|DescribeTaskDefinition|ListClusters|ListServices|ListTaskDefinitions)/, calls: 'ecs:DeregisterTaskDefinition, DescribeTaskDefinition and the List* calls' },
  { actions: /iam:ListRoles/, calls: 'iam:ListRoles' },
  { actions: /logs:(DescribeIndexPolicies|DescribeLogGroups|DescribeResourcePolicies)/, calls: 'logs:DescribeLogGroups, DescribeIndexPolicies and DescribeResourcePolicies' },
  { actions: /lambda:ListFunctions/, calls: 'lambda:ListFunctions' },
  { actions: /synthetics:DescribeCanaries/, calls: 'synthetics:DescribeCanaries' },
  { actions: /s3:ListAllMyBuckets/, calls: 's3:ListAllMyBuckets' },
  { actions: /events:ListRules/, calls: 'events:ListRules' },
  { actions: /ssm:DescribeParameters/, calls: 'ssm:DescribeParameters' },
];

/**
 * Where each granted action goes: the first scope whose pattern matches it. Mutations
 * are held to this account and region and, where the service allows, to this project's
 * names or its Project tag; every `*` says which APIs require it.
 */
function executionScopes(s: Scope, boundaryArn: Intrinsic<string>): PermissionScope[] {
  const project = `\${${s.project.logicalId}}`;
  const suffix = `\${${s.suffix.logicalId}}`;
  const projectTag = { StringEquals: { 'aws:ResourceTag/Project': sub(project) } };
  const workloadRoles = [iamArn(`role/${project}-workload/*`)];
  return [
    {
      sid: 'WithoutResourceTypes',
      actions: new RegExp(`^(${WITHOUT_RESOURCE_TYPES.map((w) => w.actions.source).join('|')})$`),
      resources: anyResource(`${WITHOUT_RESOURCE_TYPES.map((w) => w.calls).join('; ')}: no resource-level permissions`),
      collapse: ['ec2:Describe*', 'elasticloadbalancing:Describe*'],
    },
    ...networkScopes({ project, suffix, projectId: s.project.logicalId }),
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
      options: {
        condition: {
          StringEquals: {
            'iam:PassedToService': ['ecs-tasks.amazonaws.com', 'events.amazonaws.com', 'lambda.amazonaws.com', 'synthetics.amazonaws.com', 'vpc-flow-logs.amazonaws.com'],
          },
        },
      },
    },
    // The first load balancer, the first ECS cluster and the first scalable ECS service of
    // an account create their service-linked roles; nothing else may be created that way.
    {
      sid: 'ServiceLinkedRoles',
      actions: /^iam:CreateServiceLinkedRole$/,
      resources: [
        iamArn('role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS'),
        iamArn('role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing'),
        iamArn(`role/aws-service-role/${APP_AUTOSCALING_ECS}/AWSServiceRoleForApplicationAutoScaling_ECSService`),
      ],
      options: { condition: { StringEquals: { 'iam:AWSServiceName': ['ecs.amazonaws.com', 'elasticloadbalancing.amazonaws.com', APP_AUTOSCALING_ECS] } } },
    },
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
    { sid: 'ReadWorkloadRoles', actions: /^iam:\w+$/, resources: workloadRoles },
    { sid: 'LogGroups', actions: /^logs:\w+$/, resources: [arn('logs', `log-group:/${project}/*`)] },
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
          'CloudWatch Synthetics names a canary\'s function and layer cwsyn-{canary}-{id}, and canary names ({service}-{suffix}, 21 characters) cannot hold the project; the runtime\'s layers belong to AWS accounts',
      },
    },
    // The pre-traffic check functions (CodeDeployHook_{project}-*) and the canaries'
    // functions (cwsyn-{canary}-*, named by Synthetics).
    {
      sid: 'Functions',
      actions: /^lambda:\w+$/,
      resources: [
        arn('lambda', `function:CodeDeployHook_${project}-*`),
        arn('lambda', `function:${project}-*-check-${suffix}`),
        arn('lambda', `function:cwsyn-*-${suffix}-*`),
      ],
      options: { because: 'CloudWatch Synthetics names a canary\'s function and layer cwsyn-{canary}-{id}, and canary names ({service}-{suffix}, 21 characters) cannot hold the project' },
    },
    // CreateCanary has no resource type: it is held to canaries tagged with this project.
    {
      sid: 'CreateCanaries',
      actions: /^synthetics:CreateCanary$/,
      resources: anyResource('synthetics:CreateCanary has no resource-level permissions'),
      options: { condition: { StringEquals: { 'aws:RequestTag/Project': sub(project) } } },
    },
    // Canary names cannot hold the project (21 characters): they end in `-{suffix}`, and
    // only canaries tagged with this project qualify.
    {
      sid: 'Canaries',
      actions: /^synthetics:\w+$/,
      resources: [arn('synthetics', `canary:*-${suffix}`)],
      options: { condition: projectTag, because: 'canary names (21 characters) cannot hold the project; only canaries tagged with this project qualify' },
    },
    // network.json: the load balancer access log bucket of this account, region and
    // environment (naming.ts accessLogBucketName); its S3 actions also go to the canaries'.
    {
      sid: 'AccessLogBucket',
      actions: /^s3:\w+$/,
      resources: [accessLogBucketArn(s.project, s.suffix)],
      collapse: ['s3:Get*Configuration', 's3:GetBucket*'],
      shared: true,
    },
    // The canaries' artifact buckets, `{project}-{service}-canary-{suffix}-{account}`.
    {
      sid: 'CanaryArtifactBuckets',
      actions: /^s3:\w+$/,
      resources: [sub(`arn:\${AWS::Partition}:s3:::${project}-*-canary-${suffix}-\${AWS::AccountId}`)],
      collapse: ['s3:Get*Configuration', 's3:GetBucket*'],
    },
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
    { sid: 'Alarms', actions: /^cloudwatch:\w+$/, resources: [arn('cloudwatch', `alarm:${project}-*`)] },
    // dora-forwarding.json: the rule that forwards ECS deployment events, `{project}-dora-forward-{suffix}`.
    { sid: 'EventRules', actions: /^events:\w+$/, resources: [arn('events', `rule/${project}-*`)] },
    // The network stack hands its IDs to the service stacks through SSM parameters
    // under /{project}/.
    { sid: 'NetworkParameters', actions: /^ssm:\w+$/, resources: [arn('ssm', `parameter/${project}/*`)] },
  ];
}

/**
 * The execution role's permissions: `handler`, the handler actions of every resource type
 * of the member stacks (minus EXECUTION_ROLE_EXCLUSIONS) in their scopes, which go into
 * customer-managed policies (too large for the 10,240 characters of a role's inline
 * policies); `inline`, what the blue/green hook needs and the explicit denies that keep
 * the boundary and the member roles out of reach.
 */
export function executionStatements(
  s: Scope,
  roles: {
    codeDeploy: Intrinsic<string>;
    ecsInfrastructure: Intrinsic<string>;
    protected: readonly Intrinsic<string>[];
    boundary: Intrinsic<string>;
  },
  templates: readonly MemberStack[],
): { handler: Statement[]; inline: Statement[] } {
  const { granted } = requiredActions(resourceTypesOf(templates), EXECUTION_ROLE_EXCLUSIONS);
  const handler = scopedStatements('execution role', granted.keys(), executionScopes(s, roles.boundary));
  const inline = [
    allow('PassCodeDeployRole', ['iam:PassRole'], [roles.codeDeploy], {
      condition: { StringEquals: { 'iam:PassedToService': 'codedeploy.amazonaws.com' } },
    }),
    // ecs-service-native.json names the ECS infrastructure role in its load balancers'
    // AdvancedConfiguration and lifecycle hooks; the ECS service handler passes it to ECS.
    allow('PassEcsInfrastructureRole', ['iam:PassRole'], [roles.ecsInfrastructure], {
      condition: { StringEquals: { 'iam:PassedToService': 'ecs.amazonaws.com' } },
    }),
    // What the AWS::CodeDeploy::BlueGreen hook needs, as the CloudFormation User Guide
    // lists it ("IAM permissions necessary for blue/green deployments"): codedeploy:Get*
    // and codedeploy:CreateCloudFormationDeployment. The Get calls are scoped to this
    // account's CodeDeploy resources; the two actions without resource types on their own.
    allow('BlueGreenHookReads', ['codedeploy:Get*'], [
      arn('codedeploy', 'application:*'),
      arn('codedeploy', 'deploymentgroup:*/*'),
      arn('codedeploy', 'deploymentconfig:*'),
    ]),
    allow(
      'BlueGreenHookDeployments',
      ['codedeploy:CreateCloudFormationDeployment', 'codedeploy:GetDeploymentTarget'],
      anyResource('codedeploy:CreateCloudFormationDeployment and GetDeploymentTarget have no resource-level permissions'),
    ),
    // Whatever a template asks for: no role loses its boundary, and neither the roles of
    // this stack nor the boundary policy can be changed through CloudFormation.
    deny('DenyRemovingBoundaries', ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary'], anyResource(
      'no role or user of the account may lose its permissions boundary through this role',
    )),
    deny(
      'DenyChangingMemberRolesAndBoundary',
      [
        'iam:AttachRolePolicy',
        'iam:CreatePolicyVersion',
        'iam:DeletePolicy',
        'iam:DeletePolicyVersion',
        'iam:DeleteRole',
        'iam:DeleteRolePolicy',
        'iam:DetachRolePolicy',
        'iam:PutRolePermissionsBoundary',
        'iam:PutRolePolicy',
        'iam:SetDefaultPolicyVersion',
        'iam:TagRole',
        'iam:UntagRole',
        'iam:UpdateAssumeRolePolicy',
        'iam:UpdateRole',
        'iam:UpdateRoleDescription',
      ],
      [...roles.protected, roles.boundary],
    ),
  ];
  return { handler, inline };
}

// --- ECS-native blue/green (ecs-service-native.json) ------------------------------------

/**
 * The ECS infrastructure role: the inline, project-scoped equivalent of the managed
 * AmazonECSInfrastructureRolePolicyForLoadBalancers (AWS Managed Policy Reference) plus
 * the invocation of the lifecycle hook (ECS Developer Guide, "Amazon ECS infrastructure
 * IAM role" for Lambda hooks). Target groups carry the Project tag; listeners and rules
 * are those of `{service}-alb-{suffix}` (blocks/network-scopes.ts); hook functions are
 * `{project}-{service}-check-{suffix}`.
 */
function ecsInfrastructureStatements(s: Scope): Statement[] {
  const project = `\${${s.project.logicalId}}`;
  const suffix = `\${${s.suffix.logicalId}}`;
  const lb = loadBalancingArns({ project, suffix, projectId: s.project.logicalId });
  return [
    allow(
      'ReadLoadBalancing',
      ['elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeRules', 'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth'],
      anyResource('Elastic Load Balancing Describe* calls have no resource-level permissions'),
    ),
    allow('RegisterTasks', ['elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:RegisterTargets'], [lb.targetGroup], {
      condition: projectResourceTag({ project, suffix, projectId: s.project.logicalId }),
      because: 'Elastic Load Balancing assigns the IDs; only target groups tagged with this project qualify',
    }),
    allow('ShiftTraffic', ['elasticloadbalancing:ModifyListener', 'elasticloadbalancing:ModifyRule'], lb.listeners, { because: LISTENERS_BECAUSE }),
    allow('InvokeLifecycleHooks', ['lambda:InvokeFunction'], [arn('lambda', `function:${project}-*-check-${suffix}`)]),
  ];
}

/** `configuredActions`: what the configuration adds to workload roles (see workloadBoundaryActions). */
export function buildMemberRolesTemplate(memberStacks: readonly MemberStack[], configuredActions: readonly string[] = []): Template {
  const t = new TemplateBuilder(
    'Member-account roles for the container delivery platform: the service deploy policy, the CloudFormation execution role, the workload permissions boundary and the CodeDeploy role of the blue/green hook. Rolled out with StackSets.',
  );
  const { project, suffix } = standardParameters(t);
  const toolsAccount = t.parameter(ID.toolsAccountId, accountIdParameter('AWS account ID of the tools account that runs the pipelines'));
  const toolsSuffix = t.parameter(ID.toolsEnvironmentSuffix, {
    ...ENVIRONMENT_SUFFIX,
    Description: 'Environment suffix of the tools account stacks; part of the pipeline role and artifact bucket names',
  });

  const scope: Scope = { project, suffix };
  const nameOf = (r: MemberRole) => ({
    value: memberRoleName(r, project, suffix),
    arn: memberRoleArn(r, 'AWS::AccountId', project, suffix),
  });
  const execution = nameOf('execution');
  const codeDeploy = nameOf('codeDeploy');
  const deployArns = [serviceDeployRoleArnPattern(project, suffix)];
  const boundaryArn = workloadBoundaryArn(project, suffix);
  const projectName = `\${${project.logicalId}}`;
  const suffixName = `\${${suffix.logicalId}}`;
  const lbArns = loadBalancingArns({ project: projectName, suffix: suffixName, projectId: project.logicalId });

  const boundary = t.resource(ID.workloadBoundary, 'AWS::IAM::ManagedPolicy', {
    ManagedPolicyName: workloadBoundaryName(project, suffix),
    Description: 'Permissions boundary of every role the member stacks create: what workloads use, nothing of IAM, Organizations, STS or account settings',
    PolicyDocument: policyDocument(boundaryStatements(memberStacks, configuredActions)),
  });
  const ecsInfrastructure = nameOf('ecsInfrastructure');

  const codeDeployRole = role(t, ID.codeDeployRole, {
    roleName: codeDeploy.value,
    description: 'Service role of the AWS::CodeDeploy::BlueGreen hook: CodeDeploy shifts ECS traffic between task sets',
    assumedBy: { Service: 'codedeploy.amazonaws.com' },
    // For ECS blue/green deployments created through CloudFormation, CodeDeploy assumes
    // the role with aws:SourceArn set to the stack's ARN
    // (https://docs.aws.amazon.com/codedeploy/latest/userguide/security_confused_deputy.html).
    trustCondition: {
      StringEquals: { 'aws:SourceAccount': sub('${AWS::AccountId}') },
      ArnLike: { 'aws:SourceArn': arn('cloudformation', `stack/${projectName}-*/*`) },
    },
    policyName: 'blue-green-deployments',
    statements: [
      allow(
        'EcsTaskSets',
        ['ecs:CreateTaskSet', 'ecs:DeleteTaskSet', 'ecs:DescribeServices', 'ecs:UpdateServicePrimaryTaskSet'],
        [
          arn('ecs', `service/${projectName}-cluster-${suffixName}/*`),
          arn('ecs', `task-set/${projectName}-cluster-${suffixName}/*/*`),
        ],
      ),
      // The green task set carries the service's tags: tagging on create is authorized
      // separately, as ecs:TagResource with ecs:CreateAction CreateTaskSet (Amazon ECS
      // Developer Guide, "Grant permission to tag resources on creation").
      allow('TagGreenTaskSets', ['ecs:TagResource'], [arn('ecs', `task-set/${projectName}-cluster-${suffixName}/*/*`)], {
        condition: { StringEquals: { 'ecs:CreateAction': 'CreateTaskSet' } },
      }),
      allow('ShiftTraffic', ['elasticloadbalancing:ModifyListener', 'elasticloadbalancing:ModifyRule'], lbArns.listeners, { because: LISTENERS_BECAUSE }),
      allow(
        'DescribeLoadBalancing',
        ['elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeRules', 'elasticloadbalancing:DescribeTargetGroups'],
        anyResource('Elastic Load Balancing Describe* calls have no resource-level permissions'),
      ),
      allow('ReadAlarms', ['cloudwatch:DescribeAlarms'], [arn('cloudwatch', `alarm:${projectName}-*`)]),
      allow('InvokeLifecycleHooks', ['lambda:InvokeFunction'], [arn('lambda', `function:CodeDeployHook_${projectName}-*`)]),
      allow('PassTaskRoles', ['iam:PassRole'], [iamArn(`role/${projectName}-workload/*`)], {
        condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    ],
  });

  const execution$ = executionStatements(scope, {
    codeDeploy: codeDeploy.arn,
    ecsInfrastructure: ecsInfrastructure.arn,
    protected: [execution.arn, codeDeploy.arn, ecsInfrastructure.arn, ...deployArns],
    boundary: boundaryArn,
  }, memberStacks);
  const executionRole = role(t, ID.executionRole, {
    roleName: execution.value,
    description: 'CloudFormation execution role for the network, ECS service and service canary stacks of this project',
    assumedBy: { Service: 'cloudformation.amazonaws.com' },
    trustWithoutSourceAccount:
      'CloudFormation documents no aws:SourceAccount/aws:SourceArn for service roles; only a principal allowed iam:PassRole on this role (the deploy roles) can hand it over',
    policyName: 'blue-green-hook-and-guards',
    statements: execution$.inline,
  });
  packStatements(execution$.handler).forEach((statements, i) => {
    t.resource(`${ID.executionPolicy}${i + 1}`, 'AWS::IAM::ManagedPolicy', {
      Description: `Execution role, part ${i + 1}: the resource handlers' actions`,
      PolicyDocument: policyDocument(statements),
      Roles: [executionRole.ref()],
    });
  });

  const ecsInfrastructureRole = role(t, ID.ecsInfrastructureRole, {
    roleName: ecsInfrastructure.value,
    description: 'ECS-native blue/green: moves listener rules between target groups, invokes the lifecycle hook',
    assumedBy: { Service: 'ecs.amazonaws.com' },
    trustWithoutSourceAccount:
      'the ECS Developer Guide ("Amazon ECS infrastructure IAM role for load balancers") gives the trust without conditions and documents no aws:SourceAccount; only the execution role may pass it, to ECS',
    policyName: 'ecs-blue-green-deployments',
    statements: ecsInfrastructureStatements(scope),
  });

  // One policy for every service's deploy role (service-deploy-role.json): the stacks it
  // names are those of the service in the role's own Service tag, which only an IAM
  // administrator can change.
  t.resource(ID.deployPolicy, 'AWS::IAM::ManagedPolicy', {
    ManagedPolicyName: deployPolicyName(project, suffix),
    Description: "Service deploy roles: change sets on the stacks of the role's own service (its Service tag)",
    PolicyDocument: policyDocument([
      ...deployStatements(scope, `\${!aws:PrincipalTag/${SERVICE_TAG}}`, { account: toolsAccount, suffix: toolsSuffix }, execution.arn),
      DENY_TERMINATE_INSTANCES,
    ]),
  });

  t.output('ExecutionRoleArn', { description: 'ARN of the CloudFormation execution role', value: executionRole.getAtt('Arn') });
  t.output('EcsInfrastructureRoleArn', {
    description: 'ARN of the ECS infrastructure role of ECS-native blue/green deployments',
    value: ecsInfrastructureRole.getAtt('Arn'),
  });
  t.output('CodeDeployRoleArn', { description: 'ARN of the CodeDeploy role of the blue/green hook', value: codeDeployRole.getAtt('Arn') });
  t.output('WorkloadBoundaryArn', { description: 'ARN of the permissions boundary of every workload role', value: boundary.ref() });
  return t.build();
}

/**
 * One parameter file per environment: what `aws cloudformation deploy` (one account) or
 * a StackSet's per-account parameter overrides need.
 */
export function memberRolesParameterFiles(config: ResolvedConfig): ParameterFile[] {
  const { tools } = config;
  return config.environments.map((env) => ({
    path: `parameters/member-roles/${env.name}.json`,
    parameters: {
      ...standardParameterValues(config, env),
      [ID.toolsAccountId]: tools.accountId,
      [ID.toolsEnvironmentSuffix]: tools.environmentSuffix,
    },
    tags: standardTagValues(config, env),
  }));
}

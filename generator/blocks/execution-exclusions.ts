/**
 * The handler actions of the member stacks' resource types that the CloudFormation
 * execution role (execution-role.json) does not get, each with the reason. One table:
 * the permissions test lists it.
 */
import { Exclusion, exclude } from '../core/handler-permissions';
import { LOG_GROUP_EXCLUSIONS } from './log-group-exclusions';

export const EXECUTION_ROLE_EXCLUSIONS: readonly Exclusion[] = [
  ...LOG_GROUP_EXCLUSIONS,
  // Not IAM actions: names in the registry schemas that IAM does not know.
  exclude('AWS::S3::Bucket', ['S3:GetBucketWebsite'], 'not an IAM action (a mis-capitalised s3:GetBucketWebsite in the registry schema); no bucket is a website'),
  exclude('AWS::Synthetics::Canary', ['lambda:GetLayerVersionByArn'], 'not an IAM action; lambda:GetLayerVersion authorizes GetLayerVersionByArn'),
  exclude(
    'AWS::Synthetics::Canary',
    ['s3:PutBucketEncryption'],
    'not an IAM action (s3:PutEncryptionConfiguration authorizes PutBucketEncryption); the canary sets no ArtifactConfig anyway',
  ),
  // Never: account-wide settings and IAM escalation paths.
  exclude(
    'AWS::ECS::Cluster',
    ['ecs:PutAccountSetting', 'ecs:PutAccountSettingDefault'],
    'account-wide ECS settings are never changed from a stack; the cluster sets only ClusterSettings (containerInsights)',
  ),
  exclude(
    'AWS::IAM::Role',
    ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
    'no workload role has ManagedPolicyArns (project rule CD004): no managed policy may be attached, so none is ever detached',
  ),
  exclude('AWS::IAM::Role', ['iam:DeleteRolePermissionsBoundary'], 'a workload role never loses the workload boundary; the role also denies it explicitly'),
  // Properties the templates never set.
  exclude(
    'AWS::EC2::EIP',
    ['ec2:AcceptAddressTransfer', 'ec2:AssociateAddress', 'ec2:DisassociateAddress'],
    'called only for TransferAddress, InstanceId or NetworkInterfaceId, which the NAT addresses never set (the NAT gateway holds the address)',
  ),
  exclude(
    'AWS::EC2::NatGateway',
    ['ec2:AssignPrivateNatGatewayAddress', 'ec2:AssociateNatGatewayAddress', 'ec2:DisassociateNatGatewayAddress', 'ec2:UnassignPrivateNatGatewayAddress'],
    'called only for secondary addresses (SecondaryAllocationIds, SecondaryPrivateIpAddresses), which are never set',
  ),
  exclude('AWS::EC2::Subnet', ['ec2:AssociateSubnetCidrBlock', 'ec2:DisassociateSubnetCidrBlock'], 'called only for Ipv6CidrBlock, which is never set (IPv4 only)'),
  exclude('AWS::EC2::VPC', ['ec2:CreateVpcEncryptionControl', 'ec2:ModifyVpcTenancy'], 'called only for VpcEncryptionControl and InstanceTenancy, which are never set'),
  exclude('AWS::EC2::VPCGatewayAttachment', ['ec2:AttachVpnGateway', 'ec2:DetachVpnGateway'], 'called only for VpnGatewayId; the attachment attaches an internet gateway'),
  exclude(
    'AWS::EC2::FlowLog',
    ['iam:CreateServiceLinkedRole'],
    'a flow log that delivers to CloudWatch Logs with DeliverLogsPermissionArn uses that role; no service-linked role is created',
  ),
  exclude(
    'AWS::EC2::FlowLog',
    ['logs:CreateLogDelivery', 'logs:DeleteLogDelivery', 's3:GetBucketPolicy', 's3:PutBucketPolicy'],
    'called only for S3 or Firehose destinations; the flow log delivers to CloudWatch Logs with its own role',
  ),
  exclude(
    'AWS::ElasticLoadBalancingV2::LoadBalancer',
    ['elasticloadbalancing:ModifyCapacityReservation', 'elasticloadbalancing:ModifyIpPools'],
    'called only for MinimumLoadBalancerCapacity and Ipv4IpamPoolId, which are never set',
  ),
  exclude('AWS::ElasticLoadBalancingV2::Listener', ['cognito-idp:DescribeUserPoolClient'], 'called only for authenticate-cognito actions; the listeners only forward'),
  exclude('AWS::ECS::Cluster', ['kms:DescribeKey'], 'called only for a managed storage KMS key (Configuration.ManagedStorageConfiguration), which is never set'),
  exclude(
    'AWS::ECS::Service',
    ['ecs:StopServiceDeployment'],
    'called only to stop an ECS-controlled deployment on update; blue/green services are CODE_DEPLOY-controlled and rolling updates are not stopped by CloudFormation',
  ),
  exclude(
    'AWS::Lambda::Function',
    ['lambda:GetCodeSigningConfig', 'lambda:PutFunctionCodeSigningConfig', 'lambda:DeleteFunctionCodeSigningConfig'],
    'called only for CodeSigningConfigArn, which is never set',
  ),
  exclude('AWS::Lambda::Function', ['lambda:PutFunctionConcurrency', 'lambda:DeleteFunctionConcurrency'], 'called only for ReservedConcurrentExecutions, which is never set'),
  exclude(
    'AWS::Lambda::Function',
    ['lambda:PutFunctionRecursionConfig', 'lambda:PutFunctionScalingConfig', 'lambda:PutRuntimeManagementConfig', 'lambda:PassCapacityProvider'],
    'called only for RecursiveLoop, FunctionScalingConfig, RuntimeManagementConfig and CapacityProviderConfig, which are never set',
  ),
  exclude('AWS::Lambda::Function', ['elasticfilesystem:DescribeMountTargets', 's3files:ListMountTargets'], 'called only for FileSystemConfigs, which is never set'),
  exclude(
    'AWS::Lambda::Function',
    ['kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
    'called only for KmsKeyArn; the function environment uses the AWS managed key',
  ),
  exclude('AWS::Lambda::Function', ['s3:GetObject', 's3:GetObjectVersion'], "called only for code in S3; the check function's code is inline (ZipFile)"),
  exclude('AWS::Synthetics::Canary', ['s3:GetObject', 's3:GetObjectVersion'], "called only for canary code in S3; the canary's script is inline"),
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
    "called only for AccessControl and OwnershipControls; the bucket keeps S3's defaults (ACLs disabled, bucket owner enforced)",
  ),
  exclude(
    'AWS::S3::Bucket',
    ['s3:PutBucketObjectLockConfiguration', 's3:PutObjectLockConfiguration'],
    'called only for ObjectLockEnabled / ObjectLockConfiguration, which are never set',
  ),
  exclude('AWS::S3::Bucket', ['s3:PutBucketVersioning'], 'called only for VersioningConfiguration; neither the canary bucket nor the access log bucket is versioned'),
  exclude('AWS::ElasticLoadBalancingV2::ListenerRule', ['cognito-idp:DescribeUserPoolClient'], 'called only for authenticate-cognito rule actions; every rule forwards'),
  exclude(
    'AWS::S3::Bucket',
    ['s3:DeleteBucketEncryption', 's3:DeleteBucketLifecycle'],
    'called only when BucketEncryption or LifecycleConfiguration is removed; every bucket keeps both',
  ),
  exclude('AWS::ApplicationAutoScaling::ScalableTarget', ['iam:PassRole'], 'called only for RoleARN, which is never set: Application Auto Scaling uses its service-linked role'),
  exclude(
    'AWS::ApplicationAutoScaling::ScalableTarget',
    ['application-autoscaling:DeleteScheduledAction', 'application-autoscaling:PutScheduledAction'],
    'called only for ScheduledActions, which are never set',
  ),
  exclude(
    'AWS::ApplicationAutoScaling::ScalableTarget',
    ['lambda:DeleteProvisionedConcurrencyConfig', 'lambda:GetProvisionedConcurrencyConfig', 'lambda:PutProvisionedConcurrencyConfig'],
    'called only for Lambda provisioned concurrency; every scalable target is an ECS service',
  ),
];

/**
 * member-roles.json: the roles a StackSet rolls out to every member account (dev,
 * staging, prod). Nothing in it is specific to one account or region: the tools account
 * and the environment come in as parameters, and role names carry the region so that
 * two regions of one account never collide. Pipeline artifacts are read from every
 * artifact bucket of the project by name pattern (see naming.ts), so adding a service's
 * pipeline needs no StackSet update.
 *
 * - DeployRole: assumed by this project's pipeline roles in the tools account; creates
 *   and executes change sets on this project's stacks, reads pipeline artifacts and
 *   passes the execution role to CloudFormation.
 * - ExecutionRole: the role CloudFormation uses for the network, ECS service and service
 *   canary stacks; it may manage exactly the resource types those templates contain.
 * - CodeDeployRole: the service role of the AWS::CodeDeploy::BlueGreen hook.
 * - EcsInfrastructureRole: what ECS assumes in ECS-native blue/green deployments
 *   (ecs-service-native.json) to move listener rules and invoke the lifecycle hook.
 */
import { Intrinsic, join, sub } from '../core/intrinsics';
import { Statement, allow, anyResource } from '../core/iam';
import {
  MemberRole,
  artifactBucketArnPattern,
  memberRoleArn,
  memberRoleName,
  pipelineRoleArnPattern,
} from '../core/naming';
import { ENVIRONMENT_SUFFIX, accountIdParameter } from '../core/parameters';
import { ParameterHandle, Template, TemplateBuilder } from '../core/template';
import { role } from '../blocks/role';
import { standardParameterValues, standardParameters, standardTagValues } from '../blocks/standard-parameters';
import { ResolvedConfig } from '../config/types';
import type { ParameterFile } from '../render';

/** Logical IDs: a public contract (renaming one replaces the live resource). */
export const MEMBER_ROLES_IDS = {
  toolsAccountId: 'ToolsAccountId',
  environmentName: 'EnvironmentName',
  environmentSuffix: 'EnvironmentSuffix',
  projectName: 'ProjectName',
  costCenter: 'CostCenter',
  toolsEnvironmentSuffix: 'ToolsEnvironmentSuffix',
  deployRole: 'DeployRole',
  executionRole: 'ExecutionRole',
  codeDeployRole: 'CodeDeployRole',
  ecsInfrastructureRole: 'EcsInfrastructureRole',
} as const;

const ID = MEMBER_ROLES_IDS;

interface Scope {
  readonly project: ParameterHandle<string>;
  readonly suffix: ParameterHandle<string>;
}

/** ARNs in this account and region, for resource-scoped statements. */
function arn(service: string, resource: string): Intrinsic<string> {
  return sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`);
}

function stackArns(s: Scope) {
  return [arn('cloudformation', `stack/\${${s.project.logicalId}}-*/*`)];
}

/** What the deploy role may do: change sets on this project's stacks, nothing more. */
function deployStatements(
  s: Scope,
  tools: { account: ParameterHandle<string>; suffix: ParameterHandle<string> },
  executionRoleArn: Intrinsic<string>,
): Statement[] {
  const buckets = artifactBucketArnPattern(s.project, tools.suffix, tools.account);
  return [
    allow(
      'ChangeSetsOnProjectStacks',
      [
        'cloudformation:CreateChangeSet',
        'cloudformation:DeleteChangeSet',
        'cloudformation:DescribeChangeSet',
        'cloudformation:DescribeStackEvents',
        'cloudformation:DescribeStacks',
        'cloudformation:ExecuteChangeSet',
        'cloudformation:GetTemplate',
        'cloudformation:GetTemplateSummary',
      ],
      [...stackArns(s), arn('cloudformation', `changeSet/\${${s.project.logicalId}}-*/*`)],
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
    allow('ReadPipelineArtifacts', ['s3:GetObject', 's3:GetObjectVersion'], [join('', [buckets, '/*'])]),
    allow('LocatePipelineArtifactBuckets', ['s3:GetBucketLocation'], [buckets]),
    // The artifact keys live in the tools account; each key's policy admits this role
    // only for the pipelines of this project, and only through S3 in this region.
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

/**
 * What CloudFormation needs to create, update and delete the network, ECS service and
 * service canary stacks. Mutations are scoped to this account and region, and where the
 * service allows it to this project's names; Describe/List calls that have no
 * resource-level permissions say so.
 */
function executionStatements(s: Scope, codeDeployRoleArn: Intrinsic<string>): Statement[] {
  const project = `\${${s.project.logicalId}}`;
  const suffix = `\${${s.suffix.logicalId}}`;
  return [
    allow(
      'Ec2Networking',
      [
        'ec2:AllocateAddress',
        'ec2:AssociateRouteTable',
        'ec2:AttachInternetGateway',
        'ec2:AuthorizeSecurityGroupEgress',
        'ec2:AuthorizeSecurityGroupIngress',
        'ec2:CreateFlowLogs',
        'ec2:CreateInternetGateway',
        'ec2:CreateNatGateway',
        'ec2:CreateRoute',
        'ec2:CreateRouteTable',
        'ec2:CreateSecurityGroup',
        'ec2:CreateSubnet',
        'ec2:CreateTags',
        'ec2:CreateVpc',
        'ec2:DeleteFlowLogs',
        'ec2:DeleteInternetGateway',
        'ec2:DeleteNatGateway',
        'ec2:DeleteRoute',
        'ec2:DeleteRouteTable',
        'ec2:DeleteSecurityGroup',
        'ec2:DeleteSubnet',
        'ec2:DeleteTags',
        'ec2:DeleteVpc',
        'ec2:DetachInternetGateway',
        'ec2:DisassociateAddress',
        'ec2:DisassociateRouteTable',
        'ec2:ModifySubnetAttribute',
        'ec2:ModifyVpcAttribute',
        'ec2:ReleaseAddress',
        'ec2:ReplaceRoute',
        'ec2:RevokeSecurityGroupEgress',
        'ec2:RevokeSecurityGroupIngress',
      ],
      [arn('ec2', '*')],
    ),
    allow(
      'Ec2Describe',
      [
        'ec2:DescribeAccountAttributes',
        'ec2:DescribeAddresses',
        'ec2:DescribeAvailabilityZones',
        'ec2:DescribeFlowLogs',
        'ec2:DescribeInternetGateways',
        'ec2:DescribeNatGateways',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeRouteTables',
        'ec2:DescribeSecurityGroupRules',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeSubnets',
        'ec2:DescribeVpcAttribute',
        'ec2:DescribeVpcs',
      ],
      anyResource('EC2 Describe* calls have no resource-level permissions'),
    ),
    allow(
      'LoadBalancing',
      [
        'elasticloadbalancing:AddTags',
        'elasticloadbalancing:CreateListener',
        'elasticloadbalancing:CreateLoadBalancer',
        'elasticloadbalancing:CreateRule',
        'elasticloadbalancing:CreateTargetGroup',
        'elasticloadbalancing:DeleteListener',
        'elasticloadbalancing:DeleteLoadBalancer',
        'elasticloadbalancing:DeleteRule',
        'elasticloadbalancing:DeleteTargetGroup',
        'elasticloadbalancing:ModifyListener',
        'elasticloadbalancing:ModifyLoadBalancerAttributes',
        'elasticloadbalancing:ModifyRule',
        'elasticloadbalancing:ModifyTargetGroup',
        'elasticloadbalancing:ModifyTargetGroupAttributes',
        'elasticloadbalancing:RemoveTags',
        'elasticloadbalancing:SetSecurityGroups',
        'elasticloadbalancing:SetSubnets',
      ],
      [
        arn('elasticloadbalancing', `loadbalancer/app/*-${suffix}/*`),
        arn('elasticloadbalancing', `listener/app/*-${suffix}/*`),
        arn('elasticloadbalancing', `listener-rule/app/*-${suffix}/*`),
        arn('elasticloadbalancing', `targetgroup/*-${suffix}/*`),
      ],
    ),
    allow(
      'LoadBalancingDescribe',
      [
        'elasticloadbalancing:DescribeListenerAttributes',
        'elasticloadbalancing:DescribeListeners',
        'elasticloadbalancing:DescribeLoadBalancerAttributes',
        'elasticloadbalancing:DescribeLoadBalancers',
        'elasticloadbalancing:DescribeRules',
        'elasticloadbalancing:DescribeTags',
        'elasticloadbalancing:DescribeTargetGroupAttributes',
        'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetHealth',
      ],
      anyResource('Elastic Load Balancing Describe* calls have no resource-level permissions'),
    ),
    allow(
      'EcsClusterAndServices',
      [
        'ecs:CreateCluster',
        'ecs:CreateService',
        'ecs:CreateTaskSet',
        'ecs:DeleteCluster',
        'ecs:DeleteService',
        'ecs:DeleteTaskSet',
        'ecs:DescribeClusters',
        'ecs:DescribeServices',
        'ecs:DescribeTaskSets',
        'ecs:PutClusterCapacityProviders',
        'ecs:TagResource',
        'ecs:UntagResource',
        'ecs:UpdateCluster',
        'ecs:UpdateClusterSettings',
        'ecs:UpdateService',
        'ecs:UpdateServicePrimaryTaskSet',
        'ecs:UpdateTaskSet',
      ],
      [
        arn('ecs', `cluster/${project}-cluster-${suffix}`),
        arn('ecs', `service/${project}-cluster-${suffix}/*`),
        arn('ecs', `task-set/${project}-cluster-${suffix}/*/*`),
      ],
    ),
    // Task definitions carry the standard tags, and tagging on create is authorized on
    // the task definition (its family is generated from the stack name).
    allow('TagTaskDefinitions', ['ecs:TagResource', 'ecs:UntagResource'], [arn('ecs', 'task-definition/*:*')]),
    allow(
      'EcsTaskDefinitions',
      ['ecs:DeregisterTaskDefinition', 'ecs:DescribeTaskDefinition', 'ecs:RegisterTaskDefinition'],
      anyResource('ecs:RegisterTaskDefinition, DeregisterTaskDefinition and DescribeTaskDefinition have no resource-level permissions'),
    ),
    allow(
      'WorkloadRoles',
      [
        'iam:CreateRole',
        'iam:DeleteRole',
        'iam:DeleteRolePolicy',
        'iam:GetRole',
        'iam:GetRolePolicy',
        'iam:ListAttachedRolePolicies',
        'iam:ListRolePolicies',
        'iam:PutRolePolicy',
        'iam:TagRole',
        'iam:UntagRole',
        'iam:UpdateAssumeRolePolicy',
        'iam:UpdateRole',
        'iam:UpdateRoleDescription',
      ],
      [sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${project}-workload/*`)],
    ),
    allow('PassWorkloadRoles', ['iam:PassRole'], [sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${project}-workload/*`)], {
      condition: {
        StringEquals: {
          'iam:PassedToService': ['ecs-tasks.amazonaws.com', 'lambda.amazonaws.com', 'synthetics.amazonaws.com', 'vpc-flow-logs.amazonaws.com'],
        },
      },
    }),
    // The first load balancer and the first ECS cluster of an account create their
    // service-linked roles; nothing else may be created that way.
    allow(
      'ServiceLinkedRoles',
      ['iam:CreateServiceLinkedRole'],
      [
        sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS'),
        sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing'),
      ],
      { condition: { StringEquals: { 'iam:AWSServiceName': ['ecs.amazonaws.com', 'elasticloadbalancing.amazonaws.com'] } } },
    ),
    allow('PassCodeDeployRole', ['iam:PassRole'], [codeDeployRoleArn], {
      condition: { StringEquals: { 'iam:PassedToService': 'codedeploy.amazonaws.com' } },
    }),
    allow(
      'LogGroups',
      [
        'logs:CreateLogGroup',
        'logs:DeleteLogGroup',
        'logs:DeleteRetentionPolicy',
        'logs:PutRetentionPolicy',
        'logs:TagResource',
        'logs:UntagResource',
      ],
      [arn('logs', `log-group:/${project}/*`)],
    ),
    allow('LogGroupsDescribe', ['logs:DescribeLogGroups', 'logs:ListTagsForResource'], anyResource(
      'logs:DescribeLogGroups has no resource-level permissions',
    )),
    allow(
      'PreTrafficFunction',
      [
        'lambda:CreateFunction',
        'lambda:DeleteFunction',
        'lambda:GetFunction',
        'lambda:GetFunctionConfiguration',
        'lambda:TagResource',
        'lambda:UntagResource',
        'lambda:UpdateFunctionCode',
        'lambda:UpdateFunctionConfiguration',
      ],
      [arn('lambda', `function:CodeDeployHook_${project}-*`)],
    ),
    // service-canary.json: CloudWatch Synthetics creates the canary's Lambda function and
    // layer (`cwsyn-{canary}-*`) with the caller's permissions, and deletes them with the
    // canary (ProvisionedResourceCleanup); the runtime's own layers belong to AWS accounts.
    allow(
      'CanaryFunctions',
      [
        'lambda:AddPermission',
        'lambda:CreateFunction',
        'lambda:DeleteFunction',
        'lambda:GetFunctionConfiguration',
        'lambda:PublishVersion',
        'lambda:UpdateFunctionCode',
        'lambda:UpdateFunctionConfiguration',
      ],
      [arn('lambda', 'function:cwsyn-*')],
    ),
    allow('CanaryLayers', ['lambda:DeleteLayerVersion', 'lambda:GetLayerVersion', 'lambda:PublishLayerVersion'], [arn('lambda', 'layer:cwsyn-*')]),
    allow('SyntheticsRuntimeLayers', ['lambda:GetLayerVersion'], [
      sub('arn:${AWS::Partition}:lambda:${AWS::Region}:*:layer:Synthetics:*'),
      sub('arn:${AWS::Partition}:lambda:${AWS::Region}:*:layer:AWS-CW-Synthetics*'),
    ]),
    // Canary names cannot hold the project (21 characters): they end in `-{suffix}` like
    // the load balancers. CreateCanary has no resource type; it is held to canaries that
    // carry this project's Project tag.
    allow(
      'Canaries',
      [
        'synthetics:DeleteCanary',
        'synthetics:GetCanary',
        'synthetics:ListTagsForResource',
        'synthetics:StartCanary',
        'synthetics:StopCanary',
        'synthetics:TagResource',
        'synthetics:UntagResource',
        'synthetics:UpdateCanary',
      ],
      [arn('synthetics', `canary:*-${suffix}`)],
    ),
    allow('CreateCanaries', ['synthetics:CreateCanary'], anyResource('synthetics:CreateCanary has no resource-level permissions'), {
      condition: { StringEquals: { 'aws:RequestTag/Project': sub(project) } },
    }),
    // The canaries' artifact buckets, `{project}-{service}-canary-{suffix}-{account}`.
    allow(
      'CanaryArtifactBuckets',
      [
        's3:CreateBucket',
        's3:DeleteBucket',
        's3:DeleteBucketPolicy',
        's3:Get*Configuration',
        's3:GetBucket*',
        's3:ListBucket',
        's3:PutBucketPolicy',
        's3:PutBucketPublicAccessBlock',
        's3:PutBucketTagging',
        's3:PutEncryptionConfiguration',
        's3:PutLifecycleConfiguration',
      ],
      [sub(`arn:\${AWS::Partition}:s3:::${project}-*-canary-${suffix}-\${AWS::AccountId}`)],
    ),
    allow(
      'Alarms',
      [
        'cloudwatch:DeleteAlarms',
        'cloudwatch:DescribeAlarms',
        'cloudwatch:ListTagsForResource',
        'cloudwatch:PutMetricAlarm',
        'cloudwatch:TagResource',
        'cloudwatch:UntagResource',
      ],
      [arn('cloudwatch', `alarm:${project}-*`)],
    ),
    // The network stack hands its IDs to the service stacks through SSM parameters
    // under /{project}/; resolving the service stacks' SSM parameter types reads them.
    allow(
      'NetworkParameters',
      [
        'ssm:AddTagsToResource',
        'ssm:DeleteParameter',
        'ssm:GetParameters',
        'ssm:ListTagsForResource',
        'ssm:PutParameter',
        'ssm:RemoveTagsFromResource',
      ],
      [arn('ssm', `parameter/${project}/*`)],
    ),
    // What the AWS::CodeDeploy::BlueGreen hook needs, as the CloudFormation User Guide
    // lists it ("IAM permissions necessary for blue/green deployments"): codedeploy:Get*
    // and codedeploy:CreateCloudFormationDeployment. The hook creates no CodeDeploy
    // application or deployment group of its own that the stack would manage. The Get
    // calls are scoped to this account's CodeDeploy resources; the two actions without
    // resource types are granted on their own.
    allow('BlueGreenHookReads', ['codedeploy:Get*'], [
      arn('codedeploy', `application:*`),
      arn('codedeploy', `deploymentgroup:*/*`),
      arn('codedeploy', `deploymentconfig:*`),
    ]),
    allow(
      'BlueGreenHookDeployments',
      ['codedeploy:CreateCloudFormationDeployment', 'codedeploy:GetDeploymentTarget'],
      anyResource('codedeploy:CreateCloudFormationDeployment and GetDeploymentTarget have no resource-level permissions'),
    ),
  ];
}

// --- ECS-native blue/green (ecs-service-native.json) ------------------------------------
//
// Kept together so that the execution role's rebuild and the permissions boundary can
// take them over as one piece.

/**
 * The ECS infrastructure role: the inline, project-scoped equivalent of the managed
 * AmazonECSInfrastructureRolePolicyForLoadBalancers (AWS Managed Policy Reference) plus
 * the invocation of the lifecycle hook (ECS Developer Guide, "Amazon ECS infrastructure
 * IAM role" for Lambda hooks). Load balancer resources end in `-{suffix}` (naming.ts),
 * hook functions are `{project}-{service}-check-{suffix}`.
 */
function ecsInfrastructureStatements(s: Scope): Statement[] {
  const project = `\${${s.project.logicalId}}`;
  const suffix = `\${${s.suffix.logicalId}}`;
  return [
    allow(
      'ReadLoadBalancing',
      ['elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeRules', 'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth'],
      anyResource('Elastic Load Balancing Describe* calls have no resource-level permissions'),
    ),
    allow('RegisterTasks', ['elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:RegisterTargets'], [arn('elasticloadbalancing', `targetgroup/*-${suffix}/*`)]),
    allow('ShiftTraffic', ['elasticloadbalancing:ModifyListener', 'elasticloadbalancing:ModifyRule'], [
      arn('elasticloadbalancing', `listener/app/*-${suffix}/*`),
      arn('elasticloadbalancing', `listener-rule/app/*-${suffix}/*`),
    ]),
    allow('InvokeLifecycleHooks', ['lambda:InvokeFunction'], [arn('lambda', `function:${project}-*-check-${suffix}`)]),
  ];
}

/**
 * What the execution role needs beyond the other stacks for ecs-service-native.json:
 * the ECS service handler's deployment calls (registry handler permissions of
 * AWS::ECS::Service), listener rule priorities (AWS::ElasticLoadBalancingV2::ListenerRule),
 * the hook function, and passing the infrastructure role to ECS.
 */
function ecsNativeExecutionStatements(s: Scope, infrastructureRoleArn: Intrinsic<string>): Statement[] {
  const project = `\${${s.project.logicalId}}`;
  const suffix = `\${${s.suffix.logicalId}}`;
  return [
    allow(
      'EcsServiceDeployments',
      ['ecs:DescribeServiceDeployments', 'ecs:ListServiceDeployments', 'ecs:ListTagsForResource', 'ecs:StopServiceDeployment'],
      [arn('ecs', `service/${project}-cluster-${suffix}/*`), arn('ecs', `service-deployment/${project}-cluster-${suffix}/*/*`)],
    ),
    allow('ListenerRulePriorities', ['elasticloadbalancing:SetRulePriorities'], [arn('elasticloadbalancing', `listener-rule/app/*-${suffix}/*`)]),
    allow(
      'LifecycleHookFunctions',
      [
        'lambda:CreateFunction',
        'lambda:DeleteFunction',
        'lambda:GetFunction',
        'lambda:GetFunctionConfiguration',
        'lambda:TagResource',
        'lambda:UntagResource',
        'lambda:UpdateFunctionCode',
        'lambda:UpdateFunctionConfiguration',
      ],
      [arn('lambda', `function:${project}-*-check-${suffix}`)],
    ),
    allow('PassEcsInfrastructureRole', ['iam:PassRole'], [infrastructureRoleArn], {
      condition: { StringEquals: { 'iam:PassedToService': 'ecs.amazonaws.com' } },
    }),
  ];
}

export function buildMemberRolesTemplate(): Template {
  const t = new TemplateBuilder(
    'Member-account roles for the container delivery platform: the cross-account deploy role, the CloudFormation execution role and the CodeDeploy role of the blue/green hook. Rolled out with StackSets.',
  );
  const { project, suffix } = standardParameters(t);
  const toolsAccount = t.parameter(ID.toolsAccountId, accountIdParameter('AWS account ID of the tools account that runs the pipelines'));
  const toolsSuffix = t.parameter(ID.toolsEnvironmentSuffix, {
    ...ENVIRONMENT_SUFFIX,
    Description: 'Environment suffix of the tools account stacks; part of the pipeline artifact bucket names',
  });

  const scope: Scope = { project, suffix };
  const nameOf = (r: MemberRole) => ({
    value: memberRoleName(r, project, suffix),
    arn: memberRoleArn(r, 'AWS::AccountId', project, suffix),
  });
  const deploy = nameOf('deploy');
  const execution = nameOf('execution');
  const codeDeploy = nameOf('codeDeploy');
  const ecsInfrastructure = nameOf('ecsInfrastructure');

  const codeDeployRole = role(t, ID.codeDeployRole, {
    roleName: codeDeploy.value,
    description: 'Service role of the AWS::CodeDeploy::BlueGreen hook: CodeDeploy shifts ECS traffic between task sets',
    assumedBy: { Service: 'codedeploy.amazonaws.com' },
    policyName: 'blue-green-deployments',
    statements: [
      allow(
        'EcsTaskSets',
        ['ecs:CreateTaskSet', 'ecs:DeleteTaskSet', 'ecs:DescribeServices', 'ecs:UpdateServicePrimaryTaskSet'],
        [
          arn('ecs', `service/\${${project.logicalId}}-cluster-\${${suffix.logicalId}}/*`),
          arn('ecs', `task-set/\${${project.logicalId}}-cluster-\${${suffix.logicalId}}/*/*`),
        ],
      ),
      allow(
        'ShiftTraffic',
        ['elasticloadbalancing:ModifyListener', 'elasticloadbalancing:ModifyRule'],
        [
          arn('elasticloadbalancing', `listener/app/*-\${${suffix.logicalId}}/*`),
          arn('elasticloadbalancing', `listener-rule/app/*-\${${suffix.logicalId}}/*`),
        ],
      ),
      allow(
        'DescribeLoadBalancing',
        ['elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeRules', 'elasticloadbalancing:DescribeTargetGroups'],
        anyResource('Elastic Load Balancing Describe* calls have no resource-level permissions'),
      ),
      allow('ReadAlarms', ['cloudwatch:DescribeAlarms'], [arn('cloudwatch', `alarm:\${${project.logicalId}}-*`)]),
      allow('InvokeLifecycleHooks', ['lambda:InvokeFunction'], [arn('lambda', `function:CodeDeployHook_\${${project.logicalId}}-*`)]),
      allow('PassTaskRoles', ['iam:PassRole'], [sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/\${${project.logicalId}}-workload/*`)], {
        condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    ],
  });

  const executionRole = role(t, ID.executionRole, {
    roleName: execution.value,
    description: 'CloudFormation execution role for the network, ECS service and service canary stacks of this project',
    assumedBy: { Service: 'cloudformation.amazonaws.com' },
    policyName: 'network-and-service-stacks',
    statements: [...executionStatements(scope, codeDeploy.arn), ...ecsNativeExecutionStatements(scope, ecsInfrastructure.arn)],
  });

  const ecsInfrastructureRole = role(t, ID.ecsInfrastructureRole, {
    roleName: ecsInfrastructure.value,
    description: 'ECS infrastructure role of ECS-native blue/green: moves listener rules between target groups and invokes the lifecycle hook',
    // The trust policy the ECS Developer Guide gives for this role, without conditions.
    assumedBy: { Service: 'ecs.amazonaws.com' },
    policyName: 'ecs-blue-green-deployments',
    statements: ecsInfrastructureStatements(scope),
  });

  const deployRole = role(t, ID.deployRole, {
    roleName: deploy.value,
    description: 'Cross-account deploy role: the tools-account pipelines of this project create and execute change sets with it',
    assumedBy: { AWS: sub(`arn:\${AWS::Partition}:iam::\${${toolsAccount.logicalId}}:root`) },
    trustCondition: { ArnLike: { 'aws:PrincipalArn': pipelineRoleArnPattern(toolsAccount, project) } },
    policyName: 'change-sets-on-project-stacks',
    statements: deployStatements(scope, { account: toolsAccount, suffix: toolsSuffix }, execution.arn),
    maxSessionDurationSeconds: 3600,
  });

  t.output('DeployRoleArn', { description: 'ARN of the cross-account deploy role (the pipeline action role)', value: deployRole.getAtt('Arn') });
  t.output('ExecutionRoleArn', { description: 'ARN of the CloudFormation execution role', value: executionRole.getAtt('Arn') });
  t.output('EcsInfrastructureRoleArn', {
    description: 'ARN of the ECS infrastructure role of ECS-native blue/green deployments',
    value: ecsInfrastructureRole.getAtt('Arn'),
  });
  t.output('CodeDeployRoleArn', { description: 'ARN of the CodeDeploy role of the blue/green hook', value: codeDeployRole.getAtt('Arn') });
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

/**
 * member-roles.json: the roles a StackSet rolls out to every member account (dev,
 * staging, prod). Nothing in it is specific to one account or region: the tools account
 * and the environment come in as parameters, and role and policy names carry the region
 * so that two regions of one account never collide.
 *
 * - DeployPolicy: the one policy of every service's deploy role (service-deploy-role.json):
 *   creates and executes change sets on the stacks of the role's own service only (never
 *   another service's, the network's or this stack's), reads pipeline artifacts and
 *   passes the execution role to CloudFormation.
 * - WorkloadBoundary: the managed policy that bounds every role the member stacks
 *   create: the actions the workload roles use and nothing of IAM, Organizations,
 *   account settings or STS.
 * - CodeDeployRole: the service role of the AWS::CodeDeploy::BlueGreen hook.
 * - EcsInfrastructureRole: what ECS assumes in ECS-native blue/green deployments
 *   (ecs-service-native.json) to move listener rules and invoke the lifecycle hook.
 *
 * The CloudFormation execution role, whose permissions grow with the member stacks'
 * resource types, is in its own template (execution-role.ts); this one names it only by
 * its fixed name (the deploy policy passes it).
 */
import { Intrinsic, Value, join, sub } from '../core/intrinsics';
import { DENY_TERMINATE_INSTANCES, NEVER_IN_BOUNDARY, Statement, allow, anyResource, policyDocument } from '../core/iam';
import {
  MemberRole,
  SERVICE_TAG,
  artifactBucketArnPattern,
  memberRoleArn,
  memberRoleName,
  nameText,
  deployPolicyName,
  serviceStackNameParts,
  workloadBoundaryName,
} from '../core/naming';
import { ENVIRONMENT_SUFFIX, accountIdParameter } from '../core/parameters';
import { ParameterHandle, ResourceHandle, Template, TemplateBuilder } from '../core/template';
import { arn, iamArn } from '../blocks/account-arns';
import { role } from '../blocks/role';
import { LISTENERS_BECAUSE, loadBalancingArns, projectResourceTag } from '../blocks/network-scopes';
import { standardParameterValues, standardParameters, standardTagValues } from '../blocks/standard-parameters';
import { ResolvedConfig } from '../config/types';
import type { ParameterFile } from '../core/parameter-file';
import { MemberStack } from '../core/member-stack';

/** Logical IDs: a public contract (renaming one replaces the live resource). */
export const MEMBER_ROLES_IDS = {
  toolsAccountId: 'ToolsAccountId',
  environmentName: 'EnvironmentName',
  environmentSuffix: 'EnvironmentSuffix',
  projectName: 'ProjectName',
  costCenter: 'CostCenter',
  toolsEnvironmentSuffix: 'ToolsEnvironmentSuffix',
  codeDeployRole: 'CodeDeployRole',
  workloadBoundary: 'WorkloadBoundary',
  deployPolicy: 'DeployPolicy',
  ecsInfrastructureRole: 'EcsInfrastructureRole',
} as const;

const ID = MEMBER_ROLES_IDS;

interface Scope {
  readonly project: ParameterHandle<string>;
  readonly suffix: ParameterHandle<string>;
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

/** The blue/green hook's service role: CodeDeploy shifts traffic between task sets. */
function codeDeployServiceRole(
  t: TemplateBuilder,
  p: { codeDeploy: { value: Value<string> }; projectName: string; suffixName: string; lbArns: ReturnType<typeof loadBalancingArns> },
): ResourceHandle {
  const { codeDeploy, projectName, suffixName, lbArns } = p;
  return role(t, ID.codeDeployRole, {
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
}

/** ECS-native blue/green: the role ECS assumes to move listener rules and invoke the lifecycle hook. */
function ecsInfrastructureServiceRole(t: TemplateBuilder, scope: Scope, ecsInfrastructure: { value: Value<string> }): ResourceHandle {
  return role(t, ID.ecsInfrastructureRole, {
    roleName: ecsInfrastructure.value,
    description: 'ECS-native blue/green: moves listener rules between target groups, invokes the lifecycle hook',
    assumedBy: { Service: 'ecs.amazonaws.com' },
    trustWithoutSourceAccount:
      'the ECS Developer Guide ("Amazon ECS infrastructure IAM role for load balancers") gives the trust without conditions and documents no aws:SourceAccount; only the execution role may pass it, to ECS',
    policyName: 'ecs-blue-green-deployments',
    statements: ecsInfrastructureStatements(scope),
  });
}

/** The deploy policy every service's deploy role carries (service-deploy-role.json). */
function deployPolicy(
  t: TemplateBuilder,
  scope: Scope,
  tools: { account: ParameterHandle<string>; suffix: ParameterHandle<string> },
  executionRoleArn: Intrinsic<string>,
): void {
  // One policy for every service's deploy role (service-deploy-role.json): the stacks it
  // names are those of the service in the role's own Service tag, which only an IAM
  // administrator can change.
  t.resource(ID.deployPolicy, 'AWS::IAM::ManagedPolicy', {
    ManagedPolicyName: deployPolicyName(scope.project, scope.suffix),
    Description: "Service deploy roles: change sets on the stacks of the role's own service (its Service tag)",
    PolicyDocument: policyDocument([
      ...deployStatements(scope, `\${!aws:PrincipalTag/${SERVICE_TAG}}`, tools, executionRoleArn),
      DENY_TERMINATE_INSTANCES,
    ]),
  });
}

/** `configuredActions`: what the configuration adds to workload roles (see workloadBoundaryActions). */
export function buildMemberRolesTemplate(memberStacks: readonly MemberStack[], configuredActions: readonly string[] = []): Template {
  const t = new TemplateBuilder(
    'Member-account roles for the container delivery platform: the service deploy policy, the workload permissions boundary, the CodeDeploy role of the blue/green hook and the ECS infrastructure role. Rolled out with StackSets; the CloudFormation execution role is in execution-role.json.',
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
  const projectName = `\${${project.logicalId}}`;
  const suffixName = `\${${suffix.logicalId}}`;
  const lbArns = loadBalancingArns({ project: projectName, suffix: suffixName, projectId: project.logicalId });

  const boundary = t.resource(ID.workloadBoundary, 'AWS::IAM::ManagedPolicy', {
    ManagedPolicyName: workloadBoundaryName(project, suffix),
    Description: 'Permissions boundary of every role the member stacks create: what workloads use, nothing of IAM, Organizations, STS or account settings',
    PolicyDocument: policyDocument(boundaryStatements(memberStacks, configuredActions)),
  });
  const ecsInfrastructure = nameOf('ecsInfrastructure');

  const codeDeployRole = codeDeployServiceRole(t, { codeDeploy, projectName, suffixName, lbArns });
  const ecsInfrastructureRole = ecsInfrastructureServiceRole(t, scope, ecsInfrastructure);
  deployPolicy(t, scope, { account: toolsAccount, suffix: toolsSuffix }, execution.arn);

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

/**
 * execution-role.json: the CloudFormation execution role of the member stacks (network,
 * ECS service, service canary, DORA forwarding), rolled out with StackSets to every
 * member account like member-roles.json, after it. Its own template because its
 * permissions grow with every resource type the member stacks add (handler actions from
 * generator/aws-data/handler-permissions.json, EXECUTION_ROLE_EXCLUSIONS and
 * executionScopes), while the template body of a stack deployed without S3 may have at
 * most 51,200 bytes.
 *
 * - ExecutionRole `{project}-cfn-exec-{suffix}-{region}`: passed to CloudFormation only
 *   by the service deploy roles (member-roles.json's deploy policy names it). Its inline
 *   policy holds what the blue/green hook needs and the denies that keep the member roles,
 *   the workload boundary, the deploy policy, this role and its policies out of reach.
 * - ExecutionPolicy1..n `{project}-cfn-exec-{suffix}-{region}-{n}`: the handler actions,
 *   packed into customer-managed policies of at most 6,144 characters each.
 *
 * Everything this template names in member-roles.json it names by its fixed name, so
 * neither stack imports from the other.
 */
import { Intrinsic } from '../core/intrinsics';
import { Statement, allow, anyResource, deny, packStatements, policyDocument } from '../core/iam';
import { rolePermissions, roleStatements } from '../core/role-scopes';
import {
  deployPolicyArn,
  executionPolicyArnPattern,
  executionPolicyName,
  memberRoleArn,
  memberRoleName,
  serviceDeployRoleArnPattern,
  workloadBoundaryArn,
} from '../core/naming';
import { Template, TemplateBuilder } from '../core/template';
import { arn } from '../blocks/account-arns';
import { EXECUTION_ROLE_EXCLUSIONS } from '../blocks/execution-exclusions';
import { ExecutionScope, executionDefaultNames, executionScopes } from '../blocks/execution-scopes';
import { role } from '../blocks/role';
import { standardParameterValues, standardParameters, standardTagValues } from '../blocks/standard-parameters';
import { ResolvedConfig } from '../config/types';
import type { ParameterFile } from '../core/parameter-file';
import { MemberStack, resourceTypesOf } from '../core/member-stack';

export const EXECUTION_ROLE_FILE = 'execution-role.json';

/** Logical IDs: a public contract (renaming one replaces the live resource). Kept from member-roles.json. */
export const EXECUTION_ROLE_IDS = {
  executionRole: 'ExecutionRole',
  executionPolicy: 'ExecutionPolicy',
} as const;

const ID = EXECUTION_ROLE_IDS;

/** What the execution role's guard protects, and the roles it may pass. */
export interface ExecutionRoleTargets {
  readonly codeDeploy: Intrinsic<string>;
  readonly ecsInfrastructure: Intrinsic<string>;
  /** Roles and policies the execution role must never change (its own among them). */
  readonly protected: readonly Intrinsic<string>[];
  readonly boundary: Intrinsic<string>;
}

/** The IAM actions that change a role or a managed policy: denied on every protected one. */
const CHANGE_ROLE_OR_POLICY = [
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
];

/**
 * The execution role's permissions: `handler`, the handler actions of every resource type
 * of the member stacks (minus EXECUTION_ROLE_EXCLUSIONS) in the scopes their registry
 * entries name (core/resource-types.ts, core/role-scopes.ts), which go into
 * customer-managed policies (too large for the 10,240 characters of a role's inline
 * policies); `inline`, what the blue/green hook needs and the explicit denies that keep
 * the boundary, the member roles and the execution role itself out of reach.
 */
export function executionStatements(
  s: ExecutionScope,
  roles: ExecutionRoleTargets,
  templates: readonly MemberStack[],
): { handler: Statement[]; inline: Statement[] } {
  const permissions = rolePermissions('execution role', 'execution', resourceTypesOf(templates), EXECUTION_ROLE_EXCLUSIONS);
  const handler = roleStatements(permissions, executionScopes(s, roles.boundary, permissions), executionDefaultNames(s));
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
    // Whatever a template asks for: no role loses its boundary, and neither the member
    // roles, this role, its policies nor the boundary can be changed through CloudFormation.
    deny('DenyRemovingBoundaries', ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary'], anyResource(
      'no role or user of the account may lose its permissions boundary through this role',
    )),
    deny('DenyChangingMemberRolesAndBoundary', CHANGE_ROLE_OR_POLICY, [...roles.protected, roles.boundary]),
  ];
  return { handler, inline };
}

export function buildExecutionRoleTemplate(templates: readonly MemberStack[]): Template {
  const t = new TemplateBuilder(
    'CloudFormation execution role of the member stacks (network, ECS service, service canary, DORA forwarding) and its handler-derived policies. Rolled out with StackSets after member-roles.json.',
  );
  const { project, suffix } = standardParameters(t);
  const executionRoleArn = memberRoleArn('execution', 'AWS::AccountId', project, suffix);
  const statements = executionStatements(
    { project, suffix },
    {
      codeDeploy: memberRoleArn('codeDeploy', 'AWS::AccountId', project, suffix),
      ecsInfrastructure: memberRoleArn('ecsInfrastructure', 'AWS::AccountId', project, suffix),
      protected: [
        executionRoleArn,
        executionPolicyArnPattern(project, suffix),
        memberRoleArn('codeDeploy', 'AWS::AccountId', project, suffix),
        memberRoleArn('ecsInfrastructure', 'AWS::AccountId', project, suffix),
        serviceDeployRoleArnPattern(project, suffix),
        deployPolicyArn(project, suffix),
      ],
      boundary: workloadBoundaryArn(project, suffix),
    },
    templates,
  );
  const executionRole = role(t, ID.executionRole, {
    roleName: memberRoleName('execution', project, suffix),
    description: 'CloudFormation execution role for the network, ECS service and service canary stacks of this project',
    assumedBy: { Service: 'cloudformation.amazonaws.com' },
    trustWithoutSourceAccount:
      'CloudFormation documents no aws:SourceAccount/aws:SourceArn for service roles; only a principal allowed iam:PassRole on this role (the deploy roles) can hand it over',
    policyName: 'blue-green-hook-and-guards',
    statements: statements.inline,
  });
  packStatements(statements.handler).forEach((part, i) => {
    t.resource(`${ID.executionPolicy}${i + 1}`, 'AWS::IAM::ManagedPolicy', {
      ManagedPolicyName: executionPolicyName(project, suffix, i + 1),
      Description: `Execution role, part ${i + 1}: the resource handlers' actions`,
      PolicyDocument: policyDocument(part),
      Roles: [executionRole.ref()],
    });
  });
  t.output('ExecutionRoleArn', { description: 'ARN of the CloudFormation execution role', value: executionRole.getAtt('Arn') });
  return t.build();
}

/** One parameter file per environment, as for member-roles.json (a StackSet's per-account overrides). */
export function executionRoleParameterFiles(config: ResolvedConfig): ParameterFile[] {
  return config.environments.map((env) => ({
    path: `parameters/execution-role/${env.name}.json`,
    parameters: standardParameterValues(config, env),
    tags: standardTagValues(config, env),
  }));
}

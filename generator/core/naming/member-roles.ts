/** The names of the roles and policies in the member accounts. */
import { Intrinsic, Value, sub } from '../intrinsics';
import { ParameterHandle } from '../template';
import { NamePart, physicalName } from './rules';

// --- Roles in the member accounts -------------------------------------------------------
//
// member-roles.json creates these roles (execution-role.json the execution role) and
// pipeline.json assumes them, so all take the names from here. The region is part of each name so that a StackSet may deploy the
// roles to several regions of one account without a name collision; the pipeline deploys
// to its own region, so it names the roles of that region.

export const MEMBER_ROLES = {
  execution: 'cfn-exec',
  codeDeploy: 'codedeploy',
  /** ECS's infrastructure role of ECS-native blue/green: shifts traffic, invokes the lifecycle hook. */
  ecsInfrastructure: 'ecs-infra',
} as const;
export type MemberRole = keyof typeof MEMBER_ROLES;

export function memberRoleNameParts(role: MemberRole, project: NamePart, suffix: NamePart): NamePart[] {
  return [project, '-', MEMBER_ROLES[role], '-', suffix, '-', 'AWS::Region'];
}

export function memberRoleName(role: MemberRole, project: ParameterHandle<string>, suffix: ParameterHandle<string>): Value<string> {
  return physicalName('iam-role', memberRoleNameParts(role, project, suffix));
}

/**
 * The execution role's managed policies (execution-role.json), `{project}-cfn-exec-{suffix}-{region}-{n}`:
 * named, so that the role's own guard can name them and deny every change to them.
 */
export function executionPolicyName(project: ParameterHandle<string>, suffix: ParameterHandle<string>, n: number): Value<string> {
  return physicalName('iam-policy', [...memberRoleNameParts('execution', project, suffix), '-', String(n)]);
}

/** The tag on each deploy role that names its service; the shared deploy policy reads it as aws:PrincipalTag/Service. */
export const SERVICE_TAG = 'Service';

/**
 * Each service's deploy role, `{project}-{service}-deploy-{suffix}-{region}` (at most 64
 * characters with the schema's limits): the only role its pipeline may assume in a
 * member account, and one that may change only that service's stacks. Adding a service
 * adds one to member-roles.json.
 */
export const SERVICE_DEPLOY_ROLE_TYPE = 'deploy';

export function serviceDeployRoleNameParts(project: NamePart, service: NamePart, suffix: NamePart): NamePart[] {
  return [project, '-', service, '-', SERVICE_DEPLOY_ROLE_TYPE, '-', suffix, '-', 'AWS::Region'];
}

export function serviceDeployRoleName(project: ParameterHandle<string>, service: NamePart, suffix: ParameterHandle<string>): Value<string> {
  return physicalName('iam-role', serviceDeployRoleNameParts(project, service, suffix));
}

/**
 * The deploy policy every service's deploy role carries, created by member-roles.json:
 * `{project}-service-deploy-{suffix}-{region}`.
 */
export function deployPolicyNameParts(project: NamePart, suffix: NamePart): NamePart[] {
  return [project, '-service-deploy-', suffix, '-', 'AWS::Region'];
}

export function deployPolicyName(project: ParameterHandle<string>, suffix: ParameterHandle<string>): Value<string> {
  return physicalName('iam-policy', deployPolicyNameParts(project, suffix));
}

// --- The permissions boundary of workload roles ----------------------------------------
//
// member-roles.json creates the managed policy `{project}-workload-boundary-{suffix}-{region}`;
// every role a member stack creates (under workloadRolePath) carries it as its permissions
// boundary, and the CloudFormation execution role may create or change a role only when
// it does.

export const WORKLOAD_BOUNDARY_TYPE = 'workload-boundary';

export function workloadBoundaryNameParts(project: NamePart, suffix: NamePart): NamePart[] {
  return [project, '-', WORKLOAD_BOUNDARY_TYPE, '-', suffix, '-', 'AWS::Region'];
}

export function workloadBoundaryName(project: ParameterHandle<string>, suffix: ParameterHandle<string>): Value<string> {
  return physicalName('iam-policy', workloadBoundaryNameParts(project, suffix));
}

/**
 * Roles that the member-account stacks create for their workloads (ECS tasks, Lambda
 * functions, flow logs) live under this path, so the CloudFormation execution role can
 * be allowed to manage exactly these roles and not the member roles themselves.
 */
export function workloadRolePath(project: ParameterHandle<string>): Intrinsic<string> {
  return sub(`/\${${project.logicalId}}-workload/`);
}

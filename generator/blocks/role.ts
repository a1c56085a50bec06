/**
 * The house IAM role: an inline policy with named actions and resources, the explicit
 * deny of ec2:TerminateInstances, and never a managed policy.
 */
import { AWS, Value } from '../core/intrinsics';
import { DENY_TERMINATE_INSTANCES, Principal, Statement, policyDocument, trust } from '../core/iam';
import { workloadBoundaryArn, workloadRolePath } from '../core/naming';
import { ParameterHandle, ResourceHandle, ResourceOptions, TemplateBuilder } from '../core/template';

export interface RoleProps {
  /** A name from the naming module; leave out to let CloudFormation name the role. */
  readonly roleName?: Value<string>;
  /** An IAM path such as naming.workloadRolePath; leave out for `/`. */
  readonly path?: Value<string>;
  readonly description: string;
  /** Who may assume the role. */
  readonly assumedBy: Principal;
  /**
   * Conditions on the trust statement, e.g. sts:ExternalId or aws:PrincipalArn; for a
   * service principal at least aws:SourceAccount (serviceTrust).
   */
  readonly trustCondition?: Record<string, Record<string, unknown>>;
  /**
   * Why a service principal's trust carries no aws:SourceAccount: only for a service
   * that documents none for the role (the CloudFormation service role, the ECS
   * infrastructure role).
   */
  readonly trustWithoutSourceAccount?: string;
  /**
   * The permissions; the deny of ec2:TerminateInstances is added to them. `policyName`
   * null: the role has no inline policy, because a managed policy of the same template
   * attached to it carries its permissions and that deny (rule CD003 checks it).
   */
  readonly statements: readonly Statement[];
  readonly policyName: string | null;
  readonly maxSessionDurationSeconds?: number;
  readonly trustActions?: readonly string[];
  /** ARN of the managed policy that bounds the role (naming.workloadBoundaryArn for workload roles). */
  readonly permissionsBoundary?: Value<string>;
  /** ARNs of this project's customer-managed policies of another stack (naming module), e.g. the deploy policy. */
  readonly managedPolicyArns?: ReadonlyArray<Value<string>>;
  /** Tags besides the standard ones. */
  readonly tags?: ReadonlyArray<{ readonly Key: string; readonly Value: Value<string> }>;
}

/**
 * The trust condition of a role a service assumes on behalf of this account: the
 * account, and the resource it acts for where the service sets aws:SourceArn (IAM User
 * Guide, "The confused deputy problem"; each service's confused deputy page).
 */
export function serviceTrust(sourceArn?: Value<string>): Record<string, Record<string, unknown>> {
  return {
    StringEquals: { 'aws:SourceAccount': AWS.accountId },
    ...(sourceArn !== undefined ? { ArnLike: { 'aws:SourceArn': sourceArn } } : {}),
  };
}

function checkServiceTrust(id: string, props: RoleProps): void {
  if (typeof props.assumedBy === 'string' || !('Service' in props.assumedBy)) return;
  const hasSourceAccount = Object.values(props.trustCondition ?? {}).some((c) => 'aws:SourceAccount' in c);
  if (!hasSourceAccount && (props.trustWithoutSourceAccount ?? '').trim().length < 10) {
    throw new Error(`role ${id}: a service's trust carries aws:SourceAccount (serviceTrust()), or trustWithoutSourceAccount gives the reason the service sets none`);
  }
}

export function role(t: TemplateBuilder, id: string, props: RoleProps, options: ResourceOptions = {}): ResourceHandle {
  if (props.policyName === null && props.statements.length > 0) throw new Error(`role ${id}: statements need an inline policy name`);
  checkServiceTrust(id, props);
  return t.resource(
    id,
    'AWS::IAM::Role',
    {
      ...(props.roleName !== undefined ? { RoleName: props.roleName } : {}),
      ...(props.path !== undefined ? { Path: props.path } : {}),
      Description: props.description,
      AssumeRolePolicyDocument: policyDocument([
        trust('Trust', props.assumedBy, {
          ...(props.trustCondition ? { condition: props.trustCondition } : {}),
          ...(props.trustActions ? { actions: props.trustActions } : {}),
        }),
      ]),
      ...(props.maxSessionDurationSeconds ? { MaxSessionDuration: props.maxSessionDurationSeconds } : {}),
      ...(props.permissionsBoundary !== undefined ? { PermissionsBoundary: props.permissionsBoundary } : {}),
      ...(props.policyName !== null ? { Policies: [{ PolicyName: props.policyName, PolicyDocument: policyDocument([...props.statements, DENY_TERMINATE_INSTANCES]) }] } : {}),
      ...(props.managedPolicyArns !== undefined ? { ManagedPolicyArns: props.managedPolicyArns } : {}),
      ...(props.tags !== undefined ? { Tags: props.tags } : {}),
    },
    options,
  );
}

export interface WorkloadRoleProps {
  readonly description: string;
  /** The AWS service that assumes the role, e.g. ecs-tasks.amazonaws.com. */
  readonly service: string;
  readonly statements: readonly Statement[];
  readonly policyName: string;
}

/**
 * A role a member-account stack creates for its own workload (tasks, functions, flow
 * logs, canaries): under naming.workloadRolePath, where the CloudFormation execution role
 * may manage roles, bounded by member-roles.json's workload boundary (the execution role
 * can create or change a role only with that boundary), and assumable by the service
 * only on behalf of this account.
 */
export function workloadRole(
  t: TemplateBuilder,
  id: string,
  scope: { readonly project: ParameterHandle<string>; readonly suffix: ParameterHandle<string> },
  props: WorkloadRoleProps,
): ResourceHandle {
  return role(t, id, {
    path: workloadRolePath(scope.project),
    description: props.description,
    assumedBy: { Service: props.service },
    trustCondition: serviceTrust(),
    policyName: props.policyName,
    statements: props.statements,
    permissionsBoundary: workloadBoundaryArn(scope.project, scope.suffix),
  });
}

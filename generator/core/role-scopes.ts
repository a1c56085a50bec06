/**
 * A CloudFormation role's permissions, built from the registry entries of the resource
 * types its stacks contain (core/resource-types.ts, core/aws-services.ts): their handler
 * actions (minus the role's exclusions) go into the role's scopes, the first whose pattern
 * matches taking each (core/handler-permissions.ts placeActions).
 *
 * The registry decides where a type's actions may go: generation fails when one of them
 * goes to a scope its entry does not name (`scopes.<role>`, by Sid or group) and that no
 * fact of its entry lets it into (`basis`: an action without resource types, the role its
 * handlers pass, the service-linked role they create), and when a scope its entry names
 * takes none of them. A scope an entry names that the role does not define is derived from
 * the entry: its service's actions on the resources this project names (`arn`).
 */
import { AwsService, AWS_SERVICES, serviceArn, serviceOfType, withoutResourceTypesOf } from './aws-services';
import { HandlerPermissionsFile, Exclusion, Scope, handlerPermissions, placeActions, placedStatements, requiredActions } from './handler-permissions';
import { Statement, StatementOptions, anyResource } from './iam';
import { Intrinsic } from './intrinsics';
import { RESOURCE_TYPES, ResourceTypeEntry, RoleKey, checkResourceTypes, resourceTypeEntry } from './resource-types';

/** The two halves of the registry; tests pass their own. */
export interface Registry {
  readonly types: Readonly<Record<string, ResourceTypeEntry>>;
  readonly services: Readonly<Record<string, AwsService>>;
}

export const REGISTRY: Registry = { types: RESOURCE_TYPES, services: AWS_SERVICES };

/** What a role is granted: its stacks' resource types and their handler actions. */
export interface RolePermissions {
  /** The role as errors name it ("execution role"). */
  readonly role: string;
  readonly key: RoleKey;
  readonly types: readonly string[];
  /** Action -> the types whose handlers call it and the role does not exclude it for. */
  readonly granted: ReadonlyMap<string, readonly string[]>;
  readonly registry: Registry;
}

/** The handler actions of `types` minus `exclusions`; throws for a type whose entry names no scope of this role. */
export function rolePermissions(
  role: string,
  key: RoleKey,
  types: readonly string[],
  exclusions: readonly Exclusion[],
  options: { readonly data?: HandlerPermissionsFile; readonly registry?: Registry } = {},
): RolePermissions {
  const registry = options.registry ?? REGISTRY;
  checkResourceTypes(registry.types);
  for (const type of types) {
    if (resourceTypeEntry(type, registry.types).scopes[key] === undefined) {
      throw new Error(
        `${role}: ${type} is in its stacks, but RESOURCE_TYPES['${type}'].scopes has no "${key}": add the scopes its handler actions go to (generator/core/resource-types.ts)`,
      );
    }
  }
  const { granted } = requiredActions(types, exclusions, options.data ?? handlerPermissions(), registry.types);
  for (const [action, callers] of granted) {
    const prefix = action.slice(0, action.indexOf(':'));
    if (registry.services[prefix] === undefined) {
      throw new Error(
        `${role}: ${callers.join(', ')} call ${action}, but service ${prefix} has no row in AWS_SERVICES (generator/core/aws-services.ts): add it, with its actions that have no resource types`,
      );
    }
  }
  return { role, key, types, granted, registry };
}

/** The types among `p`'s that are granted `action`. */
function grantedTo(p: RolePermissions, action: string): readonly string[] {
  return p.granted.get(action) ?? [];
}

/**
 * The handler actions without resource-level permissions, in one statement on "*": the
 * rows of core/aws-services.ts that take at least one of the role's actions.
 */
export function withoutResourceTypesScope(p: RolePermissions): Scope {
  const rows = withoutResourceTypesOf(p.granted.keys(), p.registry.services);
  return {
    sid: 'WithoutResourceTypes',
    actions: new RegExp(`^(${rows.map((r) => r.actions).join('|')})$`),
    resources: anyResource(`${rows.map((r) => r.calls).join('; ')}: no resource-level permissions`),
    collapse: rows.flatMap((r) => r.collapse ?? []),
    basis: 'withoutResourceTypes',
  };
}

/** The services the role's handlers pass roles to (the `passesRoleTo` of its types granted iam:PassRole), sorted. */
export function passedToServices(p: RolePermissions): string[] {
  const services = grantedTo(p, 'iam:PassRole').map((t) => resourceTypeEntry(t, p.registry.types).passesRoleTo);
  return [...new Set(services.filter((s): s is string => s !== undefined))].sort();
}

/**
 * The service-linked roles the first resources of the role's types create in an account
 * (their entries' `serviceLinkedRole`; the service creates it with the caller's
 * permissions). IAM reads the list as a set: `order` only keeps the generated policy
 * stable (those it names first, in its order; the rest sorted).
 */
export function serviceLinkedRoles(p: RolePermissions, order: readonly string[]): Array<{ service: string; role: string }> {
  const roles = new Map<string, string>();
  for (const t of p.types) {
    const slr = resourceTypeEntry(t, p.registry.types).serviceLinkedRole;
    if (slr !== undefined) roles.set(slr.service, slr.role);
  }
  const rank = (s: string) => (order.includes(s) ? order.indexOf(s) : order.length);
  const services = [...roles.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return services.map((service) => ({ service, role: roles.get(service)! }));
}

/** What a scope built by `held` may set besides its Sid, actions and resources. */
export interface HeldOptions extends Omit<Scope, 'sid' | 'actions' | 'resources' | 'options'> {
  /** The actions it takes; by default every action of the types' services. */
  readonly actions?: RegExp;
  readonly condition?: StatementOptions['condition'];
  readonly because?: string;
}

/**
 * A scope that holds resources of `types` by name: their ARNs from the registry (the
 * type's `arn`, its service's ARN shape), one per type and name, and by default every
 * action of their services.
 */
export function held(sid: string, types: string | readonly string[], names: readonly string[], options: HeldOptions = {}, registry: Registry = REGISTRY): Scope {
  const list = typeof types === 'string' ? [types] : types;
  const resources: Intrinsic<string>[] = [];
  const seen = new Set<string>();
  for (const type of list) {
    const entry = resourceTypeEntry(type, registry.types);
    if (entry.arn === undefined) throw new Error(`scope ${sid} holds ${type} by name, but RESOURCE_TYPES['${type}'] has no "arn": add the part of its ARN after the account`);
    const prefix = serviceOfType(type, registry.services);
    for (const name of names) {
      const arn = serviceArn(prefix, entry.arn.replace('{name}', name), registry.services);
      const key = JSON.stringify(arn);
      if (!seen.has(key)) resources.push(arn);
      seen.add(key);
    }
  }
  const prefixes = [...new Set(list.map((t) => serviceOfType(t, registry.services)))];
  const { actions, condition, because, ...rest } = options;
  const statementOptions = { ...(condition ? { condition } : {}), ...(because ? { because } : {}) };
  return {
    sid,
    actions: actions ?? new RegExp(`^(${prefixes.join('|')}):\\w+$`),
    resources,
    ...(Object.keys(statementOptions).length > 0 ? { options: statementOptions } : {}),
    ...rest,
  };
}

/** The scopes the types' entries name that `scopes` does not define, derived by `held` on `names`. */
function derivedScopes(p: RolePermissions, scopes: readonly Scope[], names: readonly string[]): Scope[] {
  const defined = new Set(scopes.flatMap((s) => [s.sid, ...(s.group !== undefined ? [s.group] : [])]));
  const missing = new Map<string, string[]>();
  for (const type of p.types) {
    for (const sid of resourceTypeEntry(type, p.registry.types).scopes[p.key] ?? []) {
      if (!defined.has(sid)) missing.set(sid, [...(missing.get(sid) ?? []), type]);
    }
  }
  return [...missing].map(([sid, types]) => {
    const unnamed = types.find((t) => p.registry.types[t].arn === undefined || p.registry.types[t].name === null);
    if (unnamed !== undefined) {
      throw new Error(
        `${p.role}: RESOURCE_TYPES['${unnamed}'].scopes.${p.key} names ${sid}, which the role does not define; a scope derived from the entry needs its "name" and "arn": add them, or define ${sid} among the role's scopes`,
      );
    }
    return held(sid, types, names, {}, p.registry);
  });
}

/** Whether the entry of `type` lets its action into `scope`; else the field to add. */
function admits(entry: ResourceTypeEntry, key: RoleKey, scope: Scope): string | undefined {
  if (scope.basis === 'withoutResourceTypes') return undefined;
  if (scope.basis === 'passesRoleTo') return entry.passesRoleTo !== undefined ? undefined : '"passesRoleTo" (the service its handlers pass the role to)';
  if (scope.basis === 'serviceLinkedRole') return entry.serviceLinkedRole !== undefined ? undefined : '"serviceLinkedRole" (the role its handlers create)';
  const named = entry.scopes[key] ?? [];
  return named.includes(scope.sid) || (scope.group !== undefined && named.includes(scope.group)) ? undefined : `${scope.sid} to its "scopes.${key}"`;
}

/** Every action goes only where the entries of its types let it, and every scope an entry names takes one of its actions. */
function checkPlacement(p: RolePermissions, placed: ReadonlyMap<string, readonly Scope[]>): void {
  const problems: string[] = [];
  const used = new Map<string, Set<string>>();
  for (const [action, taken] of placed) {
    for (const type of grantedTo(p, action)) {
      const entry = p.registry.types[type];
      for (const scope of taken) {
        const add = admits(entry, p.key, scope);
        if (add !== undefined) problems.push(`${type}: ${action} goes to ${scope.sid}: add ${add} in RESOURCE_TYPES['${type}'], or exclude ${action} with its reason`);
        const names = used.get(type) ?? new Set<string>();
        names.add(scope.sid);
        if (scope.group !== undefined) names.add(scope.group);
        used.set(type, names);
      }
    }
  }
  for (const type of p.types) {
    for (const sid of p.registry.types[type].scopes[p.key] ?? []) {
      if (!used.get(type)?.has(sid)) problems.push(`${type}: RESOURCE_TYPES['${type}'].scopes.${p.key} names ${sid}, which takes none of its actions: remove it`);
    }
  }
  if (problems.length > 0) throw new Error(`${p.role}:\n  ${[...new Set(problems)].join('\n  ')}`);
}

/**
 * The role's statements: each granted action in its scopes (then the scopes the entries
 * name that `scopes` lacks, derived on `defaultNames`), checked against the entries of
 * the types that call it.
 */
export function roleStatements(p: RolePermissions, scopes: readonly Scope[], defaultNames: readonly string[]): Statement[] {
  const all = [...scopes, ...derivedScopes(p, scopes, defaultNames)];
  const placed = placeActions(p.role, p.granted.keys(), all);
  checkPlacement(p, placed);
  return placedStatements(placed, all);
}

/** The service prefixes a scope's action pattern names (`ec2`, `elasticloadbalancing` of `^(ec2:\w+|elasticloadbalancing:\w+)$`). */
export function prefixesNamed(scope: Scope): string[] {
  const groups = [...scope.actions.source.matchAll(/(?<![A-Za-z0-9-])([a-z0-9-]+(?:\|[a-z0-9-]+)*)\)?:/g)].map((m) => m[1]);
  return [...new Set(groups.flatMap((g) => g.split('|')))].sort();
}

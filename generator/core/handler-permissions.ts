/**
 * The IAM actions CloudFormation's resource handlers call, from the registry schemas
 * (generator/aws-data/handler-permissions.json, provenance in the file; refresh it with
 * `npm run handler-permissions:refresh -- <path>`), and the roles' permissions built from
 * them.
 *
 * A role that CloudFormation (or a service) uses to manage resource types gets every
 * handler action of those types, minus an explicit exclusion (action, resource type,
 * reason), placed into the first scope whose pattern matches the action. An action no
 * scope takes, a type without handler data and an exclusion that excludes nothing all
 * fail generation, so a role says exactly what it grants, what it leaves out and why.
 * core/role-scopes.ts builds the roles from the registry entries of their types.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from './paths';
import { AnyResource, Statement, StatementOptions, allow } from './iam';
import { Value } from './intrinsics';
import { RESOURCE_TYPES, ResourceTypeEntry, isResourceType } from './resource-types';

export const HANDLER_OPERATIONS = ['create', 'read', 'update', 'delete', 'list'] as const;
export type HandlerOperation = (typeof HANDLER_OPERATIONS)[number];

export interface HandlerPermissionsFile {
  readonly description: string;
  readonly source: string;
  readonly note?: string;
  readonly resourceTypes: Readonly<Record<string, Partial<Record<HandlerOperation, readonly string[]>>>>;
}

export const HANDLER_PERMISSIONS_FILE = path.join(PROJECT_ROOT, 'generator', 'aws-data', 'handler-permissions.json');

/** Checks the file's shape; throws naming the first field that is wrong. */
export function parseHandlerPermissions(text: string, where: string): HandlerPermissionsFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: not JSON (${(e as Error).message})`, { cause: e });
  }
  const d = data as Record<string, unknown>;
  if (typeof d !== 'object' || d === null) throw new Error(`${where}: must be an object`);
  for (const key of ['description', 'source'] as const) {
    if (typeof d[key] !== 'string' || (d[key] as string).length === 0) throw new Error(`${where}: "${key}" (the provenance) must be a non-empty string`);
  }
  const types = d.resourceTypes as Record<string, Record<string, unknown>>;
  if (typeof types !== 'object' || types === null) throw new Error(`${where}: "resourceTypes" must be an object`);
  for (const [type, ops] of Object.entries(types)) {
    if (!/^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/.test(type)) throw new Error(`${where}: resourceTypes key "${type}" is not a resource type`);
    for (const [op, actions] of Object.entries(ops)) {
      if (!(HANDLER_OPERATIONS as readonly string[]).includes(op)) throw new Error(`${where}: ${type}.${op} is not one of ${HANDLER_OPERATIONS.join(', ')}`);
      if (!Array.isArray(actions) || actions.some((a) => typeof a !== 'string' || !/^[A-Za-z0-9-]+:[A-Za-z0-9.*-]+$/.test(a))) {
        throw new Error(`${where}: ${type}.${op} must be a list of IAM actions`);
      }
    }
  }
  return data as HandlerPermissionsFile;
}

let cached: HandlerPermissionsFile | undefined;

export function handlerPermissions(): HandlerPermissionsFile {
  cached ??= parseHandlerPermissions(fs.readFileSync(HANDLER_PERMISSIONS_FILE, 'utf8'), HANDLER_PERMISSIONS_FILE);
  return cached;
}

/** An action a handler calls that a role leaves out, and why. */
export interface Exclusion {
  readonly actions: readonly string[];
  readonly resourceType: string;
  readonly reason: string;
}

export function exclude(resourceType: string, actions: readonly string[], reason: string): Exclusion {
  if (!isResourceType(resourceType)) throw new Error(`exclusion for ${resourceType}: not a type of RESOURCE_TYPES (generator/core/resource-types.ts)`);
  if (reason.trim().length < 10) throw new Error(`exclusion of ${actions.join(', ')} for ${resourceType} needs its reason`);
  return { actions, resourceType, reason };
}

/**
 * Every handler action (any operation) of a resource type: the registry schema's, or,
 * where the schema lists none, the `handlerActions` of its registry entry.
 */
export function actionsOfType(type: string, data: HandlerPermissionsFile = handlerPermissions(), registry: Readonly<Record<string, ResourceTypeEntry>> = RESOURCE_TYPES): string[] {
  const ops = data.resourceTypes[type];
  const fallback = Object.prototype.hasOwnProperty.call(registry, type) ? registry[type].handlerActions : undefined;
  if (ops === undefined && fallback === undefined) {
    throw new Error(
      `resource type ${type} has no handler permissions in ${path.relative(PROJECT_ROOT, HANDLER_PERMISSIONS_FILE)}: refresh it (npm run handler-permissions:refresh -- <path>)`,
    );
  }
  const listed = HANDLER_OPERATIONS.flatMap((op) => ops?.[op] ?? []);
  return [...new Set(listed.length > 0 ? listed : (fallback ?? []))].sort();
}

export interface RequiredActions {
  /** Action -> the resource types whose handlers call it and do not exclude it. */
  readonly granted: ReadonlyMap<string, readonly string[]>;
  /** Each (action, type) left out, with its reason. */
  readonly excluded: ReadonlyArray<{ action: string; resourceType: string; reason: string }>;
}

/**
 * The handler actions of `types`, minus `exclusions`. An exclusion for a type outside
 * `types`, or of an action its type's handlers never call, is an error: the table stays
 * exact as the data and the templates change.
 */
export function requiredActions(
  types: readonly string[],
  exclusions: readonly Exclusion[],
  data: HandlerPermissionsFile = handlerPermissions(),
  registry: Readonly<Record<string, ResourceTypeEntry>> = RESOURCE_TYPES,
): RequiredActions {
  const excludedPairs = new Map<string, string>();
  const excluded: Array<{ action: string; resourceType: string; reason: string }> = [];
  for (const e of exclusions) {
    if (!types.includes(e.resourceType)) throw new Error(`exclusion for ${e.resourceType}: the role's stacks contain no such resource type`);
    const called = actionsOfType(e.resourceType, data, registry);
    for (const a of e.actions) {
      if (!called.includes(a)) throw new Error(`exclusion of ${a} for ${e.resourceType}: its handlers do not call it`);
      const key = `${a} ${e.resourceType}`;
      if (excludedPairs.has(key)) throw new Error(`exclusion of ${a} for ${e.resourceType} is listed twice`);
      excludedPairs.set(key, e.reason);
      excluded.push({ action: a, resourceType: e.resourceType, reason: e.reason });
    }
  }
  const granted = new Map<string, string[]>();
  for (const type of [...types].sort()) {
    for (const a of actionsOfType(type, data, registry)) {
      if (excludedPairs.has(`${a} ${type}`)) continue;
      granted.set(a, [...(granted.get(a) ?? []), type]);
    }
  }
  return { granted: new Map([...granted.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), excluded };
}

/** Where a group of actions is granted: the first scope whose pattern matches an action takes it. */
export interface Scope {
  readonly sid: string;
  readonly actions: RegExp;
  readonly resources: ReadonlyArray<Value<string>> | AnyResource;
  readonly options?: StatementOptions;
  /**
   * Wildcards that stand for the scope's actions they match, e.g. `ec2:Describe*` for
   * read-only calls without resource-level permissions (the permissions test checks
   * that each one expands to read and list actions only).
   */
  readonly collapse?: readonly string[];
  /**
   * The scope grants the actions it matches on its own resources and passes them on to
   * the next matching scope as well: two statements for one set of actions on two kinds
   * of resource (e.g. two buckets), without widening either.
   */
  readonly shared?: boolean;
  /** A name several scopes share, which a registry entry may name instead of each Sid (e.g. `Network`). */
  readonly group?: string;
  /**
   * What lets a type's action into this scope besides its registry entry naming the
   * scope: the service's actions without resource types (core/aws-services.ts), or the
   * entry's `passesRoleTo` or `serviceLinkedRole` (core/role-scopes.ts).
   */
  readonly basis?: 'withoutResourceTypes' | 'passesRoleTo' | 'serviceLinkedRole';
}

function wildcardMatches(pattern: string, action: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(action);
}

function collapsed(actions: readonly string[], patterns: readonly string[] = []): string[] {
  const out = new Set<string>();
  for (const a of actions) out.add(patterns.find((p) => wildcardMatches(p, a)) ?? a);
  return [...out].sort();
}

/**
 * The scopes each action goes to: the first whose pattern matches it, and with it every
 * `shared` scope before that one that matches. Throws when an action matches no scope.
 */
export function placeActions(role: string, actions: Iterable<string>, scopes: readonly Scope[]): Map<string, Scope[]> {
  const placed = new Map<string, Scope[]>();
  const unplaced: string[] = [];
  for (const a of actions) {
    const taken: Scope[] = [];
    for (const scope of scopes) {
      if (!scope.actions.test(a)) continue;
      taken.push(scope);
      if (!scope.shared) break;
    }
    if (taken.length === 0) unplaced.push(a);
    placed.set(a, taken);
  }
  if (unplaced.length > 0) {
    throw new Error(`${role}: no scope takes ${unplaced.join(', ')}; add a scope (its resources) or an exclusion (its reason)`);
  }
  return placed;
}

/** One statement per scope that takes at least one action, in the scopes' order, with the actions sorted. */
export function placedStatements(placed: ReadonlyMap<string, readonly Scope[]>, scopes: readonly Scope[]): Statement[] {
  const byScope = new Map<Scope, string[]>();
  for (const [a, taken] of placed) for (const scope of taken) byScope.set(scope, [...(byScope.get(scope) ?? []), a]);
  return scopes.filter((s) => byScope.has(s)).map((s) => allow(s.sid, collapsed(byScope.get(s)!, s.collapse), s.resources, s.options ?? {}));
}

/**
 * One statement per scope that takes at least one action, in the scopes' order, with the
 * actions sorted. Throws when an action matches no scope.
 */
export function scopedStatements(role: string, actions: Iterable<string>, scopes: readonly Scope[]): Statement[] {
  return placedStatements(placeActions(role, actions, scopes), scopes);
}

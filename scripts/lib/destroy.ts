/**
 * Tear-down planning, the pure part: which stacks are production, and the order that
 * deletes every importer before the stack whose export it uses.
 */

/** Environment names treated as production. */
export const PRODUCTION_ENVIRONMENTS: readonly string[] = ['prod', 'production'];

/** `shop-network-prod` from a stack ID (`arn:aws:cloudformation:...:stack/shop-network-prod/uuid`) or a name. */
export function stackNameOf(nameOrArn: string): string {
  const m = /^arn:[^:]+:cloudformation:[^:]*:\d*:stack\/([^/]+)\//.exec(nameOrArn);
  return m ? m[1] : nameOrArn;
}

/**
 * A stack is production when its Environment tag says so, or its EnvironmentName or
 * EnvironmentSuffix parameter, or one of the hyphen-separated parts of its name
 * (`shop-network-prod`; of the name inside a stack ID).
 */
export function isProduction(stackName: string, tags: Readonly<Record<string, string>>, parameters: Readonly<Record<string, string>> = {}): boolean {
  const named = [tags.Environment, tags.environment, parameters.EnvironmentName, parameters.EnvironmentSuffix];
  if (named.some((env) => env !== undefined && PRODUCTION_ENVIRONMENTS.includes(env.toLowerCase()))) return true;
  return stackNameOf(stackName)
    .toLowerCase()
    .split(/[-_]/)
    .some((part) => PRODUCTION_ENVIRONMENTS.includes(part));
}

export interface StackLinks {
  readonly name: string;
  /** Stacks that import one of this stack's exports. */
  readonly importedBy: readonly string[];
}

/**
 * Deletion order: a stack only after every stack importing from it. Among stacks free
 * to go, the one named last goes first (stacks are usually named in deployment order).
 * Throws when an importer is not being deleted, or on a cycle.
 */
export function deletionOrder(stacks: readonly StackLinks[]): string[] {
  const names = new Set(stacks.map((s) => s.name));
  const problems: string[] = [];
  for (const s of stacks) {
    for (const importer of s.importedBy) {
      if (!names.has(importer)) problems.push(`${s.name} has exports imported by ${importer}, which is not being destroyed; destroy ${importer} first or with it`);
    }
  }
  if (problems.length) throw new Error(problems.join('; '));
  const order: string[] = [];
  const left = [...stacks];
  while (left.length) {
    const free = left.filter((s) => s.importedBy.every((i) => order.includes(i) || i === s.name));
    if (!free.length) throw new Error(`stacks import from each other in a cycle: ${left.map((s) => s.name).join(', ')}`);
    const next = free[free.length - 1];
    order.push(next.name);
    left.splice(left.indexOf(next), 1);
  }
  return order;
}

export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

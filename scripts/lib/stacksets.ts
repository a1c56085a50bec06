/**
 * StackSet rollouts, the pure part: which accounts get which parameter values, the
 * operation preferences, and the per-account result table.
 */
import type { StackInstanceSummary, StackSetOperationPreferences, StackSetOperationResultSummary } from '@aws-sdk/client-cloudformation';
import { UsageError } from './args';
import { Painter } from './color';

export interface Target {
  /** Environment name: selects templates/parameters/<template>/<env>.json. */
  readonly env: string;
  readonly account: string;
}

/** `dev=222222222222` items, each environment and account at most once. */
export function parseTargets(items: readonly string[]): Target[] {
  const targets: Target[] = [];
  for (const item of items) {
    const m = /^([a-z][a-z0-9]{1,9})=(\d{12})$/.exec(item);
    if (!m) throw new UsageError(`--target ${JSON.stringify(item)} must be ENV=ACCOUNT_ID, e.g. dev=222222222222`);
    const [, env, account] = m;
    if (targets.some((t) => t.env === env)) throw new UsageError(`--target: environment ${env} is given twice`);
    if (targets.some((t) => t.account === account)) throw new UsageError(`--target: account ${account} is given twice; every environment needs an account of its own`);
    targets.push({ env, account });
  }
  return targets;
}

export interface EnvironmentValues {
  readonly env: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
}

export interface SplitValues {
  /** The StackSet's own parameter values: every key, the first environment's value where they differ. */
  readonly parameters: Record<string, string>;
  /**
   * Per environment, every value of its parameter file: an instance's values are then
   * exactly its file, whatever the StackSet's own values are.
   */
  readonly overrides: Record<string, Record<string, string>>;
  /** Tags with the same value in every environment (a StackSet has one set of tags). */
  readonly tags: Record<string, string>;
  readonly varying: string[];
}

/**
 * Turns per-environment parameter files into StackSet values and per-account overrides.
 * Overrides may only name parameters the StackSet itself sets, so the StackSet carries
 * every key (the first environment's value). `varying` lists the keys whose values
 * differ between environments, for the progress lines.
 */
export function splitValues(envs: readonly EnvironmentValues[]): SplitValues {
  if (envs.length === 0) throw new UsageError('at least one --target is needed');
  const keys = [...new Set(envs.flatMap((e) => Object.keys(e.parameters)))].sort();
  for (const e of envs) {
    const missing = keys.filter((k) => !(k in e.parameters));
    if (missing.length) throw new UsageError(`parameters of ${e.env} lack ${missing.join(', ')}, which other environments set`);
  }
  const varying = keys.filter((k) => envs.some((e) => e.parameters[k] !== envs[0].parameters[k]));
  const parameters = Object.fromEntries(keys.map((k) => [k, envs[0].parameters[k]]));
  const overrides = Object.fromEntries(envs.map((e) => [e.env, Object.fromEntries(keys.map((k) => [k, e.parameters[k]]))]));
  const tagKeys = [...new Set(envs.flatMap((e) => Object.keys(e.tags)))].sort();
  const tags = Object.fromEntries(tagKeys.filter((k) => envs.every((e) => e.tags[k] === envs[0].tags[k])).map((k) => [k, envs[0].tags[k]]));
  return { parameters, overrides, tags, varying };
}

export interface PreferenceInput {
  readonly maxConcurrentPercentage?: number;
  readonly failureTolerancePercentage?: number;
  readonly regionConcurrency?: 'SEQUENTIAL' | 'PARALLEL';
}

/** Defaults: all accounts at once, stop at the first failure, regions in parallel. */
export function operationPreferences(input: PreferenceInput): StackSetOperationPreferences {
  return {
    MaxConcurrentPercentage: input.maxConcurrentPercentage ?? 100,
    FailureTolerancePercentage: input.failureTolerancePercentage ?? 0,
    RegionConcurrencyType: input.regionConcurrency ?? 'PARALLEL',
  };
}

const FAILED_DETAILED = new Set(['FAILED', 'CANCELLED', 'INOPERABLE', 'FAILED_IMPORT']);

export function instanceFailed(i: StackInstanceSummary): boolean {
  return FAILED_DETAILED.has(i.StackInstanceStatus?.DetailedStatus ?? '') || i.Status === 'INOPERABLE';
}

/** One row per account and region, with the environment each account stands for. */
export function resultTable(instances: readonly StackInstanceSummary[], targets: readonly Target[], p: Painter): string[] {
  const envOf = new Map(targets.map((t) => [t.account, t.env]));
  const sorted = [...instances].sort((a, b) => `${a.Account}/${a.Region}`.localeCompare(`${b.Account}/${b.Region}`));
  const rows = sorted.map((i) => [
    i.Account ?? '?',
    envOf.get(i.Account ?? '') ?? '-',
    i.Region ?? '?',
    i.Status ?? '?',
    i.StackInstanceStatus?.DetailedStatus ?? '-',
    i.StatusReason ?? '',
  ]);
  const header = ['account', 'env', 'region', 'status', 'detail', 'reason'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const fmt = (r: string[]) =>
    r
      .map((v, c) => (c === r.length - 1 ? v : v.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  const lines = [p.bold(fmt(header))];
  rows.forEach((r, idx) => lines.push(instanceFailed(sorted[idx]) ? p.red(fmt(r)) : fmt(r)));
  return lines;
}

/** Default StackSet name: `{ProjectName}-{template}`. */
export function defaultStackSetName(template: string, parameters: Readonly<Record<string, string>>): string | undefined {
  return parameters.ProjectName ? `${parameters.ProjectName}-${template}` : undefined;
}

/** `2/3 done (SUCCEEDED 1, FAILED 1)`: account-region results of an operation so far. */
export function operationProgress(results: readonly StackSetOperationResultSummary[]): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.Status ?? 'UNKNOWN', (counts.get(r.Status ?? 'UNKNOWN') ?? 0) + 1);
  const done = results.filter((r) => r.Status !== 'PENDING' && r.Status !== 'RUNNING').length;
  const detail = [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `${done}/${results.length} done${detail ? ` (${detail})` : ''}`;
}

/**
 * Reading the raw configuration JSON defensively, for the rules a schema cannot say: a
 * part that the schema already found malformed reads as undefined, so each problem is
 * reported once.
 */
import { PATTERNS } from '../../core/parameters';

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
export function objects(v: unknown): Array<[number, Json]> {
  return Array.isArray(v) ? v.flatMap((x, i) => (isObject(x) ? [[i, x] as [number, Json]] : [])) : [];
}
const regExps = new Map<string, RegExp>();
export function matches(pattern: string, value: string): boolean {
  let re = regExps.get(pattern);
  if (!re) regExps.set(pattern, (re = new RegExp(pattern)));
  return re.test(value);
}
export function str(o: Json | undefined, key: string, pattern?: string): string | undefined {
  const v = o?.[key];
  return typeof v === 'string' && (!pattern || matches(pattern, v)) ? v : undefined;
}
export function int(o: Json | undefined, key: string): number | undefined {
  const v = o?.[key];
  return Number.isInteger(v) ? (v as number) : undefined;
}

export interface Env {
  readonly index: number;
  readonly name: string;
  /** Undefined when the configured suffix is malformed (the schema reports it). */
  readonly suffix: string | undefined;
  /** The field the suffix comes from: environmentSuffix when given, else name. */
  readonly suffixPath: string;
  /** Whether an earlier environment has the same name. */
  readonly duplicate: boolean;
}

export function environmentsOf(data: Json): Env[] {
  const names = new Set<string>();
  return objects(data.environments).flatMap(([index, e]) => {
    const name = str(e, 'name', PATTERNS.environmentName);
    if (name === undefined) return [];
    const duplicate = names.has(name);
    names.add(name);
    if (e.environmentSuffix !== undefined) {
      const suffix = str(e, 'environmentSuffix', PATTERNS.environmentSuffix);
      return [{ index, name, suffix, suffixPath: `environments[${index}].environmentSuffix`, duplicate }];
    }
    return [{ index, name, suffix: name, suffixPath: `environments[${index}].name`, duplicate }];
  });
}

/** Environments whose suffix is known, each name once. */
export function withSuffix(envs: readonly Env[]): Array<Env & { readonly suffix: string }> {
  return envs.filter((e): e is Env & { suffix: string } => e.suffix !== undefined && !e.duplicate);
}

export function firstSeen<T>(items: readonly T[], key: (t: T) => string | undefined, report: (t: T, first: T, k: string) => void): void {
  const seen = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const first = seen.get(k);
    if (first === undefined) seen.set(k, item);
    else report(item, first, k);
  }
}

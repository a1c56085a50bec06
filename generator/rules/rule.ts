/** A project rule: a check on a generated template that neither cfn-lint nor the schemas make. */
import { Template } from '../core/template';

export interface Rule {
  /** Stable identifier, as in findings and test names. */
  readonly id: string;
  readonly description: string;
  /** The AWS documentation the rule comes from. */
  readonly source: string;
  check(template: Template, serialized: string): string[];
}

/** Calls `visit` on every object in a JSON value, with its path. */
export function walk(value: unknown, path: string, visit: (obj: Record<string, unknown>, path: string) => void): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, `${path}[${i}]`, visit));
  } else if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    visit(obj, path);
    for (const [k, v] of Object.entries(obj)) walk(v, path ? `${path}.${k}` : k, visit);
  }
}

/** Calls `visit` on every string in a JSON value, with its path. */
export function walkStrings(value: unknown, path: string, visit: (s: string, path: string) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, `${path}[${i}]`, visit));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) walkStrings(v, path ? `${path}.${k}` : k, visit);
  }
}

/** Every IAM policy statement in a template (role policies, bucket, key, topic and repository policies). */
export function statements(template: Template): Array<{ path: string; statement: Record<string, unknown> }> {
  const found: Array<{ path: string; statement: Record<string, unknown> }> = [];
  walk(template.Resources, 'Resources', (obj, path) => {
    if (Array.isArray(obj.Statement) && (obj.Version === '2012-10-17' || obj.Version === '2008-10-17')) {
      obj.Statement.forEach((s, i) => found.push({ path: `${path}.Statement[${i}]`, statement: s as Record<string, unknown> }));
    }
  });
  return found;
}

export function asList(v: unknown): unknown[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

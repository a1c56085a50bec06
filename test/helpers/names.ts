/**
 * Physical names of a generated template, resolved with concrete parameter values: the
 * example configuration's, or the longest each parameter allows (MaxLength, the longest
 * region code), to show that every name fits its service's limit.
 */
import { NAME_RULES, NameKind, REGION_MAX_LENGTH } from '../../generator/core/naming';
import { RESOURCE_TYPES, ResourceTypeEntry } from '../../generator/core/resource-types';
import { Template } from '../../generator/core/template';
import { resolve } from './template';

/** Which property of which resource type is a physical name, and its kind in the naming module: the registry's `name`. */
export const NAME_PROPERTIES: ReadonlyArray<{ type: string; property: string; kind: NameKind }> = Object.entries(
  RESOURCE_TYPES as Readonly<Record<string, ResourceTypeEntry>>,
).flatMap(([type, entry]) => (entry.name !== null ? [{ type, property: entry.name.property, kind: entry.name.rule }] : []));

/** Every string parameter with a MaxLength at that length, and the pseudo parameters at their longest. */
export function longestValues(t: Template): Record<string, string> {
  const values: Record<string, string> = {
    'AWS::Region': 'a'.repeat(REGION_MAX_LENGTH),
    'AWS::AccountId': '1'.repeat(12),
    'AWS::Partition': 'aws-iso-b',
  };
  for (const [id, p] of Object.entries(t.Parameters ?? {})) {
    if ('MaxLength' in p && p.MaxLength !== undefined) values[id] = 'a'.repeat(p.MaxLength);
  }
  return values;
}

export interface ResolvedName {
  readonly resource: string;
  readonly kind: NameKind;
  readonly name: string;
}

/** Every physical name the template sets, resolved with `values`. */
export function resolvedNames(t: Template, values: Record<string, string>): ResolvedName[] {
  const out: ResolvedName[] = [];
  for (const [id, r] of Object.entries(t.Resources)) {
    for (const np of NAME_PROPERTIES) {
      const v = r.Type === np.type ? r.Properties?.[np.property] : undefined;
      if (v !== undefined) out.push({ resource: id, kind: np.kind, name: resolve(v, values) });
    }
  }
  return out;
}

/** Names that break their kind's length limit or character set. */
export function nameViolations(names: readonly ResolvedName[]): string[] {
  return names
    .filter((n) => n.name.length > NAME_RULES[n.kind].max || !NAME_RULES[n.kind].pattern.test(n.name))
    .map((n) => `${n.resource}: ${n.name} (${n.name.length} characters, ${n.kind} allows ${NAME_RULES[n.kind].max})`);
}

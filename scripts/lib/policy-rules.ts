/**
 * The part of schemas/policy-rules.schema.json that the registry of resource types
 * decides: the types on which the standard tags are required (every type whose entry
 * takes tags) and, in the tags' description, the types that take them as a map. The rest
 * of the schema is written by hand; rendering keeps it as it is.
 *
 * `npm run schemas:refresh` writes the file; test/foundation/policy-rules.test.ts renders
 * it from the committed schema and the registry and fails when the two differ.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SCHEMA_DIR } from '../../generator/core/paths';
import { RESOURCE_TYPES, ResourceTypeEntry } from '../../generator/core/resource-types';

export const POLICY_RULES_FILE = path.join(SCHEMA_DIR, 'policy-rules.schema.json');

type Node = Record<string, unknown>;

/** The object at `keys` below `root`; throws naming the path when the schema lacks it. */
function at(root: unknown, keys: readonly (string | number)[]): Node {
  let node = root;
  for (const [i, key] of keys.entries()) {
    node = typeof node === 'object' && node !== null ? (node as Node)[key] : undefined;
    if (typeof node !== 'object' || node === null) {
      throw new Error(`policy-rules.schema.json has no ${keys.slice(0, i + 1).join('.')}: the registry's types go there`);
    }
  }
  return node as Node;
}

/** The types of `registry` whose entries take tags (`tags` of `style`, or any), sorted. */
function typesTakingTags(registry: Readonly<Record<string, ResourceTypeEntry>>, style?: 'list' | 'map'): string[] {
  return Object.entries(registry)
    .filter(([, entry]) => (style === undefined ? entry.tags !== null : entry.tags === style))
    .map(([type]) => type)
    .sort();
}

/**
 * The schema `text` with the registry's types in place: the `Type` enum of the condition
 * under which the tags are required, and the map-tagged types named at the end of the
 * standard tags' description (in its closing parentheses).
 */
export function renderPolicyRules(text: string, registry: Readonly<Record<string, ResourceTypeEntry>> = RESOURCE_TYPES): string {
  const schema = JSON.parse(text) as Node;
  at(schema, ['definitions', 'resource', 'allOf', 0, 'if', 'properties', 'Type']).enum = typesTakingTags(registry);
  const tags = at(schema, ['definitions', 'standardTags']);
  const description = String(tags.description ?? '');
  if (!/\([^()]*\)$/.test(description)) throw new Error('policy-rules.schema.json: definitions.standardTags.description must end with the map-tagged types in parentheses');
  tags.description = description.replace(/\([^()]*\)$/, `(${typesTakingTags(registry, 'map').join(', ')})`);
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** Writes schemas/policy-rules.schema.json with the registry's types; true when it changed. */
export function writePolicyRules(): boolean {
  const before = fs.readFileSync(POLICY_RULES_FILE, 'utf8');
  const after = renderPolicyRules(before);
  if (after !== before) fs.writeFileSync(POLICY_RULES_FILE, after);
  return after !== before;
}

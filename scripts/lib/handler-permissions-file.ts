/**
 * The layout of generator/aws-data/handler-permissions.json, as
 * `npm run handler-permissions:refresh` writes it: JSON with two-space indentation, one
 * action a line and a final newline; the provenance first (`description`, `source`,
 * `note`), then `resourceTypes` with the types, each type's operations and each
 * operation's actions in sorted order. The order carries no meaning (the roles sort what
 * they grant), so an export listing the same actions in another order writes the same
 * bytes, and a refresh's diff shows only what changed.
 */
import type { HandlerPermissionsFile } from '../../generator/core/handler-permissions';

const sortedKeys = <T>(record: Readonly<Record<string, T>>, value: (v: T) => unknown): Record<string, unknown> =>
  Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, value(record[key])]),
  );

export function formatHandlerPermissions(data: HandlerPermissionsFile): string {
  const file = {
    description: data.description,
    source: data.source,
    ...(data.note !== undefined ? { note: data.note } : {}),
    resourceTypes: sortedKeys(data.resourceTypes, (ops) => sortedKeys(ops, (actions) => [...(actions ?? [])].sort())),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * `npm run handler-permissions:refresh` writes generator/aws-data/handler-permissions.json
 * through formatHandlerPermissions: a refresh with the committed data must leave the file
 * byte for byte as it is, so that a refresh's diff is only what changed upstream.
 */
import * as fs from 'node:fs';
import { HANDLER_OPERATIONS, HANDLER_PERMISSIONS_FILE, HandlerPermissionsFile, parseHandlerPermissions } from '../../generator/core/handler-permissions';
import { formatHandlerPermissions } from '../../scripts/lib/handler-permissions-file';

const committed = fs.readFileSync(HANDLER_PERMISSIONS_FILE, 'utf8');
const data = parseHandlerPermissions(committed, HANDLER_PERMISSIONS_FILE);

/** The same data in another order: types reversed, operations in handler order, actions reversed. */
function reordered(d: HandlerPermissionsFile): HandlerPermissionsFile {
  const types = Object.entries(d.resourceTypes).reverse();
  return {
    resourceTypes: Object.fromEntries(
      types.map(([type, ops]) => [type, Object.fromEntries(HANDLER_OPERATIONS.filter((op) => ops[op] !== undefined).map((op) => [op, [...ops[op]!].reverse()]))]),
    ),
    ...(d.note !== undefined ? { note: d.note } : {}),
    source: d.source,
    description: d.description,
  };
}

describe('the layout handler-permissions:refresh writes', () => {
  test('the committed data formats to the committed bytes', () => {
    expect(formatHandlerPermissions(data)).toBe(committed);
  });

  test('the same data in another order formats to the same bytes', () => {
    const shuffled = reordered(data);
    expect(JSON.stringify(shuffled)).not.toBe(JSON.stringify(data));
    expect(formatHandlerPermissions(shuffled)).toBe(committed);
  });

  test('formatting keeps the data: provenance, every type, operation and action', () => {
    const written = parseHandlerPermissions(formatHandlerPermissions(data), 'formatted');
    expect(written).toEqual(data);
    expect(Object.keys(written)).toEqual(['description', 'source', 'note', 'resourceTypes']);
  });

  test('without a note, none is written', () => {
    const { note, ...rest } = data;
    expect(note).toBeDefined();
    const text = formatHandlerPermissions(rest);
    expect(Object.keys(JSON.parse(text))).toEqual(['description', 'source', 'resourceTypes']);
    expect(text.endsWith('}\n')).toBe(true);
  });
});

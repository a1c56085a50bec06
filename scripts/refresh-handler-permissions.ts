/**
 * Replaces generator/aws-data/handler-permissions.json with a newer export of the
 * CloudFormation registry's handler permissions:
 *
 *   npm run handler-permissions:refresh -- <path to handler-permissions.json>
 *
 * The file must keep its provenance ("description", "source") and the shape
 * `resourceTypes.<type>.<create|read|update|delete|list>: [actions]`; it is checked
 * before anything is written, and written with the project's JSON layout. Afterwards run
 * `npm run generate` (the execution role is built from it) and the permissions test.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HANDLER_PERMISSIONS_FILE, parseHandlerPermissions } from '../generator/core/handler-permissions';
import { toJson } from '../generator/core/serialize';

function main(argv: readonly string[]): number {
  if (argv.length !== 1 || argv[0].startsWith('-')) {
    process.stderr.write('usage: npm run handler-permissions:refresh -- <path to handler-permissions.json>\n');
    return 2;
  }
  const source = path.resolve(argv[0]);
  if (!fs.existsSync(source)) {
    process.stderr.write(`error: ${source} does not exist\n`);
    return 1;
  }
  let data;
  try {
    data = parseHandlerPermissions(fs.readFileSync(source, 'utf8'), source);
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}; ${path.relative(process.cwd(), HANDLER_PERMISSIONS_FILE)} was left as it was\n`);
    return 1;
  }
  const sorted = {
    description: data.description,
    source: data.source,
    ...(data.note !== undefined ? { note: data.note } : {}),
    resourceTypes: Object.fromEntries(
      Object.keys(data.resourceTypes)
        .sort()
        .map((t) => [t, data.resourceTypes[t]]),
    ),
  };
  fs.writeFileSync(HANDLER_PERMISSIONS_FILE, toJson(sorted));
  process.stdout.write(`wrote ${Object.keys(sorted.resourceTypes).length} resource types to ${path.relative(process.cwd(), HANDLER_PERMISSIONS_FILE)} (source: ${data.source})\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));

/**
 * Replaces generator/aws-data/handler-permissions.json with a newer export of the
 * CloudFormation registry's handler permissions:
 *
 *   npm run handler-permissions:refresh -- <path to handler-permissions.json>
 *
 * The file must keep its provenance ("description", "source") and the shape
 * `resourceTypes.<type>.<create|read|update|delete|list>: [actions]`; it is checked
 * before anything is written, and written in the committed file's layout
 * (scripts/lib/handler-permissions-file.ts), so that a refresh with the same data leaves
 * the file byte for byte as it was. Afterwards run `npm run generate` (the roles are
 * built from it) and the permissions test.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HANDLER_PERMISSIONS_FILE, parseHandlerPermissions } from '../generator/core/handler-permissions';
import { formatHandlerPermissions } from './lib/handler-permissions-file';

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
  const target = path.relative(process.cwd(), HANDLER_PERMISSIONS_FILE);
  const text = formatHandlerPermissions(data);
  const types = Object.keys(data.resourceTypes).length;
  if (fs.existsSync(HANDLER_PERMISSIONS_FILE) && fs.readFileSync(HANDLER_PERMISSIONS_FILE, 'utf8') === text) {
    process.stdout.write(`${target} is up to date: the same ${types} resource types (source: ${data.source})\n`);
    return 0;
  }
  fs.writeFileSync(HANDLER_PERMISSIONS_FILE, text);
  process.stdout.write(`wrote ${types} resource types to ${target} (source: ${data.source})\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));

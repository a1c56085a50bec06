/**
 * Where the project's files are, whether the generator runs from its TypeScript sources
 * (ts-node) or compiled to dist/ (`npm run build`): the root is the nearest directory
 * above this file that holds package.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export const PROJECT_ROOT = findRoot(__dirname);
export const SCHEMA_DIR = path.join(PROJECT_ROOT, 'schemas');
/** The project's own configuration, read by every script unless --config names another. */
export const USER_CONFIG_PATH = path.join(PROJECT_ROOT, 'delivery.config.json');

/** The configuration the scripts read: DELIVERY_CONFIG when set (the tests point it at a fixture), else USER_CONFIG_PATH. */
export function userConfigPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.DELIVERY_CONFIG ? path.resolve(env.DELIVERY_CONFIG) : USER_CONFIG_PATH;
}

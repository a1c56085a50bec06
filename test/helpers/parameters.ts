import * as fs from 'node:fs';
import * as path from 'node:path';

/** Writes a copy of a parameter file with some parameters changed; returns its path. */
export function parameterFileWith(source: string, dir: string, name: string, changes: Record<string, string>): string {
  const pf = JSON.parse(fs.readFileSync(source, 'utf8')) as { Parameters: Record<string, string> };
  Object.assign(pf.Parameters, changes);
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(pf));
  return file;
}

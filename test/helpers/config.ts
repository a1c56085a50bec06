/**
 * Configurations for tests: the example as a mutable object, synthetic projects of any
 * number of services (generator/config/synthetic.ts), and snapshots of an output directory (file list and bytes).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURE_CONFIG_PATH as EXAMPLE_CONFIG_PATH } from './fixtures';

export { syntheticConfig } from '../../generator/config/synthetic';

// The shape of a configuration file before it is checked: anything may be anywhere.
export type RawConfig = any;

export function exampleRaw(): RawConfig {
  return JSON.parse(fs.readFileSync(EXAMPLE_CONFIG_PATH, 'utf8'));
}

const created: string[] = [];

/** A new directory below the system's temporary directory; removeTempDirs() deletes it. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cdt-${prefix}-`));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Every file below `dir` with its bytes (base64), a link with its target, or null when
 * `dir` does not exist.
 */
export function snapshot(dir: string): Record<string, string> | null {
  if (!fs.existsSync(dir)) return null;
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out[`${rel}/`] = '';
        walk(path.join(d, e.name), rel);
      } else if (e.isSymbolicLink()) out[rel] = `symbolic link to ${fs.readlinkSync(path.join(d, e.name))}`;
      else if (!e.isFile())
        out[rel] = 'not a regular file'; // a FIFO would block a read
      else out[rel] = fs.readFileSync(path.join(d, e.name)).toString('base64');
    }
  };
  walk(dir, '');
  return out;
}

/** Collects what main() writes, for assertions. */
export function capture(): { out: string; err: string; stdout(t: string): void; stderr(t: string): void } {
  const io = { out: '', err: '', stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

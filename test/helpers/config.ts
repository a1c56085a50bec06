/**
 * Configurations for tests: the example as a mutable object, synthetic projects of any
 * number of services, and snapshots of an output directory (file list and bytes).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXAMPLE_CONFIG_PATH } from '../../generator/config/load';
import { ProjectConfig } from '../../generator/config/types';

// The shape of a configuration file before it is checked: anything may be anywhere.
export type RawConfig = any;

export function exampleRaw(): RawConfig {
  return JSON.parse(fs.readFileSync(EXAMPLE_CONFIG_PATH, 'utf8'));
}

/** A valid project with `count` services across dev, staging and prod. */
export function syntheticConfig(count: number): ProjectConfig {
  const example = exampleRaw() as ProjectConfig;
  const sizes = [
    { cpu: 256, memoryMiB: 512 },
    { cpu: 512, memoryMiB: 2048 },
    { cpu: 1024, memoryMiB: 4096 },
    { cpu: 2048, memoryMiB: 8192 },
  ] as const;
  return {
    ...example,
    services: Array.from({ length: count }, (_, i) => ({
      name: `svc-${String(i + 1).padStart(3, '0')}`,
      containerPort: 8000 + i,
      ...sizes[i % sizes.length],
      desiredCount: 1 + (i % 3),
      environments: { prod: { trafficRouting: i % 2 ? 'TimeBasedLinear' : 'TimeBasedCanary', desiredCount: 3 } },
    })),
  };
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

/** Every file below `dir` with its bytes (base64), or null when `dir` does not exist. */
export function snapshot(dir: string): Record<string, string> | null {
  if (!fs.existsSync(dir)) return null;
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out[`${rel}/`] = '';
        walk(path.join(d, e.name), rel);
      } else out[rel] = fs.readFileSync(path.join(d, e.name)).toString('base64');
    }
  };
  walk(dir, '');
  return out;
}

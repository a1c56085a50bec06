/**
 * Compiles the project's schemas to ajv standalone code in dist/validators/ (see
 * generator/validate/aot.ts). The build runs it when a schema changed; by hand:
 *
 *   npm run build -- --force
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { PROJECT_ROOT } from '../generator/core/paths';
import { isCodeCacheOf, loadWithCodeCache, VALIDATOR_FILES, VALIDATORS_DIR, writeCodeCache } from '../generator/core/compiled-validators';
import { writeValidators as write } from '../generator/validate/aot';

/** Writes every validator module into `dir` (dist/validators/ by default). */
export function writeValidators(dir: string = VALIDATORS_DIR): string[] {
  return write(dir);
}

/**
 * Writes V8's code cache of the provider validators, so the first run is as fast as the
 * next. V8 compiles a function when it first runs, and the cache holds what was compiled
 * when it is written: the validators run first on every resource of the templates in
 * templates/ (when there are any), so the cache holds the functions generation calls.
 */
export function warmCodeCache(dir: string = VALIDATORS_DIR, templatesDir: string = path.join(PROJECT_ROOT, 'templates')): void {
  const file = path.join(dir, VALIDATOR_FILES.providers);
  // The caches of every flag set: each was made from the validators being replaced.
  for (const f of fs.readdirSync(dir)) if (isCodeCacheOf(file, f)) fs.rmSync(path.join(dir, f), { force: true });
  const validators = loadWithCodeCache(file, { writeCache: false }) as Record<string, (data: unknown) => boolean>;
  const templates = fs.existsSync(templatesDir) ? fs.readdirSync(templatesDir).filter((f) => f.endsWith('.json')) : [];
  for (const name of templates) {
    const template = JSON.parse(fs.readFileSync(path.join(templatesDir, name), 'utf8')) as { Resources?: Record<string, { Type: string; Properties?: unknown }> };
    for (const resource of Object.values(template.Resources ?? {})) validators[resource.Type]?.(resource.Properties ?? {});
  }
  writeCodeCache(file);
}

if (require.main === module && process.argv[2] === '--warm') {
  // The build's call, in a process with the scripts' V8 flags (scripts/v8-flags.js).
  warmCodeCache(process.argv[3]);
} else if (require.main === module) {
  const files = writeValidators();
  warmCodeCache();
  process.stdout.write(`wrote ${files.map((f) => path.join(path.relative(process.cwd(), VALIDATORS_DIR), f)).join(', ')}\n`);
}

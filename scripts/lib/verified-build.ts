/**
 * The build this process runs from, as scripts/run.js found it: run.js checks that dist/
 * was built from the sources as they are now (scripts/build.js) before it runs a script
 * from dist/scripts/, and leaves the hashes of the build's inputs here.
 */
import * as path from 'node:path';

/** Where scripts/run.js leaves them: a registered symbol, so no module-level state is shared by accident. */
export const VERIFIED_BUILD = Symbol.for('container-delivery-templates.verified-build');

export interface VerifiedBuild {
  /** The dist/ directory checked. */
  readonly dist: string;
  /** The hash of the sources it was built from, and of the validators' inputs. */
  readonly sources: string;
  readonly validators: string;
}

/**
 * One string for the build `file` (a module's `__filename`) belongs to, when that is the
 * build run.js checked; undefined for code run from anywhere else (the TypeScript sources).
 */
export function verifiedBuild(file: string): string | undefined {
  const build = (globalThis as { [VERIFIED_BUILD]?: VerifiedBuild })[VERIFIED_BUILD];
  if (!build || !build.sources || !build.validators) return undefined;
  const rel = path.relative(build.dist, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return `${build.sources}:${build.validators}`;
}

/**
 * The validators compiled ahead of time: the build (`npm run build`, which `npm run
 * generate`, the other scripts and the tests run first when a source or schema changed)
 * writes ajv's standalone code for the project's schemas to dist/validators/
 * (generator/validate/aot.ts says what each holds). Loading that code costs a fraction of
 * compiling the schemas at every start.
 */
import type { Options, ValidateFunction } from 'ajv';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { PROJECT_ROOT } from './paths';

/**
 * The options the configuration schema is compiled with, ahead of time by the build
 * (generator/validate/aot.ts), for config/load/: every error; verbose, so errors carry
 * their schema and an unknown key can list the allowed ones. The schema itself is checked against draft-07 by
 * the tests, not at every start.
 */
export const CONFIG_AJV_OPTIONS: Options = { allErrors: true, strict: true, allowUnionTypes: true, verbose: true, validateSchema: false };

export const VALIDATORS_DIR = path.join(PROJECT_ROOT, 'dist', 'validators');

/** The module file of each validator set below dist/validators/. */
export const VALIDATOR_FILES = { config: 'config.js', template: 'template.js', providers: 'providers.js' } as const;

/** What each module exports. */
export interface ValidatorModules {
  /** schemas/config.schema.json with CONFIG_AJV_OPTIONS. */
  readonly config: { readonly config: ValidateFunction };
  /** schemas/template.schema.json and policy-rules.schema.json with TEMPLATE_AJV_OPTIONS. */
  readonly template: { readonly anatomy: ValidateFunction; readonly policy: ValidateFunction };
  /**
   * Per resource type, its whole provider schema as `ProviderSchemas.schemaOf` widens it,
   * stopping at the first error: it says whether properties are valid, not why.
   */
  readonly providers: Readonly<Record<string, ValidateFunction>>;
}

const loaded: Partial<ValidatorModules> = {};

function missing(full: string): Error {
  return new Error(`the compiled validators are missing (${path.relative(PROJECT_ROOT, full)}): run \`npm run build\``);
}

/** One module of compiled validators, loaded on first use. */
export function compiledValidators<K extends keyof ValidatorModules>(name: K): ValidatorModules[K] {
  const cached = loaded[name];
  if (cached) return cached;
  const full = path.join(VALIDATORS_DIR, VALIDATOR_FILES[name]);
  let module: ValidatorModules[K];
  if (name === 'providers') {
    module = loadWithCodeCache(full) as ValidatorModules[K];
  } else {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      module = require(full) as ValidatorModules[K];
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((e as Error).message).includes(full)) throw missing(full);
      throw e;
    }
  }
  loaded[name] = module;
  return module;
}

/**
 * Where V8's code cache of a validator module is kept for this process: V8 takes a cache
 * only from the same V8 version and flags, which its version tag stands for (the scripts
 * run with other flags than the tests, scripts/v8-flags.js), so each has its own file.
 */
export function codeCacheFile(file: string, tag: number = v8.cachedDataVersionTag()): string {
  return file.replace(/\.js$/, `.${tag.toString(16)}.v8cache`);
}

/** Whether `name` (a file name) is a code cache of the module `file`, for any flags. */
export function isCodeCacheOf(file: string, name: string): boolean {
  const base = path.basename(file, '.js');
  return name.startsWith(`${base}.`) && name.endsWith('.v8cache');
}

/**
 * Loads a CommonJS module with V8's code cache beside it, writing the cache when there is
 * none or V8 rejects it (another Node version). The provider validators are megabytes of
 * code: parsing them is most of what loading them costs, and the cache skips the parse.
 * Only for modules whose results are plain values (the provider validators answer true or
 * false): the module runs in the main context even under a test runner's sandbox.
 */
export function loadWithCodeCache(file: string, { writeCache = true }: { writeCache?: boolean } = {}): unknown {
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw missing(file);
    throw e;
  }
  const cacheFile = codeCacheFile(file);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  const module = { exports: {} as unknown };
  wrapper.call(module.exports, module.exports, Module.createRequire(file), module, file, path.dirname(file));
  scripts.set(file, script);
  if (writeCache && (!cachedData || script.cachedDataRejected)) writeCodeCache(file);
  return module.exports;
}

const scripts = new Map<string, vm.Script>();

/** Writes the code cache of a module loaded by `loadWithCodeCache`, with every function compiled so far. */
export function writeCodeCache(file: string): void {
  const script = scripts.get(file);
  if (!script) throw new Error(`${file} was not loaded with its code cache`);
  const cacheFile = codeCacheFile(file);
  try {
    const temp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(temp, script.createCachedData());
    fs.renameSync(temp, cacheFile);
  } catch {
    // The cache only saves time; a read-only dist/ still works.
  }
}

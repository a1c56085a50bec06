/**
 * Renders every template and parameter file into templates/ (or --out DIR).
 *
 *   npm run generate [-- --config FILE] [-- --out DIR]
 *
 * Everything is built and checked in memory first. Only when every check passes is the
 * output directory touched, by scripts/lib/write-tree.ts: it replaces only a directory the
 * generator wrote (or an empty or new one), rewrites nothing that has not changed, and
 * swaps the new tree in atomically, so on any error the directory is exactly as it was.
 * Files the generator no longer produces disappear with the old tree.
 *
 * Run from the build (scripts/run.js, which checks it fresh first), a regeneration from the
 * same build and the same configuration bytes into a tree still as the writer recorded it
 * builds nothing: the output is a function of these inputs alone (the generator reads no
 * clock, network or environment), so that tree is what it would write.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../generator/core/paths';
import { ConfigError, capProblems, parseConfig, readConfigText, userConfigPath } from '../generator/config/load';
import { GenerationError, render } from '../generator/render';
import { CommandSpec, UsageError, parseArgs as parseFlags, usage } from './lib/args';
import { OutDirRefused, WriteError, checkOwnership, describeFsError, resolveOut, writeTree } from './lib/write-tree';
import { TREE_CACHE_DIR, recordedFrom } from './lib/tree-manifest';
import { readRenderMemo, saveRenderMemo } from './lib/render-memo';
import { verifiedBuild } from './lib/verified-build';

export { WriteError } from './lib/write-tree';
export { TREE_CACHE_DIR } from './lib/tree-manifest';

export const DEFAULT_OUT_DIR = path.join(PROJECT_ROOT, 'templates');

export interface GenerateOptions {
  readonly config: string;
  readonly out: string;
}

/**
 * The folder relative paths are given from: the caller's, also under `npm run generate`
 * (npm starts scripts in the project root and says where it was called in INIT_CWD).
 */
export function callerDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.npm_lifecycle_event === 'generate' && env.INIT_CWD ? env.INIT_CWD : process.cwd();
}

export const GENERATE_SPEC = {
  command: 'generate',
  positional: { name: '', min: 0, max: 0 },
  flags: [
    { name: 'config', kind: 'string', valueName: 'FILE', description: 'the configuration (default: delivery.config.json, or DELIVERY_CONFIG)' },
    { name: 'out', kind: 'string', valueName: 'DIR', description: 'the directory to write (default: templates/)' },
  ],
} as const satisfies CommandSpec;

export const USAGE = usage(GENERATE_SPEC);

/** The options, with paths resolved from `base`; --help is a UsageError without a message. */
export function parseArgs(argv: readonly string[], base: string = callerDir()): GenerateOptions {
  const args = parseFlags(GENERATE_SPEC, argv);
  if (args.help) throw new UsageError('');
  const { config, out } = args.strings;
  return {
    config: config === undefined ? userConfigPath() : path.resolve(base, config),
    out: out === undefined ? DEFAULT_OUT_DIR : path.resolve(base, out),
  };
}

function isWithin(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * The output directory is replaced as a whole, so it must be one the generator owns: not
 * the project or a folder above it, not the folder of the configuration, and either new,
 * empty, or holding the marker of an earlier run.
 */
function checkOutDir(options: GenerateOptions): void {
  const out = resolveOut(options.out);
  if (isWithin(realpath(PROJECT_ROOT), out) || isWithin(PROJECT_ROOT, out)) {
    throw new UsageError(`--out ${options.out} holds the project; it would be replaced by the generated files`);
  }
  if (isWithin(realpath(options.config), out) || isWithin(path.resolve(options.config), out)) {
    throw new UsageError(`--out ${options.out} holds the configuration file; it would be replaced by the generated files`);
  }
  try {
    checkOwnership(out, options.out);
  } catch (e) {
    if (e instanceof OutDirRefused) throw new UsageError(e.message);
    throw e;
  }
}

export interface Generated {
  /** How many files the tree holds (the marker file not counted). */
  readonly count: number;
  readonly written: readonly string[];
  readonly removed: readonly string[];
  readonly warnings: readonly string[];
}

export function generate(options: GenerateOptions): Generated {
  try {
    checkOutDir(options);
  } catch (e) {
    if (e instanceof OutDirRefused) throw new UsageError(e.message);
    throw e;
  }
  const text = readConfigText(options.config);
  const build = buildOf();
  const inputs = build ? inputsOf(build, text, options.config) : '';
  const recorded = inputs && recordedFrom(TREE_CACHE_DIR, resolveOut(options.out), inputs);
  // The count includes the marker file.
  if (recorded) return { count: recorded - 1, written: [], removed: [], warnings: [] };
  const config = parseConfig(text, options.config);
  // From the same build, the templates whose inputs did not change are taken from the memo.
  const previous = build ? readRenderMemo(TREE_CACHE_DIR, build) : undefined;
  const { files, memo } = render(config, previous);
  if (build) saveRenderMemo(TREE_CACHE_DIR, build, memo, previous ?? {});
  try {
    const { written, removed, warnings } = writeTree(options.out, files, undefined, TREE_CACHE_DIR, inputs);
    return { count: files.length, written, removed, warnings };
  } catch (e) {
    if (e instanceof OutDirRefused) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * The build this process runs from, when scripts/run.js checked it fresh (the hash of its
 * sources and of its validators, which covers the data files the generator reads at run
 * time), with Node's version; undefined otherwise (from the TypeScript sources, in tests).
 */
function buildOf(): string | undefined {
  const build = verifiedBuild(__filename);
  return build && `${build}\0${process.version}`;
}

/** A hash of what the generated files are made of: the build, and the configuration's path and bytes. */
function inputsOf(build: string, text: string, configFile: string): string {
  return crypto.createHash('sha256').update(`${build}\0${configFile}\0`).update(text).digest('hex');
}

export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

const PROCESS_OUTPUT: Output = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** At most `max` names, then how many more. */
function listSome(names: readonly string[], max = 20): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

export function summary(rel: string, g: Generated): string {
  const head =
    g.written.length === 0 && g.removed.length === 0
      ? `${rel} is up to date (${g.count} files)`
      : g.written.length === g.count
        ? `wrote ${g.count} files to ${rel}`
        : `wrote ${g.written.length} of ${g.count} files to ${rel}`;
  return `${head}${g.removed.length ? `; removed ${listSome(g.removed)}` : ''}\n`;
}

/**
 * The command line: returns the exit status. 0 when the files were written (or for
 * --help), 1 when the configuration or a template has a problem or the output directory
 * cannot be written, 2 for a usage error (including an --out the generator may not
 * replace). Every failure is one message; no stack trace.
 */
export function main(argv: readonly string[], io: Output = PROCESS_OUTPUT): number {
  let out = DEFAULT_OUT_DIR;
  try {
    const options = parseArgs(argv);
    out = options.out;
    const g = generate(options);
    for (const w of g.warnings) io.stderr(`warning: ${w}\n`);
    io.stdout(summary(path.relative(process.cwd(), options.out) || '.', g));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      if (!e.message) {
        io.stdout(`${USAGE}\n`);
        return 0;
      }
      io.stderr(`error: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    if (e instanceof GenerationError) {
      const lines = capProblems(e.problems);
      io.stderr(`error: generation failed; ${path.relative(process.cwd(), out) || '.'} was left as it was\n  ${lines.join('\n  ')}\n`);
      return 1;
    }
    if (e instanceof ConfigError || e instanceof WriteError) {
      io.stderr(`error: ${e.message}\n`);
      return 1;
    }
    // Anything else is a defect of the generator; still one line, not a stack.
    const message =
      e instanceof RangeError
        ? `${e.message} (the input is nested or sized beyond what the generator handles)`
        : (e as NodeJS.ErrnoException)?.code
          ? describeFsError(e)
          : ((e as Error)?.message ?? String(e));
    io.stderr(`error: generation failed unexpectedly: ${message}; ${path.relative(process.cwd(), out) || '.'} was left as it was\n`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

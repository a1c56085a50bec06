/**
 * Renders every template and parameter file into templates/ (or --out DIR).
 *
 *   npm run generate [-- --config FILE] [-- --out DIR]
 *
 * Everything is built and checked in memory first. Only when every check passes is the
 * output directory replaced, in one step: the new tree is written beside it and renamed
 * into place, so on any error the directory is exactly as it was. Files the generator
 * no longer produces disappear with the old tree.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../generator/core/paths';
import { ConfigError, loadConfig, userConfigPath } from '../generator/config/load';
import { GenerationError, RenderedFile, renderAll } from '../generator/render';

export const DEFAULT_OUT_DIR = path.join(PROJECT_ROOT, 'templates');

export interface GenerateOptions {
  readonly config: string;
  readonly out: string;
}

export class UsageError extends Error {}

/** The file system refused the output directory (permissions, a file in the way, a full disk). */
export class WriteError extends Error {}

export function parseArgs(argv: readonly string[]): GenerateOptions {
  let config = userConfigPath();
  let out = DEFAULT_OUT_DIR;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--config') config = path.resolve(value());
    else if (arg === '--out') out = path.resolve(value());
    else if (arg === '--help' || arg === '-h') throw new UsageError('');
    else throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
  }
  return { config, out };
}

/** Replaces `out` with exactly `files`, atomically. Returns what changed. */
export function writeTree(out: string, files: readonly RenderedFile[]): { written: number; removed: string[] } {
  const parent = path.dirname(out);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(out)}.new-`));
  const previous = listFiles(out);
  try {
    const made = new Set<string>([staging]);
    for (const f of files) {
      const target = path.join(staging, f.path);
      const dir = path.dirname(target);
      if (!made.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      fs.writeFileSync(target, f.content);
    }
    const old = `${staging.replace('.new-', '.old-')}`;
    const existed = fs.existsSync(out);
    if (existed) fs.renameSync(out, old);
    fs.renameSync(staging, out);
    if (existed) fs.rmSync(old, { recursive: true, force: true });
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  const now = new Set(files.map((f) => f.path));
  return { written: files.length, removed: previous.filter((p) => !now.has(p)) };
}

function listFiles(dir: string, prefix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(path.join(dir, entry.name), rel));
    else out.push(rel);
  }
  return out.sort();
}

const WRITE_ERRORS: Record<string, string> = {
  EEXIST: 'is a file, not a directory',
  ENOTDIR: 'is a file, not a directory',
  EACCES: 'is not writable (permission denied)',
  EPERM: 'is not writable (permission denied)',
  ENOSPC: 'is on a full disk',
  EROFS: 'is on a read-only file system',
};

function isWithin(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function holdsSource(dir: string): string | undefined {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.git' || entry.name === 'package.json' || /\.(ts|js)$/.test(entry.name)) return entry.name;
    if (entry.isDirectory()) {
      const inner = holdsSource(path.join(dir, entry.name));
      if (inner) return `${entry.name}/${inner}`;
    }
  }
  return undefined;
}

/**
 * The output directory is replaced as a whole, so it must be one the generator owns: not
 * the project or a folder above it, not the folder of the configuration, and not one
 * that holds source code or a repository.
 */
function checkOutDir(options: GenerateOptions): void {
  const out = path.resolve(options.out);
  if (!fs.existsSync(out)) return;
  if (!fs.statSync(out).isDirectory()) throw new UsageError(`--out ${options.out} is a file; expected a directory`);
  if (isWithin(PROJECT_ROOT, out)) throw new UsageError(`--out ${options.out} holds the project; it would be replaced by the generated files`);
  if (isWithin(path.resolve(options.config), out)) {
    throw new UsageError(`--out ${options.out} holds the configuration file; it would be replaced by the generated files`);
  }
  const source = holdsSource(out);
  if (source) throw new UsageError(`--out ${options.out} holds ${source}, which the generator does not write; refusing to replace it`);
}

export function generate(options: GenerateOptions): { files: RenderedFile[]; removed: string[] } {
  checkOutDir(options);
  const config = loadConfig(options.config);
  const files = renderAll(config);
  try {
    const { removed } = writeTree(options.out, files);
    return { files, removed };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code && err.path) {
      const reason = WRITE_ERRORS[err.code] ?? err.code;
      throw new WriteError(`cannot write ${options.out}: ${err.path} ${reason}; nothing was changed`);
    }
    throw e;
  }
}

export const USAGE = 'usage: npm run generate [-- --config FILE] [-- --out DIR]';

export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

const PROCESS_OUTPUT: Output = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * The command line: returns the exit status. 0 when the files were written (or for
 * --help), 1 when the configuration or a template has a problem or the output directory
 * cannot be written, 2 for a usage error.
 */
export function main(argv: readonly string[], io: Output = PROCESS_OUTPUT): number {
  try {
    const options = parseArgs(argv);
    const { files, removed } = generate(options);
    const rel = path.relative(process.cwd(), options.out) || '.';
    io.stdout(`wrote ${files.length} files to ${rel}${removed.length ? `; removed ${removed.join(', ')}` : ''}\n`);
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
    if (e instanceof ConfigError || e instanceof GenerationError || e instanceof WriteError) {
      io.stderr(`error: ${e.message}\n`);
      return 1;
    }
    io.stderr(`error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

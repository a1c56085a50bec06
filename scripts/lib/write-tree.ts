/**
 * Puts a generated tree in place of an output directory: only a directory the generator
 * made, atomically, and without touching what did not change.
 *
 * - Ownership: the generator writes a marker file (MARKER) into every tree it writes, and
 *   replaces an existing directory only when the marker is there or the directory is
 *   empty. Anything else is refused (OutDirRefused) before a byte is written.
 * - Nothing to do: when every file already has its bytes and nothing is to be removed,
 *   nothing is written, renamed or removed (the files keep their times). With a record of
 *   the tree last written (scripts/lib/tree-manifest.ts), that is known from one `lstat` a
 *   file and a directory; without one, by listing the tree and reading its files back.
 * - A small change (at most a quarter of the files) is made in place, file by file, all or
 *   nothing by a journal beside the output (scripts/lib/patch-tree.ts).
 * - Otherwise the new tree is staged beside the output (`.NAME.new-PID-RANDOM`), unchanged
 *   files hard-linked from the current tree rather than written again, and swapped in by
 *   two renames: output -> `.NAME.old-PID-RANDOM`, staging -> output. When the second
 *   rename fails, the first is undone before the error says "nothing was changed"; when
 *   even that fails, the error says where the previous tree is. A process killed between
 *   the renames leaves the previous tree in `.NAME.old-*`: the next run puts it back.
 * - One writer at a time: `.NAME.lock` beside the output (created exclusively, holding the
 *   writer's process id; a lock whose process is gone is taken over). Leftover staging and
 *   old trees of interrupted runs are removed by the next run, under the lock.
 * - A symbolic link as the output is followed: the directory it points to is replaced and
 *   the link stays. Directories and files are created with the default modes, so the
 *   process umask decides who can read them, as for any other file.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lstat } from './lstat';
import { PatchOps, patchable, patchTree, recoverPatches } from './patch-tree';
import { FileBytes, Known, TreeFile, compareTree } from './compare-tree';
import { contentHash, record, recordedTree, unchangedByRecord } from './tree-manifest';

export const MARKER = '.generated';
export const MARKER_CONTENT = 'This folder is written by `npm run generate`, which replaces it as a whole.\nAnything else kept here is lost on the next run.\n';

export type { TreeFile } from './compare-tree';

/** The output directory is not one the generator may replace (a usage error). */
export class OutDirRefused extends Error {}

/** The file system refused the write; `changed` says whether the output is still the previous tree. */
export class WriteError extends Error {}

export interface WriteResult {
  /** The directory written (the target of `out` when it is a symbolic link). */
  readonly dir: string;
  /** Files written because they are new or their bytes changed. */
  readonly written: readonly string[];
  /** Files of the previous tree that the new one does not have. */
  readonly removed: readonly string[];
  readonly unchanged: number;
  /** Things that went wrong after the new tree was in place, or were repaired before. */
  readonly warnings: readonly string[];
}

/** The file operations that change the tree; tests replace some to make them fail. */
export type SwapOps = PatchOps;

const REAL_OPS: SwapOps = { renameSync: fs.renameSync, rmSync: fs.rmSync, writeFileSync: (file, data) => fs.writeFileSync(file, data) };

const WRITE_REASONS: Record<string, string> = {
  EEXIST: 'is a file, not a directory',
  ENOTDIR: 'is a file, not a directory',
  EACCES: 'is not writable (permission denied)',
  EPERM: 'is not writable (permission denied)',
  ENOSPC: 'is on a full disk',
  EDQUOT: 'is over the disk quota',
  EROFS: 'is on a read-only file system',
  EIO: 'could not be written (an I/O error)',
  ENOTEMPTY: 'is in the way (not empty)',
  EBUSY: 'is in use',
};

/** `PATH REASON` for a file-system error, without a stack. */
export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err === 'object' && err.code) {
    const reason = WRITE_REASONS[err.code] ?? `failed (${err.code})`;
    return err.path ? `${err.path} ${reason}` : reason;
  }
  return e instanceof Error ? e.message : String(e);
}

/** Where `out` really is: a symbolic link is followed to its directory. */
export function resolveOut(out: string): string {
  const abs = path.resolve(out);
  const st = lstat(abs);
  if (!st?.isSymbolicLink()) return abs;
  let target: string;
  try {
    target = fs.realpathSync(abs);
  } catch {
    throw new OutDirRefused(`--out ${out} is a symbolic link to ${fs.readlinkSync(abs)}, which does not exist; create that directory or remove the link`);
  }
  return target;
}

/**
 * Whether the generator may replace `dir`: it does not exist, is empty, or holds the
 * marker. Throws OutDirRefused saying why not. `shown` is the path as the user gave it.
 */
export function checkOwnership(dir: string, shown: string): void {
  const st = lstat(dir);
  if (!st) return;
  if (!st.isDirectory()) throw new OutDirRefused(`--out ${shown} is a file; expected a directory`);
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch (e) {
    throw new OutDirRefused(`--out ${shown} cannot be read (${describeFsError(e).replace(`${dir} `, '')}); refusing to replace it`);
  }
  if (entries.length === 0) return;
  const marker = lstat(path.join(dir, MARKER));
  if (marker?.isFile()) return;
  const shownEntries = entries.sort().slice(0, 5).join(', ') + (entries.length > 5 ? `, and ${entries.length - 5} more` : '');
  throw new OutDirRefused(
    `--out ${shown} holds files the generator did not write (${shownEntries}) and no ${MARKER} marker; ` +
      'refusing to replace it: give a new or empty directory, or one an earlier generate wrote',
  );
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `.NAME.lock` beside the output; returns its release. */
function lock(parent: string, base: string): () => void {
  const file = path.join(parent, `.${base}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder = NaN;
      try {
        holder = Number(fs.readFileSync(file, 'utf8').trim());
      } catch {
        // removed meanwhile: try again
      }
      if (processAlive(holder) && holder !== process.pid) {
        throw new WriteError(
          `cannot write ${path.join(parent, base)}: another generate (process ${holder}) is writing it; nothing was changed ` + `(if no generate is running, remove ${file})`,
        );
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new WriteError(`cannot write ${path.join(parent, base)}: cannot take ${file}; nothing was changed`);
}

/**
 * Leftovers of interrupted runs beside the output. When the output itself is missing and
 * an old tree is there, a run was killed between its two renames: the old tree goes back.
 */
function recover(parent: string, base: string, target: string, ops: SwapOps, warnings: string[]): void {
  const prefix = `.${base}.`;
  const leftovers = fs
    .readdirSync(parent)
    .filter((n) => n.startsWith(prefix) && /^(new|old)-/.test(n.slice(prefix.length)))
    .map((n) => path.join(parent, n));
  if (!leftovers.length) return;
  if (!lstat(target)) {
    const olds = leftovers
      .filter((p) => path.basename(p).startsWith(`${prefix}old-`))
      .map((p) => ({ p, t: fs.lstatSync(p).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    if (olds.length) {
      ops.renameSync(olds[0].p, target);
      warnings.push(`put back ${target} from ${olds[0].p}, left by an interrupted run`);
    }
  }
  for (const p of leftovers) {
    if (!lstat(p)) continue;
    try {
      ops.rmSync(p, { recursive: true, force: true });
    } catch (e) {
      warnings.push(`cannot remove ${p}, left by an interrupted run: ${describeFsError(e)}`);
    }
  }
}

/**
 * Makes `out` hold exactly `files` plus the marker. Throws OutDirRefused when `out` is not
 * the generator's, WriteError when the file system refuses (saying whether anything changed).
 * With `cacheDir`, a record of the tree written is kept there (scripts/lib/tree-manifest.ts),
 * and a tree that is as recorded and gets the same bytes is known unchanged from one
 * `lstat` a file, without reading it back.
 * `inputs`, a hash of everything the files were built from, goes into the record: the next
 * run from the same inputs can ask it (`recordedFrom`) before building anything.
 */
export function writeTree(out: string, files: readonly TreeFile[], ops: SwapOps = REAL_OPS, cacheDir?: string, inputs = ''): WriteResult {
  const target = resolveOut(out);
  const parent = path.dirname(target);
  const base = path.basename(target);
  const fail = (e: unknown, outcome: string): WriteError => new WriteError(`cannot write ${out}: ${describeFsError(e)}; ${outcome}`);
  try {
    fs.mkdirSync(parent, { recursive: true });
  } catch (e) {
    throw fail(e, 'nothing was changed');
  }
  let release: () => void;
  try {
    release = lock(parent, base);
  } catch (e) {
    if (e instanceof WriteError) throw e;
    throw fail(e, 'nothing was changed');
  }
  try {
    const warnings: string[] = [];
    try {
      recover(parent, base, target, ops, warnings);
      recoverPatches(target, ops, warnings);
    } catch (e) {
      throw fail(e, 'nothing was changed');
    }
    checkOwnership(target, out);
    if (!cacheDir) return swapIn(target, files, ops, warnings, fail).result;
    const hashed = [...files, { path: MARKER, content: MARKER_CONTENT }].map((f) => ({ path: f.path, hash: contentHash(f.content) }));
    if (unchangedByRecord(cacheDir, target, hashed, undefined, inputs)) return { dir: target, written: [], removed: [], unchanged: files.length, warnings };
    const recorded = recordedTree(cacheDir, target);
    const known = recorded && { ...recorded, hashes: new Map(hashed.map((h) => [h.path, h.hash])) };
    const { result, inPlace } = swapIn(target, files, ops, warnings, fail, known);
    // A change made in place touched only the files it wrote (a staged tree links every file anew).
    const written = new Set(result.written);
    record(cacheDir, target, hashed, inputs, (p) => (inPlace && recorded && !written.has(p) ? recorded.statOf(p) : undefined));
    return result;
  } finally {
    release();
  }
}

/** Makes the change; `inPlace` when nothing or only the changed files were touched. */
function swapIn(
  target: string,
  files: readonly TreeFile[],
  ops: SwapOps,
  warnings: string[],
  fail: (e: unknown, outcome: string) => WriteError,
  known?: Known,
): { result: WriteResult; inPlace: boolean } {
  const { all, unchanged, removed, written } = compareTree(target, [...files, { path: MARKER, content: MARKER_CONTENT }], MARKER, known);
  const result: WriteResult = { dir: target, written, removed, unchanged: unchanged.size - (unchanged.has(MARKER) ? 1 : 0), warnings };
  if (unchanged.size === all.length && removed.length === 0) return { result, inPlace: true };
  const writes = all.filter((f) => !unchanged.has(f.path));
  if (patchable(target, writes, removed, all.length)) {
    patchTree(target, writes, removed, ops, warnings, fail);
    return { result, inPlace: true };
  }

  const tag = `${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  const staging = path.join(path.dirname(target), `.${path.basename(target)}.new-${tag}`);
  stage(target, staging, all, unchanged, ops, fail);

  const old = path.join(path.dirname(target), `.${path.basename(target)}.old-${tag}`);
  replace(target, staging, old, ops, warnings, fail);
  return { result, inPlace: false };
}

/** Writes the new tree into `staging`, hard-linking the unchanged files from `target`; removes it on failure. */
function stage(target: string, staging: string, all: readonly FileBytes[], unchanged: ReadonlySet<string>, ops: SwapOps, fail: (e: unknown, outcome: string) => WriteError): void {
  try {
    fs.mkdirSync(staging);
    const made = new Set<string>([staging]);
    for (const f of all) {
      const dest = path.join(staging, f.path);
      const dir = path.dirname(dest);
      if (!made.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      if (unchanged.has(f.path)) {
        try {
          fs.linkSync(path.join(target, f.path), dest);
          continue;
        } catch {
          // a file system without hard links: write the bytes
        }
      }
      ops.writeFileSync(dest, f.bytes);
    }
  } catch (e) {
    removeQuietly(staging, ops);
    throw fail(e, 'nothing was changed');
  }
}

/**
 * Puts `staging` in place of `target` by two renames (`target` -> `old`, `staging` -> `target`),
 * undoing the first when the second fails, then removes the previous tree.
 */
function replace(target: string, staging: string, old: string, ops: SwapOps, warnings: string[], fail: (e: unknown, outcome: string) => WriteError): void {
  const existed = lstat(target) !== undefined;
  if (existed) {
    try {
      ops.renameSync(target, old);
    } catch (e) {
      removeQuietly(staging, ops);
      throw fail(e, 'nothing was changed');
    }
  }
  try {
    ops.renameSync(staging, target);
  } catch (e) {
    if (existed) {
      try {
        ops.renameSync(old, target);
      } catch (restore) {
        throw fail(
          e,
          `and putting the previous tree back failed too (${describeFsError(restore)}): it is in ${old} ` +
            `and the new one in ${staging}; the next generate puts the previous one back`,
        );
      }
    }
    removeQuietly(staging, ops);
    throw fail(e, 'nothing was changed');
  }
  if (existed) {
    try {
      ops.rmSync(old, { recursive: true, force: true });
    } catch (e) {
      warnings.push(`the new tree is in place, but the previous one could not be removed: ${describeFsError(e)}; the next generate removes ${old}`);
    }
  }
}

function removeQuietly(dir: string, ops: SwapOps): void {
  try {
    ops.rmSync(dir, { recursive: true, force: true });
  } catch {
    // the next run removes it with the other leftovers
  }
}

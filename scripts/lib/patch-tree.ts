/**
 * A small change to a tree the generator wrote, made in place rather than by staging and
 * swapping in a whole new tree (scripts/lib/write-tree.ts), whose cost grows with the tree
 * (a directory made and a link per file): editing one service of a thousand rewrites a
 * handful of files. Only the files that change are touched, and the change is still all or
 * nothing, by a journal beside the tree (`.NAME.patch-TAG.json`):
 *
 * 1. the journal is written as pending, naming the files to write and remove;
 * 2. each new file's bytes go to a temporary file beside it (`.FILE.new-TAG`);
 * 3. the journal is marked committed (written anew and renamed over itself);
 * 4. each file is renamed into place, its previous bytes kept as a hard link
 *    (`.FILE.old-TAG`), and each file to remove is renamed aside the same way;
 * 5. the kept files, directories left empty and the journal are removed.
 *
 * A failure before 4 removes what was written: nothing was changed. A failure in 4 puts
 * every file back from what was kept. A run killed before the journal is committed leaves
 * it pending: the next run removes what it names. A run killed after leaves it committed:
 * the next run completes the change (every file of the new tree was written by then).
 * Between a kill in step 4 and the next run the tree holds some new files and some old;
 * the journal beside it says so.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lstat } from './lstat';

/** The file operations that change the tree; tests replace some to make them fail. */
export interface PatchOps {
  renameSync(from: string, to: string): void;
  rmSync(target: string, options: fs.RmOptions): void;
  writeFileSync(file: string, data: Buffer): void;
}

export interface PatchFile {
  /** Path below the tree, `/`-separated. */
  readonly path: string;
  readonly bytes: Buffer;
}

interface Journal {
  readonly state: 'pending' | 'committed';
  readonly tag: string;
  readonly writes: readonly string[];
  readonly removes: readonly string[];
}

const JOURNAL = /^patch-[0-9a-f-]+\.json$/;
const JOURNAL_TEMP = /^patch-[0-9a-f-]+\.json\.tmp$/;

function journalFile(target: string, tag: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.patch-${tag}.json`);
}

/** `dir/.NAME.KIND-TAG` for the file `dir/NAME`. */
function beside(file: string, kind: 'new' | 'old', tag: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${kind}-${tag}`);
}

function exists(p: string): boolean {
  return lstat(p) !== undefined;
}

function writeJournal(file: string, journal: Journal): void {
  const temp = `${file}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(journal)}\n`);
  fs.renameSync(temp, file);
}

/**
 * Whether the change can be made in place: the tree exists, the change is small against
 * it (at most a quarter of its files), and no file to write is in the place of a
 * directory or below something that is not one.
 */
export function patchable(target: string, writes: readonly PatchFile[], removes: readonly string[], total: number): boolean {
  if (!lstat(target)?.isDirectory()) return false;
  if ((writes.length + removes.length) * 4 > total) return false;
  return writes.every((f) => {
    const st = lstat(path.join(target, f.path));
    if (st && !st.isFile()) return false;
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = lstat(path.join(target, ...parts.slice(0, i)));
      if (dir && !dir.isDirectory()) return false;
    }
    return true;
  });
}

/**
 * Makes the change. Throws what `fail` makes of the first error, with the outcome (nothing
 * changed, or where things are); problems after the change is in place become warnings.
 */
export function patchTree(
  target: string,
  writes: readonly PatchFile[],
  removes: readonly string[],
  ops: PatchOps,
  warnings: string[],
  fail: (e: unknown, outcome: string) => Error,
): void {
  const tag = `${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  const journal = journalFile(target, tag);
  const plan: Journal = { state: 'pending', tag, writes: writes.map((f) => f.path), removes };
  try {
    writeJournal(journal, plan);
    for (const f of writes) {
      const dest = path.join(target, f.path);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      ops.writeFileSync(beside(dest, 'new', tag), f.bytes);
    }
    writeJournal(journal, { ...plan, state: 'committed' });
  } catch (e) {
    discard(target, plan, ops);
    removeQuietly(journal, ops);
    throw fail(e, 'nothing was changed');
  }
  apply(target, plan, ops, journal, fail);
  finish(target, plan, ops, warnings);
}

/** Step 4: every file into place, its previous bytes kept; on a failure, every file back. */
function apply(target: string, plan: Journal, ops: PatchOps, journal: string, fail: (e: unknown, outcome: string) => Error): void {
  let written = 0;
  let removed = 0;
  try {
    for (const p of plan.writes) {
      const dest = path.join(target, p);
      if (exists(dest)) keep(dest, beside(dest, 'old', plan.tag));
      ops.renameSync(beside(dest, 'new', plan.tag), dest);
      written++;
    }
    for (const p of plan.removes) {
      const dest = path.join(target, p);
      ops.renameSync(dest, beside(dest, 'old', plan.tag));
      removed++;
    }
  } catch (e) {
    try {
      undo(target, plan, written, removed, ops);
    } catch (restore) {
      throw fail(e, `and putting the previous files back failed too (${(restore as Error).message}); the next generate completes the change (${journal})`);
    }
    removeQuietly(journal, ops);
    throw fail(e, 'nothing was changed');
  }
}

/** A hard link to the file's bytes (a copy where the file system has no hard links). */
function keep(file: string, kept: string): void {
  try {
    fs.linkSync(file, kept);
  } catch {
    fs.copyFileSync(file, kept);
  }
}

/** Puts back the first `written` files written and `removed` files removed, and removes what else was written. */
function undo(target: string, plan: Journal, written: number, removed: number, ops: PatchOps): void {
  for (const p of plan.removes.slice(0, removed)) {
    const dest = path.join(target, p);
    ops.renameSync(beside(dest, 'old', plan.tag), dest);
  }
  for (const p of plan.writes.slice(0, written)) {
    const dest = path.join(target, p);
    const kept = beside(dest, 'old', plan.tag);
    if (exists(kept)) ops.renameSync(kept, dest);
    else ops.rmSync(dest, { force: true });
  }
  discard(target, plan, ops);
}

/** Removes the temporary and kept files of a change, and the directories it left empty. */
function discard(target: string, plan: Journal, ops: PatchOps): void {
  for (const p of plan.writes) {
    const dest = path.join(target, p);
    removeQuietly(beside(dest, 'new', plan.tag), ops);
    removeQuietly(beside(dest, 'old', plan.tag), ops);
  }
  removeEmptyDirs(target, plan.writes);
}

/** Step 5, also the end of a completed interrupted change: what was kept, emptied directories, the journal. */
function finish(target: string, plan: Journal, ops: PatchOps, warnings: string[]): void {
  const left: string[] = [];
  for (const p of [...plan.writes, ...plan.removes]) {
    const kept = beside(path.join(target, p), 'old', plan.tag);
    if (!exists(kept)) continue;
    try {
      ops.rmSync(kept, { force: true });
    } catch {
      left.push(kept);
    }
  }
  removeEmptyDirs(target, plan.removes);
  const journal = journalFile(target, plan.tag);
  if (left.length) warnings.push(`the change is in place, but ${left.length} previous file(s) could not be removed (${left[0]}); the next generate removes them`);
  else removeQuietly(journal, ops);
}

/** Removes the directories of `paths` below `target` that are empty, deepest first. */
function removeEmptyDirs(target: string, paths: readonly string[]): void {
  const dirs = new Set<string>();
  for (const p of paths) for (let d = path.posix.dirname(p); d !== '.'; d = path.posix.dirname(d)) dirs.add(d);
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
    try {
      fs.rmdirSync(path.join(target, d));
    } catch {
      // not empty, or gone
    }
  }
}

function removeQuietly(file: string, ops: PatchOps): void {
  try {
    ops.rmSync(file, { force: true });
  } catch {
    // the next run removes it
  }
}

/** The journal of a change to `target` that an interrupted run left, if any: the tree may be half changed. */
export function interruptedChange(dir: string): string | undefined {
  // The writer keeps the journal beside the directory a symbolic link leads to.
  let target: string;
  let names: string[];
  try {
    target = fs.realpathSync(dir);
    names = fs.readdirSync(path.dirname(target));
  } catch {
    return undefined;
  }
  const prefix = `.${path.basename(target)}.`;
  const journal = names.find((n) => n.startsWith(prefix) && JOURNAL.test(n.slice(prefix.length)));
  return journal === undefined ? undefined : path.join(path.dirname(target), journal);
}

/**
 * The journals of interrupted changes beside `target`: a pending one is undone (the change
 * never started), a committed one completed. Returns what was done, for warnings.
 */
export function recoverPatches(target: string, ops: PatchOps, warnings: string[]): void {
  const parent = path.dirname(target);
  const prefix = `.${path.basename(target)}.`;
  for (const name of fs.readdirSync(parent)) {
    const rest = name.startsWith(prefix) ? name.slice(prefix.length) : '';
    // A journal half written when its run was killed: the journal it was to replace, if any, is here too.
    if (JOURNAL_TEMP.test(rest)) removeQuietly(path.join(parent, name), ops);
    if (!JOURNAL.test(rest)) continue;
    const file = path.join(parent, name);
    let plan: Journal;
    try {
      plan = JSON.parse(fs.readFileSync(file, 'utf8')) as Journal;
    } catch {
      removeQuietly(file, ops);
      continue;
    }
    if (plan.state === 'committed') {
      complete(target, plan, ops);
      finish(target, plan, ops, warnings);
      warnings.push(`completed the change of ${target} that an interrupted run had begun (${file})`);
    } else {
      discard(target, plan, ops);
      removeQuietly(file, ops);
      warnings.push(`removed the files of a change of ${target} that an interrupted run had not begun (${file})`);
    }
  }
}

/** Step 4 of an interrupted change, from wherever it stopped. */
function complete(target: string, plan: Journal, ops: PatchOps): void {
  for (const p of plan.writes) {
    const dest = path.join(target, p);
    const temp = beside(dest, 'new', plan.tag);
    if (exists(temp)) ops.renameSync(temp, dest);
  }
  for (const p of plan.removes) {
    const dest = path.join(target, p);
    if (exists(dest)) ops.renameSync(dest, beside(dest, 'old', plan.tag));
  }
}

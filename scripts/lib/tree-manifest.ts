/**
 * What the writer recorded of the tree it last wrote, so that a regeneration that changes
 * nothing is known to be one from one `lstat` a file and a directory, without reading the
 * files back or listing the directories.
 *
 * The record (a JSON file in a cache directory, named by a hash of the output's path) holds
 * for every file the hash of its bytes and its size, modification and change times and
 * inode, and for every directory its times and inode, as git's index does. A file is taken
 * to still hold the recorded bytes only when all of these are as recorded: writing a file
 * changes its change time, which no program can set back. A directory whose times are as
 * recorded had no entry added or removed, so the tree has no file the record does not
 * know. A file or directory changed within a second of the recording could share its
 * change time with the recorded one ("racily clean", in git's words): it is not trusted.
 * Anything not as recorded, or no record, and the writer compares the tree itself.
 *
 * The record is only a cache: the tree is the truth. It is written after the tree is in
 * place, and a missing, unreadable or stale record only costs the full comparison.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const VERSION = 1;

/** A margin beyond the file systems' time granularity (ext4: a clock tick; FAT: 2 s). */
const RACY_MS = 2000;

/** [size, mtimeMs, ctimeMs, ino, hash] of a file; [-1, mtimeMs, ctimeMs, ino, ''] of a directory. */
type Entry = [number, number, number, number, string];

interface Manifest {
  readonly version: number;
  readonly dir: string;
  /** The time (ms since the epoch) after the entries were taken. */
  readonly recordedAt: number;
  readonly entries: Readonly<Record<string, Entry>>;
}

/**
 * The hash of a file's bytes (its content as UTF-8). The one-shot crypto.hash (Node
 * 20.12 and later) gives the same digest as createHash without a Hash object per file.
 */
export function contentHash(content: string): string {
  return crypto.hash('sha1', content, 'base64');
}

function manifestFile(cacheDir: string, dir: string): string {
  return path.join(cacheDir, `tree-${crypto.createHash('sha1').update(dir).digest('hex').slice(0, 16)}.json`);
}

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function entryOf(st: fs.Stats, hash: string): Entry {
  return [st.isDirectory() ? -1 : st.size, st.mtimeMs, st.ctimeMs, st.ino, hash];
}

function read(cacheDir: string, dir: string): Manifest | undefined {
  try {
    const m = JSON.parse(fs.readFileSync(manifestFile(cacheDir, dir), 'utf8')) as Manifest;
    return m.version === VERSION && m.dir === dir && typeof m.recordedAt === 'number' && m.entries ? m : undefined;
  } catch {
    return undefined;
  }
}

/** The directories of `files` (relative, `/`-separated), the tree's own as ''. */
function directoriesOf(files: readonly string[]): string[] {
  const dirs = new Set<string>(['']);
  for (const f of files) {
    for (let i = f.indexOf('/'); i !== -1; i = f.indexOf('/', i + 1)) dirs.add(f.slice(0, i));
  }
  return [...dirs];
}

/**
 * Whether `dir` holds exactly `files` (path and hash of the bytes), nothing else, by the
 * record: false when the record does not say so for certain.
 */
export function unchangedByRecord(cacheDir: string, dir: string, files: ReadonlyArray<{ path: string; hash: string }>, racyMs: number = RACY_MS): boolean {
  const m = read(cacheDir, dir);
  if (!m) return false;
  const dirs = directoriesOf(files.map((f) => f.path));
  if (Object.keys(m.entries).length !== files.length + dirs.length) return false;
  const prefix = dir.endsWith(path.sep) ? dir : `${dir}${path.sep}`;
  const trustedBefore = m.recordedAt - racyMs;
  // The entry's fields compared one by one: no array or joined path made per file.
  const trusted = (rel: string, hash: string): boolean => {
    const e = m.entries[rel];
    if (!e || e[4] !== hash) return false;
    const st = lstat(rel ? prefix + rel : dir);
    if (!st || (hash ? !st.isFile() : !st.isDirectory())) return false;
    return e[0] === (hash ? st.size : -1) && e[1] === st.mtimeMs && e[2] === st.ctimeMs && e[3] === st.ino && st.ctimeMs <= trustedBefore;
  };
  return files.every((f) => trusted(f.path, f.hash)) && dirs.every((d) => trusted(d, ''));
}

/** Records `dir` as holding `files` (whose bytes it holds now); failures are ignored. */
export function record(cacheDir: string, dir: string, files: ReadonlyArray<{ path: string; hash: string }>): void {
  try {
    const entries: Record<string, Entry> = {};
    for (const d of directoriesOf(files.map((f) => f.path))) entries[d] = entryOf(fs.lstatSync(d ? path.join(dir, d) : dir), '');
    for (const f of files) entries[f.path] = entryOf(fs.lstatSync(path.join(dir, f.path)), f.hash);
    // The clock the file times come from, to the microsecond, taken after the last lstat.
    const recordedAt = performance.timeOrigin + performance.now();
    const manifest: Manifest = { version: VERSION, dir, recordedAt, entries };
    const file = manifestFile(cacheDir, dir);
    fs.mkdirSync(cacheDir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(manifest));
    fs.renameSync(temp, file);
    prune(cacheDir, path.basename(file));
  } catch {
    // Only a cache: the next run compares the tree itself.
  }
}

/** How many records are kept (one per output directory written, the latest first). */
const KEEP = 16;

/** Removes all but the KEEP latest records (`current` always kept): scratch outputs (tests, benchmarks) leave records behind. */
function prune(cacheDir: string, current: string): void {
  const records = fs
    .readdirSync(cacheDir)
    .filter((f) => f !== current && /^tree-[0-9a-f]{16}\.json$/.test(f))
    .map((f) => ({ f, t: fs.statSync(path.join(cacheDir, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { f } of records.slice(KEEP - 1)) fs.rmSync(path.join(cacheDir, f), { force: true });
}

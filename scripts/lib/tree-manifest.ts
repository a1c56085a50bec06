/**
 * What the writer recorded of the tree it last wrote, so that a regeneration that changes
 * nothing is known to be one from one `lstat` a file and a directory, without reading the
 * files back or listing the directories.
 *
 * The record (a JSON file in a cache directory, named by a hash of the output's path) holds
 * one digest of every path and the hash of each file's bytes, and for every file its size,
 * modification and change times and inode, and for every directory its times and inode,
 * as git's index does. A file is taken
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

const VERSION = 3;

/** A margin beyond the file systems' time granularity (ext4: a clock tick; FAT: 2 s). */
const RACY_MS = 2000;

/** Numbers recorded per entry: size (-1 for a directory), mtimeMs, ctimeMs, inode. */
const STAT_FIELDS = 4;

/**
 * The entries in the order they are checked, the tree's directories first, then its files
 * in the order given: one digest of their paths and content hashes, and a flat list of
 * numbers, which JSON reads fastest.
 */
interface Manifest {
  readonly version: number;
  readonly dir: string;
  /** The time (ms since the epoch) after the entries were taken. */
  readonly recordedAt: number;
  /** The hash of every entry's path and content hash, in order (`listingDigest`). */
  readonly digest: string;
  /** STAT_FIELDS numbers per entry. */
  readonly stats: readonly number[];
}

/**
 * The hash of a file's bytes (its content as UTF-8). The one-shot crypto.hash (Node
 * 20.12 and later) gives the same digest as createHash without a Hash object per file.
 */
export function contentHash(content: string): string {
  return crypto.hash('sha1', content, 'base64');
}

/** The digest of the directories and of the files' paths and hashes, in order. */
function listingDigest(dirs: readonly string[], files: ReadonlyArray<{ path: string; hash: string }>): string {
  let listing = '';
  for (const d of dirs) listing += `${d}/\n`;
  for (const f of files) listing += `${f.path}\0${f.hash}\n`;
  return crypto.hash('sha1', listing, 'base64');
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

function read(cacheDir: string, dir: string): Manifest | undefined {
  try {
    const m = JSON.parse(fs.readFileSync(manifestFile(cacheDir, dir), 'utf8')) as Manifest;
    const valid = m.version === VERSION && m.dir === dir && typeof m.recordedAt === 'number' && typeof m.digest === 'string' && Array.isArray(m.stats);
    return valid ? m : undefined;
  } catch {
    return undefined;
  }
}

/** The directories of `files` (relative, `/`-separated), the tree's own as ''. */
function directoriesOf(files: ReadonlyArray<{ path: string }>): string[] {
  const dirs = new Set<string>(['']);
  for (const { path: f } of files) {
    for (let i = f.indexOf('/'); i !== -1; i = f.indexOf('/', i + 1)) dirs.add(f.slice(0, i));
  }
  return [...dirs];
}

/**
 * Whether `dir` holds exactly `files` (path and hash of the bytes), nothing else, by the
 * record: false when the record does not say so for certain (also when the files are not
 * in the order recorded).
 */
export function unchangedByRecord(cacheDir: string, dir: string, files: ReadonlyArray<{ path: string; hash: string }>, racyMs: number = RACY_MS): boolean {
  const m = read(cacheDir, dir);
  if (!m) return false;
  const dirs = directoriesOf(files);
  if (m.stats.length !== (dirs.length + files.length) * STAT_FIELDS) return false;
  if (m.digest !== listingDigest(dirs, files)) return false;
  const prefix = dir.endsWith(path.sep) ? dir : `${dir}${path.sep}`;
  const trustedBefore = m.recordedAt - racyMs;
  // Entry i of the record against the lstat of its path: no object made per file but the Stats.
  const trusted = (i: number, rel: string, file: boolean): boolean => {
    const st = lstat(rel ? prefix + rel : dir);
    if (!st || (file ? !st.isFile() : !st.isDirectory())) return false;
    const at = i * STAT_FIELDS;
    const s = m.stats;
    return s[at] === (file ? st.size : -1) && s[at + 1] === st.mtimeMs && s[at + 2] === st.ctimeMs && s[at + 3] === st.ino && st.ctimeMs <= trustedBefore;
  };
  for (let i = 0; i < dirs.length; i++) if (!trusted(i, dirs[i], false)) return false;
  for (let i = 0; i < files.length; i++) if (!trusted(dirs.length + i, files[i].path, true)) return false;
  return true;
}

/** Records `dir` as holding `files` (whose bytes it holds now); failures are ignored. */
export function record(cacheDir: string, dir: string, files: ReadonlyArray<{ path: string; hash: string }>): void {
  try {
    const dirs = directoriesOf(files);
    const stats: number[] = [];
    const add = (rel: string): void => {
      const st = fs.lstatSync(rel ? path.join(dir, rel) : dir);
      stats.push(st.isDirectory() ? -1 : st.size, st.mtimeMs, st.ctimeMs, st.ino);
    };
    for (const d of dirs) add(d);
    for (const f of files) add(f.path);
    // The clock the file times come from, to the microsecond, taken after the last lstat.
    const recordedAt = performance.timeOrigin + performance.now();
    const manifest: Manifest = { version: VERSION, dir, recordedAt, digest: listingDigest(dirs, files), stats };
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

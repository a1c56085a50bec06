/**
 * What the writer recorded of the tree it last wrote, so that a regeneration that changes
 * nothing is known to be one from one `lstat` a file and a directory, without reading the
 * files back or listing the directories.
 *
 * The record (a JSON file in a cache directory, named by a hash of the output's path) holds
 * one digest of every path and the hash of each file's bytes, and for every file its size,
 * modification and change times and inode, and for every directory its times and inode,
 * as git's index does. A file is taken to still hold the recorded bytes only when all of
 * these are as recorded: writing a file changes its change time, which no program can set
 * back. A directory whose times are as recorded had no entry added or removed, so the tree
 * has no file the record does not know. A file or directory changed within two seconds of
 * the recording (RACY_MS) could have been changed again within the same tick of the file
 * system's clock, keeping its times ("racily clean", in git's words): its content is
 * compared instead (a file's bytes with the hash the record keeps for it, a directory's
 * entries with the tree's), and the record is taken again, so that the next run trusts it
 * by its times. Anything not as recorded, or no record, and the writer compares the tree
 * itself.
 *
 * The record also names the tree's paths and the inputs the tree was generated from (a
 * hash of the build and the configuration, see scripts/generate.ts): when the inputs are
 * the same and the tree is as recorded, the tree is what a generation would write, and
 * `recordedFrom` says so without building anything.
 *
 * The record is only a cache: the tree is the truth. It is written after the tree is in
 * place, and a missing, unreadable or stale record only costs the full comparison.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../generator/core/paths';

const VERSION = 5;

/** Where generate keeps its records of the trees it wrote, and its render memo (a cache, beside the build). */
export const TREE_CACHE_DIR = path.join(PROJECT_ROOT, 'dist', 'tree-cache');

/** A margin beyond the file systems' time granularity (ext4: a clock tick; FAT: 2 s). */
export const RACY_MS = 2000;

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
  /** The directories (relative, the tree's own as ''), then the files, in the order of `stats`. */
  readonly dirs: readonly string[];
  readonly files: readonly string[];
  /** What the tree was generated from, when the writer was told (a hash); '' when not. */
  readonly inputs: string;
  /** The hash of each file's bytes, in the order of `files`. */
  readonly hashes: readonly string[];
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

/** The record last read, by its file's size and times: a run asks it more than once. */
let lastRead: { file: string; key: string; m: Manifest } | undefined;

function read(cacheDir: string, dir: string): Manifest | undefined {
  try {
    const file = manifestFile(cacheDir, dir);
    const st = fs.statSync(file);
    const key = `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
    if (lastRead?.file === file && lastRead.key === key) return lastRead.m;
    const m = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
    const valid =
      m.version === VERSION &&
      m.dir === dir &&
      typeof m.recordedAt === 'number' &&
      typeof m.digest === 'string' &&
      typeof m.inputs === 'string' &&
      Array.isArray(m.hashes) &&
      m.hashes.length === m.files.length &&
      Array.isArray(m.stats) &&
      Array.isArray(m.dirs) &&
      Array.isArray(m.files) &&
      m.stats.length === (m.dirs.length + m.files.length) * STAT_FIELDS;
    if (!valid) return undefined;
    lastRead = { file, key, m };
    return m;
  } catch {
    return undefined;
  }
}

/** The directories and the listing digest of a list of files, made once per list: a run asks twice. */
const listings = new WeakMap<ReadonlyArray<{ path: string; hash: string }>, { dirs: string[]; digest: string }>();

function listingOf(files: ReadonlyArray<{ path: string; hash: string }>): { dirs: string[]; digest: string } {
  let listing = listings.get(files);
  if (!listing) {
    const dirs = directoriesOf(files);
    listings.set(files, (listing = { dirs, digest: listingDigest(dirs, files) }));
  }
  return listing;
}

/** `dir` with a separator after it: a relative path appended to it is that entry's path. */
function prefixOf(dir: string): string {
  return dir.endsWith(path.sep) ? dir : `${dir}${path.sep}`;
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
 * in the order recorded). When it does and `inputs` is given, the record is noted as
 * written from them (the same files from other inputs: a change with no effect).
 */
export function unchangedByRecord(cacheDir: string, dir: string, files: ReadonlyArray<{ path: string; hash: string }>, racyMs: number = RACY_MS, inputs = ''): boolean {
  const m = read(cacheDir, dir);
  if (!m) return false;
  const { dirs, digest } = listingOf(files);
  if (m.stats.length !== (dirs.length + files.length) * STAT_FIELDS) return false;
  if (m.digest !== digest) return false;
  const paths = files.map((f) => f.path);
  const verdict = asRecorded(m, dir, dirs, paths, racyMs, (i) => files[i].hash);
  if (!verdict) return false;
  if (verdict === 'verified' || (inputs && m.inputs !== inputs)) save(cacheDir, again(m, inputs || m.inputs));
  return true;
}

/**
 * The number of files of `dir` (the marker included) when it holds, by the record, exactly
 * what was written from `inputs`; undefined when the record does not say so for certain.
 */
export function recordedFrom(cacheDir: string, dir: string, inputs: string, racyMs: number = RACY_MS): number | undefined {
  const m = read(cacheDir, dir);
  if (!m || !inputs || m.inputs !== inputs) return undefined;
  const hashOf = (i: number): string | undefined => m.hashes[i];
  const verdict = asRecorded(m, dir, m.dirs, m.files, racyMs, hashOf);
  if (!verdict) return undefined;
  if (verdict === 'verified') save(cacheDir, again(m, m.inputs));
  return m.files.length;
}

/**
 * Whether every directory and file (relative paths) is as the record says, in order:
 * 'stat' when their stat numbers say so; 'verified' when some were changed too close to
 * the recording for their times to tell (racily clean), and their content was compared
 * instead (a file's bytes with its hash, a directory's entries with the tree's); false
 * otherwise.
 */
function asRecorded(
  m: Manifest,
  dir: string,
  dirs: readonly string[],
  files: readonly string[],
  racyMs: number,
  hashOf: (file: number) => string | undefined,
): 'stat' | 'verified' | false {
  const prefix = prefixOf(dir);
  const trustedBefore = m.recordedAt - racyMs;
  const racy: number[] = [];
  // Entry i of the record against the lstat of its path: no object made per file but the Stats.
  const asStat = (i: number, rel: string, file: boolean): boolean => {
    const st = lstat(rel ? prefix + rel : dir);
    if (!st || (file ? !st.isFile() : !st.isDirectory()) || !sameStat(m, i, st, file)) return false;
    if (st.ctimeMs > trustedBefore) racy.push(i);
    return true;
  };
  for (let i = 0; i < dirs.length; i++) if (!asStat(i, dirs[i], false)) return false;
  for (let i = 0; i < files.length; i++) if (!asStat(dirs.length + i, files[i], true)) return false;
  if (racy.length === 0) return 'stat';
  const children = racy[0] < dirs.length ? childrenOf(dirs, files) : undefined;
  for (const i of racy) {
    if (i < dirs.length) {
      const names = fs.readdirSync(dirs[i] ? prefix + dirs[i] : dir).sort();
      const expected = [...children!.get(dirs[i])!].sort();
      if (names.length !== expected.length || names.some((n, k) => n !== expected[k])) return false;
    } else {
      const hash = hashOf(i - dirs.length);
      if (hash === undefined || contentHash(fs.readFileSync(prefix + files[i - dirs.length], 'utf8')) !== hash) return false;
    }
  }
  return 'verified';
}

/** The names each directory of the tree holds (its subdirectories and files). */
function childrenOf(dirs: readonly string[], files: readonly string[]): Map<string, Set<string>> {
  const children = new Map<string, Set<string>>(dirs.map((d) => [d, new Set<string>()]));
  for (const p of [...dirs.filter((d) => d !== ''), ...files]) {
    const slash = p.lastIndexOf('/');
    children.get(slash === -1 ? '' : p.slice(0, slash))!.add(p.slice(slash + 1));
  }
  return children;
}

/** The record of a tree just found as recorded, taken again now: entries that were racily clean are no longer. */
function again(m: Manifest, inputs: string): Manifest {
  return { ...m, recordedAt: performance.timeOrigin + performance.now(), inputs };
}

/** Whether entry `i` of the record has the size (a file's), times and inode of `st`. */
function sameStat(m: Manifest, i: number, st: fs.Stats, file: boolean): boolean {
  const at = i * STAT_FIELDS;
  const s = m.stats;
  return s[at] === (file ? st.size : -1) && s[at + 1] === st.mtimeMs && s[at + 2] === st.ctimeMs && s[at + 3] === st.ino;
}

/** What the record says of a tree that is no longer exactly as recorded, to compare a new tree with it. */
export interface RecordedTree {
  /** Every regular file of the tree with its size, other entries (links, devices) with -1, as found now. */
  readonly listing: Map<string, number>;
  /** The files whose times are as recorded (and not racily clean), with the hash of the bytes they hold. */
  readonly vouched: Map<string, string>;
  /** The recorded stat numbers of a file vouched for: still its own while nothing touches it. */
  statOf(file: string): readonly number[] | undefined;
}

/**
 * The tree as it is, found with the record's help: a directory whose times are as recorded
 * has the entries recorded, so only the others are listed, and a file whose times are as
 * recorded holds the recorded bytes, so it need not be read. Undefined without a record.
 */
export function recordedTree(cacheDir: string, dir: string, racyMs: number = RACY_MS): RecordedTree | undefined {
  const m = read(cacheDir, dir);
  if (!m) return undefined;
  const entry = new Map<string, number>();
  m.dirs.forEach((d, i) => entry.set(`${d}/`, i));
  m.files.forEach((f, i) => entry.set(f, m.dirs.length + i));
  const children = childrenOf(m.dirs, m.files);
  const trustedBefore = m.recordedAt - racyMs;
  const asStat = (i: number | undefined, st: fs.Stats, file: boolean): boolean => i !== undefined && sameStat(m, i, st, file) && st.ctimeMs <= trustedBefore;
  const listing = new Map<string, number>();
  const vouched = new Map<string, string>();
  const prefix = prefixOf(dir);
  const walk = (rel: string, st: fs.Stats): void => {
    const abs = rel ? prefix + rel : dir;
    const names = asStat(entry.get(`${rel}/`), st, false) ? children.get(rel)! : fs.readdirSync(abs);
    for (const name of names) {
      const p = rel ? `${rel}/${name}` : name;
      const est = lstat(prefix + p);
      if (!est) continue;
      if (est.isDirectory()) walk(p, est);
      else if (!est.isFile()) listing.set(p, -1);
      else {
        listing.set(p, est.size);
        const i = entry.get(p);
        if (i !== undefined && asStat(i, est, true)) vouched.set(p, m.hashes[i - m.dirs.length]);
      }
    }
  };
  const root = lstat(dir);
  if (root?.isDirectory()) walk('', root);
  const statOf = (file: string): readonly number[] | undefined => {
    const i = vouched.has(file) ? entry.get(file) : undefined;
    return i === undefined ? undefined : m.stats.slice(i * STAT_FIELDS, (i + 1) * STAT_FIELDS);
  };
  return { listing, vouched, statOf };
}

/**
 * Records `dir` as holding `files` (whose bytes it holds now), written from `inputs` when
 * given; failures are ignored. `untouched` gives the stat numbers of files known not to
 * have been touched since they were recorded, which are then not asked again.
 */
export function record(
  cacheDir: string,
  dir: string,
  files: ReadonlyArray<{ path: string; hash: string }>,
  inputs = '',
  untouched: (file: string) => readonly number[] | undefined = () => undefined,
): void {
  try {
    const { dirs, digest } = listingOf(files);
    const stats: number[] = [];
    const prefix = prefixOf(dir);
    const add = (rel: string): void => {
      const st = fs.lstatSync(rel ? prefix + rel : dir);
      stats.push(st.isDirectory() ? -1 : st.size, st.mtimeMs, st.ctimeMs, st.ino);
    };
    for (const d of dirs) add(d);
    for (const f of files) {
      const known = untouched(f.path);
      if (known) stats.push(...known);
      else add(f.path);
    }
    // The clock the file times come from, to the microsecond, taken after the last lstat.
    const recordedAt = performance.timeOrigin + performance.now();
    const hashes = files.map((f) => f.hash);
    save(cacheDir, { version: VERSION, dir, recordedAt, digest, stats, dirs, files: files.map((f) => f.path), hashes, inputs });
  } catch {
    // Only a cache: the next run compares the tree itself.
  }
}

/** Writes a record in place of the one of its tree; failures are ignored. */
function save(cacheDir: string, manifest: Manifest): void {
  try {
    const file = manifestFile(cacheDir, manifest.dir);
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

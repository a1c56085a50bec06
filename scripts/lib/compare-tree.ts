/**
 * The new tree against the one on disk (scripts/lib/write-tree.ts): which files keep their
 * bytes, which are to be written and which removed. With the writer's record of the tree
 * (scripts/lib/tree-manifest.ts), a file whose times vouch for it is compared by its hash,
 * and only the directories whose entries changed are listed; everything else is listed
 * and read back.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lstat } from './lstat';
import { RecordedTree } from './tree-manifest';

/** A file of the tree, as the generator gives it. */
export interface TreeFile {
  /** Path below the output directory, `/`-separated. */
  readonly path: string;
  readonly content: string;
}

/** A file of the new tree, as the bytes to write (made when first asked: most files are only compared by hash). */
export interface FileBytes {
  readonly path: string;
  readonly size: number;
  readonly bytes: Buffer;
}

function lazyBytes(f: TreeFile): FileBytes {
  let bytes: Buffer | undefined;
  return {
    path: f.path,
    size: Buffer.byteLength(f.content),
    get bytes() {
      return (bytes ??= Buffer.from(f.content));
    },
  };
}

/** The record's view of the tree, and the hash of each new file's bytes: what it vouches for with the same hash is not read back. */
export type Known = RecordedTree & { readonly hashes: ReadonlyMap<string, string> };

/**
 * The new tree's files (`marker` among them) against the current tree: those with the same
 * bytes, and those to write and remove (the marker is never reported written).
 */
export function compareTree(
  target: string,
  files: readonly TreeFile[],
  marker: string,
  known?: Known,
): { all: FileBytes[]; unchanged: Set<string>; removed: string[]; written: string[] } {
  const all: FileBytes[] = files.map(lazyBytes);
  const previous = known?.listing ?? listTree(target);
  const unchanged = new Set<string>();
  for (const f of all) {
    // A file the record vouches for holds the recorded bytes: the hashes tell, no read.
    const vouched = known?.vouched.get(f.path);
    if (vouched !== undefined) {
      if (vouched === known!.hashes.get(f.path)) unchanged.add(f.path);
    } else if (previous.get(f.path) === f.size && sameBytes(path.join(target, f.path), f.bytes)) unchanged.add(f.path);
  }
  const wanted = new Set(all.map((f) => f.path));
  const removed = [...previous.keys()].filter((p) => !wanted.has(p)).sort();
  const written = all.filter((f) => !unchanged.has(f.path) && f.path !== marker).map((f) => f.path);
  return { all, unchanged, removed, written };
}

/** Regular files below `dir` (relative, `/`-separated) with their sizes; other entries too, as -1. */
function listTree(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string, prefix: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), rel);
      else out.set(rel, e.isFile() ? fs.statSync(path.join(d, e.name)).size : -1);
    }
  };
  if (lstat(dir)?.isDirectory()) walk(dir, '');
  return out;
}

function sameBytes(file: string, content: Buffer): boolean {
  try {
    return fs.readFileSync(file).equals(content);
  } catch {
    return false;
  }
}

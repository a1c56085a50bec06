/**
 * The writer's record of the tree it wrote: a tree as recorded is known unchanged from its
 * file and directory times, and anything done to the tree behind the record's back (a file
 * edited, even to the same size; a file added or removed; a record of another tree) is
 * seen, so the next generate puts the tree right.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MARKER, MARKER_CONTENT, TreeFile, writeTree } from '../scripts/lib/write-tree';
import { contentHash, record, recordedFrom, recordedTree, unchangedByRecord } from '../scripts/lib/tree-manifest';
import { removeTempDirs, snapshot, tempDir } from './helpers/config';

afterAll(removeTempDirs);

const FILES: TreeFile[] = [
  { path: 'a.json', content: '{"a": 1}\n' },
  { path: 'parameters/a/dev.json', content: '{"Parameters": {}}\n' },
];

const hashed = (files: readonly TreeFile[]) => [...files, { path: MARKER, content: MARKER_CONTENT }].map((f) => ({ path: f.path, hash: contentHash(f.content) }));

/** A tree written with a record; `trusted` asks the record with no racy margin (the tree is seconds old in real use). */
function recorded(prefix: string): { out: string; cache: string; trusted: (files?: readonly TreeFile[]) => boolean } {
  const dir = tempDir(prefix);
  const out = path.join(dir, 'out');
  const cache = path.join(dir, 'cache');
  writeTree(out, FILES, undefined, cache, 'inputs-1');
  return { out, cache, trusted: (files = FILES) => unchangedByRecord(cache, out, hashed(files), 0) };
}

test('a tree as recorded, with the same bytes to write, is known unchanged', () => {
  const { trusted } = recorded('tm-same');
  expect(trusted()).toBe(true);
});

test('new bytes for a file are not taken as unchanged', () => {
  const { trusted } = recorded('tm-new-bytes');
  expect(trusted([{ path: 'a.json', content: '{"a": 2}\n' }, FILES[1]])).toBe(false);
});

test('a file edited behind the record, to the same size and back-dated, is seen and rewritten', () => {
  const { out, cache, trusted } = recorded('tm-edit');
  const file = path.join(out, 'a.json');
  const before = fs.statSync(file);
  fs.writeFileSync(file, '{"a": 9}\n');
  fs.utimesSync(file, before.atime, before.mtime);
  expect(trusted()).toBe(false);
  expect(writeTree(out, FILES, undefined, cache).written).toEqual(['a.json']);
  expect(fs.readFileSync(file, 'utf8')).toBe(FILES[0].content);
  expect(trusted()).toBe(true);
});

test('a file added below the tree is seen and removed', () => {
  const { out, cache, trusted } = recorded('tm-extra');
  fs.writeFileSync(path.join(out, 'parameters', 'a', 'extra.json'), '{}\n');
  expect(trusted()).toBe(false);
  expect(writeTree(out, FILES, undefined, cache).removed).toEqual(['parameters/a/extra.json']);
  expect(Object.keys(snapshot(out)!)).toEqual([MARKER, 'a.json', 'parameters/', 'parameters/a/', 'parameters/a/dev.json']);
});

test('a file removed from the tree is seen and written again', () => {
  const { out, cache, trusted } = recorded('tm-gone');
  fs.rmSync(path.join(out, 'parameters', 'a', 'dev.json'));
  expect(trusted()).toBe(false);
  expect(writeTree(out, FILES, undefined, cache).written).toEqual(['parameters/a/dev.json']);
});

/** The one record in `cache`, and a way to write it back changed. */
function theRecord(cache: string): { m: Record<string, unknown>; put(m: Record<string, unknown>): void } {
  const [name] = fs.readdirSync(cache);
  const file = path.join(cache, name);
  return { m: JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>, put: (m) => fs.writeFileSync(file, JSON.stringify(m)) };
}

describe('a tree written within the racy margin of its record (its times cannot vouch for it)', () => {
  test('is trusted when its files still have the recorded bytes, and recorded again so that times do next time', () => {
    const { out, cache } = recorded('tm-racy');
    const before = theRecord(cache).m;
    expect(unchangedByRecord(cache, out, hashed(FILES))).toBe(true);
    const after = theRecord(cache).m;
    expect(after.recordedAt as number).toBeGreaterThan(before.recordedAt as number);
    expect(after.stats).toEqual(before.stats);
  });

  test('is not trusted when a file holds other bytes than recorded, though its times are as recorded', () => {
    const { out, cache } = recorded('tm-racy-bytes');
    const { m, put } = theRecord(cache);
    // As if a.json had been rewritten within the clock tick of the write: same times, other bytes.
    const hashes = [...(m.hashes as string[])];
    hashes[(m.files as string[]).indexOf('a.json')] = contentHash('{"a": 0}\n');
    put({ ...m, hashes });
    expect(recordedFrom(cache, out, 'inputs-1')).toBeUndefined();
  });

  test('is not trusted when a directory holds an entry the record does not know, though its times are as recorded', () => {
    const { out, cache } = recorded('tm-racy-dir');
    const { m, put } = theRecord(cache);
    // As if a file had been added within the clock tick of the write: the record lists one file fewer.
    const files = m.files as string[];
    const stats = m.stats as number[];
    const dirs = (m.dirs as string[]).length;
    const drop = files.indexOf('a.json');
    const hashes = m.hashes as string[];
    put({ ...m, files: files.filter((_, i) => i !== drop), hashes: hashes.filter((_, i) => i !== drop), stats: stats.filter((_, k) => Math.floor(k / 4) !== dirs + drop) });
    expect(recordedFrom(cache, out, 'inputs-1')).toBeUndefined();
    put(m);
    expect(recordedFrom(cache, out, 'inputs-1')).toBe(FILES.length + 1);
  });
});

describe('what a tree was written from', () => {
  test('a tree as recorded from the same inputs is known without its files; other inputs, or none, are not', () => {
    const { out, cache } = recorded('tm-inputs');
    expect(recordedFrom(cache, out, 'inputs-1', 0)).toBe(FILES.length + 1);
    expect(recordedFrom(cache, out, 'inputs-2', 0)).toBeUndefined();
    expect(recordedFrom(cache, out, '', 0)).toBeUndefined();
  });

  test('a file edited, added or removed behind the record is seen', () => {
    const edit = recorded('tm-inputs-edit');
    fs.appendFileSync(path.join(edit.out, 'a.json'), ' ');
    expect(recordedFrom(edit.cache, edit.out, 'inputs-1', 0)).toBeUndefined();
    const add = recorded('tm-inputs-add');
    fs.writeFileSync(path.join(add.out, 'parameters', 'b.json'), '{}\n');
    expect(recordedFrom(add.cache, add.out, 'inputs-1', 0)).toBeUndefined();
    const gone = recorded('tm-inputs-gone');
    fs.rmSync(path.join(gone.out, 'a.json'));
    expect(recordedFrom(gone.cache, gone.out, 'inputs-1', 0)).toBeUndefined();
  });

  test('the same files written from other inputs are recorded as written from those', () => {
    const { out, cache, trusted } = recorded('tm-inputs-same');
    expect(unchangedByRecord(cache, out, hashed(FILES), 0, 'inputs-2')).toBe(true);
    expect(recordedFrom(cache, out, 'inputs-2', 0)).toBe(FILES.length + 1);
    expect(recordedFrom(cache, out, 'inputs-1', 0)).toBeUndefined();
    expect(trusted()).toBe(true);
  });
});

test('a record of another tree, or an unreadable one, is not trusted', () => {
  const { out, cache, trusted } = recorded('tm-other');
  const other = path.join(path.dirname(out), 'other');
  fs.cpSync(out, other, { recursive: true });
  expect(unchangedByRecord(cache, other, hashed(FILES), 0)).toBe(false);
  const [file] = fs.readdirSync(cache);
  fs.writeFileSync(path.join(cache, file), '{');
  expect(trusted()).toBe(false);
  record(cache, out, hashed(FILES));
  expect(trusted()).toBe(true);
});

test('records of many outputs are pruned to the latest', () => {
  const dir = tempDir('tm-prune');
  const cache = path.join(dir, 'cache');
  for (let i = 0; i < 20; i++) writeTree(path.join(dir, `out-${i}`), FILES, undefined, cache);
  expect(fs.readdirSync(cache)).toHaveLength(16);
  // The latest output's record is among them.
  expect(unchangedByRecord(cache, path.join(dir, 'out-19'), hashed(FILES), 0)).toBe(true);
});

describe('the tree found with the record, for comparing a new tree with it', () => {
  const all = [...FILES.map((f) => f.path), MARKER].sort();

  test('as recorded: every file vouched for with its hash, none read', () => {
    const { out, cache } = recorded('tm-tree');
    const tree = recordedTree(cache, out, 0)!;
    expect([...tree.listing.keys()].sort()).toEqual(all);
    expect(Object.fromEntries(tree.vouched)).toEqual(Object.fromEntries(hashed(FILES).map((h) => [h.path, h.hash])));
  });

  test('a file edited, added or removed behind the record: listed as it is now, and only the untouched vouched for', () => {
    const { out, cache } = recorded('tm-tree-changed');
    const file = path.join(out, 'a.json');
    const before = fs.statSync(file);
    fs.writeFileSync(file, '{"a": 9}\n');
    fs.utimesSync(file, before.atime, before.mtime);
    fs.writeFileSync(path.join(out, 'parameters', 'a', 'extra.json'), '{}\n');
    fs.rmSync(path.join(out, 'parameters', 'a', 'dev.json'));
    const tree = recordedTree(cache, out, 0)!;
    expect([...tree.listing.keys()].sort()).toEqual([MARKER, 'a.json', 'parameters/a/extra.json']);
    expect([...tree.vouched.keys()]).toEqual([MARKER]);
    // The writer puts it right as it would without a record.
    const r = writeTree(out, FILES, undefined, cache);
    expect(r).toMatchObject({ written: ['a.json', 'parameters/a/dev.json'], removed: ['parameters/a/extra.json'] });
  });

  test('within the racy margin nothing is vouched for, and every directory is listed', () => {
    const { out, cache } = recorded('tm-tree-racy');
    const tree = recordedTree(cache, out)!;
    expect([...tree.listing.keys()].sort()).toEqual(all);
    expect(tree.vouched.size).toBe(0);
  });

  test('no record: nothing', () => {
    expect(recordedTree(tempDir('tm-tree-none'), '/nonexistent')).toBeUndefined();
  });
});

/**
 * The writer's record of the tree it wrote: a tree as recorded is known unchanged from its
 * file and directory times, and anything done to the tree behind the record's back (a file
 * edited, even to the same size; a file added or removed; a record of another tree) is
 * seen, so the next generate puts the tree right.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MARKER, MARKER_CONTENT, TreeFile, writeTree } from '../scripts/lib/write-tree';
import { contentHash, record, unchangedByRecord } from '../scripts/lib/tree-manifest';
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
  writeTree(out, FILES, undefined, cache);
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

test('a tree changed within the racy margin of its record is not trusted', () => {
  const { out, cache } = recorded('tm-racy');
  expect(unchangedByRecord(cache, out, hashed(FILES))).toBe(false);
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

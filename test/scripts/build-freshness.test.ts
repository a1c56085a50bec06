/**
 * The build's freshness check (scripts/build.js): the hash of the input files stands
 * without reading them when their stat numbers are as recorded, and any edit, added or
 * removed file, or a change too close to the recording is read and hashed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RACY_MS } from '../../scripts/lib/tree-manifest';
import { removeTempDirs, tempDir } from '../helpers/config';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { sourceState, RACY_MS: BUILD_RACY_MS } = require('../../scripts/build') as {
  RACY_MS: number;
  sourceState(root: string, stamp?: object): { sources: string; fromStamp: boolean; files: string[]; stats: number[][]; statsAt: number };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeFs = require('node:fs') as typeof fs;

afterAll(removeTempDirs);

/** A project of the build's inputs, and its state recorded as if long after they were written. */
function project(prefix: string): { root: string; stamp: object } {
  const root = tempDir(prefix);
  for (const dir of ['generator', 'scripts', 'schemas']) fs.mkdirSync(path.join(root, dir));
  fs.writeFileSync(path.join(root, 'generator', 'a.ts'), 'export const a = 1;\n');
  fs.writeFileSync(path.join(root, 'scripts', 'b.js'), 'module.exports = 2;\n');
  fs.writeFileSync(path.join(root, 'schemas', 'c.json'), '{}\n');
  fs.writeFileSync(path.join(root, 'package-lock.json'), '{}\n');
  fs.writeFileSync(path.join(root, 'tsconfig.json'), '{}\n');
  const state = sourceState(root);
  return { root, stamp: { ...state, statsAt: state.statsAt + 10_000 } };
}

/** The state of `root` against `stamp`, whether the stamp's hash stood, and how many files were read for it. */
function checked(root: string, stamp: object): { sources: string; fromStamp: boolean; reads: number } {
  const spy = jest.spyOn(nodeFs, 'readFileSync');
  try {
    const { sources, fromStamp } = sourceState(root, stamp);
    return { sources, fromStamp, reads: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}

test('files as recorded: the recorded hash, nothing read', () => {
  const { root, stamp } = project('bf-same');
  expect(checked(root, stamp)).toEqual({ sources: (stamp as { sources: string }).sources, fromStamp: true, reads: 0 });
});

test('an edited file is read and changes the hash', () => {
  const { root, stamp } = project('bf-edit');
  fs.writeFileSync(path.join(root, 'generator', 'a.ts'), 'export const a = 2;\n');
  const r = checked(root, stamp);
  expect(r.sources).not.toBe((stamp as { sources: string }).sources);
  expect(r.fromStamp).toBe(false);
  expect(r.reads).toBe(5);
});

test('a file touched but not changed is read, and keeps the hash', () => {
  const { root, stamp } = project('bf-touch');
  const file = path.join(root, 'scripts', 'b.js');
  fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
  expect(checked(root, stamp)).toEqual({ sources: (stamp as { sources: string }).sources, fromStamp: false, reads: 5 });
});

test('an added or removed file changes the hash', () => {
  const added = project('bf-add');
  fs.writeFileSync(path.join(added.root, 'schemas', 'd.json'), '{}\n');
  expect(checked(added.root, added.stamp).sources).not.toBe((added.stamp as { sources: string }).sources);
  const removed = project('bf-remove');
  fs.rmSync(path.join(removed.root, 'schemas', 'c.json'));
  expect(checked(removed.root, removed.stamp).sources).not.toBe((removed.stamp as { sources: string }).sources);
});

test('files changed within the margin before the recording are read', () => {
  const { root, stamp } = project('bf-racy');
  expect(checked(root, { ...stamp, statsAt: (stamp as { statsAt: number }).statsAt - 10_000 })).toMatchObject({ fromStamp: false, reads: 5 });
});

test('the margin is the one of the tree record (build.js is plain JavaScript and keeps its own copy)', () => {
  expect(BUILD_RACY_MS).toBe(RACY_MS);
});

/**
 * The render memo kept between runs (scripts/lib/render-memo.ts): a file per build, read
 * back only by the build that kept it, ignored when unreadable, rewritten only when it
 * changed, the latest few builds' kept, and never a reason for generate to fail.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRenderMemo, removeRenderMemos, renderMemoFile, saveRenderMemo } from '../../scripts/lib/render-memo';
import { removeTempDirs, tempDir } from '../helpers/config';

afterAll(removeTempDirs);

const MEMO = { 'network.json': { inputs: 'a'.repeat(64), content: '{}\n' } };

test('the build that kept it reads it back; another build reads none, and keeps its own beside it', () => {
  const dir = tempDir('memo-build');
  saveRenderMemo(dir, 'build-1', MEMO, {});
  expect(readRenderMemo(dir, 'build-1')).toEqual(MEMO);
  expect(readRenderMemo(dir, 'build-2')).toEqual({});
  const other = { 'dora.json': { inputs: 'b'.repeat(64), content: '{ }\n' } };
  saveRenderMemo(dir, 'build-2', other, {});
  expect(readRenderMemo(dir, 'build-1')).toEqual(MEMO);
  expect(readRenderMemo(dir, 'build-2')).toEqual(other);
  expect(renderMemoFile(dir, 'build-1')).not.toBe(renderMemoFile(dir, 'build-2'));
});

test.each([
  ['no file', null],
  ['not JSON', '{"build": "b", "templ'],
  ['another build in the file', JSON.stringify({ build: 'c', templates: MEMO })],
  ['no templates', JSON.stringify({ build: 'b' })],
  ['a template without content', JSON.stringify({ build: 'b', templates: { 'network.json': { inputs: 'x' } } })],
  ['templates as a list', JSON.stringify({ build: 'b', templates: [] })],
])('%s: no memo', (_name, text) => {
  const dir = tempDir('memo-bad');
  if (text !== null) fs.writeFileSync(renderMemoFile(dir, 'b'), text);
  expect(readRenderMemo(dir, 'b')).toEqual({});
});

test('a memo equal to the one read is not written again; a changed one replaces it whole', () => {
  const dir = tempDir('memo-same');
  const file = renderMemoFile(dir, 'b');
  saveRenderMemo(dir, 'b', MEMO, {});
  const before = fs.statSync(file).ino;
  saveRenderMemo(dir, 'b', { ...MEMO }, readRenderMemo(dir, 'b'));
  expect(fs.statSync(file).ino).toBe(before);
  const changed = { ...MEMO, 'dora.json': { inputs: 'b'.repeat(64), content: '{ }\n' } };
  saveRenderMemo(dir, 'b', changed, readRenderMemo(dir, 'b'));
  expect(readRenderMemo(dir, 'b')).toEqual(changed);
  expect(fs.readdirSync(dir)).toEqual([path.basename(file)]);
});

test('the four latest builds keep their memos; other files are left alone', () => {
  const dir = tempDir('memo-prune');
  fs.writeFileSync(path.join(dir, 'tree-0123456789abcdef.json'), '{}');
  for (let i = 1; i <= 6; i++) {
    saveRenderMemo(dir, `build-${i}`, MEMO, {});
    const t = new Date(Date.now() - (10 - i) * 1000);
    fs.utimesSync(renderMemoFile(dir, `build-${i}`), t, t);
  }
  expect([1, 2, 3, 4, 5, 6].filter((i) => fs.existsSync(renderMemoFile(dir, `build-${i}`)))).toEqual([3, 4, 5, 6]);
  expect(fs.existsSync(path.join(dir, 'tree-0123456789abcdef.json'))).toBe(true);
  removeRenderMemos(dir);
  expect(fs.readdirSync(dir)).toEqual(['tree-0123456789abcdef.json']);
  expect(() => removeRenderMemos(path.join(dir, 'none'))).not.toThrow();
});

test('a memo that cannot be kept is not kept, without an error or a file left behind', () => {
  const dir = tempDir('memo-fail');
  const blocked = path.join(dir, 'cache');
  fs.writeFileSync(blocked, 'a file where the directory would be');
  expect(() => saveRenderMemo(blocked, 'b', MEMO, {})).not.toThrow();
  fs.mkdirSync(path.join(dir, 'ro'));
  fs.mkdirSync(renderMemoFile(path.join(dir, 'ro'), 'b'));
  expect(() => saveRenderMemo(path.join(dir, 'ro'), 'b', MEMO, {})).not.toThrow();
  expect(fs.readdirSync(path.join(dir, 'ro'))).toEqual([path.basename(renderMemoFile(dir, 'b'))]);
});

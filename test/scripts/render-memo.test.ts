/**
 * The render memo kept between runs (scripts/lib/render-memo.ts): read back only by the
 * build that kept it, ignored when unreadable, rewritten only when it changed, and never
 * a reason for generate to fail.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RENDER_MEMO_FILE, readRenderMemo, saveRenderMemo } from '../../scripts/lib/render-memo';
import { removeTempDirs, tempDir } from '../helpers/config';

afterAll(removeTempDirs);

const MEMO = { 'network.json': { inputs: 'a'.repeat(64), content: '{}\n' } };

test('the build that kept it reads it back; another build reads none', () => {
  const dir = tempDir('memo-build');
  saveRenderMemo(dir, 'build-1', MEMO, {});
  expect(readRenderMemo(dir, 'build-1')).toEqual(MEMO);
  expect(readRenderMemo(dir, 'build-2')).toEqual({});
});

test.each([
  ['no file', null],
  ['not JSON', '{"build": "b", "templ'],
  ['no templates', JSON.stringify({ build: 'b' })],
  ['a template without content', JSON.stringify({ build: 'b', templates: { 'network.json': { inputs: 'x' } } })],
  ['templates as a list', JSON.stringify({ build: 'b', templates: [] })],
])('%s: no memo', (_name, text) => {
  const dir = tempDir('memo-bad');
  if (text !== null) fs.writeFileSync(path.join(dir, RENDER_MEMO_FILE), text);
  expect(readRenderMemo(dir, 'b')).toEqual({});
});

test('a memo equal to the one read is not written again; a changed one replaces it whole', () => {
  const dir = tempDir('memo-same');
  const file = path.join(dir, RENDER_MEMO_FILE);
  saveRenderMemo(dir, 'b', MEMO, {});
  const before = fs.statSync(file).ino;
  saveRenderMemo(dir, 'b', { ...MEMO }, readRenderMemo(dir, 'b'));
  expect(fs.statSync(file).ino).toBe(before);
  const changed = { ...MEMO, 'dora.json': { inputs: 'b'.repeat(64), content: '{ }\n' } };
  saveRenderMemo(dir, 'b', changed, readRenderMemo(dir, 'b'));
  expect(readRenderMemo(dir, 'b')).toEqual(changed);
  expect(fs.readdirSync(dir)).toEqual([RENDER_MEMO_FILE]);
});

test('a memo that cannot be kept is not kept, without an error or a file left behind', () => {
  const dir = tempDir('memo-fail');
  const blocked = path.join(dir, 'cache');
  fs.writeFileSync(blocked, 'a file where the directory would be');
  expect(() => saveRenderMemo(blocked, 'b', MEMO, {})).not.toThrow();
  fs.mkdirSync(path.join(dir, 'ro'));
  fs.mkdirSync(path.join(dir, 'ro', RENDER_MEMO_FILE));
  expect(() => saveRenderMemo(path.join(dir, 'ro'), 'b', MEMO, {})).not.toThrow();
  expect(fs.readdirSync(path.join(dir, 'ro'))).toEqual([RENDER_MEMO_FILE]);
});

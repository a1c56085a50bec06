/**
 * The render memo kept between runs of `generate` (generator/render.ts, `render`): per
 * template, the hash of the inputs it was built from and its checked content. Each build
 * keeps its own file, read only by a run from that same build, since another build may
 * build or check the same inputs differently (and runs from different builds, the tests'
 * among them, do not take turns overwriting one file). It is a cache: a memo that cannot
 * be read is no memo, and one that cannot be saved is not saved.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RenderMemo } from '../../generator/render';

const MEMO_NAME = /^render-memo-[0-9a-f]{16}\.json$/;

/** How many builds' memos are kept (the latest first): a checkout moves between a few builds. */
const KEEP = 4;

/** The memo file of `build` in `cacheDir`. */
export function renderMemoFile(cacheDir: string, build: string): string {
  return path.join(cacheDir, `render-memo-${crypto.createHash('sha1').update(build).digest('hex').slice(0, 16)}.json`);
}

/** Removes every build's memo from `cacheDir` (the benchmark's cold runs). */
export function removeRenderMemos(cacheDir: string): void {
  if (!fs.existsSync(cacheDir)) return;
  for (const f of fs.readdirSync(cacheDir).filter((n) => MEMO_NAME.test(n))) fs.rmSync(path.join(cacheDir, f), { force: true });
}

interface Stored {
  readonly build: string;
  readonly templates: RenderMemo;
}

function isMemo(value: unknown): value is RenderMemo {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every(
    (t: unknown) =>
      typeof t === 'object' && t !== null && typeof (t as Stored['templates'][string]).inputs === 'string' && typeof (t as Stored['templates'][string]).content === 'string',
  );
}

/** The memo `build` left in `cacheDir`; an empty one when there is none or it is unreadable. */
export function readRenderMemo(cacheDir: string, build: string): RenderMemo {
  try {
    const stored = JSON.parse(fs.readFileSync(renderMemoFile(cacheDir, build), 'utf8')) as Partial<Stored>;
    if (stored.build === build && isMemo(stored.templates)) return stored.templates;
  } catch {
    // No memo: every template is built and checked.
  }
  return {};
}

function same(a: RenderMemo, b: RenderMemo): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k].inputs === b[k].inputs && a[k].content === b[k].content);
}

/**
 * Keeps `memo` for `build`, replacing its file whole, unless it holds that already, and
 * removes all but the KEEP latest builds' memos; failures are ignored.
 */
export function saveRenderMemo(cacheDir: string, build: string, memo: RenderMemo, previous: RenderMemo): void {
  if (same(memo, previous)) return;
  const file = renderMemoFile(cacheDir, build);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(temp, JSON.stringify({ build, templates: memo } satisfies Stored));
    fs.renameSync(temp, file);
    prune(cacheDir, path.basename(file));
  } catch {
    // Only a cache: the next run builds and checks every template.
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // Nothing was written.
    }
  }
}

function prune(cacheDir: string, current: string): void {
  const memos = fs
    .readdirSync(cacheDir)
    .filter((f) => f !== current && MEMO_NAME.test(f))
    .map((f) => ({ f, t: fs.statSync(path.join(cacheDir, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { f } of memos.slice(KEEP - 1)) fs.rmSync(path.join(cacheDir, f), { force: true });
}

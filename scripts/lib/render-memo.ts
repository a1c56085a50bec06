/**
 * The render memo kept between runs of `generate` (generator/render.ts, `render`): per
 * template, the hash of the inputs it was built from and its checked content. It is kept
 * with the build it was rendered by, and read only by a run from that same build, since
 * another build may build or check the same inputs differently. It is a cache: a memo that
 * cannot be read is no memo, and one that cannot be saved is not saved.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RenderMemo } from '../../generator/render';

/** The file name of the memo in the writer's cache directory. */
export const RENDER_MEMO_FILE = 'render-memo.json';

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

/** The memo `build` left in `cacheDir`; an empty one when there is none, or it is another build's or unreadable. */
export function readRenderMemo(cacheDir: string, build: string): RenderMemo {
  try {
    const stored = JSON.parse(fs.readFileSync(path.join(cacheDir, RENDER_MEMO_FILE), 'utf8')) as Partial<Stored>;
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

/** Keeps `memo` for `build`, replacing the file whole, unless it holds that already; failures are ignored. */
export function saveRenderMemo(cacheDir: string, build: string, memo: RenderMemo, previous: RenderMemo): void {
  if (same(memo, previous)) return;
  const file = path.join(cacheDir, RENDER_MEMO_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(temp, JSON.stringify({ build, templates: memo } satisfies Stored));
    fs.renameSync(temp, file);
  } catch {
    // Only a cache: the next run builds and checks every template.
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // Nothing was written.
    }
  }
}

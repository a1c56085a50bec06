/**
 * A small change made in place (scripts/lib/patch-tree.ts): only the changed files are
 * touched, a failure at each step leaves the previous tree whole, and the journal of a run
 * killed at any step lets the next run undo or complete the change.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../scripts/lib/args';
import { patchable, recoverPatches } from '../scripts/lib/patch-tree';
import { templatesDir } from '../scripts/lib/templates';
import { MARKER, MARKER_CONTENT, SwapOps, TreeFile, WriteError, writeTree } from '../scripts/lib/write-tree';
import { removeTempDirs, snapshot, tempDir } from './helpers/config';
import { REAL_OPS, errno, thrown } from './helpers/faults';

afterAll(removeTempDirs);

/** Sixteen files in eight directories: a change of three is a small one. */
const OLD: TreeFile[] = Array.from({ length: 16 }, (_, i) => ({ path: `parameters/s${Math.floor(i / 2)}/e${i % 2}.json`, content: `{"v": ${i}}\n` }));

/** One file changed, one new in a new directory, one removed with its directory's other file. */
const NEW: TreeFile[] = [
  ...OLD.slice(0, 14).map((f, i) => (i === 3 ? { ...f, content: '{"v": "changed"}\n' } : f)),
  { path: 'parameters/s9/e0.json', content: '{"v": "new"}\n' },
].sort((a, b) => a.path.localeCompare(b.path));

function snapshotOf(files: readonly TreeFile[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of [...files, { path: MARKER, content: MARKER_CONTENT }]) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) out[`${parts.slice(0, i).join('/')}/`] = '';
    out[f.path] = Buffer.from(f.content).toString('base64');
  }
  return out;
}

function written(prefix: string): { dir: string; out: string } {
  const dir = tempDir(prefix);
  const out = path.join(dir, 'out');
  writeTree(out, OLD);
  return { dir, out };
}

const ino = (p: string) => fs.statSync(p).ino;

test('a small change is made in place: the tree and its unchanged files keep their inodes, nothing is left beside them', () => {
  const { dir, out } = written('pt-ok');
  const tree = ino(out);
  const unchanged = ino(path.join(out, OLD[0].path));
  const r = writeTree(out, NEW);
  expect(r).toMatchObject({ written: ['parameters/s1/e1.json', 'parameters/s9/e0.json'], removed: ['parameters/s7/e0.json', 'parameters/s7/e1.json'], warnings: [] });
  expect(ino(out)).toBe(tree);
  expect(ino(path.join(out, OLD[0].path))).toBe(unchanged);
  expect(snapshot(out)).toEqual(snapshotOf(NEW));
  expect(fs.readdirSync(dir)).toEqual(['out']);
});

test('a large change, or a file where a directory is, stages a whole new tree instead', () => {
  const { out } = written('pt-large');
  const bytes = (p: string) => ({ path: p, bytes: Buffer.from('{}\n') });
  expect(patchable(out, [bytes('parameters/s0/e0.json')], ['parameters/s1/e0.json'], 17)).toBe(true);
  expect(patchable(out, [bytes('a.json'), bytes('b.json'), bytes('c.json')], ['parameters/s1/e0.json', 'parameters/s1/e1.json'], 17)).toBe(false);
  expect(patchable(out, [bytes('parameters/s0')], [], 17)).toBe(false);
  expect(patchable(out, [bytes('parameters/s0/e0.json/x.json')], [], 17)).toBe(false);
  expect(patchable(path.join(out, 'missing'), [bytes('a.json')], [], 17)).toBe(false);
  const tree = ino(out);
  writeTree(out, [...OLD.slice(0, 8), ...OLD.slice(8).map((f) => ({ ...f, content: '{}\n' }))]);
  expect(ino(out)).not.toBe(tree);
});

describe('a failure at each step leaves the previous tree whole', () => {
  test.each([
    [
      'writing a new file (a full disk)',
      {
        writeFileSync: (f: string) => {
          throw errno('ENOSPC', f);
        },
      },
      'is on a full disk',
    ],
    [
      'renaming the second file into place',
      {
        renameSync: (from: string, to: string) => {
          if (to.endsWith(path.join('s9', 'e0.json'))) throw errno('EIO', to);
          fs.renameSync(from, to);
        },
      },
      'could not be written (an I/O error)',
    ],
    [
      'renaming a file to remove aside',
      {
        renameSync: (from: string, to: string) => {
          if (from.endsWith(path.join('s7', 'e1.json'))) throw errno('EBUSY', from);
          fs.renameSync(from, to);
        },
      },
      'is in use',
    ],
  ])('%s', (_name, fault, reason) => {
    const { dir, out } = written('pt-fail');
    const before = snapshot(out);
    const e = thrown(() => writeTree(out, NEW, { ...REAL_OPS, ...fault } as SwapOps));
    expect(e).toBeInstanceOf(WriteError);
    expect(e.message).toMatch(new RegExp(`^cannot write ${out}: /\\S+ ${reason.replace(/[.()]/g, '\\$&')}; nothing was changed$`));
    expect(snapshot(out)).toEqual(before);
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });

  test('when putting the files back fails too, the message names the journal, and the next run completes the change', () => {
    const { dir, out } = written('pt-undo');
    const ops: SwapOps = {
      ...REAL_OPS,
      renameSync: (from, to) => {
        if (from.endsWith(path.join('s7', 'e1.json'))) throw errno('EIO', from);
        if (path.basename(from).includes('.old-')) throw errno('EIO', from);
        fs.renameSync(from, to);
      },
    };
    const e = thrown(() => writeTree(out, NEW, ops));
    const [journal] = fs.readdirSync(dir).filter((n) => n.startsWith('.out.patch-'));
    expect(e.message).toMatch(/and putting the previous files back failed too \(.*\); the next generate completes the change \(.*\.out\.patch-.*\.json\)$/);
    const r = writeTree(out, NEW);
    expect(r.warnings).toEqual([`completed the change of ${out} that an interrupted run had begun (${path.join(dir, journal)})`]);
    expect(r.written).toEqual([]);
    expect(snapshot(out)).toEqual(snapshotOf(NEW));
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });

  test('kept previous files that cannot be removed: the change is in place, a warning, and the next run removes them', () => {
    const { dir, out } = written('pt-keep');
    const ops: SwapOps = {
      ...REAL_OPS,
      rmSync: (p, o) => {
        if (path.basename(p).includes('.old-')) throw errno('EACCES', p);
        fs.rmSync(p, o);
      },
    };
    const r = writeTree(out, NEW, ops);
    expect(r.warnings).toEqual([expect.stringMatching(/^the change is in place, but 3 previous file\(s\) could not be removed \(.*\); the next generate removes them$/)]);
    expect(writeTree(out, NEW).warnings).toEqual([expect.stringMatching(/^completed the change of /)]);
    expect(snapshot(out)).toEqual(snapshotOf(NEW));
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });
});

describe('a run killed at a step: the next run undoes or completes the change', () => {
  /** The journal and files a run leaves when killed: the changed file and the new one written beside their places. */
  function interrupted(prefix: string, state: 'pending' | 'committed'): { dir: string; out: string } {
    const { dir, out } = written(prefix);
    const tag = '99999999-abcd';
    const writes = ['parameters/s1/e1.json', 'parameters/s9/e0.json'];
    const removes = ['parameters/s7/e0.json', 'parameters/s7/e1.json'];
    fs.writeFileSync(path.join(dir, `.out.patch-${tag}.json`), JSON.stringify({ state, tag, writes, removes }));
    fs.mkdirSync(path.join(out, 'parameters', 's9'));
    for (const p of writes) {
      const content = NEW.find((f) => f.path === p)!.content;
      fs.writeFileSync(path.join(out, path.dirname(p), `.${path.basename(p)}.new-${tag}`), content);
    }
    if (state === 'committed') {
      // Killed after the first file went into place (its previous bytes kept) and before the rest.
      const first = path.join(out, writes[0]);
      fs.linkSync(first, path.join(path.dirname(first), `.e1.json.old-${tag}`));
      fs.renameSync(path.join(path.dirname(first), `.e1.json.new-${tag}`), first);
    }
    return { dir, out };
  }

  test('killed before the journal was committed: the files it wrote are removed, the tree is the previous one', () => {
    const { dir, out } = interrupted('pt-pending', 'pending');
    const warnings: string[] = [];
    recoverPatches(out, REAL_OPS, warnings);
    expect(warnings).toEqual([expect.stringMatching(/^removed the files of a change of .* that an interrupted run had not begun/)]);
    expect(snapshot(out)).toEqual(snapshotOf(OLD));
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });

  test('killed while renaming: the change is completed, the tree is the new one', () => {
    const { dir, out } = interrupted('pt-committed', 'committed');
    const warnings: string[] = [];
    recoverPatches(out, REAL_OPS, warnings);
    expect(warnings).toEqual([expect.stringMatching(/^completed the change of /)]);
    expect(snapshot(out)).toEqual(snapshotOf(NEW));
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });

  test('a journal half written when the run was killed is removed with the rest', () => {
    const { dir, out } = interrupted('pt-temp', 'pending');
    fs.writeFileSync(path.join(dir, '.out.patch-99999999-abcd.json.tmp'), '{"state": "comm');
    const warnings: string[] = [];
    recoverPatches(out, REAL_OPS, warnings);
    expect(snapshot(out)).toEqual(snapshotOf(OLD));
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });

  test('the next generate recovers first, then writes its own tree', () => {
    const { out } = interrupted('pt-next', 'committed');
    const r = writeTree(out, OLD);
    expect(r.warnings).toEqual([expect.stringMatching(/^completed the change of /)]);
    expect(snapshot(out)).toEqual(snapshotOf(OLD));
  });

  test('until then, the scripts that read the templates refuse the tree', () => {
    const { out } = interrupted('pt-read', 'committed');
    const args = { positionals: [], strings: { 'templates-dir': out }, booleans: new Set<string>(), lists: {}, help: false };
    const e = thrown(() => templatesDir(args));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(/ may be half changed: a generate was interrupted \(.*\.out\.patch-99999999-abcd\.json\); run npm run generate, which completes it$/);
    // Through a symbolic link to the tree, as --out and --templates-dir may be.
    const link = path.join(path.dirname(out), 'link');
    fs.symlinkSync(out, link);
    expect(thrown(() => templatesDir({ ...args, strings: { 'templates-dir': link } }))).toBeInstanceOf(UsageError);
    writeTree(out, NEW);
    expect(templatesDir(args)).toBe(out);
    fs.rmSync(link);
  });
});

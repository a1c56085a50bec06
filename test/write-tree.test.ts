/**
 * The output writer: nothing rewritten that has not changed, the previous tree whole after
 * every failure the file system can make (each injected at its step), leftovers of
 * interrupted runs repaired by the next run, one writer at a time, links followed, and
 * modes from the umask.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MARKER, MARKER_CONTENT, OutDirRefused, SwapOps, TreeFile, WriteError, writeTree } from '../scripts/lib/write-tree';
import { removeTempDirs, snapshot, tempDir } from './helpers/config';
import { REAL_OPS, errno, thrown } from './helpers/faults';

afterAll(removeTempDirs);

const FILES: TreeFile[] = [
  { path: 'a.json', content: '{"a": 1}\n' },
  { path: 'b.json', content: '{"b": 1}\n' },
  { path: 'parameters/a/dev.json', content: '{"Parameters": {}}\n' },
];

/** A directory holding `out`, written once with FILES. */
function written(prefix: string): { dir: string; out: string } {
  const dir = tempDir(prefix);
  const out = path.join(dir, 'out');
  writeTree(out, FILES);
  return { dir, out };
}

const changed: TreeFile[] = [{ path: 'a.json', content: '{"a": 2}\n' }, FILES[1]];

describe('what is written', () => {
  test('a new directory gets the files and the marker, nothing beside it', () => {
    const dir = tempDir('wt-new');
    const out = path.join(dir, 'out');
    const r = writeTree(out, FILES);
    expect(r.written).toEqual(['a.json', 'b.json', 'parameters/a/dev.json']);
    expect(fs.readFileSync(path.join(out, MARKER), 'utf8')).toBe(MARKER_CONTENT);
    expect(fs.readFileSync(path.join(out, 'parameters/a/dev.json'), 'utf8')).toBe(FILES[2].content);
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });

  test('an unchanged tree is not touched: same inodes and times, nothing written or removed', () => {
    const { dir, out } = written('wt-same');
    const before = fs.statSync(path.join(out, 'a.json'));
    const dirIno = fs.statSync(out).ino;
    const r = writeTree(out, FILES);
    expect(fs.statSync(out).ino).toBe(dirIno);
    const after = fs.statSync(path.join(out, 'a.json'));
    expect(r).toMatchObject({ written: [], removed: [], unchanged: 3 });
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });

  test('a change writes only the changed file: the unchanged keep their inode, the gone are removed', () => {
    const { dir, out } = written('wt-change');
    const ino = (f: string) => fs.statSync(path.join(out, f)).ino;
    const [a, b] = [ino('a.json'), ino('b.json')];
    const r = writeTree(out, changed);
    expect(r).toMatchObject({ written: ['a.json'], removed: ['parameters/a/dev.json'], unchanged: 1 });
    expect(ino('b.json')).toBe(b);
    expect(ino('a.json')).not.toBe(a);
    expect(Object.keys(snapshot(out)!)).toEqual([MARKER, 'a.json', 'b.json']);
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });

  test('modes follow the umask, as for any other file', () => {
    const previous = process.umask(0o027);
    try {
      const dir = tempDir('wt-umask');
      const out = path.join(dir, 'out');
      writeTree(out, FILES);
      expect(fs.statSync(out).mode & 0o777).toBe(0o750);
      expect(fs.statSync(path.join(out, 'parameters')).mode & 0o777).toBe(0o750);
      expect(fs.statSync(path.join(out, 'a.json')).mode & 0o777).toBe(0o640);
    } finally {
      process.umask(previous);
    }
  });

  test('a symbolic link is followed: its directory is replaced, the link stays', () => {
    const { dir, out } = written('wt-link');
    const link = path.join(dir, 'link');
    fs.symlinkSync(out, link);
    const r = writeTree(link, changed);
    expect(r.dir).toBe(fs.realpathSync(out));
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(out, 'a.json'), 'utf8')).toBe('{"a": 2}\n');
    expect(fs.readdirSync(dir).sort()).toEqual(['link', 'out']);
  });

  test('a link to nowhere is refused', () => {
    const dir = tempDir('wt-dangling');
    const link = path.join(dir, 'link');
    fs.symlinkSync(path.join(dir, 'missing'), link);
    const e = thrown(() => writeTree(link, FILES));
    expect(e).toBeInstanceOf(OutDirRefused);
    expect(e.message).toBe(`--out ${link} is a symbolic link to ${path.join(dir, 'missing')}, which does not exist; create that directory or remove the link`);
    expect(fs.readdirSync(dir)).toEqual(['link']);
  });
});

describe('a failure at each step leaves the previous tree whole', () => {
  test.each([
    [
      'writing a staged file (a full disk)',
      {
        writeFileSync: (f: string) => {
          throw errno('ENOSPC', f);
        },
      },
      'is on a full disk; nothing was changed',
    ],
    [
      'moving the current tree aside',
      {
        renameSync: (from: string, to: string) => {
          if (path.basename(from) === 'out') throw errno('EBUSY', from);
          fs.renameSync(from, to);
        },
      },
      'is in use; nothing was changed',
    ],
  ])('%s', (_name, fault, reason) => {
    const { dir, out } = written('wt-fail');
    const before = snapshot(out);
    const ops: SwapOps = { ...REAL_OPS, ...fault } as SwapOps;
    const e = thrown(() => writeTree(out, changed, ops));
    expect(e).toBeInstanceOf(WriteError);
    expect(e.message).toMatch(new RegExp(`^cannot write ${out}: /\\S+ ${reason.replace(/[.;]/g, '\\$&')}$`));
    expect(snapshot(out)).toEqual(before);
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });

  test('the new tree cannot be renamed into place: the old one is put back first', () => {
    const { dir, out } = written('wt-swap');
    const before = snapshot(out);
    const ops: SwapOps = {
      ...REAL_OPS,
      renameSync: (from, to) => {
        if (path.basename(from).includes('.new-')) throw errno('ENOTEMPTY', to);
        fs.renameSync(from, to);
      },
    };
    const e = thrown(() => writeTree(out, changed, ops));
    expect(e.message).toBe(`cannot write ${out}: ${out} is in the way (not empty); nothing was changed`);
    expect(snapshot(out)).toEqual(before);
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });

  test('when putting the old tree back fails too, the message says where it is, and the next run restores it', () => {
    const { dir, out } = written('wt-restore');
    const before = snapshot(out);
    const ops: SwapOps = {
      ...REAL_OPS,
      renameSync: (from, to) => {
        if (path.basename(from).includes('.new-')) throw errno('EIO', to);
        if (path.basename(from).includes('.old-')) throw errno('EIO', from);
        fs.renameSync(from, to);
      },
    };
    const e = thrown(() => writeTree(out, changed, ops));
    const old = fs.readdirSync(dir).find((n) => n.startsWith('.out.old-'))!;
    expect(e.message).toMatch(
      new RegExp(
        `^cannot write ${out}: ${out} could not be written \\(an I/O error\\); and putting the previous tree back failed too \\(.*\\): it is in ${path.join(dir, old).replace(/\./g, '\\.')} and the new one in .*; the next generate puts the previous one back$`,
      ),
    );
    expect(snapshot(path.join(dir, old))).toEqual(before);

    // The next run (with a working file system) puts it back and then writes.
    const r = writeTree(out, FILES);
    expect(r.warnings).toEqual([`put back ${out} from ${path.join(dir, old)}, left by an interrupted run`]);
    expect(r.written).toEqual([]);
    expect(snapshot(out)).toEqual(before);
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });

  test('a run killed between the two renames: the next run puts the previous tree back', () => {
    const { dir, out } = written('wt-killed');
    const before = snapshot(out);
    fs.renameSync(out, path.join(dir, '.out.old-99999999-abcd'));
    fs.mkdirSync(path.join(dir, '.out.new-99999999-abcd'));
    fs.writeFileSync(path.join(dir, '.out.new-99999999-abcd', 'a.json'), 'half');
    fs.writeFileSync(path.join(dir, '.out.lock'), '99999999\n');
    const r = writeTree(out, FILES);
    expect(r.warnings).toEqual([`put back ${out} from ${path.join(dir, '.out.old-99999999-abcd')}, left by an interrupted run`]);
    expect(snapshot(out)).toEqual(before);
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });

  test('an old tree that cannot be removed: the new tree is in place, a warning, and the next run removes it', () => {
    const { dir, out } = written('wt-rm');
    const ops: SwapOps = {
      ...REAL_OPS,
      rmSync: (p, o) => {
        if (path.basename(p).includes('.old-')) throw errno('EACCES', path.join(p, 'parameters'));
        fs.rmSync(p, o);
      },
    };
    const r = writeTree(out, changed, ops);
    const old = fs.readdirSync(dir).find((n) => n.startsWith('.out.old-'))!;
    expect(r.warnings).toEqual([
      `the new tree is in place, but the previous one could not be removed: ${path.join(dir, old, 'parameters')} is not writable (permission denied); the next generate removes ${path.join(dir, old)}`,
    ]);
    expect(fs.readFileSync(path.join(out, 'a.json'), 'utf8')).toBe('{"a": 2}\n');
    expect(writeTree(out, changed).warnings).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });
});

describe('one writer at a time', () => {
  test('a lock held by a running process is refused and nothing changes', () => {
    const { dir, out } = written('wt-lock');
    const before = snapshot(out);
    fs.writeFileSync(path.join(dir, '.out.lock'), `${process.ppid}\n`);
    const e = thrown(() => writeTree(out, changed));
    expect(e).toBeInstanceOf(WriteError);
    expect(e.message).toBe(
      `cannot write ${out}: another generate (process ${process.ppid}) is writing it; nothing was changed (if no generate is running, remove ${path.join(dir, '.out.lock')})`,
    );
    expect(snapshot(out)).toEqual(before);
    expect(fs.readdirSync(dir).sort()).toEqual(['.out.lock', 'out']);
  });

  test('a lock left by a process that is gone is taken over, and released', () => {
    const { dir, out } = written('wt-stale');
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    fs.writeFileSync(path.join(dir, '.out.lock'), `${gone}\n`);
    expect(writeTree(out, changed).written).toEqual(['a.json']);
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });
});

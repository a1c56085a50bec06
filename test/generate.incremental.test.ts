/**
 * Regeneration without building: run from a build that scripts/run.js checked fresh, a
 * generate from the same build and configuration bytes into a tree still as the writer
 * recorded it builds nothing; any other build, other bytes, or a tree changed behind the
 * record builds and writes as usual.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as render from '../generator/render';
import { PROJECT_ROOT } from '../generator/core/paths';
import { TREE_CACHE_DIR, main } from '../scripts/generate';
import { VERIFIED_BUILD, VerifiedBuild } from '../scripts/lib/verified-build';
import { renderMemoFile } from '../scripts/lib/render-memo';
import { capture, exampleRaw, removeTempDirs, snapshot, tempDir } from './helpers/config';

const globals = globalThis as { [VERIFIED_BUILD]?: VerifiedBuild };

/** The build these tests pretend to run from: the folder of scripts/generate.ts, as run.js would leave it for dist/scripts. */
function runFromBuild(sources = 'sources-1'): void {
  globals[VERIFIED_BUILD] = { dist: path.join(PROJECT_ROOT, 'scripts'), sources, validators: 'validators-1' };
}

afterEach(() => {
  delete globals[VERIFIED_BUILD];
  jest.restoreAllMocks();
});
afterAll(removeTempDirs);

/** Dates the record of `out` later, as if taken past the margin within which a tree just written is not trusted. */
function ageRecord(out: string): void {
  for (const f of fs.readdirSync(TREE_CACHE_DIR).filter((n) => n.endsWith('.json'))) {
    const file = path.join(TREE_CACHE_DIR, f);
    const m = JSON.parse(fs.readFileSync(file, 'utf8')) as { dir: string; recordedAt: number };
    if (m.dir !== out) continue;
    fs.writeFileSync(file, JSON.stringify({ ...m, recordedAt: m.recordedAt + 10_000 }));
    return;
  }
  throw new Error(`no record of ${out}`);
}

/** A generated tree and a way to run generate over it again, counting the builds. */
function generated(prefix: string): { out: string; config: string; run(): { status: number; out: string; builds: number; memos: unknown[] } } {
  const dir = tempDir(prefix);
  const out = path.join(dir, 'templates');
  const config = path.join(dir, 'config.json');
  fs.writeFileSync(config, JSON.stringify(exampleRaw()));
  const run = () => {
    const spy = jest.spyOn(render, 'render');
    const io = capture();
    const status = main(['--config', config, '--out', out], io);
    const builds = spy.mock.calls.length;
    const memos = spy.mock.calls.map((call) => call[1]);
    spy.mockRestore();
    return { status, out: io.out, builds, memos };
  };
  expect(run()).toMatchObject({ status: 0, builds: 1 });
  ageRecord(out);
  return { out, config, run };
}

/** Writes the example with its first service's desired count raised into `config`; returns what it wrote. */
function editDesiredCount(config: string): ReturnType<typeof exampleRaw> {
  const raw = exampleRaw();
  raw.services[0].desiredCount = (raw.services[0].desiredCount ?? 1) + 1;
  fs.writeFileSync(config, JSON.stringify(raw));
  return raw;
}

test('the same build and configuration bytes over the recorded tree: up to date, nothing built', () => {
  runFromBuild();
  const { out, run } = generated('inc-same');
  const before = snapshot(out);
  const r = run();
  expect(r).toMatchObject({ status: 0, builds: 0 });
  expect(r.out).toMatch(/ is up to date \(\d+ files\)\n$/);
  expect(r.out).toBe(`${path.relative(process.cwd(), out)} is up to date (${Object.keys(before!).filter((k) => !k.endsWith('/')).length - 1} files)\n`);
  expect(snapshot(out)).toEqual(before);
});

test('other configuration bytes build; bytes that change no file then skip the build', () => {
  runFromBuild();
  const { out, config, run } = generated('inc-bytes');
  fs.writeFileSync(config, JSON.stringify(exampleRaw(), null, 2));
  expect(run()).toMatchObject({ status: 0, builds: 1 });
  ageRecord(out);
  expect(run()).toMatchObject({ status: 0, builds: 0 });
});

test('another build builds', () => {
  runFromBuild('sources-1');
  const { run } = generated('inc-build');
  runFromBuild('sources-2');
  expect(run()).toMatchObject({ status: 0, builds: 1 });
});

test('a file edited behind the record is built and put right', () => {
  runFromBuild();
  const { out, run } = generated('inc-edit');
  const before = snapshot(out);
  const file = path.join(out, 'network.json');
  fs.writeFileSync(file, '{}\n');
  expect(run()).toMatchObject({ status: 0, builds: 1 });
  expect(snapshot(out)).toEqual(before);
});

test('a file added to the tree is built and removed', () => {
  runFromBuild();
  const { out, run } = generated('inc-extra');
  fs.writeFileSync(path.join(out, 'extra.json'), '{}\n');
  expect(run()).toMatchObject({ status: 0, builds: 1 });
  expect(fs.existsSync(path.join(out, 'extra.json'))).toBe(false);
});

test('from the TypeScript sources (no build checked), every run builds', () => {
  const { run } = generated('inc-sources');
  expect(run()).toMatchObject({ status: 0, builds: 1 });
});

test('a configuration with a problem is reported every time, the tree left as it was', () => {
  runFromBuild();
  const { out, config, run } = generated('inc-bad');
  const before = snapshot(out);
  fs.writeFileSync(config, JSON.stringify({ ...exampleRaw(), project: 'Bad Name' }));
  for (let i = 0; i < 2; i++) expect(run()).toMatchObject({ status: 1, builds: 0 });
  expect(snapshot(out)).toEqual(before);
});

test('right after a write, the next run compares the bytes of the files just written and builds nothing', () => {
  runFromBuild();
  const dir = tempDir('inc-racy');
  const out = path.join(dir, 'templates');
  const config = path.join(dir, 'config.json');
  fs.writeFileSync(config, JSON.stringify(exampleRaw()));
  const spy = jest.spyOn(render, 'render');
  expect(main(['--config', config, '--out', out], capture())).toBe(0);
  expect(main(['--config', config, '--out', out], capture())).toBe(0);
  expect(spy).toHaveBeenCalledTimes(1);
});

test('an edited configuration builds, and the files the record vouches for are not read back', () => {
  runFromBuild();
  const { out, config, run } = generated('inc-edit-config');
  editDesiredCount(config);
  // The module object itself: the modules under test read through it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const reads = jest.spyOn(require('node:fs') as typeof fs, 'readFileSync');
  const r = run();
  const inTree = reads.mock.calls.filter(([file]) => typeof file === 'string' && file.startsWith(`${out}${path.sep}`));
  expect(r).toMatchObject({ status: 0, builds: 1 });
  expect(r.out).toMatch(/^wrote [1-9]\d? of \d+ files to /);
  expect(inTree).toEqual([]);
  reads.mockRestore();
  // The record taken after the change (the untouched files' numbers carried over) vouches for the tree.
  ageRecord(out);
  expect(run()).toMatchObject({ status: 0, builds: 0 });
  fs.appendFileSync(path.join(out, 'network.json'), ' ');
  expect(run()).toMatchObject({ status: 0, builds: 1 });
});

test('after an edit, the templates built from unchanged inputs come from the memo of the same build', () => {
  runFromBuild();
  const { out, config, run } = generated('inc-memo');
  const raw = editDesiredCount(config);
  const networks = jest.spyOn(
    render.TEMPLATES.find((e) => e.file === 'network.json')!,
    'fromInputs',
  );
  const r = run();
  expect(r).toMatchObject({ status: 0, builds: 1 });
  expect(networks).not.toHaveBeenCalled();
  expect(Object.keys(r.memos[0] ?? {})).toContain('network.json');
  const build = `sources-1:validators-1\0${process.version}`;
  expect((JSON.parse(fs.readFileSync(renderMemoFile(TREE_CACHE_DIR, build), 'utf8')) as { build: string }).build).toBe(build);
  const expected = snapshot(out);
  // Another build renders without it (none of its own, left by an earlier test run), to the same files.
  fs.rmSync(renderMemoFile(TREE_CACHE_DIR, `sources-2:validators-1\0${process.version}`), { force: true });
  runFromBuild('sources-2');
  raw.services[0].desiredCount += 1;
  fs.writeFileSync(config, JSON.stringify(raw));
  expect(run()).toMatchObject({ status: 0, builds: 1 });
  expect(networks).toHaveBeenCalledTimes(1);
  raw.services[0].desiredCount -= 1;
  fs.writeFileSync(config, JSON.stringify(raw));
  expect(run()).toMatchObject({ status: 0, builds: 1 });
  expect(snapshot(out)).toEqual(expected);
});

test('from the TypeScript sources, generate neither reads nor keeps a memo', () => {
  const { config, run } = generated('inc-memo-sources');
  fs.writeFileSync(config, JSON.stringify(exampleRaw(), null, 1));
  expect(run()).toMatchObject({ status: 0, builds: 1, memos: [undefined] });
});

test('scripts/run.js leaves the build it checked fresh where verifiedBuild reads it', () => {
  // A module preloaded into `node scripts/run.js generate --help` writes what run.js left, as the process exits.
  const dir = tempDir('inc-run');
  const probe = path.join(dir, 'probe.js');
  const seen = path.join(dir, 'seen.json');
  fs.writeFileSync(
    probe,
    `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(seen)}, JSON.stringify(globalThis[Symbol.for(${JSON.stringify(VERIFIED_BUILD.description)})] ?? null)));\n`,
  );
  const r = spawnSync(process.execPath, ['-r', probe, path.join(PROJECT_ROOT, 'scripts', 'run.js'), 'generate', '--help'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  expect(r.status).toBe(0);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { freshness } = require('../scripts/build') as { freshness(): { sources: string; stamp: { validators: string } } };
  const now = freshness();
  expect(JSON.parse(fs.readFileSync(seen, 'utf8'))).toEqual({ dist: path.join(PROJECT_ROOT, 'dist'), sources: now.sources, validators: now.stamp.validators });
});

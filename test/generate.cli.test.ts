/**
 * The generate command: a run to a chosen directory, stale files, usage errors, and the
 * command line as a child process (exit status and output as a shell sees them).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../generator/config/load';
import { renderAll } from '../generator/render';
import { USAGE, main } from '../scripts/generate';
import { capture, exampleRaw, removeTempDirs, snapshot, tempDir } from './helpers/config';
import { ROOT } from './helpers/template';

afterAll(removeTempDirs);


function writeConfig(dir: string, config: unknown): string {
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `node scripts/run.js generate ARGS`, as npm run generate does. */
function cli(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/run.js', 'generate', ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('generate, in process', () => {
  test('--config and --out write exactly the rendered files', () => {
    const dir = tempDir('gen-ok');
    const out = path.join(dir, 'a', 'b', 'templates');
    const config = writeConfig(dir, exampleRaw());
    const io = capture();
    expect(main(['--config', config, '--out', out], io)).toBe(0);
    const expected = renderAll(loadConfig(config));
    expect(io.out).toBe(`wrote ${expected.length} files to ${path.relative(process.cwd(), out)}\n`);
    expect(io.err).toBe('');
    expect(snapshot(out)).toEqual(snapshotOf(expected));
    expect(fs.readdirSync(path.dirname(out))).toEqual(['templates']);
  });

  test('files the generator no longer produces are removed, and said so', () => {
    const dir = tempDir('gen-stale');
    const out = path.join(dir, 'templates');
    fs.mkdirSync(path.join(out, 'parameters', 'gone'), { recursive: true });
    fs.writeFileSync(path.join(out, 'old-service.json'), '{}\n');
    fs.writeFileSync(path.join(out, 'parameters', 'gone', 'dev.json'), '{}\n');
    fs.writeFileSync(path.join(out, 'member-roles.json'), 'edited by hand\n');
    const config = writeConfig(dir, exampleRaw());
    const io = capture();
    expect(main(['--config', config, '--out', out], io)).toBe(0);
    expect(io.out).toMatch(/; removed old-service\.json, parameters\/gone\/dev\.json\n$/);
    expect(snapshot(out)).toEqual(snapshotOf(renderAll(loadConfig(config))));
    expect(fs.readdirSync(dir).sort()).toEqual(['config.json', 'templates']);
  });

  test('a second run with the same configuration changes nothing and removes nothing', () => {
    const dir = tempDir('gen-again');
    const out = path.join(dir, 'templates');
    const config = writeConfig(dir, exampleRaw());
    expect(main(['--config', config, '--out', out], capture())).toBe(0);
    const first = snapshot(out);
    const io = capture();
    expect(main(['--config', config, '--out', out], io)).toBe(0);
    expect(io.out).not.toContain('removed');
    expect(snapshot(out)).toEqual(first);
  });

  test.each([
    ['an unknown argument', ['--outdir', 'x'], 'unknown argument "--outdir"'],
    ['a positional argument', ['templates'], 'unknown argument "templates"'],
    ['--config without a value', ['--config'], '--config needs a value'],
    ['--out followed by another option', ['--out', '--config', 'x.json'], '--out needs a value'],
  ])('%s is a usage error (exit 2)', (_name, argv, message) => {
    const io = capture();
    expect(main(argv, io)).toBe(2);
    expect(io.err).toBe(`error: ${message}\n${USAGE}\n`);
    expect(io.out).toBe('');
  });

  test('--help prints the usage and exits 0', () => {
    const io = capture();
    expect(main(['--help'], io)).toBe(0);
    expect(io.out).toBe(`${USAGE}\n`);
  });

  test('--out pointing at a file is refused and the file is kept', () => {
    const dir = tempDir('gen-file');
    const out = path.join(dir, 'templates');
    fs.writeFileSync(out, 'not a directory\n');
    const config = writeConfig(dir, exampleRaw());
    const io = capture();
    expect(main(['--config', config, '--out', out], io)).toBe(2);
    expect(io.err).toBe(`error: --out ${out} is a file; expected a directory\n${USAGE}\n`);
    expect(fs.readFileSync(out, 'utf8')).toBe('not a directory\n');
    expect(fs.readdirSync(dir).sort()).toEqual(['config.json', 'templates']);
  });
  test.each([
    ['the project', () => ROOT, 'holds the project; it would be replaced by the generated files'],
    ['a folder above the project', () => path.dirname(ROOT), 'holds the project; it would be replaced by the generated files'],
    ['the folder of the configuration', (dir: string) => dir, 'holds the configuration file; it would be replaced by the generated files'],
    ['a folder of source code', (dir: string) => {
      const out = path.join(dir, 'src');
      fs.mkdirSync(path.join(out, 'lib'), { recursive: true });
      fs.writeFileSync(path.join(out, 'lib', 'index.ts'), 'export {};\n');
      return out;
    }, 'holds lib/index.ts, which the generator does not write; refusing to replace it'],
  ])('--out naming %s is refused (exit 2) and nothing changes', (_name, setUp, message) => {
    const dir = tempDir('gen-guard');
    const config = writeConfig(dir, exampleRaw());
    const out = setUp(dir);
    const before = snapshot(dir);
    const io = capture();
    expect(main(['--config', config, '--out', out], io)).toBe(2);
    expect(io.err).toBe(`error: --out ${out} ${message}\n${USAGE}\n`);
    expect(snapshot(dir)).toEqual(before);
    expect(fs.existsSync(path.join(ROOT, 'package.json'))).toBe(true);
  });

  test('an output directory that cannot be created is an error (exit 1) and changes nothing', () => {
    const dir = tempDir('gen-blocked');
    const blocker = path.join(dir, 'blocker');
    fs.writeFileSync(blocker, 'a file where a directory would go\n');
    const out = path.join(blocker, 'templates');
    const config = writeConfig(dir, exampleRaw());
    const io = capture();
    expect(main(['--config', config, '--out', out], io)).toBe(1);
    expect(io.err).toBe(`error: cannot write ${out}: ${blocker} is a file, not a directory; nothing was changed\n`);
    expect(fs.readFileSync(blocker, 'utf8')).toBe('a file where a directory would go\n');
    expect(fs.readdirSync(dir).sort()).toEqual(['blocker', 'config.json']);
  });

  test('a configuration file that starts with a byte order mark is read', () => {
    const dir = tempDir('gen-bom');
    const config = path.join(dir, 'config.json');
    fs.writeFileSync(config, `\uFEFF${JSON.stringify(exampleRaw())}`);
    expect(main(['--config', config, '--out', path.join(dir, 'out')], capture())).toBe(0);
  });
});

describe('generate, as a child process', () => {
  const dir = tempDir('gen-cli');
  const good = writeConfig(fs.mkdtempSync(path.join(dir, 'good-')), exampleRaw());
  const badConfig = exampleRaw();
  badConfig.environments[2].accountId = '333333333333';
  badConfig.services[0].name = 'Web';
  const bad = writeConfig(fs.mkdtempSync(path.join(dir, 'bad-')), badConfig);
  const outGood = path.join(dir, 'out-good');
  const outBad = path.join(dir, 'out-bad');
  let runs: Run[];

  // One start-up each, in parallel: these are the slow tests of this file.
  beforeAll(async () => {
    runs = await Promise.all([
      cli(['--config', good, '--out', outGood]),
      cli(['--config', bad, '--out', outBad]),
      cli(['--bogus']),
    ]);
  });

  test('a valid configuration: exit 0 and the files written', () => {
    const [run] = runs;
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`wrote ${renderAll(loadConfig(good)).length} files to ${path.relative(ROOT, outGood)}\n`);
    expect(snapshot(outGood)).toEqual(snapshotOf(renderAll(loadConfig(good))));
  });

  test('an invalid configuration: exit 1, every problem on stderr, no output directory', () => {
    const run = runs[1];
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      [
        `error: ${bad}: 2 problems in the configuration`,
        '  services[0].name: "Web" must match ^[a-z][a-z0-9-]{0,15}$',
        '  environments[2].accountId: "333333333333" is already environments[1].accountId; every environment needs an account of its own',
        '',
      ].join('\n'),
    );
    expect(fs.existsSync(outBad)).toBe(false);
  });

  test('an unknown argument: exit 2 and the usage', () => {
    const run = runs[2];
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`error: unknown argument "--bogus"\n${USAGE}\n`);
  });
});

function snapshotOf(files: ReadonlyArray<{ path: string; content: string }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) out[`${parts.slice(0, i).join('/')}/`] = '';
    out[f.path] = Buffer.from(f.content).toString('base64');
  }
  return out;
}

/**
 * The generate command: a run to a chosen directory, stale files, usage errors, and the
 * command line as a child process (exit status and output as a shell sees them).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE_CONFIG_PATH, loadConfig } from '../generator/config/load';
import * as render from '../generator/render';
import { renderAll } from '../generator/render';
import { USAGE, main } from '../scripts/generate';
import { MARKER, MARKER_CONTENT } from '../scripts/lib/write-tree';
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

interface CliOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Runs the command under this umask (through sh). */
  readonly umask?: string;
}

/** `node scripts/run.js generate ARGS`, as npm run generate does. */
function cli(args: readonly string[], options: CliOptions = {}): Promise<Run> {
  const node = [process.execPath, path.join(ROOT, 'scripts', 'run.js'), 'generate', ...args];
  const [command, ...rest] = options.umask ? ['/bin/sh', '-c', `umask ${options.umask} && exec "$@"`, 'sh', ...node] : node;
  return new Promise((resolve, reject) => {
    const child = spawn(command, rest, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', npm_lifecycle_event: '', ...options.env },
      timeout: 120_000,
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
    fs.writeFileSync(path.join(out, MARKER), MARKER_CONTENT);
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
    expect(io.out).toBe(`${path.relative(process.cwd(), out)} is up to date (${renderAll(loadConfig(config)).length} files)\n`);
    expect(snapshot(out)).toEqual(first);
  });

  test.each([
    ['an unknown argument', ['--outdir', 'x'], 'unknown flag --outdir'],
    ['a positional argument', ['templates'], 'unexpected argument "templates"'],
    ['--config without a value', ['--config'], '--config needs a value (FILE)'],
    ['--out followed by another option', ['--out', '--config', 'x.json'], '--out needs a value (DIR)'],
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
    [
      'a folder of source code',
      (dir: string) => {
        const out = path.join(dir, 'src');
        fs.mkdirSync(path.join(out, 'lib'), { recursive: true });
        fs.writeFileSync(path.join(out, 'lib', 'index.ts'), 'export {};\n');
        return out;
      },
      `holds files the generator did not write (lib) and no ${MARKER} marker; refusing to replace it: give a new or empty directory, or one an earlier generate wrote`,
    ],
    [
      'a folder of schemas (no source file in it)',
      (dir: string) => {
        const out = path.join(dir, 'schemas');
        fs.mkdirSync(out);
        fs.writeFileSync(path.join(out, 'config.schema.json'), '{}\n');
        return out;
      },
      `holds files the generator did not write (config.schema.json) and no ${MARKER} marker; refusing to replace it: give a new or empty directory, or one an earlier generate wrote`,
    ],
    [
      'a repository folder',
      (dir: string) => {
        const out = path.join(dir, '.git');
        fs.mkdirSync(path.join(out, 'objects'), { recursive: true });
        fs.writeFileSync(path.join(out, 'HEAD'), 'ref: refs/heads/main\n');
        return out;
      },
      `holds files the generator did not write (HEAD, objects) and no ${MARKER} marker; refusing to replace it: give a new or empty directory, or one an earlier generate wrote`,
    ],
    [
      'a home folder',
      (dir: string) => {
        const out = path.join(dir, 'home');
        fs.mkdirSync(path.join(out, '.ssh'), { recursive: true });
        fs.writeFileSync(path.join(out, '.ssh', 'id_ed25519'), 'key\n');
        for (const f of ['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt']) fs.writeFileSync(path.join(out, f), 'document\n');
        return out;
      },
      `holds files the generator did not write (.ssh, a.txt, b.txt, c.txt, d.txt, and 1 more) and no ${MARKER} marker; refusing to replace it: give a new or empty directory, or one an earlier generate wrote`,
    ],
    [
      'a folder whose marker is a directory',
      (dir: string) => {
        const out = path.join(dir, 'fake');
        fs.mkdirSync(path.join(out, MARKER), { recursive: true });
        fs.writeFileSync(path.join(out, 'notes.txt'), 'mine\n');
        return out;
      },
      `holds files the generator did not write (${MARKER}, notes.txt) and no ${MARKER} marker; refusing to replace it: give a new or empty directory, or one an earlier generate wrote`,
    ],
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

  test.each([
    [
      'a template problem names the --out given',
      () => new render.GenerationError(['network.json: [rule] broken']),
      (out: string) => `error: generation failed; ${out} was left as it was\n  network.json: [rule] broken\n`,
    ],
    [
      'an unexpected error is one line, without a stack',
      () => new RangeError('Maximum call stack size exceeded'),
      (out: string) =>
        `error: generation failed unexpectedly: Maximum call stack size exceeded (the input is nested or sized beyond what the generator handles); ${out} was left as it was\n`,
    ],
    [
      'a file-system error outside the writer is one line',
      () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', path: '/x' }),
      (out: string) => `error: generation failed unexpectedly: /x is on a full disk; ${out} was left as it was\n`,
    ],
  ])('%s (exit 1, --out untouched)', (_name, error, message) => {
    const dir = tempDir('gen-fail');
    const out = path.join(dir, 'out');
    const config = writeConfig(dir, exampleRaw());
    const spy = jest.spyOn(render, 'render').mockImplementation(() => {
      throw error();
    });
    try {
      const io = capture();
      expect(main(['--config', config, '--out', out], io)).toBe(1);
      expect(io.err).toBe(message(path.relative(process.cwd(), out)));
      expect(io.out).toBe('');
      expect(fs.existsSync(out)).toBe(false);
    } finally {
      spy.mockRestore();
    }
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
    runs = await Promise.all([cli(['--config', good, '--out', outGood]), cli(['--config', bad, '--out', outBad]), cli(['--bogus'])]);
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
    expect(run.stderr).toBe(`error: unknown flag --bogus\n${USAGE}\n`);
  });
});

/**
 * Hostile input through the command line, each case its own process: the exit status, the
 * whole of stderr and stdout, the folder the case set up (byte for byte) and the
 * committed templates/ (byte for byte), including the cases that already held.
 */
describe('hostile input, as a child process', () => {
  interface Hostile {
    readonly name: string;
    /** Sets the case up in `dir` and returns the arguments (and options) of the run. */
    setUp(dir: string): { args: string[]; options?: CliOptions };
    readonly status: number;
    readonly stderr: (dir: string) => string;
    readonly stdout?: (dir: string) => string;
    /** What `dir` holds afterwards; by default exactly what it held before the run. */
    readonly after?: (dir: string, before: Record<string, string>) => Record<string, string>;
  }
  const generated = renderAll(loadConfig(exampleConfigFile()));
  const n = generated.length;
  const configured = (dir: string, edit?: (c: any) => void): string => {
    const c = exampleRaw();
    edit?.(c);
    return writeConfig(dir, c);
  };
  const problem = (file: string, line: string) => `error: ${file}: 1 problem in the configuration\n  ${line}\n`;
  const withOutput = (prefix: string) => (_dir: string, before: Record<string, string>) => ({ ...before, [`${prefix}/`]: '', ...prefixed(prefix, snapshotOf(generated)) });
  const refused = (what: string) =>
    `holds files the generator did not write (${what}) and no ${MARKER} marker; refusing to replace it: give a new or empty directory, or one an earlier generate wrote\n${USAGE}\n`;

  const CASES: Hostile[] = [
    {
      name: '--config on a FIFO is refused at once',
      setUp: (dir) => {
        spawnSync('mkfifo', [path.join(dir, 'fifo')]);
        return { args: ['--config', path.join(dir, 'fifo'), '--out', path.join(dir, 'out')] };
      },
      status: 1,
      stderr: (dir) => problem(path.join(dir, 'fifo'), '(root): is a named pipe (FIFO); expected a regular file'),
    },
    {
      name: '--config on /dev/zero is refused at once',
      setUp: (dir) => ({ args: ['--config', '/dev/zero', '--out', path.join(dir, 'out')] }),
      status: 1,
      stderr: () => problem('/dev/zero', '(root): is a character device; expected a regular file'),
    },
    {
      name: '--config on /dev/urandom is refused at once',
      setUp: (dir) => ({ args: ['--config', '/dev/urandom', '--out', path.join(dir, 'out')] }),
      status: 1,
      stderr: () => problem('/dev/urandom', '(root): is a character device; expected a regular file'),
    },
    {
      name: '--out on a folder of schemas is refused and kept',
      setUp: (dir) => {
        fs.mkdirSync(path.join(dir, 'schemas'));
        fs.writeFileSync(path.join(dir, 'schemas', 'config.schema.json'), '{}\n');
        return { args: ['--config', configured(dir), '--out', path.join(dir, 'schemas')] };
      },
      status: 2,
      stderr: (dir) => `error: --out ${path.join(dir, 'schemas')} ${refused('config.schema.json')}`,
    },
    {
      name: '--out on a home folder is refused and its key kept',
      setUp: (dir) => {
        fs.mkdirSync(path.join(dir, 'home', '.ssh'), { recursive: true });
        fs.writeFileSync(path.join(dir, 'home', '.ssh', 'id_ed25519'), 'secret\n');
        return { args: ['--config', configured(dir), '--out', path.join(dir, 'home')] };
      },
      status: 2,
      stderr: (dir) => `error: --out ${path.join(dir, 'home')} ${refused('.ssh')}`,
    },
    {
      name: '--config given twice is a usage error',
      setUp: (dir) => ({ args: ['--config', configured(dir), '--config', configured(dir), '--out', path.join(dir, 'out')] }),
      status: 2,
      stderr: () => `error: --config is given twice\n${USAGE}\n`,
    },
    {
      name: '--out given twice is a usage error',
      setUp: (dir) => ({ args: ['--out', path.join(dir, 'a'), '--out', path.join(dir, 'b')] }),
      status: 2,
      stderr: () => `error: --out is given twice\n${USAGE}\n`,
    },
    {
      name: '5,000 duplicate services: a report of 50 problems and a count',
      setUp: (dir) => ({
        args: ['--config', configured(dir, (c) => (c.services = Array.from({ length: 5000 }, () => ({ name: 'web', containerPort: 80 })))), '--out', path.join(dir, 'out')],
      }),
      status: 1,
      stderr: (dir) =>
        [
          `error: ${path.join(dir, 'config.json')}: 5000 problems in the configuration`,
          '  services: has 5000 items; must have at most 1000',
          ...Array.from({ length: 49 }, (_, i) => `  services[${i + 1}].name: "web" is already the name of services[0]; service names must be unique`),
          '  ... and 4950 more problems (fix these and run again to see them)',
          '',
        ].join('\n'),
    },
    {
      name: 'a prototype key is refused (held)',
      setUp: (dir) => {
        const file = path.join(dir, 'config.json');
        fs.writeFileSync(file, JSON.stringify(exampleRaw()).replace('"project":{', '"project":{"__proto__":{"polluted":true},'));
        return { args: ['--config', file, '--out', path.join(dir, 'out')] };
      },
      status: 1,
      stderr: (dir) => problem(path.join(dir, 'config.json'), 'project.__proto__: unknown key; allowed here: name, costCenter'),
    },
    {
      name: "a relative --out is the caller's folder under npm run generate (INIT_CWD)",
      setUp: (dir) => ({
        args: ['--config', 'config.json', '--out', 'out'],
        options: { env: { npm_lifecycle_event: 'generate', INIT_CWD: ((): string => (configured(dir), dir))() } },
      }),
      status: 0,
      stderr: () => '',
      stdout: (dir) => `wrote ${n} files to ${path.relative(ROOT, path.join(dir, 'out'))}\n`,
      after: withOutput('out'),
    },
    {
      name: 'a relative --out is the current folder when run directly',
      setUp: (dir) => (configured(dir), { args: ['--config', 'config.json', '--out', 'out'], options: { cwd: dir } }),
      status: 0,
      stderr: () => '',
      stdout: () => `wrote ${n} files to out\n`,
      after: withOutput('out'),
    },
    {
      name: "a symlinked --out keeps its link (held for the target's files)",
      setUp: (dir) => {
        fs.mkdirSync(path.join(dir, 'real'));
        fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'link'));
        return { args: ['--config', configured(dir), '--out', path.join(dir, 'link')] };
      },
      status: 0,
      stderr: () => '',
      stdout: (dir) => `wrote ${n} files to ${path.relative(ROOT, path.join(dir, 'link'))}\n`,
      after: (_dir, before) => ({ ...before, ...prefixed('real', snapshotOf(generated)) }),
    },
    {
      name: 'under umask 027 the output is readable by the group, not by others',
      setUp: (dir) => ({ args: ['--config', configured(dir), '--out', path.join(dir, 'out')], options: { umask: '027' } }),
      status: 0,
      stderr: () => '',
      stdout: (dir) => `wrote ${n} files to ${path.relative(ROOT, path.join(dir, 'out'))}\n`,
      after: withOutput('out'),
    },
  ];

  const templatesBefore = snapshot(path.join(ROOT, 'templates'));
  const results = new Map<string, { run: Run; dir: string; before: Record<string, string> }>();

  beforeAll(async () => {
    // Three at a time: each is a process start.
    const queue = [...CASES];
    const worker = async (): Promise<void> => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        const dir = tempDir('gen-hostile');
        const { args, options } = c.setUp(dir);
        const before = snapshot(dir)!;
        results.set(c.name, { run: await cli(args, options), dir, before });
      }
    };
    await Promise.all([worker(), worker(), worker()]);
  }, 300_000);

  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { run, dir, before } = results.get(c.name)!;
    expect(run.stderr).toBe(c.stderr(dir));
    expect(run.stdout).toBe(c.stdout?.(dir) ?? '');
    expect(run.status).toBe(c.status);
    const after = snapshot(dir)!;
    expect(after).toEqual(c.after ? c.after(dir, before) : before);
  });

  test('under umask 027 the modes are 0750 and 0640', () => {
    const { dir } = results.get('under umask 027 the output is readable by the group, not by others')!;
    expect(fs.statSync(path.join(dir, 'out')).mode & 0o777).toBe(0o750);
    expect(fs.statSync(path.join(dir, 'out', 'parameters')).mode & 0o777).toBe(0o750);
    expect(fs.statSync(path.join(dir, 'out', 'pipeline.json')).mode & 0o777).toBe(0o640);
  });

  test('the symlink is still a symlink', () => {
    const { dir } = results.get("a symlinked --out keeps its link (held for the target's files)")!;
    expect(fs.lstatSync(path.join(dir, 'link')).isSymbolicLink()).toBe(true);
  });

  test('templates/ is byte for byte as it was', () => {
    expect(snapshot(path.join(ROOT, 'templates'))).toEqual(templatesBefore);
  });
});

function exampleConfigFile(): string {
  return EXAMPLE_CONFIG_PATH;
}

function prefixed(prefix: string, snap: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(snap).map(([k, v]) => [`${prefix}/${k}`, v]));
}

function snapshotOf(files: ReadonlyArray<{ path: string; content: string }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) out[`${parts.slice(0, i).join('/')}/`] = '';
    out[f.path] = Buffer.from(f.content).toString('base64');
  }
  out[MARKER] = Buffer.from(MARKER_CONTENT).toString('base64');
  return out;
}

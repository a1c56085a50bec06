/**
 * How fast generation is, against the floor of any run: for synthetic projects of 1, 100
 * and 1,000 services across dev, staging and prod, in one run, in rounds:
 *
 *   npm run bench [-- --rounds N]
 *   npm run bench -- --cdk [--rounds N]   against the CDK app of bench/cdk (installed apart:
 *                                          npm ci --prefix bench/cdk)
 *
 * Each round runs, one after the other (paired, so that a busy machine slows all alike):
 * - `node -e ''`: the start of any Node process;
 * - the write floor: a Node process that writes the same files, byte for byte, into a new
 *   directory (its content handed over in one file): the least a first write must do;
 * - `node scripts/run.js generate --config C --out DIR` for each size, what `npm run
 *   generate` runs, in three states:
 *   - unchanged: over the tree the previous run wrote from the same configuration (nothing
 *     to build or write: the writer's record of the tree says the tree is as written from
 *     these inputs, without reading it back, scripts/lib/tree-manifest.ts);
 *   - one service edited: over that tree, from the configuration with one service's
 *     desired count changed, the usual regeneration after an edit (the templates whose
 *     inputs changed built, the parameter files built and checked, the changed files
 *     written);
 *   - first write: into a directory that does not exist (the templates taken from the
 *     render memo of the same build, the parameter files built and checked, every file
 *     written);
 * - `npm run generate` itself at 100 services, unchanged and first write: the documented
 *   command, npm's own start included.
 * Every Node process of a command (npm's included) reports its CPU time and peak memory
 * when it exits; a command's CPU time is their sum, its memory the largest. The figures
 * are medians over the rounds, and each ratio is the median of the per-round ratios.
 * CPU time is the steadier figure on a shared machine.
 *
 * The ratios, each defined where it is printed:
 * - budget at 100 services: the command / (2.5 x `node -e ''` + what the write floor
 *   costs beyond its own Node start). The target is 1.00 or less (within 2.5x of
 *   `node -e ''` plus the write floor);
 * - 1,000 services / 1 service, in each state (target below 3);
 * - first write / write floor, at 100 and 1,000 services.
 *
 * Then `renderAll` in this process (building and checking, no start-up, no writing), the
 * median of a few calls per size, to show how the generator itself grows.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseConfig } from '../generator/config/load';
import { syntheticConfig } from '../generator/config/synthetic';
import { PROJECT_ROOT } from '../generator/core/paths';
import { renderAll } from '../generator/render';
import { TREE_CACHE_DIR } from './lib/tree-manifest';
import { removeRenderMemos } from './lib/render-memo';

const SIZES = [1, 100, 1000] as const;

interface Measure {
  readonly wallMs: number;
  /** User plus system CPU time of every Node process of the command. */
  readonly cpuMs: number;
  /** The largest peak resident set size among them. */
  readonly peakRssMiB: number;
}

/** The files and bytes of one generated tree. */
interface OutputSize {
  readonly files: number;
  readonly bytes: number;
}

/** Preloaded into every Node process of a command: writes its CPU time and peak RSS when it exits. */
const PROBE = `process.on('exit', () => {
  const u = process.resourceUsage();
  require('node:fs').writeFileSync(require('node:path').join(process.env.BENCH_PROBE_DIR, String(process.pid)), JSON.stringify({ maxRssKiB: u.maxRSS, cpuUs: u.userCPUTime + u.systemCPUTime }));
});
`;

/** The write floor: the files of a manifest ([path, content] pairs) written into a new directory. */
const WRITER = `const fs = require('node:fs');
const path = require('node:path');
const [manifest, out] = process.argv.slice(2);
const made = new Set();
for (const [file, content] of JSON.parse(fs.readFileSync(manifest, 'utf8'))) {
  const target = path.join(out, file);
  const dir = path.dirname(target);
  if (!made.has(dir)) { fs.mkdirSync(dir, { recursive: true }); made.add(dir); }
  fs.writeFileSync(target, content);
}
`;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function run(work: string, command: string, args: readonly string[]): Measure {
  const probes = fs.mkdtempSync(path.join(work, 'probe-'));
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} -r ${path.join(work, 'probe.js')}`.trim(), BENCH_PROBE_DIR: probes },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${r.status}:\n${r.stderr}`);
  const reports = fs.readdirSync(probes).map((f) => JSON.parse(fs.readFileSync(path.join(probes, f), 'utf8')) as { maxRssKiB: number; cpuUs: number });
  fs.rmSync(probes, { recursive: true, force: true });
  if (reports.length === 0) throw new Error(`${command} ${args.join(' ')}: no process reported`);
  return {
    wallMs,
    cpuMs: reports.reduce((n, p) => n + p.cpuUs, 0) / 1000,
    peakRssMiB: Math.max(...reports.map((p) => p.maxRssKiB)) / 1024,
  };
}

function timeMs(f: () => void): number {
  const start = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? `-${'-'.repeat(w)}-` : `-${'-'.repeat(w)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

const ms = (v: number) => `${Math.round(v)} ms`;
const mib = (v: number) => `${Math.round(v)} MiB`;
const times = (v: number) => `${v.toFixed(2)}x`;

interface Options {
  readonly rounds: number;
  readonly cdk: boolean;
}

const USAGE = 'usage: npm run bench [-- --rounds N] [-- --cdk]';

function parseArgs(argv: readonly string[]): Options {
  let rounds: number | undefined;
  let cdk = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rounds' && /^[1-9][0-9]*$/.test(argv[i + 1] ?? '')) rounds = Number(argv[++i]);
    else if (argv[i] === '--cdk') cdk = true;
    else throw new Error(`unknown argument ${JSON.stringify(argv[i])}; ${USAGE}`);
  }
  // A CDK synth of 100 services takes about a minute of CPU: one round by default.
  return { rounds: rounds ?? (cdk ? 1 : 5), cdk };
}

const CDK_DIR = path.join(PROJECT_ROOT, 'bench', 'cdk');

function installedVersion(pkg: string): string {
  const file = path.join(CDK_DIR, 'node_modules', pkg, 'package.json');
  if (!fs.existsSync(file)) throw new Error(`${pkg} is not installed for the CDK comparison: run \`npm ci --prefix bench/cdk\``);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

/**
 * `npm run bench -- --cdk`: generation of 100 services against a synth of the same stacks
 * by the CDK app of bench/cdk (see its app.js), in paired rounds.
 */
function compareWithCdk(options: Options): void {
  const versions = `aws-cdk-lib ${installedVersion('aws-cdk-lib')}, constructs ${installedVersion('constructs')}`;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-bench-cdk-'));
  try {
    fs.writeFileSync(path.join(work, 'probe.js'), PROBE);
    const load = os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
    process.stdout.write(
      `${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${versions}, ${os.cpus().length} CPUs, load average ${load} at the start, ${options.rounds} rounds\n\n`,
    );
    const config = path.join(work, 'config-100.json');
    fs.writeFileSync(config, JSON.stringify(syntheticConfig(100)));
    const runJs = path.join(PROJECT_ROOT, 'scripts', 'run.js');
    const templates = path.join(work, 'templates');
    const fresh = path.join(work, 'fresh');
    const generate = (out: string) => run(work, process.execPath, [runJs, 'generate', '--config', config, '--out', out]);
    generate(templates);
    const unchanged: Measure[] = [];
    const first: Measure[] = [];
    const cold: Measure[] = [];
    const cdk: Measure[] = [];
    let stacks = 0;
    for (let round = 0; round < options.rounds; round++) {
      unchanged.push(generate(templates));
      first.push(generate(fresh));
      fs.rmSync(fresh, { recursive: true, force: true });
      // Without the render memo, every template is built and checked, as CDK builds every stack.
      removeRenderMemos(TREE_CACHE_DIR);
      cold.push(generate(fresh));
      fs.rmSync(fresh, { recursive: true, force: true });
      const out = path.join(work, `cdk.out-${round}`);
      cdk.push(run(work, process.execPath, [path.join(CDK_DIR, 'app.js'), '--templates', templates, '--out', out]));
      stacks = fs.readdirSync(out).filter((f) => f.endsWith('.template.json')).length;
      fs.rmSync(out, { recursive: true, force: true });
      process.stderr.write(`round ${round + 1} of ${options.rounds}\n`);
    }
    const m = (xs: Measure[], f: (x: Measure) => number) => median(xs.map(f));
    const line = (label: string, xs: Measure[]) => [label, ms(m(xs, (x) => x.wallMs)), ms(m(xs, (x) => x.cpuMs)), mib(m(xs, (x) => x.peakRssMiB))];
    const rows = [
      line('generate, 100 services, unchanged', unchanged),
      line('generate, 100 services, first write', first),
      line('generate, 100 services, first write, no memo', cold),
      line(`node bench/cdk/app.js (${stacks} stacks)`, cdk),
    ];
    process.stdout.write(`generate is \`node scripts/run.js generate\`, what \`npm run generate\` runs\n\n`);
    process.stdout.write(`${table(['command', 'wall', 'CPU', 'peak RSS'], rows)}\n\n`);
    const ratio = (gen: Measure[], f: (x: Measure) => number) => times(median(cdk.map((c, i) => f(c) / f(gen[i]))));
    // CDK builds every stack and writes a new cdk.out every time: the first write without
    // the memo is the like-for-like comparison.
    process.stdout.write(`CDK synth / generate, first write, no memo: ${ratio(cold, (x) => x.wallMs)} wall, ${ratio(cold, (x) => x.cpuMs)} CPU\n`);
    process.stdout.write(`CDK synth / generate, first write:          ${ratio(first, (x) => x.wallMs)} wall, ${ratio(first, (x) => x.cpuMs)} CPU\n`);
    process.stdout.write(`CDK synth / generate, unchanged:            ${ratio(unchanged, (x) => x.wallMs)} wall, ${ratio(unchanged, (x) => x.cpuMs)} CPU\n`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function main(options: Options): void {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-bench-'));
  try {
    fs.writeFileSync(path.join(work, 'probe.js'), PROBE);
    fs.writeFileSync(path.join(work, 'writer.js'), WRITER);
    const load = os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
    process.stdout.write(`node ${process.version}, ${os.cpus().length} CPUs, load average ${load} at the start, ${options.rounds} rounds\n\n`);

    const { configs, edited, bytes } = writeConfigs(work);
    const samples = measure(work, { configs, edited }, options);
    report(samples, bytes);

    const inProcess = SIZES.map((n) => {
      const config = parseConfig(fs.readFileSync(configs.get(n)!, 'utf8'), configs.get(n)!);
      renderAll(config);
      return [`${n}`, ms(median(Array.from({ length: 5 }, () => timeMs(() => renderAll(config)))))];
    });
    process.stdout.write(`${table(['services', 'renderAll in process (build and check, warm)'], inProcess)}\n`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The configuration of each size, and the same with the last service's desired count changed. */
interface Configs {
  readonly configs: Map<number, string>;
  readonly edited: Map<number, string>;
}

/** The synthetic configuration of each size (and its edit), and the size of its generated templates. */
function writeConfigs(work: string): Configs & { bytes: Map<number, OutputSize> } {
  const configs = new Map<number, string>();
  const edited = new Map<number, string>();
  const bytes = new Map<number, { files: number; bytes: number }>();
  for (const n of SIZES) {
    const synthetic = syntheticConfig(n);
    const text = JSON.stringify(synthetic);
    const config = path.join(work, `config-${n}.json`);
    fs.writeFileSync(config, text);
    configs.set(n, config);
    const last = synthetic.services[n - 1];
    const edit = { ...synthetic, services: [...synthetic.services.slice(0, -1), { ...last, desiredCount: (last.desiredCount ?? 1) + 1 }] };
    edited.set(n, path.join(work, `config-${n}-edited.json`));
    fs.writeFileSync(edited.get(n)!, JSON.stringify(edit));
    const files = renderAll(parseConfig(text, config));
    fs.writeFileSync(path.join(work, `manifest-${n}.json`), JSON.stringify(files.map((f) => [f.path, f.content])));
    bytes.set(n, { files: files.length, bytes: files.reduce((s, f) => s + Buffer.byteLength(f.content), 0) });
  }
  return { configs, edited, bytes };
}

/**
 * Every command of each round, the samples keyed by what was run. A tree is regenerated
 * unchanged only seconds after it was written (the writer trusts its record of a tree
 * from two seconds on): the npm runs come first in a round, and each size's edit last.
 */
function measure(work: string, { configs, edited }: Configs, options: Options): Map<string, Measure[]> {
  const samples = new Map<string, Measure[]>();
  const add = (key: string, m: Measure) => samples.set(key, [...(samples.get(key) ?? []), m]);
  const runJs = path.join(PROJECT_ROOT, 'scripts', 'run.js');
  const generate = (config: string, out: string) => run(work, process.execPath, [runJs, 'generate', '--config', config, '--out', out]);
  const npmGenerate = (config: string, out: string) => run(work, 'npm', ['run', '--silent', 'generate', '--', '--config', config, '--out', out]);
  // The configuration each size's tree was last written from: the edit toggles it.
  const current = new Map<number, string>(SIZES.map((n) => [n, configs.get(n)!]));
  const other = (n: number) => (current.get(n) === configs.get(n) ? edited.get(n)! : configs.get(n)!);
  // A first generation of each size, not counted: the unchanged runs regenerate it.
  for (const n of SIZES) generate(current.get(n)!, path.join(work, `out-${n}`));
  const fresh = path.join(work, 'fresh');
  for (let round = 0; round < options.rounds; round++) {
    add('npm-unchanged-100', npmGenerate(current.get(100)!, path.join(work, 'out-100')));
    add('npm-first-100', npmGenerate(current.get(100)!, fresh));
    fs.rmSync(fresh, { recursive: true, force: true });
    add('node', run(work, process.execPath, ['-e', '']));
    for (const n of SIZES) {
      const out = path.join(work, `out-${n}`);
      const floorDir = path.join(work, `floor-${n}`);
      add(`floor-${n}`, run(work, process.execPath, [path.join(work, 'writer.js'), path.join(work, `manifest-${n}.json`), floorDir]));
      fs.rmSync(floorDir, { recursive: true, force: true });
      add(`unchanged-${n}`, generate(current.get(n)!, out));
      add(`first-${n}`, generate(current.get(n)!, fresh));
      fs.rmSync(fresh, { recursive: true, force: true });
      const next = other(n);
      add(`edited-${n}`, generate(next, out));
      current.set(n, next);
    }
    process.stderr.write(`round ${round + 1} of ${options.rounds}\n`);
  }
  return samples;
}

/** Prints the table of the measures and the ratios against the budget and the write floor. */
function report(samples: Map<string, Measure[]>, bytes: Map<number, OutputSize>): void {
  const med = (key: string, f: (m: Measure) => number) => median(samples.get(key)!.map(f));
  const perRound = (key: string, f: (m: Measure, i: number) => number) => median(samples.get(key)!.map(f));
  const ratio = (a: string, b: string, f: (m: Measure) => number) => perRound(a, (m, i) => f(m) / f(samples.get(b)![i]));
  const wall = (m: Measure) => m.wallMs;
  const cpu = (m: Measure) => m.cpuMs;
  /** 2.5 x node -e '' plus what the write floor costs beyond its own start, in the same round. */
  const budget = (key: string, f: (m: Measure) => number) =>
    perRound(key, (m, i) => {
      const node = f(samples.get('node')![i]);
      return f(m) / (2.5 * node + f(samples.get('floor-100')![i]) - node);
    });
  const row = (label: string, key: string, n?: number) => {
    const out = n === undefined ? undefined : bytes.get(n)!;
    return [label, ms(med(key, wall)), ms(med(key, cpu)), mib(med(key, (m) => m.peakRssMiB)), out ? `${out.files}` : '', out ? `${(out.bytes / 1e6).toFixed(2)} MB` : ''];
  };
  const rows = [
    row("node -e ''", 'node'),
    ...SIZES.flatMap((n) => [
      row(`write floor, ${n} services`, `floor-${n}`, n),
      row(`generate, ${n} services, unchanged`, `unchanged-${n}`, n),
      row(`generate, ${n} services, one service edited`, `edited-${n}`, n),
      row(`generate, ${n} services, first write`, `first-${n}`, n),
    ]),
    row('npm run generate, 100 services, unchanged', 'npm-unchanged-100', 100),
    row('npm run generate, 100 services, first write', 'npm-first-100', 100),
  ];
  process.stdout.write(`generate is \`node scripts/run.js generate\`, what \`npm run generate\` runs\n\n`);
  process.stdout.write(`${table(['command', 'wall', 'CPU', 'peak RSS', 'files', 'bytes'], rows)}\n\n`);

  const ratios: Array<[string, number, number]> = [
    ['budget: npm run generate, 100, unchanged', budget('npm-unchanged-100', wall), budget('npm-unchanged-100', cpu)],
    ['budget: npm run generate, 100, first write', budget('npm-first-100', wall), budget('npm-first-100', cpu)],
    ['budget: generate, 100, unchanged', budget('unchanged-100', wall), budget('unchanged-100', cpu)],
    ['budget: generate, 100, one service edited', budget('edited-100', wall), budget('edited-100', cpu)],
    ['budget: generate, 100, first write', budget('first-100', wall), budget('first-100', cpu)],
    ['generate 1,000 / 1 service, unchanged', ratio('unchanged-1000', 'unchanged-1', wall), ratio('unchanged-1000', 'unchanged-1', cpu)],
    ['generate 1,000 / 1 service, one edited', ratio('edited-1000', 'edited-1', wall), ratio('edited-1000', 'edited-1', cpu)],
    ['generate 1,000 / 1 service, first write', ratio('first-1000', 'first-1', wall), ratio('first-1000', 'first-1', cpu)],
    ['generate first write / write floor, 100', ratio('first-100', 'floor-100', wall), ratio('first-100', 'floor-100', cpu)],
    ['generate first write / write floor, 1,000', ratio('first-1000', 'floor-1000', wall), ratio('first-1000', 'floor-1000', cpu)],
    ["write floor, 100 services / node -e ''", ratio('floor-100', 'node', wall), ratio('floor-100', 'node', cpu)],
  ];
  process.stdout.write(
    `${table(
      ['ratio (median of the rounds)', 'wall', 'CPU'],
      ratios.map(([l, w, c]) => [l, times(w), times(c)]),
    )}\n`,
  );
  process.stdout.write(
    "budget = the command / (2.5 x node -e '' + the write floor at 100 services - node -e ''), each of the same round: " +
      `1.00 or less meets the target. Peak RSS at 1,000 services: ${mib(
        Math.max(
          med('unchanged-1000', (m) => m.peakRssMiB),
          med('edited-1000', (m) => m.peakRssMiB),
          med('first-1000', (m) => m.peakRssMiB),
        ),
      )} ` +
      '(target below 200 MiB).\n\n',
  );
}

if (require.main === module) {
  try {
    const options = parseArgs(process.argv.slice(2));
    if (options.cdk) compareWithCdk(options);
    else main(options);
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}

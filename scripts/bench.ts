/**
 * How generation scales: for synthetic projects of 1, 10 and 100 services across dev,
 * staging and prod, generates into a temporary directory (removed afterwards) and
 * prints, for each way of running the generator, the wall time, peak memory and what
 * was written.
 *
 *   npm run bench
 *
 * Each command-line run is a fresh child process, so its time includes start-up:
 * - compiled: `npm run build` (tsc to dist/) first, then `node dist/scripts/generate.js`;
 * - ts-node: `node -r ts-node/register/transpile-only scripts/generate.ts`, which is what
 *   `npm run generate`, the documented way, runs.
 * Then `renderAll` alone, in this process: its first call (which compiles the schemas)
 * and the median of 10 warm calls per size.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseConfig } from '../generator/config/load';
import { syntheticConfig } from '../generator/config/synthetic';
import { PROJECT_ROOT } from '../generator/core/paths';
import { renderAll } from '../generator/render';

const SIZES = [1, 10, 100] as const;
const RUNS = 3;

interface Measure {
  readonly wallMs: number;
  /** User plus system CPU time: steadier than wall time on a busy machine. */
  readonly cpuMs: number;
  readonly peakRssMiB: number;
}

interface Output {
  readonly files: number;
  readonly bytes: number;
  readonly largest: { readonly file: string; readonly bytes: number };
}

// --- Measuring ------------------------------------------------------------------------------

/** Preloaded into each child: writes its peak resident set size when it exits. */
const PROBE = `process.on('exit', () => {
  const u = process.resourceUsage();
  require('node:fs').writeFileSync(process.env.BENCH_PROBE_OUT, JSON.stringify({ maxRssKiB: u.maxRSS, cpuUs: u.userCPUTime + u.systemCPUTime }));
});
`;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function runChild(work: string, args: readonly string[]): Measure {
  const probe = path.join(work, 'probe.js');
  const probeOut = path.join(work, 'probe.out');
  const walls: number[] = [];
  const rss: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ['-r', probe, ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, BENCH_PROBE_OUT: probeOut },
      encoding: 'utf8',
    });
    walls.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}:\n${r.stderr}`);
    const probed = JSON.parse(fs.readFileSync(probeOut, 'utf8')) as { maxRssKiB: number; cpuUs: number };
    rss.push(probed.maxRssKiB / 1024);
    cpu.push(probed.cpuUs / 1000);
  }
  return { wallMs: median(walls), cpuMs: median(cpu), peakRssMiB: median(rss) };
}

function timeMs(f: () => void): number {
  const start = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function describeOutput(dir: string): Output {
  const files: Array<{ file: string; bytes: number }> = [];
  const walk = (d: string, prefix: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), rel);
      else files.push({ file: rel, bytes: fs.statSync(path.join(d, e.name)).size });
    }
  };
  walk(dir, '');
  const templates = files.filter((f) => !f.file.includes('/'));
  const largest = templates.reduce((a, b) => (b.bytes > a.bytes ? b : a), { file: '-', bytes: 0 });
  return { files: files.length, bytes: files.reduce((n, f) => n + f.bytes, 0), largest };
}

// --- Output ---------------------------------------------------------------------------------

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? `-${'-'.repeat(w)}-` : `-${'-'.repeat(w)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

const ms = (v: number) => `${Math.round(v)} ms`;
const mib = (v: number) => `${Math.round(v)} MiB`;
const kb = (v: number) => `${(v / 1000).toFixed(1)} kB`;

function main(): void {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-bench-'));
  try {
    fs.writeFileSync(path.join(work, 'probe.js'), PROBE);
    const load = os.loadavg()[0].toFixed(1);
    process.stdout.write(`node ${process.version}, ${os.cpus().length} CPUs, load average ${load}, ${RUNS} runs each (median)\n\n`);

    const buildMs = timeMs(() => {
      const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`);
    });
    process.stdout.write(`npm run build (tsc to dist/): ${ms(buildMs)}\n\n`);

    const rows: string[][] = [];
    const warm: Array<{ services: number; ms: number }> = [];
    let firstCallMs = 0;
    for (const services of SIZES) {
      const text = JSON.stringify(syntheticConfig(services));
      const config = path.join(work, `config-${services}.json`);
      fs.writeFileSync(config, text);
      const modes: Array<[string, string[]]> = [
        ['compiled', [path.join('dist', 'scripts', 'generate.js')]],
        ['ts-node', ['-r', 'ts-node/register/transpile-only', path.join('scripts', 'generate.ts')]],
      ];
      let out: Output | undefined;
      for (const [mode, args] of modes) {
        const dir = path.join(work, `out-${services}-${mode}`);
        const m = runChild(work, [...args, '--config', config, '--out', dir]);
        out = describeOutput(dir);
        rows.push([`${services}`, mode, ms(m.wallMs), ms(m.cpuMs), mib(m.peakRssMiB), `${out.files}`, kb(out.bytes), `${out.largest.file} ${kb(out.largest.bytes)}`]);
      }
      const resolved = parseConfig(text, config);
      if (services === SIZES[0]) firstCallMs = timeMs(() => renderAll(resolved));
      const calls = Array.from({ length: 10 }, () => timeMs(() => renderAll(resolved)));
      warm.push({ services, ms: median(calls) });
      rows.push([`${services}`, 'renderAll (in process, warm)', ms(median(calls)), '', '', `${out?.files ?? 0}`, '', '']);
    }

    process.stdout.write(
      `${table(['services', 'how', 'wall time', 'CPU time', 'peak RSS', 'files', 'total', 'largest template'], rows)}\n\n`,
    );
    process.stdout.write(`renderAll, first call in a process (compiles the template and provider schemas): ${ms(firstCallMs)}\n`);
    const [a, b] = [warm[1], warm[2]];
    process.stdout.write(
      `growth of renderAll from ${a.services} to ${b.services} services: x${(b.ms / Math.max(a.ms, 0.001)).toFixed(1)} for x${b.services / a.services} services\n`,
    );
    process.stdout.write('\nThe documented way to run the generator is `npm run generate` (ts-node, the ts-node rows above);\n');
    process.stdout.write('`npm run build && node dist/scripts/generate.js` runs the same code compiled (the compiled rows).\n');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();

/**
 * Build spec commands run as CodeBuild runs them (one bash, stopping at the first failing
 * command), against stand-in commands, for a table of cases at once: one bash process
 * runs every case, each in its own subshell and scratch directory, so a table costs one
 * process start instead of one per case.
 *
 *   const results = runSandboxes(commands, [
 *     { name: 'tag exists', env: { IMAGE_TAG: 'abc' }, setup: (box) => box.tool('aws', ['exit 0']) },
 *   ], ['image.json']);
 *   results['tag exists'].status; results['tag exists'].files['image.json'];
 *
 * A stand-in is both a script first on the PATH and a shell function of the same name
 * whose body runs in a subshell (so its `exit` ends only the stand-in, as a script's
 * does): a command of the build spec calls the function without starting a process,
 * and a program that runs the command itself still finds the script. `sleep` is a
 * stand-in in every case, so that retries do not wait.
 */
import { spawnSync, StdioOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface SandboxBox {
  /** The case's directory; the commands run in its `work` subdirectory. */
  readonly dir: string;
  /** A stand-in command: the lines of a bash script. */
  tool(name: string, lines: readonly string[]): void;
}

export interface SandboxCase {
  /** Unique within the table: the key of its result. */
  readonly name: string;
  /** The environment of the commands, beside PATH (nothing else is inherited). */
  readonly env: Readonly<Record<string, string>>;
  /** Writes the case's stand-ins and files before anything runs. */
  setup?(box: SandboxBox): void;
}

export interface SandboxResult {
  /** The exit status of the commands: that of the first that failed, or 0. */
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The requested files, relative to the work directory; '' when not written. */
  readonly files: Readonly<Record<string, string>>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * How to start bash from a test: standard input from /dev/null. Node connects a child's
 * standard input through a socket, and bash started with a socket as standard input takes
 * itself for a remote shell and reads ~/.bashrc first (seconds, where it sets up version
 * managers), which also makes what runs depend on the machine's shell set-up.
 */
export const BASH_OPTIONS: { readonly stdio: StdioOptions } = { stdio: ['ignore', 'pipe', 'pipe'] };

/** `commands` joined to stop at the first failure, as CodeBuild runs a phase. */
export function phaseScript(commands: readonly string[]): string {
  return commands.map((c) => `${c}\nstatus=$?; if [ "$status" -ne 0 ]; then exit "$status"; fi`).join('\n');
}

function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function runSandboxes(commands: readonly string[], cases: readonly SandboxCase[], outputs: readonly string[] = []): Record<string, SandboxResult> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sandboxes-'));
  try {
    const phase = path.join(root, 'phase.sh');
    fs.writeFileSync(phase, `${phaseScript(commands)}\n`);
    const driver: string[] = [];
    const dirs = new Map<string, string>();
    cases.forEach((c, i) => {
      if (dirs.has(c.name)) throw new Error(`two sandbox cases are named ${JSON.stringify(c.name)}`);
      const dir = path.join(root, `case-${i}`);
      const bin = path.join(dir, 'bin');
      fs.mkdirSync(bin, { recursive: true });
      fs.mkdirSync(path.join(dir, 'work'));
      dirs.set(c.name, dir);
      const tools = new Map<string, readonly string[]>([['sleep', ['exit 0']]]);
      const box: SandboxBox = {
        dir,
        tool: (name, lines) => {
          if (!NAME.test(name)) throw new Error(`stand-in name ${JSON.stringify(name)}`);
          tools.set(name, lines);
        },
      };
      c.setup?.(box);
      const functions: string[] = [];
      for (const [name, lines] of tools) {
        fs.writeFileSync(path.join(bin, name), ['#!/bin/bash', ...lines, ''].join('\n'), { mode: 0o755 });
        functions.push(`${name}() (`, ...lines, ')', `export -f ${name}`);
      }
      fs.writeFileSync(path.join(dir, 'tools.sh'), `${functions.join('\n')}\n`);
      const env = Object.entries(c.env).map(([k, v]) => {
        if (!NAME.test(k)) throw new Error(`environment variable name ${JSON.stringify(k)}`);
        return `${k}=${quote(v)}`;
      });
      driver.push(
        `(cd ${quote(path.join(dir, 'work'))} && env -i PATH=${quote(`${bin}:${process.env.PATH ?? ''}`)} ${env.join(' ')} bash -c ${quote(`. ${quote(path.join(dir, 'tools.sh'))}; . ${quote(phase)}`)}) >${quote(path.join(dir, 'stdout'))} 2>${quote(path.join(dir, 'stderr'))}`,
        `echo $? >${quote(path.join(dir, 'status'))}`,
      );
    });
    const r = spawnSync('bash', ['-c', driver.join('\n')], { ...BASH_OPTIONS, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, timeout: 120_000 });
    if (r.error) throw r.error;
    const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');
    const results: Record<string, SandboxResult> = {};
    for (const [name, dir] of dirs) {
      const status = read(path.join(dir, 'status')).trim();
      if (status === '') throw new Error(`sandbox case ${JSON.stringify(name)} did not run: ${r.stderr}`);
      results[name] = {
        status: Number(status),
        stdout: read(path.join(dir, 'stdout')),
        stderr: read(path.join(dir, 'stderr')),
        files: Object.fromEntries(outputs.map((f) => [f, read(path.join(dir, 'work', f))])),
      };
    }
    return results;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/**
 * A table of sandbox cases filled while the tests are collected and run together, in one
 * bash, when the first result is asked for; a case added later runs with the next batch.
 */
export function sandboxTable(commands: readonly string[], outputs: readonly string[] = []) {
  const pending = new Map<string, SandboxCase>();
  const done = new Map<string, SandboxResult>();
  return {
    /** Adds a case (once per name) and returns its name. */
    add(c: SandboxCase): string {
      if (!done.has(c.name)) pending.set(c.name, c);
      return c.name;
    },
    /** The result of a case, running every pending case first if it has not run. */
    result(name: string): SandboxResult {
      if (!done.has(name) && pending.has(name)) {
        const batch = [...pending.values()];
        pending.clear();
        for (const [n, r] of Object.entries(runSandboxes(commands, batch, outputs))) done.set(n, r);
      }
      const r = done.get(name);
      if (!r) throw new Error(`no sandbox case ${JSON.stringify(name)}`);
      return r;
    },
  };
}

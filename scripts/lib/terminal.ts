/**
 * The terminal layer: where the scripts' lines go and how they ask for confirmation.
 * Scripts receive a Terminal, so tests can run them in-process and read what they print.
 */
import * as readline from 'node:readline';
import { colorEnabled, Painter, painter } from './color';

export interface Terminal {
  readonly paint: Painter;
  /** True when a person can answer a prompt. */
  readonly interactive: boolean;
  out(line: string): void;
  err(line: string): void;
  /** Asks a yes/no question; only called when `interactive`. */
  confirm(question: string): Promise<boolean>;
}

export function processTerminal(): Terminal {
  const paint = painter(colorEnabled(process.stdout.isTTY, process.env));
  return {
    paint,
    interactive: process.stdin.isTTY === true,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    confirm: (question) =>
      new Promise((resolve) => {
        const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
        rl.question(`${question} [y/N] `, (answer) => {
          rl.close();
          resolve(/^y(es)?$/i.test(answer.trim()));
        });
      }),
  };
}

/** A terminal that records lines (tests, and capturing output for a summary). */
export function recordingTerminal(options: { interactive?: boolean; answer?: boolean } = {}): Terminal & { lines: string[]; errors: string[]; text(): string } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    paint: painter(false),
    interactive: options.interactive ?? false,
    lines,
    errors,
    out: (line) => lines.push(line),
    err: (line) => errors.push(line),
    confirm: async () => options.answer ?? false,
    text: () => [...lines, ...errors].join('\n'),
  };
}

/**
 * Runs a script's main with the process terminal and sets the exit code: every script
 * ends through here, so an unexpected error still prints one clear line.
 */
export function runMain(main: (argv: string[], term: Terminal) => Promise<number>): void {
  const term = processTerminal();
  main(process.argv.slice(2), term).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      term.err(`error: ${(e as Error).stack ?? String(e)}`);
      process.exitCode = 1;
    },
  );
}

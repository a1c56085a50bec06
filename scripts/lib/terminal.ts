/**
 * The terminal layer: where the scripts' lines go and how they ask for confirmation.
 * Scripts receive a Terminal, so tests can run them in-process and read what they print.
 */
import * as readline from 'node:readline';
import { colorEnabled, Painter, painter } from './color';
import { Interrupted, INTERRUPTED_EXIT, interruptLines } from './interrupt';

export interface Terminal {
  readonly paint: Painter;
  /** True when a person can answer a prompt. */
  readonly interactive: boolean;
  out(line: string): void;
  err(line: string): void;
  /** Asks a yes/no question; only called when `interactive`. Ctrl-C rejects with Interrupted. */
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
      new Promise((resolve, reject) => {
        const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
        let settled = false;
        rl.on('SIGINT', () => {
          settled = true;
          process.stdout.write('\n');
          rl.close();
          reject(new Interrupted());
        });
        rl.on('close', () => {
          // End of input (Ctrl-D) is "no".
          if (!settled) resolve(false);
        });
        rl.question(`${question} [y/N] `, (answer) => {
          settled = true;
          rl.close();
          resolve(/^y(es)?$/i.test(answer.trim()));
        });
      }),
  };
}

/** The answer to a prompt; Ctrl-C is an answer of its own (treated as "no", exit 130). */
export async function ask(term: Terminal, question: string): Promise<'yes' | 'no' | 'interrupted'> {
  try {
    return (await term.confirm(question)) ? 'yes' : 'no';
  } catch (e) {
    if (e instanceof Interrupted) return 'interrupted';
    throw e;
  }
}

/**
 * The confirmation of a deletion: undefined when it may go ahead (--yes, or "y"), else
 * the exit status, after saying why (no terminal, "no", Ctrl-C).
 */
export async function confirmDeletion(term: Terminal, yes: boolean, question: string): Promise<number | undefined> {
  if (yes) return undefined;
  if (!term.interactive) {
    term.err('error: refusing to delete without --yes: stdin is not a terminal');
    return 1;
  }
  const answer = await ask(term, question);
  if (answer === 'yes') return undefined;
  term.err(answer === 'interrupted' ? 'interrupted; nothing was deleted' : 'cancelled');
  return answer === 'interrupted' ? INTERRUPTED_EXIT : 1;
}

/** A terminal that records lines (tests, and capturing output for a summary). */
export function recordingTerminal(options: { interactive?: boolean; answer?: boolean | 'interrupt' } = {}): Terminal & { lines: string[]; errors: string[]; text(): string } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    paint: painter(false),
    interactive: options.interactive ?? false,
    lines,
    errors,
    out: (line) => lines.push(line),
    err: (line) => errors.push(line),
    confirm: async () => {
      if (options.answer === 'interrupt') throw new Interrupted();
      return options.answer ?? false;
    },
    text: () => [...lines, ...errors].join('\n'),
  };
}

/**
 * Runs a script's main with the process terminal and sets the exit code: every script
 * ends through here, so an unexpected error still prints one clear line.
 */
export function runMain(main: (argv: string[], term: Terminal) => Promise<number>): void {
  const term = processTerminal();
  quietNodeVersionWarning(process.version);
  process.once('SIGINT', () => {
    const lines = interruptLines();
    term.err('');
    term.err(lines.length ? 'interrupted; this keeps running in AWS:' : 'interrupted');
    for (const line of lines) term.err(`  ${line}`);
    process.exit(INTERRUPTED_EXIT);
  });
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

/**
 * The AWS SDK warns about Node 20 (past end of life in April 2026) in nine lines on each
 * run. The scripts support Node 22 and 24 (package.json engines, README); on Node 20
 * they say so in one line instead, once.
 */
export function quietNodeVersionWarning(version: string): void {
  const major = Number(/^v(\d+)/.exec(version)?.[1]);
  if (!(major < 22)) return;
  const emit = process.emitWarning.bind(process);
  let said = false;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === 'NodeVersionSupportWarning' || /NodeVersionSupportWarning|will require node >=22/.test(text)) {
      if (!said) process.stderr.write(`note: Node ${version} is past end of life; the AWS SDK will require Node 22 or later: use Node 22 or 24\n`);
      said = true;
      return;
    }
    (emit as (...a: unknown[]) => void)(warning, ...rest);
  }) as typeof process.emitWarning;
}

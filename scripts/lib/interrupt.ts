/**
 * Ctrl-C. At a prompt it means "no": the prompt rejects with Interrupted, the command
 * cleans up as for a declined prompt and exits 130. During a wait the process stops at
 * once, after saying what keeps running in AWS and how to watch or resume it (each wait
 * registers that text while it runs).
 */

/** Exit status after SIGINT (128 + 2), as shells report it. */
export const INTERRUPTED_EXIT = 130;

export class Interrupted extends Error {
  constructor() {
    super('interrupted');
  }
}

const running: string[][] = [];

/** Runs `fn` with `lines` as what keeps running should the process be interrupted. */
export async function whileRunning<T>(lines: readonly string[], fn: () => Promise<T>): Promise<T> {
  const entry = [...lines];
  running.push(entry);
  try {
    return await fn();
  } finally {
    running.splice(running.indexOf(entry), 1);
  }
}

/** What an interrupt now leaves running (the innermost wait), or nothing. */
export function interruptLines(): string[] {
  return running.length ? running[running.length - 1] : [];
}

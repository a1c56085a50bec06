/**
 * The one shape of every script's main: parse the arguments, plan (no AWS calls), run.
 * Usage errors exit 2 with the usage line; any other error exits 1 with one line.
 */
import { CommandSpec, parseArgs, ParsedArgs, usage, UsageError } from './args';
import { describeAwsError } from './aws';
import { Interrupted, INTERRUPTED_EXIT, interruptLines } from './interrupt';
import { Terminal } from './terminal';

export async function runCommand<S extends CommandSpec, P>(
  spec: S,
  argv: readonly string[],
  term: Terminal,
  plan: (args: ParsedArgs<S>) => P,
  run: (plan: P) => Promise<number>,
  helpFooter: () => string[] = () => [],
  /** Exit status for an error that is not a usage error (diff uses 3: 1 means "differs"). */
  errorCode = 1,
): Promise<number> {
  const usageError = (e: UsageError) => {
    term.err(`error: ${e.message}`);
    term.err(usage(spec).split('\n')[0]);
    return 2;
  };
  let planned: P;
  try {
    const args = parseArgs(spec, argv);
    if (args.help) {
      term.out(usage(spec));
      for (const line of helpFooter()) term.out(line);
      return 0;
    }
    planned = plan(args);
  } catch (e) {
    if (e instanceof UsageError) return usageError(e);
    throw e;
  }
  try {
    return await run(planned);
  } catch (e) {
    if (e instanceof UsageError) return usageError(e);
    if (e instanceof Interrupted) {
      const lines = interruptLines();
      term.err(lines.length ? 'interrupted; this keeps running in AWS:' : 'interrupted');
      for (const line of lines) term.err(`  ${line}`);
      return INTERRUPTED_EXIT;
    }
    term.err(`error: ${describeAwsError(e)}`);
    return errorCode;
  }
}

/**
 * docs/scripts.md: every npm script, with the command line each declares (its CommandSpec:
 * positionals, flags, descriptions), the summary and usage lines of its source comment, and
 * the exit statuses of the shared command runner, found by running it.
 *
 * This module imports the scripts themselves: load it with `require` under
 * `withoutMainModule` (scripts/docs.ts) so that no script's own main starts.
 */
import { AWS_FLAGS, CommandSpec, FlagSpec } from '../args';
import { runCommand } from '../command';
import { Interrupted } from '../interrupt';
import { recordingTerminal } from '../terminal';
import { DEPLOY_SPEC } from '../../deploy';
import { DESTROY_SPEC } from '../../destroy';
import { DIFF_ERROR, DIFF_SPEC } from '../../diff';
import { INIT_SPEC } from '../../init';
import { STACKSETS_SPEC } from '../../stacksets';
import { DOCS_SPEC } from './spec';
import { anchor, code, generatedBanner, link, page, prose, table } from './markdown';
import { NpmScript, npmScripts, scriptHeader } from './script-source';

interface Declared {
  readonly spec: CommandSpec;
  /** The status of a failure other than a usage error, when the script sets its own. */
  readonly errorCode?: number;
}

/** The scripts whose command line is a CommandSpec, by file name in scripts/. */
export const DECLARED: Readonly<Record<string, Declared>> = {
  init: { spec: INIT_SPEC },
  deploy: { spec: DEPLOY_SPEC },
  stacksets: { spec: STACKSETS_SPEC },
  diff: { spec: DIFF_SPEC, errorCode: DIFF_ERROR },
  destroy: { spec: DESTROY_SPEC },
  docs: { spec: DOCS_SPEC },
};

interface ExitCodes {
  readonly help: number;
  readonly usage: number;
  readonly failure: number;
  readonly interrupted: number;
}

/** The statuses runCommand returns for this script, by running it on each case (nothing reaches AWS). */
async function exitCodes(d: Declared): Promise<ExitCodes> {
  // As many positionals as the script needs, so that the run itself is reached.
  const positionals = Array.from({ length: d.spec.positional.min }, () => 'x');
  const run = (argv: string[], error?: Error) =>
    runCommand(
      d.spec,
      argv,
      recordingTerminal(),
      () => undefined,
      async () => {
        throw error;
      },
      undefined,
      d.errorCode,
    );
  return {
    help: await run(['--help']),
    usage: await run(['--no-such-flag-of-any-script']),
    failure: await run(positionals, new Error('probe')),
    interrupted: await run(positionals, new Interrupted()),
  };
}

function positionalText(spec: CommandSpec): string {
  const { name, min, max } = spec.positional;
  if (max === 0) return 'none';
  return `${code(name)}: ${min === max ? `exactly ${min}` : `${min} to ${max}`}`;
}

function flagRows(flags: readonly FlagSpec[]): string[][] {
  return flags.map((f) => [code(f.kind === 'boolean' ? `--${f.name}` : `--${f.name} ${f.valueName ?? 'VALUE'}`), f.kind === 'list' ? 'list' : f.kind, prose(f.description)]);
}

const AWS_HEADING = 'Flags of the AWS-calling scripts';

function scriptSection(npm: NpmScript, declared: Declared | undefined): string[] {
  const header = scriptHeader(npm.script!);
  const blocks = [`## npm run ${npm.name}`, prose(header.summary)];
  if (header.usage.length) blocks.push(['```', ...header.usage, '```'].join('\n'));
  blocks.push(...header.exits.map(prose));
  if (!declared) {
    blocks.push('Its arguments are read by the script itself; the usage above lists them.');
    return blocks;
  }
  const { spec } = declared;
  const awsFlags: readonly FlagSpec[] = AWS_FLAGS;
  const aws = awsFlags.every((f) => spec.flags.includes(f));
  const own = spec.flags.filter((f) => !(aws && awsFlags.includes(f)));
  blocks.push(`Positional arguments: ${positionalText(spec)}.${aws ? ` Also takes the ${link(AWS_HEADING)}.` : ''}`);
  blocks.push(table(['Flag', 'Kind', 'Description'], flagRows(own)));
  return blocks;
}

function exitTable(names: readonly string[], codes: readonly ExitCodes[]): string {
  const row = (what: string, key: keyof ExitCodes) => [what, ...codes.map((c) => String(c[key]))];
  return table(
    ['Outcome', ...names.map((n) => code(n))],
    [
      row('`--help`', 'help'),
      row('usage error (unknown flag, missing or extra argument): the error and the usage line', 'usage'),
      row('any other error: one line, no stack trace', 'failure'),
      row('Ctrl-C during a wait or at a prompt', 'interrupted'),
    ],
  );
}

export async function renderScriptsPage(): Promise<string> {
  const scripts = npmScripts();
  const own = scripts.filter((s) => s.script !== undefined);
  const declared = own.filter((s) => DECLARED[s.script!]);
  const codes = await Promise.all(declared.map((s) => exitCodes(DECLARED[s.script!])));
  return page([
    generatedBanner(['package.json', 'the CommandSpec and header comment of each script in scripts/']),
    '# Scripts reference',
    'Every script runs from the project root as `npm run NAME -- ARGS` (scripts/run.js runs its bundle in dist/, built first when a source changed). A flag takes its value as `--flag VALUE` or `--flag=VALUE`; a list flag takes comma-separated values and may be repeated; `--help` prints the usage.',
    `Scripts: ${own.map((s) => `[${s.name}](#${anchor(`npm run ${s.name}`)})`).join(' · ')} · ${link('Exit status')} · ${link(AWS_HEADING)} · ${link('Other npm scripts')}`,
    ...own.flatMap((s) => scriptSection(s, DECLARED[s.script!])),
    '## Exit status',
    'The scripts with declared flags share one runner (scripts/lib/command.ts); what it returns, by script. What a script returns otherwise is in its section above.',
    exitTable(
      declared.map((s) => s.name),
      codes,
    ),
    `## ${AWS_HEADING}`,
    table(['Flag', 'Kind', 'Description'], flagRows(AWS_FLAGS)),
    '## Other npm scripts',
    table(
      ['Script', 'Runs'],
      scripts.filter((s) => s.script === undefined).map((s) => [code(`npm run ${s.name}`), code(s.command)]),
    ),
  ]);
}

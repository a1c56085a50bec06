/**
 * docs/operating.md. The scripts return the statuses of their shared runner
 * (scripts/lib/command.ts): 0 done, 1 failed, 2 a usage error, 130 interrupted; they are
 * found here by running it, as the generated scripts page does.
 */
import * as fs from 'node:fs';
import { EXAMPLE_CONFIG_PATH } from '../../generator/config/load';
import { DEPLOY_SPEC } from '../../scripts/deploy';
import { DIFF_ERROR } from '../../scripts/diff';
import { timeouts } from '../../scripts/lib/aws';
import { runCommand } from '../../scripts/lib/command';
import { Interrupted } from '../../scripts/lib/interrupt';
import { DEFAULT_MONITORING_MINUTES } from '../../scripts/lib/rollback-triggers';
import { CHANGE_SET_TIMEOUT_MS } from '../../scripts/lib/deploy-steps';
import { OPERATION_TIMEOUT_MS } from '../../scripts/lib/stackset-calls';
import { REVIEW_GRACE_MS, STACK_TIMEOUT_MS } from '../../scripts/lib/stacks';
import { recordingTerminal } from '../../scripts/lib/terminal';
import { Stated, sourceMatch, statements, word } from './stated';

async function runnerStatuses(): Promise<{ done: number; failed: number; usage: number; interrupted: number }> {
  const run = (argv: string[], outcome: () => Promise<number>) => runCommand(DEPLOY_SPEC, argv, recordingTerminal(), () => undefined, outcome);
  const args = ['network', '--parameters', 'p.json'];
  return {
    done: await run(args, async () => 0),
    failed: await run(args, async () => Promise.reject(new Error('probe'))),
    usage: await run(['--no-such-flag'], async () => 0),
    interrupted: await run(args, async () => Promise.reject(new Interrupted())),
  };
}

export async function OPERATING(): Promise<Stated[]> {
  const { code, example } = statements('docs/operating.md');
  const s = await runnerStatuses();
  const dev = JSON.parse(fs.readFileSync(EXAMPLE_CONFIG_PATH, 'utf8')).environments.find((e: { name: string }) => e.name === 'dev');
  const t = timeouts({});
  const changeSetMinutes = CHANGE_SET_TIMEOUT_MS / 60_000;
  const stackHours = STACK_TIMEOUT_MS / 3_600_000;
  const stackSetHours = OPERATION_TIMEOUT_MS / 3_600_000;
  if (stackHours !== stackSetHours) throw new Error(`a stack waits ${stackHours} h and a StackSet operation ${stackSetHours} h: the page states one bound`);
  const [differs, same] = sourceMatch('scripts/diff.ts', /return result\.changed\.length \? (\d+) : (\d+);/);
  return [
    code(`exit ${s.usage} for usage errors, ${s.interrupted} after Ctrl-C, ${s.failed} for everything else`),
    code(`prints \`account ${dev.accountId} (${dev.name}), region eu-west-1\``),
    example('(an HTML error page, a 404)'),
    code(`a ${t.connectionTimeout / 1000} s connection timeout and a ${t.requestTimeout / 1000} s request timeout`),
    code(`(${changeSetMinutes} min for a change set, ${stackHours} h for a stack or StackSet operation)`),
    code(`\`REVIEW_IN_PROGRESS\` ${word(REVIEW_GRACE_MS / 60_000)} minutes after its change set was executed`),
    code(`nothing is changed, exit ${s.interrupted}.`),
    code(`the script stops with exit ${s.interrupted} and says`),
    code(`deletes the change set (exit ${s.failed})`),
    code(`deletes the change set after the preview and exits ${s.done}, a plan step`),
    code(`a rollback exits ${s.failed} with every failing resource`),
    code(`the script exits ${s.done} with \`no changes\``),
    code(`the target 5xx and unhealthy-target alarms, for ${DEFAULT_MONITORING_MINUTES} minutes after the update`),
    code(`and exits ${s.failed} naming each failed instance`),
    code(`Exit status: ${same} no differences, ${differs} differences, ${s.usage} usage error, ${DIFF_ERROR} any other error`),
    code(`A failed deletion exits ${s.failed} with the failing resources' reasons`),
  ];
}

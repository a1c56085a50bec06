/**
 * The steps of `npm run deploy` (scripts/deploy.ts) on one change set: create it with the
 * rollback triggers, wait for it, print its preview, ask before executing it, execute it
 * and follow the stack's events until the stack is stable. Each step that ends the
 * deployment early returns its exit code, after deleting what it created.
 */
import {
  Capability,
  Change,
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeChangeSetCommandOutput,
  ExecuteChangeSetCommand,
  Stack,
} from '@aws-sdk/client-cloudformation';
import * as path from 'node:path';
import { describeAwsError, pollUntil } from './aws';
import { INTERRUPTED_EXIT, whileRunning } from './interrupt';
import { formatPreview, isNoChangeReason, PreviewLine, previewLines, valueChanges } from './changeset';
import { describeStack, seenEvents, waitForStack } from './stacks';
import { LoadedTemplate } from './templates';
import { eventsSince, isServiceTemplate, listStackResources, rollbackConfiguration, rollbackReport, RollbackRequest, Trigger, rollbackTriggers } from './rollback';
import { ask, Terminal } from './terminal';

/** How long a change set may take to be created before the deploy gives up on it. */
export const CHANGE_SET_TIMEOUT_MS = 30 * 60 * 1000;

/** What a change set is made of, and whether and how it is executed. */
export interface ChangeSetPlan {
  readonly template: LoadedTemplate;
  readonly stackName: string;
  readonly parameters: Record<string, string>;
  readonly tags: Record<string, string>;
  readonly capabilities: Capability[];
  readonly yes: boolean;
  /** Preview only: the change set is deleted after the preview. */
  readonly planOnly: boolean;
  readonly rollback: RollbackRequest;
}

async function describeAllChanges(cf: CloudFormationClient, id: string): Promise<{ first: DescribeChangeSetCommandOutput; changes: Change[] }> {
  const first = await cf.send(new DescribeChangeSetCommand({ ChangeSetName: id }));
  const changes = [...(first.Changes ?? [])];
  let token = first.NextToken;
  while (token) {
    const page = await cf.send(new DescribeChangeSetCommand({ ChangeSetName: id, NextToken: token }));
    changes.push(...(page.Changes ?? []));
    token = page.NextToken;
  }
  return { first, changes };
}

/** One change set of a deployment, from its creation on. */
export interface ChangeSetRun {
  readonly cf: CloudFormationClient;
  readonly plan: ChangeSetPlan;
  readonly term: Terminal;
  readonly stackName: string;
  readonly existing: Stack | undefined;
  readonly type: 'CREATE' | 'UPDATE';
  readonly changeSetName: string;
  readonly id: string;
  readonly triggers: Trigger[];
  /** Deletes the change set, and the empty stack of a first deployment. */
  readonly discard: () => Promise<void>;
}

/** Creates the change set with the rollback triggers; a number is the exit code. */
export async function createChangeSet(cf: CloudFormationClient, plan: ChangeSetPlan, term: Terminal, existing: Stack | undefined): Promise<ChangeSetRun | number> {
  const p = term.paint;
  const { stackName } = plan;
  const status = existing?.StackStatus;
  const type = !existing || status === 'REVIEW_IN_PROGRESS' ? 'CREATE' : 'UPDATE';
  const changeSetName = `deploy-${new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 17)}`;

  const resources = type === 'UPDATE' && plan.rollback.alarms === undefined && isServiceTemplate(plan.template.json) ? await listStackResources(cf, stackName) : [];
  const triggers = rollbackTriggers(plan.rollback, plan.template.json, type === 'UPDATE' && existing?.StackId ? { stackId: existing.StackId, resources } : undefined);
  const rollback = rollbackConfiguration(plan.rollback, triggers);

  term.out(
    `${p.cyan('==')} change set ${changeSetName} (${type === 'CREATE' ? 'new stack' : 'update'})${plan.capabilities.length ? `, capabilities ${plan.capabilities.join(', ')}` : ''}`,
  );
  if (rollback?.RollbackTriggers?.length) {
    term.out(`   rolls back if ${triggers.map((t) => t.name).join(' or ')} goes to ALARM during the update or ${rollback.MonitoringTimeInMinutes} min after it`);
  }
  let id: string;
  try {
    const created = await cf.send(
      new CreateChangeSetCommand({
        StackName: stackName,
        ChangeSetName: changeSetName,
        ChangeSetType: type,
        TemplateBody: plan.template.body,
        Parameters: Object.entries(plan.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
        Capabilities: plan.capabilities,
        Tags: Object.entries(plan.tags).map(([Key, Value]) => ({ Key, Value })),
        Description: `${path.basename(plan.template.file)} deployed by npm run deploy`,
        ...(rollback ? { RollbackConfiguration: rollback } : {}),
      }),
    );
    id = created.Id ?? changeSetName;
  } catch (e) {
    if (isNoChangeReason((e as Error).message)) {
      term.out(p.green(`no changes: stack ${stackName} is up to date`));
      return 0;
    }
    throw e;
  }
  const discard = async () => {
    await cf.send(new DeleteChangeSetCommand({ ChangeSetName: id }));
    if (type === 'CREATE') await cf.send(new DeleteStackCommand({ StackName: stackName }));
  };
  return { cf, plan, term, stackName, existing, type, changeSetName, id, triggers, discard };
}

/** Waits for the change set; a number is the exit code of a failed one (deleted). */
export async function settleChangeSet(run: ChangeSetRun): Promise<{ first: DescribeChangeSetCommandOutput; changes: Change[] } | number> {
  const { cf, term, stackName, type, changeSetName, id, discard } = run;
  const p = term.paint;
  const leftBehind = [
    `change set ${changeSetName} of stack ${stackName}; delete it: aws cloudformation delete-change-set --stack-name ${stackName} --change-set-name ${changeSetName}`,
    ...(type === 'CREATE' ? [`the empty stack ${stackName} (REVIEW_IN_PROGRESS); delete it: aws cloudformation delete-stack --stack-name ${stackName}`] : []),
  ];
  const settled = await whileRunning(leftBehind, () =>
    pollUntil(
      `change set ${changeSetName}`,
      async () => {
        const all = await describeAllChanges(cf, id);
        const s = all.first.Status ?? '';
        return s === 'CREATE_COMPLETE' || s === 'FAILED' || s === 'DELETE_COMPLETE' ? all : undefined;
      },
      CHANGE_SET_TIMEOUT_MS,
    ),
  );
  if (settled.first.Status === 'FAILED') {
    const reason = settled.first.StatusReason ?? 'no reason given';
    await discard();
    if (isNoChangeReason(reason)) {
      term.out(p.green(`no changes: stack ${stackName} is up to date; change set deleted`));
      return 0;
    }
    term.err(`error: change set ${changeSetName} failed: ${reason}`);
    return 1;
  }
  return settled;
}

/** Prints the preview; a number is the exit code when nothing would change (deleted). */
export async function previewChangeSet(run: ChangeSetRun, changes: Change[]): Promise<PreviewLine[] | number> {
  const { plan, term, stackName, existing, type, discard } = run;
  const p = term.paint;
  const lines = previewLines(changes);
  const currentParams = Object.fromEntries((existing?.Parameters ?? []).map((x) => [x.ParameterKey ?? '', x.ParameterValue ?? '']));
  const paramChanges =
    type === 'UPDATE'
      ? valueChanges(
          Object.fromEntries(
            Object.keys(plan.parameters)
              .map((k) => [k, currentParams[k]])
              .filter(([, v]) => v !== undefined),
          ),
          plan.parameters,
        )
      : [];
  const tagChanges = type === 'UPDATE' && existing ? valueChanges(Object.fromEntries((existing.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])), plan.tags) : [];
  if (lines.length === 0 && paramChanges.length === 0 && tagChanges.length === 0) {
    await discard();
    term.out(p.green(`no changes: stack ${stackName} is up to date; change set deleted`));
    return 0;
  }
  term.out(`${p.cyan('==')} preview`);
  for (const line of formatPreview(lines, paramChanges, tagChanges, p)) term.out(line);
  return lines;
}

/** Asks before executing unless --yes; a number is the exit code when not executing. */
export async function confirmExecution(run: ChangeSetRun): Promise<number | undefined> {
  const { plan, term, stackName, type, changeSetName, discard } = run;
  if (plan.planOnly) {
    await discard();
    term.out(`plan only: change set ${changeSetName} deleted${type === 'CREATE' ? ' with the empty stack' : ''}; nothing was changed`);
    return 0;
  }
  if (!plan.yes) {
    if (!term.interactive) {
      await discard();
      term.err('error: refusing to execute without --yes: stdin is not a terminal; change set deleted (--plan previews and exits 0)');
      return 1;
    }
    const answer = await ask(term, `execute change set ${changeSetName} on ${stackName}?`);
    if (answer === 'interrupted') {
      await discard();
      term.err(`interrupted; change set deleted${type === 'CREATE' ? ' with the empty stack' : ''}, nothing was changed`);
      return INTERRUPTED_EXIT;
    }
    if (answer === 'no') {
      await discard();
      term.err('cancelled; change set deleted');
      return 1;
    }
  }
  return undefined;
}

/** Executes the change set and prints stack events until the stack is stable. */
export async function executeChangeSet(run: ChangeSetRun, lines: PreviewLine[]): Promise<number> {
  const { cf, term, stackName, type, changeSetName, id, triggers, discard } = run;
  const p = term.paint;
  term.out(`${p.cyan('==')} execute`);
  const seen = await seenEvents(cf, stackName);
  const executedAt = new Date();
  try {
    await cf.send(new ExecuteChangeSetCommand({ ChangeSetName: id }));
  } catch (e) {
    term.err(`error: executing change set ${changeSetName} failed: ${describeAwsError(e)}`);
    if (type === 'CREATE' && (await describeStack(cf, stackName))?.StackStatus === 'REVIEW_IN_PROGRESS') {
      await discard();
      term.err(`stack ${stackName} was never created; change set and empty stack deleted`);
    }
    return 1;
  }
  const result = await whileRunning(
    [
      `stack ${stackName}: change set ${changeSetName} is being executed (CloudFormation finishes or rolls it back on its own)`,
      `watch it: aws cloudformation describe-stack-events --stack-name ${stackName}`,
    ],
    () => waitForStack(cf, stackName, seen, lines.length, term),
  );
  if (result.outcome !== 'succeeded') {
    term.err(p.red(`error: stack ${stackName} ended ${result.status ?? 'deleted'}`));
    for (const f of result.failures) term.err(`  ${f}`);
    if (!result.failures.length && result.stack?.StackStatusReason) term.err(`  ${result.stack.StackStatusReason}`);
    if (triggers.length && (result.status ?? '').includes('ROLLBACK')) {
      // A minute of leeway for the difference between this clock and CloudFormation's.
      const events = await eventsSince(cf, stackName, new Date(executedAt.getTime() - 60_000));
      for (const line of rollbackReport(events, triggers, result.failures.length > 0)) term.err(p.red(line));
    }
    return 1;
  }
  term.out(p.green(`stack ${stackName}: ${result.status}`));
  for (const o of result.stack?.Outputs ?? []) term.out(`  ${o.OutputKey} = ${o.OutputValue}`);
  return 0;
}

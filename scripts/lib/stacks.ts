/**
 * The CloudFormation calls the scripts share: reading a stack, waiting for it to settle
 * while printing its new events, and collecting failure reasons.
 */
import { CloudFormationClient, DescribeStackEventsCommand, DescribeStacksCommand, Stack, StackEvent } from '@aws-sdk/client-cloudformation';
import { pollUntil } from './aws';
import { failureReasons, formatEvent, stackOutcome, StackOutcome } from './changeset';
import { Terminal } from './terminal';

/** The stack, or undefined when it does not exist (or is deleted). */
export async function describeStack(cf: CloudFormationClient, name: string): Promise<Stack | undefined> {
  try {
    const out = await cf.send(new DescribeStacksCommand({ StackName: name }));
    const stack = out.Stacks?.[0];
    return stack && stack.StackStatus !== 'DELETE_COMPLETE' ? stack : undefined;
  } catch (e) {
    if (/does not exist/.test((e as Error).message)) return undefined;
    throw e;
  }
}

/** Events newer than the ones in `seen`, oldest first; adds them to `seen`. */
export async function newEvents(cf: CloudFormationClient, stack: string, seen: Set<string>): Promise<StackEvent[]> {
  const fresh: StackEvent[] = [];
  let token: string | undefined;
  do {
    const out = await cf.send(new DescribeStackEventsCommand({ StackName: stack, NextToken: token }));
    const page = out.StackEvents ?? [];
    let reachedSeen = false;
    for (const e of page) {
      if (e.EventId && seen.has(e.EventId)) {
        reachedSeen = true;
        break;
      }
      fresh.push(e);
    }
    token = reachedSeen ? undefined : out.NextToken;
  } while (token);
  for (const e of fresh) if (e.EventId) seen.add(e.EventId);
  return fresh.reverse();
}

export async function seenEvents(cf: CloudFormationClient, stack: string): Promise<Set<string>> {
  const seen = new Set<string>();
  try {
    const out = await cf.send(new DescribeStackEventsCommand({ StackName: stack }));
    for (const e of out.StackEvents ?? []) if (e.EventId) seen.add(e.EventId);
  } catch (e) {
    if (!/does not exist/.test((e as Error).message)) throw e;
  }
  return seen;
}

export interface SettledStack {
  readonly outcome: StackOutcome;
  readonly status?: string;
  readonly stack?: Stack;
  /** Failing resources with their reasons, from the events of this operation. */
  readonly failures: string[];
}

/**
 * How long a stack may stay in REVIEW_IN_PROGRESS (a stack that holds only change sets)
 * once its change set was executed: CloudFormation moves it on within seconds, so
 * after this the execution did not start and waiting longer is pointless.
 */
export const REVIEW_GRACE_MS = 2 * 60 * 1000;

/** How long a stack operation may run before a script stops waiting for it. */
export const STACK_TIMEOUT_MS = 3 * 60 * 60 * 1000;

/**
 * Waits until the stack is no longer in progress, printing each new event with a
 * `[done/total]` count of resources that reached a final state.
 */
export async function waitForStack(
  cf: CloudFormationClient,
  stackName: string,
  seen: Set<string>,
  total: number,
  term: Terminal,
  timeoutMs = STACK_TIMEOUT_MS,
  reviewGraceMs = REVIEW_GRACE_MS,
): Promise<SettledStack> {
  const events: StackEvent[] = [];
  let reviewSince: number | undefined;
  const finished = new Set<string>();
  return pollUntil(
    `stack ${stackName}`,
    async () => {
      const stack = await describeStack(cf, stackName);
      let fresh: StackEvent[] = [];
      try {
        fresh = await newEvents(cf, stack?.StackId ?? stackName, seen);
      } catch (e) {
        if (!/does not exist/.test((e as Error).message)) throw e;
      }
      for (const e of fresh) {
        events.push(e);
        const status = e.ResourceStatus ?? '';
        if (e.LogicalResourceId !== stackName && e.ResourceType !== 'AWS::CloudFormation::Stack' && /_COMPLETE$|_FAILED$|_SKIPPED$/.test(status)) {
          finished.add(e.LogicalResourceId ?? '');
        }
        term.out(formatEvent(e, Math.min(finished.size, total), total, term.paint));
      }
      if (stack?.StackStatus === 'REVIEW_IN_PROGRESS') {
        reviewSince ??= Date.now();
        if (Date.now() - reviewSince < reviewGraceMs) return undefined;
        return {
          outcome: 'failed' as const,
          status: stack.StackStatus,
          stack,
          failures: [
            `stack ${stackName} stayed REVIEW_IN_PROGRESS for ${Math.round(reviewGraceMs / 1000)} s: no change set was executed; delete it with npm run destroy -- ${stackName}`,
          ],
        };
      }
      const outcome = stackOutcome(stack?.StackStatus);
      if (outcome === 'in-progress') return undefined;
      return { outcome, status: stack?.StackStatus, stack, failures: failureReasons(events) };
    },
    timeoutMs,
  );
}

/**
 * The CloudFormation reads of `npm run stacksets` (scripts/stacksets.ts): a StackSet and
 * its instances, and one operation waited for while its progress is printed.
 */
import {
  CloudFormationClient,
  DescribeStackSetCommand,
  DescribeStackSetOperationCommand,
  ListStackInstancesCommand,
  ListStackSetOperationResultsCommand,
  StackInstanceSummary,
  StackSet,
  StackSetOperationResultSummary,
} from '@aws-sdk/client-cloudformation';
import { pollUntil } from './aws';
import { whileRunning } from './interrupt';
import { operationProgress } from './stacksets';
import { Terminal } from './terminal';

/** How long a StackSet operation may run before the script stops waiting for it (as for a stack). */
export const OPERATION_TIMEOUT_MS = 3 * 60 * 60 * 1000;

/** The StackSet, or undefined when it does not exist (or is deleted). */
export async function describeStackSet(cf: CloudFormationClient, name: string): Promise<StackSet | undefined> {
  try {
    const out = await cf.send(new DescribeStackSetCommand({ StackSetName: name }));
    return out.StackSet?.Status === 'DELETED' ? undefined : out.StackSet;
  } catch (e) {
    if ((e as Error).name === 'StackSetNotFoundException' || /not found|does not exist/i.test((e as Error).message)) return undefined;
    throw e;
  }
}

/** Every stack instance of the StackSet. */
export async function listInstances(cf: CloudFormationClient, name: string): Promise<StackInstanceSummary[]> {
  const all: StackInstanceSummary[] = [];
  let token: string | undefined;
  do {
    const out = await cf.send(new ListStackInstancesCommand({ StackSetName: name, NextToken: token }));
    all.push(...(out.Summaries ?? []));
    token = out.NextToken;
  } while (token);
  return all;
}

/** Waits for one StackSet operation, printing each status change; returns the final status. */
export async function waitForOperation(cf: CloudFormationClient, name: string, operationId: string | undefined, what: string, term: Terminal): Promise<string> {
  if (!operationId) return 'SUCCEEDED';
  let last = '';
  const started = Date.now();
  const watching = [
    `StackSet operation ${operationId} (${what}) on ${name}; CloudFormation finishes it on its own`,
    `watch it: aws cloudformation describe-stack-set-operation --stack-set-name ${name} --operation-id ${operationId}`,
  ];
  return whileRunning(watching, () =>
    pollUntil(
      `StackSet operation ${operationId}`,
      async () => {
        const out = await cf.send(new DescribeStackSetOperationCommand({ StackSetName: name, OperationId: operationId }));
        const op = out.StackSetOperation;
        const status = op?.Status ?? 'UNKNOWN';
        const results: StackSetOperationResultSummary[] = [];
        let token: string | undefined;
        do {
          const page = await cf.send(new ListStackSetOperationResultsCommand({ StackSetName: name, OperationId: operationId, NextToken: token }));
          results.push(...(page.Summaries ?? []));
          token = page.NextToken;
        } while (token);
        const line = `${status}${op?.StatusReason ? ` (${op.StatusReason})` : ''}${results.length ? `, ${operationProgress(results)}` : ''}`;
        if (line !== last) {
          term.out(`  ${what}: ${line} after ${Math.round((Date.now() - started) / 1000)}s`);
          last = line;
        }
        return ['SUCCEEDED', 'FAILED', 'STOPPED'].includes(status) ? status : undefined;
      },
      OPERATION_TIMEOUT_MS,
    ),
  );
}

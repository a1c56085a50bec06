/**
 * Tears stacks down so that nothing is left behind.
 *
 *   npm run destroy -- STACK... [--yes] [--allow-production]
 *
 * Several stacks are deleted importers first. Before each deletion the stack's S3
 * buckets are emptied of every object version and delete marker, and its ECR
 * repositories of every image, so CloudFormation can delete them. Production stacks
 * (Environment tag, EnvironmentName parameter, name part `prod`, or an account the
 * configuration calls prod) are refused without --allow-production, whether named by
 * name or by stack ID. A stack that is already gone is skipped with a note.
 */
import { CloudFormationClient, DeleteStackCommand, ListImportsCommand, ListStackResourcesCommand, Stack, StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { S3Client } from '@aws-sdk/client-s3';
import { AWS_FLAGS, CommandSpec, ParsedArgs, UsageError } from './lib/args';
import { awsClient, awsOptions, AwsOptions } from './lib/aws';
import { deletionOrder, isProduction, stackNameOf } from './lib/destroy';
import { Accounts, checkAccount, configuredAccounts, establish, Identity, IdentityResolver, isProductionAccount } from './lib/identity';
import { whileRunning } from './lib/interrupt';
import { deleteCanaryLogGroups, emptyBucket, emptyRepository } from './lib/empty';
import { describeStack, seenEvents, waitForStack } from './lib/stacks';
import { runCommand } from './lib/command';
import { confirmDeletion, runMain, Terminal } from './lib/terminal';

export const DESTROY_SPEC = {
  command: 'destroy',
  positional: { name: 'STACK...', min: 1, max: 20 },
  flags: [
    { name: 'yes', kind: 'boolean', description: 'delete without asking' },
    { name: 'allow-production', kind: 'boolean', description: 'allow deleting production stacks (Environment tag or name part prod/production)' },
    ...AWS_FLAGS,
  ],
} as const satisfies CommandSpec;

export interface DestroyPlan {
  readonly stacks: string[];
  readonly yes: boolean;
  readonly allowProduction: boolean;
  readonly allowAccountMismatch: boolean;
  readonly aws: AwsOptions;
}

export function planDestroy(args: ParsedArgs<typeof DESTROY_SPEC>): DestroyPlan {
  for (const s of args.positionals) {
    if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(s) && !/^arn:aws[a-z-]*:cloudformation:/.test(s)) {
      throw new UsageError(`${JSON.stringify(s)} is not a stack name`);
    }
  }
  const dup = args.positionals.find((s, i) => args.positionals.indexOf(s) !== i);
  if (dup) throw new UsageError(`stack ${dup} is named twice`);
  return {
    stacks: args.positionals,
    yes: args.booleans.has('yes'),
    allowProduction: args.booleans.has('allow-production'),
    allowAccountMismatch: args.booleans.has('allow-account-mismatch'),
    aws: awsOptions(args),
  };
}

async function listResources(cf: CloudFormationClient, stack: string): Promise<StackResourceSummary[]> {
  const all: StackResourceSummary[] = [];
  let token: string | undefined;
  do {
    const out = await cf.send(new ListStackResourcesCommand({ StackName: stack, NextToken: token }));
    all.push(...(out.StackResourceSummaries ?? []));
    token = out.NextToken;
  } while (token);
  return all.filter((r) => r.ResourceStatus !== 'DELETE_COMPLETE' && r.PhysicalResourceId);
}

/** Stacks importing one of this stack's exports. */
async function importers(cf: CloudFormationClient, stack: Stack): Promise<string[]> {
  const names = new Set<string>();
  for (const o of stack.Outputs ?? []) {
    if (!o.ExportName) continue;
    try {
      let token: string | undefined;
      do {
        const out = await cf.send(new ListImportsCommand({ ExportName: o.ExportName, NextToken: token }));
        for (const i of out.Imports ?? []) names.add(i);
        token = out.NextToken;
      } while (token);
    } catch (e) {
      if (!/is not imported by any stack/i.test((e as Error).message)) throw e;
    }
  }
  return [...names].sort();
}

const record = <T>(items: readonly T[] | undefined, key: (x: T) => string | undefined, value: (x: T) => string | undefined) =>
  Object.fromEntries((items ?? []).map((x) => [key(x) ?? '', value(x) ?? '']));

/** The clients of one run and the stacks it deletes, by their real names. */
interface DestroyRun {
  readonly cf: CloudFormationClient;
  readonly s3: S3Client;
  readonly ecr: ECRClient;
  readonly logs: CloudWatchLogsClient;
  readonly term: Terminal;
  readonly stacks: Map<string, Stack>;
}

export async function destroy(plan: DestroyPlan, term: Terminal, resolveIdentity?: IdentityResolver): Promise<number> {
  const accounts = configuredAccounts();
  const id = await establish(plan.aws, [], plan.allowAccountMismatch, term, resolveIdentity, accounts);
  const cf = awsClient(CloudFormationClient, plan.aws);
  const s3 = awsClient(S3Client, plan.aws);
  const ecr = awsClient(ECRClient, plan.aws);
  const logs = awsClient(CloudWatchLogsClient, plan.aws);
  try {
    const { stacks, names } = await resolveStacks(cf, plan.stacks, term);
    if (!names.length) {
      term.out('nothing to destroy');
      return 0;
    }
    const refused = refuseStacks(plan, term, id, accounts, stacks, names);
    if (refused !== undefined) return refused;
    const order = await orderStacks(cf, stacks, names, term);
    if (typeof order === 'number') return order;
    const run: DestroyRun = { cf, s3, ecr, logs, term, stacks };
    const resources = await listDeletions(run, order);
    const declined = await confirmDeletion(term, plan.yes, `delete ${order.length} stack(s) and all their data?`);
    if (declined !== undefined) return declined;
    for (const name of order) {
      const failed = await deleteStack(run, resources, order, name);
      if (failed !== undefined) return failed;
    }
    return 0;
  } finally {
    cf.destroy();
    s3.destroy();
    ecr.destroy();
    logs.destroy();
  }
}

/** Each argument (a name or a stack ID) resolved to the stack it is, by its real name. */
async function resolveStacks(cf: CloudFormationClient, args: readonly string[], term: Terminal): Promise<{ stacks: Map<string, Stack>; names: string[] }> {
  const stacks = new Map<string, Stack>();
  const names: string[] = [];
  for (const arg of args) {
    const stack = await describeStack(cf, arg);
    if (!stack) {
      term.out(`stack ${arg} does not exist (already deleted?); skipped`);
      continue;
    }
    const name = stack.StackName ?? stackNameOf(arg);
    if (stacks.has(name)) continue;
    stacks.set(name, stack);
    names.push(name);
  }
  return { stacks, names };
}

/** Checks the account and refuses production stacks without --allow-production; a number is the exit code. */
function refuseStacks(plan: DestroyPlan, term: Terminal, id: Identity, accounts: Accounts | undefined, stacks: Map<string, Stack>, names: string[]): number | undefined {
  const tagsOf = (n: string) =>
    record(
      stacks.get(n)!.Tags,
      (t) => t.Key,
      (t) => t.Value,
    );
  const paramsOf = (n: string) =>
    record(
      stacks.get(n)!.Parameters,
      (x) => x.ParameterKey,
      (x) => x.ParameterValue,
    );
  checkAccount(
    id,
    names.map((n) => ({ environment: tagsOf(n).Environment ?? paramsOf(n).EnvironmentName, what: `stack ${n}` })),
    accounts,
    plan.allowAccountMismatch,
    term,
  );
  const production = names.filter((n) => isProduction(n, tagsOf(n), paramsOf(n)) || isProductionAccount(id.account, accounts));
  if (production.length && !plan.allowProduction) {
    term.err(`error: refusing to destroy production stack${production.length > 1 ? 's' : ''} ${production.join(', ')} without --allow-production`);
    return 1;
  }
  return undefined;
}

/** The stacks in deletion order, importers first; a number is the exit code. */
async function orderStacks(cf: CloudFormationClient, stacks: Map<string, Stack>, names: string[], term: Terminal): Promise<string[] | number> {
  try {
    const links = [];
    for (const name of names) links.push({ name, importedBy: await importers(cf, stacks.get(name)!) });
    return deletionOrder(links);
  } catch (e) {
    term.err(`error: ${(e as Error).message}`);
    return 1;
  }
}

/** Prints what is deleted, in order, and returns each stack's resources. */
async function listDeletions({ cf, term, stacks }: DestroyRun, order: string[]): Promise<Map<string, StackResourceSummary[]>> {
  const p = term.paint;
  const resources = new Map<string, StackResourceSummary[]>();
  term.out(p.bold(`destroy, in this order:`));
  for (const name of order) {
    const res = await listResources(cf, name);
    resources.set(name, res);
    const holders = res.filter((r) => r.ResourceType === 'AWS::S3::Bucket' || r.ResourceType === 'AWS::ECR::Repository');
    term.out(
      `${p.red('-')} ${name} (${stacks.get(name)!.StackStatus}, ${res.length} resources${holders.length ? `; empties ${holders.map((h) => h.PhysicalResourceId).join(', ')}` : ''})`,
    );
  }
  return resources;
}

/** Empties and deletes one stack, then deletes its canaries' log groups; a number is the exit code. */
async function deleteStack(run: DestroyRun, resources: Map<string, StackResourceSummary[]>, order: string[], name: string): Promise<number | undefined> {
  const { cf, s3, ecr, logs, term, stacks } = run;
  const p = term.paint;
  term.out(`${p.cyan('==')} ${name}`);
  for (const r of resources.get(name)!) {
    if (r.ResourceType === 'AWS::S3::Bucket') {
      const { versions, deleteMarkers } = await emptyBucket(s3, r.PhysicalResourceId!);
      term.out(`  emptied bucket ${r.PhysicalResourceId}: ${versions} object version(s), ${deleteMarkers} delete marker(s)`);
    } else if (r.ResourceType === 'AWS::ECR::Repository') {
      const images = await emptyRepository(ecr, r.PhysicalResourceId!);
      term.out(`  emptied repository ${r.PhysicalResourceId}: ${images} image(s)`);
    }
  }
  const stackId = stacks.get(name)!.StackId ?? name;
  const seen = await seenEvents(cf, stackId);
  await cf.send(new DeleteStackCommand({ StackName: stackId }));
  const rest = order.slice(order.indexOf(name) + 1);
  const result = await whileRunning(
    [
      `deletion of stack ${name} (CloudFormation finishes it on its own); watch it: aws cloudformation describe-stack-events --stack-name ${stackId}`,
      ...(rest.length ? [`not started: ${rest.join(', ')}; resume: npm run destroy -- ${order.join(' ')}`] : []),
    ],
    () => waitForStack(cf, stackId, seen, resources.get(name)!.length, term),
  );
  if (result.outcome !== 'gone') {
    term.err(p.red(`error: stack ${name} ended ${result.status}`));
    for (const f of result.failures) term.err(`  ${f}`);
    return 1;
  }
  term.out(p.green(`deleted ${name}`));
  for (const r of resources.get(name)!) {
    if (r.ResourceType === 'AWS::Synthetics::Canary' && r.PhysicalResourceId) {
      for (const g of await deleteCanaryLogGroups(logs, r.PhysicalResourceId)) term.out(`  deleted log group ${g} (made by canary ${r.PhysicalResourceId})`);
    }
  }
  return undefined;
}

export async function main(argv: string[], term: Terminal, resolveIdentity?: IdentityResolver): Promise<number> {
  return runCommand(DESTROY_SPEC, argv, term, planDestroy, (plan) => destroy(plan, term, resolveIdentity));
}

if (require.main === module) runMain(main);

/**
 * Tears stacks down so that nothing is left behind.
 *
 *   npm run destroy -- STACK... [--yes] [--allow-production]
 *
 * Several stacks are deleted importers first. Before each deletion the stack's S3
 * buckets are emptied of every object version and delete marker, and its ECR
 * repositories of every image, so CloudFormation can delete them. Production stacks
 * (Environment tag or name part `prod`) are refused without --allow-production.
 */
import {
  CloudFormationClient,
  DeleteStackCommand,
  ListImportsCommand,
  ListStackResourcesCommand,
  Stack,
  StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { S3Client } from '@aws-sdk/client-s3';
import { AWS_FLAGS, CommandSpec, ParsedArgs, UsageError } from './lib/args';
import { awsOptions, AwsOptions, clientConfig } from './lib/aws';
import { deletionOrder, isProduction } from './lib/destroy';
import { deleteCanaryLogGroups, emptyBucket, emptyRepository } from './lib/empty';
import { describeStack, seenEvents, waitForStack } from './lib/stacks';
import { runCommand } from './lib/command';
import { runMain, Terminal } from './lib/terminal';

export const DESTROY_SPEC: CommandSpec = {
  command: 'destroy',
  positional: { name: 'STACK...', min: 1, max: 20 },
  flags: [
    { name: 'yes', kind: 'boolean', description: 'delete without asking' },
    { name: 'allow-production', kind: 'boolean', description: 'allow deleting production stacks (Environment tag or name part prod/production)' },
    ...AWS_FLAGS,
  ],
};

export interface DestroyPlan {
  readonly stacks: string[];
  readonly yes: boolean;
  readonly allowProduction: boolean;
  readonly aws: AwsOptions;
}

export function planDestroy(args: ParsedArgs): DestroyPlan {
  for (const s of args.positionals) {
    if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(s) && !/^arn:aws[a-z-]*:cloudformation:/.test(s)) {
      throw new UsageError(`${JSON.stringify(s)} is not a stack name`);
    }
  }
  const dup = args.positionals.find((s, i) => args.positionals.indexOf(s) !== i);
  if (dup) throw new UsageError(`stack ${dup} is named twice`);
  return { stacks: args.positionals, yes: args.booleans.has('yes'), allowProduction: args.booleans.has('allow-production'), aws: awsOptions(args) };
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

export async function destroy(plan: DestroyPlan, term: Terminal): Promise<number> {
  const p = term.paint;
  const config = clientConfig(plan.aws);
  const cf = new CloudFormationClient(config);
  const s3 = new S3Client(config);
  const ecr = new ECRClient(config);
  const logs = new CloudWatchLogsClient(config);
  try {
    const stacks = new Map<string, Stack>();
    for (const name of plan.stacks) {
      const stack = await describeStack(cf, name);
      if (!stack) {
        term.err(`error: stack ${name} does not exist`);
        return 1;
      }
      stacks.set(name, stack);
    }
    const production = plan.stacks.filter((n) => isProduction(n, Object.fromEntries((stacks.get(n)!.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']))));
    if (production.length && !plan.allowProduction) {
      term.err(`error: refusing to destroy production stack${production.length > 1 ? 's' : ''} ${production.join(', ')} without --allow-production`);
      return 1;
    }
    let order: string[];
    try {
      const links = [];
      for (const name of plan.stacks) links.push({ name, importedBy: await importers(cf, stacks.get(name)!) });
      order = deletionOrder(links);
    } catch (e) {
      term.err(`error: ${(e as Error).message}`);
      return 1;
    }
    const resources = new Map<string, StackResourceSummary[]>();
    term.out(p.bold(`destroy, in this order:`));
    for (const name of order) {
      const res = await listResources(cf, name);
      resources.set(name, res);
      const holders = res.filter((r) => r.ResourceType === 'AWS::S3::Bucket' || r.ResourceType === 'AWS::ECR::Repository');
      term.out(`${p.red('-')} ${name} (${stacks.get(name)!.StackStatus}, ${res.length} resources${holders.length ? `; empties ${holders.map((h) => h.PhysicalResourceId).join(', ')}` : ''})`);
    }
    if (!plan.yes) {
      if (!term.interactive) {
        term.err('error: refusing to destroy without --yes: stdin is not a terminal');
        return 1;
      }
      if (!(await term.confirm(`delete ${order.length} stack(s) and all their data?`))) {
        term.err('cancelled');
        return 1;
      }
    }
    for (const name of order) {
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
      const result = await waitForStack(cf, stackId, seen, resources.get(name)!.length, term);
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
    }
    return 0;
  } finally {
    cf.destroy();
    s3.destroy();
    ecr.destroy();
    logs.destroy();
  }
}

export async function main(argv: string[], term: Terminal): Promise<number> {
  return runCommand(DESTROY_SPEC, argv, term, planDestroy, (plan) => destroy(plan, term));
}

if (require.main === module) runMain(main);

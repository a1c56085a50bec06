/**
 * Deploys one committed template as one stack, always through a change set.
 *
 *   npm run deploy -- TEMPLATE --parameters FILE [--stack-name NAME] [--tags K=V,...] [--yes | --plan]
 *                     [--rollback-alarms ALARM,...|none] [--monitoring-minutes N]
 *
 * TEMPLATE is a name (`network`) or the path of a file directly in templates/; nothing
 * else is deployed. Before any change the account of the credentials is checked against
 * the one the configuration gives the parameters' environment.
 *
 * Creates the change set, waits for it, prints a preview (+ add, ~ modify, - remove;
 * replacement and IAM called out), executes it after confirmation (or with --yes), then
 * prints stack events until the stack is stable. A change set without changes is
 * deleted and the script exits 0. CloudFormation rolls the update back when a watched alarm
 * goes to ALARM during it or within the monitoring window (lib/rollback.ts: a service
 * stack's own alarms by default); a rollback is reported with the alarm that caused it.
 * `--plan` shows the change set, deletes it (and the empty stack of a first deployment)
 * and exits 0. Ctrl-C at the prompt is "no" (exit 130).
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
import { TEMPLATE_BODY_LIMIT_BYTES } from '../generator/core/limits';
import { stackName as standardStackName } from '../generator/core/naming';
import { AWS_FLAGS, CommandSpec, keyValuePairs, ParsedArgs, TEMPLATES_DIR_FLAG, UsageError } from './lib/args';
import { awsClient, awsOptions, AwsOptions, describeAwsError, pollUntil } from './lib/aws';
import { establish, IdentityResolver } from './lib/identity';
import { INTERRUPTED_EXIT, whileRunning } from './lib/interrupt';
import { formatPreview, isNoChangeReason, PreviewLine, previewLines, valueChanges } from './lib/changeset';
import { describeStack, seenEvents, waitForStack } from './lib/stacks';
import {
  DEFAULT_TEMPLATES_DIR,
  listTemplates,
  templatesDir,
  loadParameterFile,
  loadTemplate,
  LoadedTemplate,
  parameterEnvironment,
  parameterProblems,
  requiredCapabilities,
} from './lib/templates';
import { runCommand } from './lib/command';
import {
  eventsSince,
  isServiceTemplate,
  listStackResources,
  ROLLBACK_FLAGS,
  rollbackConfiguration,
  rollbackReport,
  rollbackRequest,
  RollbackRequest,
  Trigger,
  rollbackTriggers,
} from './lib/rollback';
import { ask, runMain, Terminal } from './lib/terminal';

export const DEPLOY_SPEC: CommandSpec = {
  command: 'deploy',
  positional: { name: 'TEMPLATE', min: 1, max: 1 },
  flags: [
    { name: 'parameters', kind: 'string', valueName: 'FILE', description: 'parameter file {"Parameters": {...}, "Tags": {...}} (templates/parameters/<template>/<env>.json)' },
    {
      name: 'stack-name',
      kind: 'string',
      valueName: 'NAME',
      description: 'stack name (default: {ProjectName}-[{ServiceName}-]{template}-{EnvironmentSuffix} from the parameters)',
    },
    { name: 'tags', kind: 'list', valueName: 'K=V,...', description: "stack tags, added to (and overriding) the parameter file's Tags" },
    { name: 'yes', kind: 'boolean', description: 'execute the change set without asking' },
    { name: 'plan', kind: 'boolean', description: 'show the change set, then delete it and exit 0 (nothing is changed)' },
    ...ROLLBACK_FLAGS,
    ...AWS_FLAGS,
    TEMPLATES_DIR_FLAG,
  ],
};

/** Everything the deployment needs, worked out before any AWS call. */
export interface DeployPlan {
  readonly template: LoadedTemplate;
  readonly stackName: string;
  readonly parameters: Record<string, string>;
  readonly tags: Record<string, string>;
  readonly capabilities: Capability[];
  readonly yes: boolean;
  /** Preview only: the change set is deleted after the preview. */
  readonly planOnly: boolean;
  /** The environment the parameters are for (the account guard's expectation). */
  readonly environment?: string;
  readonly parametersFile?: string;
  readonly allowAccountMismatch: boolean;
  readonly aws: AwsOptions;
  readonly rollback: RollbackRequest;
}

/**
 * The default stack name comes from the parameter file: `{ProjectName}-{template}-{EnvironmentSuffix}`,
 * with the ServiceName before the template when the template takes one (one stack per service).
 */
export function planDeploy(args: ParsedArgs): DeployPlan {
  const dir = templatesDir(args);
  const template = loadTemplate(dir, args.positionals[0]);
  if (Buffer.byteLength(template.body) > TEMPLATE_BODY_LIMIT_BYTES) {
    throw new UsageError(`${template.file} has ${Buffer.byteLength(template.body)} bytes; CloudFormation takes at most ${TEMPLATE_BODY_LIMIT_BYTES} inline`);
  }
  refuseUnrendered(template);
  const file = args.strings.parameters;
  const pf: { parameters: Record<string, string>; tags: Record<string, string> } = file ? loadParameterFile(path.resolve(file)) : { parameters: {}, tags: {} };
  const problems = parameterProblems(template.json, pf.parameters);
  if (problems.length) {
    const hint = file ? '' : `; pass --parameters ${path.join('templates', 'parameters', template.name, '<env>.json')}`;
    throw new UsageError(`${problems.join('; ')}${hint}`);
  }
  const tags = { ...pf.tags, ...keyValuePairs('tags', args.lists.tags ?? []) };
  let stackName = args.strings['stack-name'];
  if (stackName === undefined) {
    const project = pf.parameters.ProjectName;
    const suffix = pf.parameters.EnvironmentSuffix;
    if (!project || !suffix) throw new UsageError('--stack-name is required when the parameters have no ProjectName and EnvironmentSuffix');
    const service = pf.parameters.ServiceName;
    stackName = standardStackName(project, service ? `${service}-${template.name}` : template.name, suffix);
  }
  if (args.booleans.has('yes') && args.booleans.has('plan')) throw new UsageError('--plan and --yes exclude each other');
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
    throw new UsageError(`--stack-name ${JSON.stringify(stackName)} must start with a letter and hold only letters, digits and hyphens (at most 128)`);
  }
  return {
    template,
    stackName,
    parameters: pf.parameters,
    tags,
    capabilities: requiredCapabilities(template.json),
    yes: args.booleans.has('yes'),
    planOnly: args.booleans.has('plan'),
    environment: file ? parameterEnvironment(pf) : undefined,
    ...(file ? { parametersFile: file } : {}),
    allowAccountMismatch: args.booleans.has('allow-account-mismatch'),
    aws: awsOptions(args),
    rollback: rollbackRequest(args),
  };
}

/**
 * The committed service templates cannot be deployed as they are: `ImageUri` has no value
 * (the parameter files never carry one) and the hook holds intrinsics that only the render
 * step resolves. A rendered template gives `ImageUri` a default.
 */
function refuseUnrendered(template: LoadedTemplate): void {
  const image = (template.json.Parameters ?? {}).ImageUri as { Default?: unknown } | undefined;
  if (image && image.Default === undefined) {
    throw new UsageError(
      `${template.file} is a service template before rendering (ImageUri has no value); render it with the image to run, then deploy the result: ` +
        'node scripts/render-service-template.js --templates-dir templates --service SERVICE --environment ENV --image IMAGE --region REGION --out-dir rendered, ' +
        'then npm run deploy -- ENV --templates-dir rendered --parameters rendered/ENV.config.json --stack-name STACK',
    );
  }
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
interface ChangeSetRun {
  readonly cf: CloudFormationClient;
  readonly plan: DeployPlan;
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

export async function deploy(cf: CloudFormationClient, plan: DeployPlan, term: Terminal): Promise<number> {
  const p = term.paint;
  const { stackName } = plan;
  term.out(p.bold(`deploy ${path.basename(plan.template.file)} as stack ${stackName}`));

  const existing = await describeStack(cf, stackName);
  const status = existing?.StackStatus;
  if (status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED') {
    term.err(`error: stack ${stackName} is ${status} after a failed create and cannot be updated; delete it (npm run destroy -- ${stackName}) and deploy again`);
    return 1;
  }
  if (status && status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS') {
    term.err(`error: stack ${stackName} is ${status}; wait for the running operation to finish`);
    return 1;
  }
  const run = await createChangeSet(cf, plan, term, existing);
  if (typeof run === 'number') return run;
  const settled = await settleChangeSet(run);
  if (typeof settled === 'number') return settled;
  const lines = await previewChangeSet(run, settled.changes);
  if (typeof lines === 'number') return lines;
  const refused = await confirmExecution(run);
  if (refused !== undefined) return refused;
  return executeChangeSet(run, lines);
}

/** Creates the change set with the rollback triggers; a number is the exit code. */
async function createChangeSet(cf: CloudFormationClient, plan: DeployPlan, term: Terminal, existing: Stack | undefined): Promise<ChangeSetRun | number> {
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
async function settleChangeSet(run: ChangeSetRun): Promise<{ first: DescribeChangeSetCommandOutput; changes: Change[] } | number> {
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
      30 * 60 * 1000,
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
async function previewChangeSet(run: ChangeSetRun, changes: Change[]): Promise<PreviewLine[] | number> {
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
async function confirmExecution(run: ChangeSetRun): Promise<number | undefined> {
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
async function executeChangeSet(run: ChangeSetRun, lines: PreviewLine[]): Promise<number> {
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

export async function main(argv: string[], term: Terminal, resolveIdentity?: IdentityResolver): Promise<number> {
  return runCommand(
    DEPLOY_SPEC,
    argv,
    term,
    planDeploy,
    async (plan) => {
      await establish(plan.aws, [{ environment: plan.environment, what: plan.parametersFile ?? 'the deployment' }], plan.allowAccountMismatch, term, resolveIdentity);
      const cf = awsClient(CloudFormationClient, plan.aws);
      try {
        return await deploy(cf, plan, term);
      } finally {
        cf.destroy();
      }
    },
    () => ['', `templates: ${listTemplates(DEFAULT_TEMPLATES_DIR).join(', ')}`],
  );
}

if (require.main === module) runMain(main);

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
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import * as path from 'node:path';
import { TEMPLATE_BODY_LIMIT_BYTES } from '../generator/core/limits';
import { stackName as standardStackName } from '../generator/core/naming';
import { AWS_FLAGS, CommandSpec, keyValuePairs, ParsedArgs, TEMPLATES_DIR_FLAG, UsageError } from './lib/args';
import { awsClient, awsOptions, AwsOptions } from './lib/aws';
import { establish, IdentityResolver } from './lib/identity';
import { ChangeSetPlan, confirmExecution, createChangeSet, executeChangeSet, previewChangeSet, settleChangeSet } from './lib/deploy-steps';
import { describeStack } from './lib/stacks';
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
import { ROLLBACK_FLAGS, rollbackRequest } from './lib/rollback';
import { runMain, Terminal } from './lib/terminal';

export const DEPLOY_SPEC = {
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
} as const satisfies CommandSpec;

/** Everything the deployment needs, worked out before any AWS call. */
export interface DeployPlan extends ChangeSetPlan {
  /** The environment the parameters are for (the account guard's expectation). */
  readonly environment?: string;
  readonly parametersFile?: string;
  readonly allowAccountMismatch: boolean;
  readonly aws: AwsOptions;
}

/**
 * The default stack name comes from the parameter file: `{ProjectName}-{template}-{EnvironmentSuffix}`,
 * with the ServiceName before the template when the template takes one (one stack per service).
 */
export function planDeploy(args: ParsedArgs<typeof DEPLOY_SPEC>): DeployPlan {
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

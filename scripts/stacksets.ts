/**
 * Creates or updates a StackSet from a committed template and rolls it out to member
 * accounts, each with the parameter values of its environment.
 *
 *   npm run stacksets -- TEMPLATE --target dev=222222222222 --target staging=333333333333 [--regions R,...]
 *   npm run stacksets -- TEMPLATE --permission-model service-managed --organizational-units ou-... --target ...
 *   npm run stacksets -- TEMPLATE --delete [--target ENV=ACCOUNT...] [--yes] [--allow-production]
 *
 * Every --target account must be the one the configuration gives that environment, and
 * a self-managed StackSet is administered from the tools account. Deleting instances
 * asks first (or takes --yes) and needs --allow-production when a production account is
 * among them. Ctrl-C at the prompt deletes nothing (exit 130); during an operation it
 * prints the operation ID and how to watch it.
 *
 * Per-account values come from templates/parameters/<template>/<env>.json: the values
 * shared by every environment become the StackSet's parameters, the others per-account
 * overrides. Each operation is waited for with progress; a per-account, per-region
 * table closes the run, and any failed instance makes the exit status non-zero.
 */
import {
  CloudFormationClient,
  CreateStackInstancesCommand,
  CreateStackSetCommand,
  DeleteStackInstancesCommand,
  DeleteStackSetCommand,
  DeploymentTargets,
  Parameter,
  StackSetOperationPreferences,
  UpdateStackInstancesCommand,
  UpdateStackSetCommand,
} from '@aws-sdk/client-cloudformation';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AWS_FLAGS, choiceFlag, CommandSpec, intFlag, ParsedArgs, TEMPLATES_DIR_FLAG, UsageError } from './lib/args';
import { awsClient, awsOptions, AwsOptions } from './lib/aws';
import { Accounts, checkAccount, configuredAccounts, establish, Expectation, IdentityResolver, isProductionAccount } from './lib/identity';
import { describeStackSet, listInstances, waitForOperation } from './lib/stackset-calls';
import { defaultStackSetName, EnvironmentValues, instanceFailed, operationPreferences, parseTargets, resultTable, splitValues, SplitValues, Target } from './lib/stacksets';
import { Capability, hasTransform, templatesDir, loadParameterFile, loadTemplate, LoadedTemplate, parameterProblems, requiredCapabilities } from './lib/templates';
import { runCommand } from './lib/command';
import { PRODUCTION_ENVIRONMENTS } from './lib/destroy';
import { confirmDeletion, runMain, Terminal } from './lib/terminal';

export const STACKSETS_SPEC = {
  command: 'stacksets',
  positional: { name: 'TEMPLATE', min: 1, max: 1 },
  flags: [
    { name: 'target', kind: 'list', valueName: 'ENV=ACCOUNT,...', description: 'member account per environment; values from templates/parameters/<template>/<env>.json' },
    { name: 'regions', kind: 'list', valueName: 'REGION,...', description: 'regions of the stack instances (default: --region)' },
    { name: 'stack-set-name', kind: 'string', valueName: 'NAME', description: 'StackSet name (default: {ProjectName}-{template})' },
    { name: 'permission-model', kind: 'string', valueName: 'MODEL', description: 'self-managed (default; account list) or service-managed (AWS Organizations)' },
    { name: 'organizational-units', kind: 'list', valueName: 'OU,...', description: 'service-managed: organizational units holding the target accounts' },
    { name: 'auto-deployment', kind: 'boolean', description: 'service-managed: deploy to accounts added to the OUs later (stacks removed with the account)' },
    { name: 'administration-role-arn', kind: 'string', valueName: 'ARN', description: 'self-managed: administration role (default: AWSCloudFormationStackSetAdministrationRole)' },
    {
      name: 'execution-role-name',
      kind: 'string',
      valueName: 'NAME',
      description: 'self-managed: execution role in each account (default: AWSCloudFormationStackSetExecutionRole)',
    },
    { name: 'max-concurrent-percentage', kind: 'string', valueName: 'N', description: 'percentage of accounts deployed at once, 1-100 (default 100)' },
    { name: 'failure-tolerance-percentage', kind: 'string', valueName: 'N', description: 'percentage of accounts that may fail per region, 0-100 (default 0)' },
    { name: 'region-concurrency', kind: 'string', valueName: 'MODE', description: 'SEQUENTIAL or PARALLEL (default PARALLEL)' },
    { name: 'parameters-dir', kind: 'string', valueName: 'DIR', description: 'directory of the <env>.json parameter files (default: templates/parameters/<template>)' },
    { name: 'delete', kind: 'boolean', description: 'remove the stack instances (of --target accounts, or all) and then the StackSet' },
    { name: 'yes', kind: 'boolean', description: '--delete: delete without asking' },
    { name: 'allow-production', kind: 'boolean', description: '--delete: allow deleting instances in production accounts' },
    ...AWS_FLAGS,
    TEMPLATES_DIR_FLAG,
  ],
} as const satisfies CommandSpec;

type StackSetArgs = ParsedArgs<typeof STACKSETS_SPEC>;

export type PermissionModel = 'SELF_MANAGED' | 'SERVICE_MANAGED';

export interface StackSetPlan {
  readonly template: LoadedTemplate;
  readonly name: string;
  readonly targets: Target[];
  readonly values?: SplitValues;
  readonly regions: string[];
  readonly permissionModel: PermissionModel;
  readonly organizationalUnits: string[];
  readonly autoDeployment: boolean;
  readonly administrationRoleArn?: string;
  readonly executionRoleName?: string;
  readonly preferences: StackSetOperationPreferences;
  readonly capabilities: Capability[];
  readonly remove: boolean;
  readonly yes: boolean;
  readonly allowProduction: boolean;
  readonly allowAccountMismatch: boolean;
  readonly aws: AwsOptions;
}

/** The permission model and, when service-managed, the organizational units. */
function permissionScope(args: StackSetArgs, template: LoadedTemplate, remove: boolean): { permissionModel: PermissionModel; organizationalUnits: string[] } {
  const model = choiceFlag(args, 'permission-model', ['self-managed', 'service-managed'] as const) ?? 'self-managed';
  const permissionModel: PermissionModel = model === 'service-managed' ? 'SERVICE_MANAGED' : 'SELF_MANAGED';
  if (permissionModel === 'SERVICE_MANAGED' && hasTransform(template.json)) {
    throw new UsageError(
      `${path.basename(template.file)} declares a Transform, which StackSets with service-managed permissions reject; deploy it with npm run deploy (or use --permission-model self-managed)`,
    );
  }
  const organizationalUnits = args.lists['organizational-units'] ?? [];
  for (const ou of organizationalUnits) {
    if (!/^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/.test(ou)) throw new UsageError(`--organizational-units ${JSON.stringify(ou)} is not an OU or root ID`);
  }
  if (permissionModel === 'SERVICE_MANAGED' && organizationalUnits.length === 0 && !remove) {
    throw new UsageError('--permission-model service-managed needs --organizational-units');
  }
  if (permissionModel === 'SELF_MANAGED' && (organizationalUnits.length || args.booleans.has('auto-deployment'))) {
    throw new UsageError('--organizational-units and --auto-deployment need --permission-model service-managed');
  }
  return { permissionModel, organizationalUnits };
}

/** The parameter values of each target environment, from its file in the parameters directory. */
function environmentValues(args: StackSetArgs, dir: string, template: LoadedTemplate, targets: readonly Target[], remove: boolean): SplitValues | undefined {
  const paramDir = args.strings['parameters-dir'] ? path.resolve(args.strings['parameters-dir']) : path.join(dir, 'parameters', template.name);
  if (!args.strings['parameters-dir'] && !remove) {
    const perEnvironment = fs.existsSync(paramDir) && fs.statSync(paramDir).isDirectory() && fs.readdirSync(paramDir).some((f) => f.endsWith('.json'));
    if (!perEnvironment) {
      throw new UsageError(
        `${template.name} cannot be rolled out by StackSets: a StackSet takes one parameter file per environment (templates/parameters/${template.name}/<env>.json), and ${template.name}'s are ${fs.existsSync(`${paramDir}.json`) ? `one file for the tools account (templates/parameters/${template.name}.json)` : 'per service'}; deploy it with npm run deploy`,
      );
    }
  }
  const envValues: EnvironmentValues[] = targets.map((t) => {
    const file = path.join(paramDir, `${t.env}.json`);
    if (!fs.existsSync(file)) throw new UsageError(`parameter file ${file} for environment ${t.env} does not exist`);
    const pf = loadParameterFile(file);
    const problems = parameterProblems(template.json, pf.parameters);
    if (problems.length) throw new UsageError(`${file}: ${problems.join('; ')}`);
    return { env: t.env, parameters: pf.parameters, tags: pf.tags };
  });
  return envValues.length ? splitValues(envValues) : undefined;
}

/** --stack-set-name, or {ProjectName}-{template} from the parameters or delivery.config.json. */
function stackSetName(args: StackSetArgs, template: LoadedTemplate, values: SplitValues | undefined, accounts: Accounts | undefined): string {
  const name =
    args.strings['stack-set-name'] ??
    (values ? defaultStackSetName(template.name, values.parameters) : undefined) ??
    (accounts?.project ? defaultStackSetName(template.name, { ProjectName: accounts.project }) : undefined);
  if (!name) throw new UsageError('--stack-set-name is required (neither the parameters nor delivery.config.json name the project)');
  return name;
}

export function planStackSet(
  args: StackSetArgs,
  env: Readonly<Record<string, string | undefined>> = process.env,
  accounts: Accounts | undefined = configuredAccounts(),
): StackSetPlan {
  const dir = templatesDir(args);
  const template = loadTemplate(dir, args.positionals[0]);
  const remove = args.booleans.has('delete');
  const { permissionModel, organizationalUnits } = permissionScope(args, template, remove);
  const targets = parseTargets(args.lists.target ?? []);
  if (targets.length === 0 && !remove) throw new UsageError('at least one --target ENV=ACCOUNT is needed');
  const values = environmentValues(args, dir, template, targets, remove);
  const aws = awsOptions(args);
  const regions = args.lists.regions ?? [aws.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? ''].filter((r) => r !== '');
  if (regions.length === 0) throw new UsageError('no region: pass --regions or --region, or set AWS_REGION');
  const name = stackSetName(args, template, values, accounts);
  for (const t of targets) {
    const expected = accounts?.byEnvironment.get(t.env);
    if (expected !== undefined && expected !== t.account && !args.booleans.has('allow-account-mismatch')) {
      throw new UsageError(`--target ${t.env}=${t.account}: ${path.basename(accounts!.file)} gives ${t.env} account ${expected}; pass --allow-account-mismatch to override`);
    }
  }
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(name))
    throw new UsageError(`--stack-set-name ${JSON.stringify(name)} must start with a letter and hold only letters, digits and hyphens`);
  return {
    template,
    name,
    targets,
    values,
    regions,
    permissionModel,
    organizationalUnits,
    autoDeployment: args.booleans.has('auto-deployment'),
    administrationRoleArn: args.strings['administration-role-arn'],
    executionRoleName: args.strings['execution-role-name'],
    preferences: operationPreferences({
      maxConcurrentPercentage: intFlag(args, 'max-concurrent-percentage', 1, 100),
      failureTolerancePercentage: intFlag(args, 'failure-tolerance-percentage', 0, 100),
      regionConcurrency: choiceFlag(args, 'region-concurrency', ['SEQUENTIAL', 'PARALLEL'] as const),
    }),
    capabilities: requiredCapabilities(template.json),
    remove,
    yes: args.booleans.has('yes'),
    allowProduction: args.booleans.has('allow-production'),
    allowAccountMismatch: args.booleans.has('allow-account-mismatch'),
    aws,
  };
}

const toParameters = (values: Readonly<Record<string, string>>): Parameter[] => Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));

/** Where one environment's instances go: its account, within the OUs when service-managed. */
export function deploymentTarget(
  plan: Pick<StackSetPlan, 'permissionModel' | 'organizationalUnits'>,
  accounts: string[],
): { Accounts?: string[]; DeploymentTargets?: DeploymentTargets } {
  if (plan.permissionModel === 'SELF_MANAGED') return { Accounts: accounts };
  return { DeploymentTargets: { OrganizationalUnitIds: plan.organizationalUnits, Accounts: accounts, AccountFilterType: 'INTERSECTION' } };
}

async function rollOut(cf: CloudFormationClient, plan: StackSetPlan, term: Terminal): Promise<number> {
  const p = term.paint;
  const values = plan.values!;
  const existing = await describeStackSet(cf, plan.name);
  const common = {
    StackSetName: plan.name,
    TemplateBody: plan.template.body,
    Parameters: toParameters(values.parameters),
    Capabilities: plan.capabilities,
    Tags: Object.entries(values.tags).map(([Key, Value]) => ({ Key, Value })),
    Description: `${path.basename(plan.template.file)} rolled out by npm run stacksets`,
    PermissionModel: plan.permissionModel,
    ...(plan.permissionModel === 'SERVICE_MANAGED'
      ? { AutoDeployment: { Enabled: plan.autoDeployment, ...(plan.autoDeployment ? { RetainStacksOnAccountRemoval: false } : {}) } }
      : { AdministrationRoleARN: plan.administrationRoleArn, ExecutionRoleName: plan.executionRoleName }),
  };
  let failed = false;
  const note = (status: string) => {
    if (status !== 'SUCCEEDED') failed = true;
  };
  if (!existing) {
    term.out(`${p.cyan('==')} create StackSet ${plan.name} (${plan.permissionModel.toLowerCase().replace('_', '-')})`);
    await cf.send(new CreateStackSetCommand(common));
  } else {
    if (existing.PermissionModel && existing.PermissionModel !== plan.permissionModel) {
      term.err(`error: StackSet ${plan.name} uses ${existing.PermissionModel}; it cannot change to ${plan.permissionModel}`);
      return 1;
    }
    term.out(`${p.cyan('==')} update StackSet ${plan.name} (template and shared parameters, every existing instance)`);
    const out = await cf.send(new UpdateStackSetCommand({ ...common, OperationPreferences: plan.preferences }));
    note(await waitForOperation(cf, plan.name, out.OperationId, 'update', term));
  }
  const instances = await listInstances(cf, plan.name);
  for (const t of plan.targets) {
    const overrides = toParameters(values.overrides[t.env]);
    const have = new Set(instances.filter((i) => i.Account === t.account).map((i) => i.Region));
    const missing = plan.regions.filter((r) => !have.has(r));
    const present = plan.regions.filter((r) => have.has(r));
    const target = deploymentTarget(plan, [t.account]);
    const shown = values.varying.map((k) => `${k}=${values.overrides[t.env][k]}`).join(', ') || 'same as every environment';
    if (missing.length) {
      term.out(`${p.cyan('==')} ${t.env} (${t.account}): create instances in ${missing.join(', ')}; values ${shown}`);
      const out = await cf.send(
        new CreateStackInstancesCommand({ StackSetName: plan.name, ...target, Regions: missing, ParameterOverrides: overrides, OperationPreferences: plan.preferences }),
      );
      note(await waitForOperation(cf, plan.name, out.OperationId, `${t.env} create`, term));
    }
    if (present.length) {
      term.out(`${p.cyan('==')} ${t.env} (${t.account}): update instances in ${present.join(', ')}; values ${shown}`);
      const out = await cf.send(
        new UpdateStackInstancesCommand({ StackSetName: plan.name, ...target, Regions: present, ParameterOverrides: overrides, OperationPreferences: plan.preferences }),
      );
      note(await waitForOperation(cf, plan.name, out.OperationId, `${t.env} update`, term));
    }
  }
  return report(cf, plan, term, failed);
}

async function report(cf: CloudFormationClient, plan: StackSetPlan, term: Terminal, operationFailed: boolean): Promise<number> {
  const instances = await listInstances(cf, plan.name);
  term.out(`${term.paint.cyan('==')} StackSet ${plan.name}: ${instances.length} instance(s)`);
  for (const line of resultTable(instances, plan.targets, term.paint)) term.out(line);
  const bad = instances.filter(instanceFailed);
  for (const i of bad) term.err(`error: ${i.Account} ${i.Region}: ${i.StackInstanceStatus?.DetailedStatus ?? i.Status}: ${i.StatusReason ?? 'no reason given'}`);
  if (operationFailed && bad.length === 0) term.err('error: a StackSet operation did not succeed; see the operation statuses above');
  return bad.length || operationFailed ? 1 : 0;
}

async function remove(cf: CloudFormationClient, plan: StackSetPlan, term: Terminal): Promise<number> {
  const p = term.paint;
  const existing = await describeStackSet(cf, plan.name);
  if (!existing) {
    term.out(`StackSet ${plan.name} does not exist; nothing to remove`);
    return 0;
  }
  const model = (existing.PermissionModel as PermissionModel | undefined) ?? 'SELF_MANAGED';
  const wanted = new Set(plan.targets.map((t) => t.account));
  const instances = (await listInstances(cf, plan.name)).filter((i) => wanted.size === 0 || wanted.has(i.Account ?? ''));
  const accounts = [...new Set(instances.map((i) => i.Account ?? ''))].sort();
  const regions = [...new Set(instances.map((i) => i.Region ?? ''))].sort();
  if (instances.length) {
    const configured = configuredAccounts();
    const production = accounts.filter((a) => isProductionAccount(a, configured) || plan.targets.some((t) => t.account === a && isProductionName(t.env)));
    term.out(
      `${p.cyan('==')} delete ${instances.length} instance(s) of StackSet ${plan.name} in ${accounts.map((a) => `${a}${configured?.byAccount.get(a) ? ` (${configured.byAccount.get(a)})` : ''}`).join(', ')} / ${regions.join(', ')}`,
    );
    if (production.length && !plan.allowProduction) {
      term.err(`error: refusing to delete instances in production account${production.length > 1 ? 's' : ''} ${production.join(', ')} without --allow-production`);
      return 1;
    }
    const declined = await confirmDeletion(term, plan.yes, `delete ${instances.length} stack instance(s) and their resources?`);
    if (declined !== undefined) return declined;
    const ous = [...new Set(instances.map((i) => i.OrganizationalUnitId).filter((o): o is string => !!o))];
    const target =
      model === 'SERVICE_MANAGED'
        ? { DeploymentTargets: { OrganizationalUnitIds: ous.length ? ous : plan.organizationalUnits, Accounts: accounts, AccountFilterType: 'INTERSECTION' as const } }
        : { Accounts: accounts };
    const out = await cf.send(
      new DeleteStackInstancesCommand({ StackSetName: plan.name, ...target, Regions: regions, RetainStacks: false, OperationPreferences: plan.preferences }),
    );
    const status = await waitForOperation(cf, plan.name, out.OperationId, 'delete instances', term);
    if (status !== 'SUCCEEDED') return report(cf, plan, term, true);
  }
  const left = await listInstances(cf, plan.name);
  if (left.length) {
    term.out(`StackSet ${plan.name} keeps ${left.length} instance(s) of other accounts; not deleted`);
    return report(cf, plan, term, false);
  }
  await cf.send(new DeleteStackSetCommand({ StackSetName: plan.name }));
  term.out(p.green(`StackSet ${plan.name} deleted`));
  return 0;
}

const isProductionName = (env: string) => PRODUCTION_ENVIRONMENTS.includes(env.toLowerCase());

export async function main(argv: string[], term: Terminal, resolveIdentity?: IdentityResolver): Promise<number> {
  return runCommand(
    STACKSETS_SPEC,
    argv,
    term,
    (args) => planStackSet(args),
    async (plan) => {
      // A self-managed StackSet is administered from the tools account.
      const expectations: Expectation[] = plan.permissionModel === 'SELF_MANAGED' ? [{ environment: 'tools', what: 'a self-managed StackSet' }] : [];
      const id = await establish(plan.aws, [], plan.allowAccountMismatch, term, resolveIdentity);
      checkAccount(id, expectations, configuredAccounts(), plan.allowAccountMismatch, term);
      const cf = awsClient(CloudFormationClient, plan.aws);
      try {
        return plan.remove ? await remove(cf, plan, term) : await rollOut(cf, plan, term);
      } finally {
        cf.destroy();
      }
    },
  );
}

if (require.main === module) runMain(main);

/**
 * Creates the project's configuration, delivery.config.json, from a few flags; every
 * other script reads it from then on.
 *
 *   npm run init -- --project NAME --cost-center CC --tools-account ID \
 *     --environment dev=222222222222 --environment prod=444444444444 \
 *     --repository owner/name [--connection-arn ARN | --codecommit] \
 *     --approval-email A --alert-email B [--service web:8080] [--force]
 *
 * The file is checked like any configuration before it is written; an existing one is
 * replaced only with --force. Everything else (build settings, per-environment service
 * settings, more services) is edited in the file afterwards (schemas/config.schema.json).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, loadConfig, userConfigPath } from '../generator/config/load';
import { CommandSpec, ParsedArgs, StringFlagOf, UsageError } from './lib/args';
import { runCommand } from './lib/command';
import { runMain, Terminal } from './lib/terminal';

export const INIT_SPEC = {
  command: 'init',
  positional: { name: '', min: 0, max: 0 },
  flags: [
    { name: 'project', kind: 'string', valueName: 'NAME', description: 'project name (lower case; the prefix of every stack and resource name)' },
    { name: 'cost-center', kind: 'string', valueName: 'CC', description: 'CostCenter tag of every resource' },
    { name: 'tools-account', kind: 'string', valueName: 'ID', description: 'account of the pipelines (12 digits)' },
    { name: 'environment', kind: 'list', valueName: 'NAME=ACCOUNT,...', description: 'member environments in promotion order, e.g. dev=222222222222,prod=444444444444' },
    { name: 'repository', kind: 'string', valueName: 'OWNER/NAME', description: 'source repository' },
    { name: 'connection-arn', kind: 'string', valueName: 'ARN', description: 'CodeStar connection to the repository (GitHub, Bitbucket, GitLab)' },
    { name: 'codecommit', kind: 'boolean', description: 'the repository is in CodeCommit (no connection)' },
    { name: 'approval-email', kind: 'string', valueName: 'EMAIL', description: 'who approves production deployments' },
    { name: 'alert-email', kind: 'string', valueName: 'EMAIL', description: 'who receives alarms and failed deployments' },
    { name: 'service', kind: 'list', valueName: 'NAME:PORT,...', description: 'first service(s) and container port (default web:8080)' },
    { name: 'out', kind: 'string', valueName: 'FILE', description: 'where to write (default: delivery.config.json)' },
    { name: 'force', kind: 'boolean', description: 'replace an existing file' },
  ],
} as const satisfies CommandSpec;

export interface InitPlan {
  readonly file: string;
  readonly config: Record<string, unknown>;
  readonly force: boolean;
}

const REQUIRED = ['project', 'cost-center', 'tools-account', 'repository', 'approval-email', 'alert-email'] as const satisfies readonly StringFlagOf<typeof INIT_SPEC>[];

/** The configuration the flags describe (checked by the configuration's own rules when written). */
export function planInit(args: ParsedArgs<typeof INIT_SPEC>): InitPlan {
  const missing: string[] = REQUIRED.filter((f) => args.strings[f] === undefined);
  if (!(args.lists.environment ?? []).length) missing.push('environment');
  if (args.strings['connection-arn'] === undefined && !args.booleans.has('codecommit')) missing.push('connection-arn (or --codecommit)');
  if (missing.length) throw new UsageError(`missing ${missing.map((m) => `--${m}`).join(', ')}`);
  if (args.strings['connection-arn'] !== undefined && args.booleans.has('codecommit')) throw new UsageError('--connection-arn and --codecommit exclude each other');
  const environments = (args.lists.environment ?? []).map((item, i) => {
    const m = /^([^=]+)=(.*)$/.exec(item);
    if (!m) throw new UsageError(`--environment ${JSON.stringify(item)} must be NAME=ACCOUNT, e.g. dev=222222222222`);
    // One /16 per environment, 10.10.0.0/16, 10.20.0.0/16, ...: no two VPCs overlap.
    return { name: m[1], accountId: m[2], vpcCidr: `10.${(i + 1) * 10}.0.0/16` };
  });
  const services = (args.lists.service ?? ['web:8080']).map((item) => {
    const m = /^([^:]+):(\d+)$/.exec(item);
    if (!m) throw new UsageError(`--service ${JSON.stringify(item)} must be NAME:PORT, e.g. web:8080`);
    return { name: m[1], containerPort: Number(m[2]), healthCheckPath: '/health' };
  });
  const source = args.booleans.has('codecommit')
    ? { provider: 'CodeCommit', repository: args.strings.repository, branch: 'main' }
    : { provider: 'CodeStarSourceConnection', connectionArn: args.strings['connection-arn'], repository: args.strings.repository, branch: 'main' };
  const file = args.strings.out ? path.resolve(args.strings.out) : userConfigPath();
  const schema = path
    .relative(path.dirname(file), path.join(__dirname, '..', 'schemas', 'config.schema.json'))
    .split(path.sep)
    .join('/');
  return {
    file,
    force: args.booleans.has('force'),
    config: {
      $schema: schema,
      project: { name: args.strings.project, costCenter: args.strings['cost-center'] },
      tools: { accountId: args.strings['tools-account'], environmentSuffix: 'tools' },
      environments,
      source,
      notifications: { approvalEmail: args.strings['approval-email'], alertEmail: args.strings['alert-email'] },
      services,
    },
  };
}

export async function init(plan: InitPlan, term: Terminal): Promise<number> {
  if (fs.existsSync(plan.file) && !plan.force) {
    term.err(`error: ${plan.file} exists; pass --force to replace it (or edit it)`);
    return 1;
  }
  const text = `${JSON.stringify(plan.config, null, 2)}\n`;
  // Checked through the one configuration reader, from a sibling file, before the real one is touched.
  const staging = path.join(path.dirname(plan.file), `.${path.basename(plan.file)}.new-${process.pid}`);
  fs.writeFileSync(staging, text);
  try {
    loadConfig(staging);
  } catch (e) {
    fs.rmSync(staging, { force: true });
    if (e instanceof ConfigError) {
      term.err(`error: the flags give a configuration with ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}; nothing was written`);
      for (const p of e.problems) term.err(`  ${p}`);
      return 2;
    }
    throw e;
  }
  fs.renameSync(staging, plan.file);
  term.out(`wrote ${path.relative(process.cwd(), plan.file) || plan.file}`);
  term.out('next: npm run generate, then commit delivery.config.json and templates/ (README: "Your own project")');
  return 0;
}

export async function main(argv: string[], term: Terminal): Promise<number> {
  return runCommand(INIT_SPEC, argv, term, planInit, (plan) => init(plan, term));
}

if (require.main === module) runMain(main);

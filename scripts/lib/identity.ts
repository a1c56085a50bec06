/**
 * Who a command runs as and where (STS GetCallerIdentity), and the guard that refuses
 * to touch an account other than the one the configuration gives the environment.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { userConfigPath } from '../../generator/core/paths';
import { AwsOptions, awsClient, checkProfile } from './aws';
import { PRODUCTION_ENVIRONMENTS } from './destroy';
import { Terminal } from './terminal';

export interface Identity {
  readonly account: string;
  readonly arn: string;
  readonly region: string;
}

/** The accounts of the configuration: environment name -> account, and back. */
export interface Accounts {
  readonly file: string;
  /** project.name of the configuration. */
  readonly project?: string;
  readonly byEnvironment: ReadonlyMap<string, string>;
  readonly byAccount: ReadonlyMap<string, string>;
}

/**
 * The accounts named in a configuration (`tools` and every environment), or undefined
 * when there is no readable configuration. Only the account fields are read.
 */
export function configuredAccounts(file: string = userConfigPath()): Accounts | undefined {
  let data: { project?: { name?: unknown }; tools?: { accountId?: unknown; environmentSuffix?: unknown }; environments?: { name?: unknown; accountId?: unknown }[] };
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
  const byEnvironment = new Map<string, string>();
  const add = (env: unknown, account: unknown) => {
    if (typeof env === 'string' && typeof account === 'string' && /^\d{12}$/.test(account)) byEnvironment.set(env, account);
  };
  add('tools', data.tools?.accountId);
  add(data.tools?.environmentSuffix, data.tools?.accountId);
  for (const e of Array.isArray(data.environments) ? data.environments : []) add(e?.name, e?.accountId);
  const byAccount = new Map<string, string>();
  for (const [env, account] of byEnvironment) if (!byAccount.has(account)) byAccount.set(account, env);
  return { file, byEnvironment, byAccount, ...(typeof data.project?.name === 'string' ? { project: data.project.name } : {}) };
}

/** Whether an account is a production account of the configuration. */
export function isProductionAccount(account: string, accounts: Accounts | undefined): boolean {
  const env = accounts?.byAccount.get(account);
  return env !== undefined && PRODUCTION_ENVIRONMENTS.includes(env.toLowerCase());
}

/** `account 222222222222 (dev), region eu-west-1` */
export function identityLine(id: Identity, accounts: Accounts | undefined): string {
  const env = accounts?.byAccount.get(id.account);
  const name = env ?? (accounts ? `not in ${path.basename(accounts.file)}` : 'no configuration');
  return `account ${id.account} (${name}), region ${id.region}`;
}

/** Why running as `id` for environment `env` is wrong, or undefined when it is right (or cannot be told). */
export function accountProblem(id: Identity, env: string | undefined, accounts: Accounts | undefined, what: string): string | undefined {
  if (env === undefined || accounts === undefined) return undefined;
  const expected = accounts.byEnvironment.get(env);
  if (expected === undefined || expected === id.account) return undefined;
  const actual = accounts.byAccount.get(id.account);
  return `${what} is for ${env} (account ${expected} in ${path.basename(accounts.file)}), but the credentials are of account ${id.account}${actual ? ` (${actual})` : ''}`;
}

export class AccountMismatch extends Error {}

export type IdentityResolver = (o: AwsOptions) => Promise<Identity>;

/** STS GetCallerIdentity with the command's credentials, and the region the clients use. */
export async function callerIdentity(o: AwsOptions): Promise<Identity> {
  checkProfile(o);
  const sts = awsClient(STSClient, o);
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    const region = await sts.config.region();
    return { account: out.Account ?? '?', arn: out.Arn ?? '?', region };
  } finally {
    sts.destroy();
  }
}

export interface Expectation {
  /** The environment the command's input names (parameters, stack tags, targets). */
  readonly environment?: string;
  /** What names it, for the message: `templates/parameters/network/prod.json`. */
  readonly what: string;
}

/**
 * Prints who and where, then refuses (AccountMismatch) when an expectation names an
 * environment of another account; with `allow` it warns loudly instead.
 */
export function checkAccount(id: Identity, expectations: readonly Expectation[], accounts: Accounts | undefined, allow: boolean, term: Terminal): void {
  const problems = expectations.map((e) => accountProblem(id, e.environment, accounts, e.what)).filter((x): x is string => x !== undefined);
  if (!problems.length) return;
  if (!allow) throw new AccountMismatch(`${problems.join('; ')}; use that account's profile, or pass --allow-account-mismatch`);
  for (const p of problems) term.err(term.paint.bold(term.paint.red(`WARNING: ${p}; going on because of --allow-account-mismatch`)));
}

/** Resolves the identity, prints the header line and applies the guard. */
export async function establish(
  o: AwsOptions,
  expectations: readonly Expectation[],
  allow: boolean,
  term: Terminal,
  resolve: IdentityResolver = callerIdentity,
  accounts: Accounts | undefined = configuredAccounts(),
): Promise<Identity> {
  const id = await resolve(o);
  term.out(term.paint.dim(identityLine(id, accounts)));
  checkAccount(id, expectations, accounts, allow, term);
  return id;
}

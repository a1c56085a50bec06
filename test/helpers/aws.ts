/**
 * SDK clients for assertions against moto, optionally in another account: moto picks
 * the account from the `x-moto-account-id` request header.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';

interface Client {
  middlewareStack: { add(mw: unknown, options: { step: 'build'; name: string }): void };
}

function inAccount<T extends Client>(client: T, account: string | undefined): T {
  if (account) {
    client.middlewareStack.add(
      (next: (a: { request: { headers: Record<string, string> } }) => unknown) => async (args: { request: { headers: Record<string, string> } }) => {
        args.request.headers['x-moto-account-id'] = account;
        return next(args);
      },
      { step: 'build', name: 'motoAccount' },
    );
  }
  return client;
}

export function iamClient(endpoint: string, account?: string): IAMClient {
  return inAccount(new IAMClient({ endpoint, region: 'us-east-1' }), account);
}

export function cfClient(endpoint: string, account?: string): CloudFormationClient {
  return inAccount(new CloudFormationClient({ endpoint, region: 'us-east-1' }), account);
}

/**
 * A policy document as IAM returns it. moto keeps inline policies that CloudFormation
 * created in Python literal form ({'Effect': 'Deny', ...}); our documents hold no
 * quotes inside values, so swapping the quote characters makes them JSON.
 */
export function policyDocument(text: string): { Statement: { Effect: string; Action: string | string[] }[] } {
  const json = text.startsWith("{'")
    ? text
        .replace(/'/g, '"')
        .replace(/\bTrue\b/g, 'true')
        .replace(/\bFalse\b/g, 'false')
    : text;
  return JSON.parse(json) as { Statement: { Effect: string; Action: string | string[] }[] };
}

export interface RoleView {
  readonly name: string;
  /** Actions of every Deny statement of the role's inline policies. */
  readonly deniedActions: string[];
}

/** The roles whose names start with `prefix`, each with the actions its inline policies deny. */
export async function rolesWithDenies(iam: IAMClient, prefix: string): Promise<RoleView[]> {
  const roles = (await iam.send(new ListRolesCommand({}))).Roles ?? [];
  const out: RoleView[] = [];
  for (const r of roles.filter((x) => x.RoleName?.startsWith(prefix))) {
    const denied: string[] = [];
    for (const policy of (await iam.send(new ListRolePoliciesCommand({ RoleName: r.RoleName }))).PolicyNames ?? []) {
      const doc = (await iam.send(new GetRolePolicyCommand({ RoleName: r.RoleName, PolicyName: policy }))).PolicyDocument ?? '{}';
      const parsed = policyDocument(decodeURIComponent(doc));
      for (const s of parsed.Statement) if (s.Effect === 'Deny') denied.push(...[s.Action].flat());
    }
    // Managed policies of the stack attached to the role (the deploy roles carry the deny that way).
    for (const attached of (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: r.RoleName }))).AttachedPolicies ?? []) {
      const policy = (await iam.send(new GetPolicyCommand({ PolicyArn: attached.PolicyArn }))).Policy;
      const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: attached.PolicyArn, VersionId: policy?.DefaultVersionId }));
      const parsed = policyDocument(decodeURIComponent(version.PolicyVersion?.Document ?? '{}'));
      for (const s of parsed.Statement) if (s.Effect === 'Deny') denied.push(...[s.Action].flat());
    }
    out.push({ name: r.RoleName!, deniedActions: denied.sort() });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * moto's CloudFormation has no delete handler for AWS::IAM::ManagedPolicy, so a stack
 * delete leaves the policies attached and deleting their roles fails ("must detach all
 * policies first"). CloudFormation itself deletes a managed policy (detaching it) before
 * the roles it names. Before a moto stack delete, the tests detach them as CloudFormation
 * would.
 */
export async function detachManagedPoliciesForMoto(iam: IAMClient, prefix: string): Promise<void> {
  const roles = (await iam.send(new ListRolesCommand({}))).Roles ?? [];
  for (const r of roles.filter((x) => x.RoleName?.startsWith(prefix))) {
    for (const attached of (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: r.RoleName }))).AttachedPolicies ?? []) {
      await iam.send(new DetachRolePolicyCommand({ RoleName: r.RoleName, PolicyArn: attached.PolicyArn }));
    }
  }
}

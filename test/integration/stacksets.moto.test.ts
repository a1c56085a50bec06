/**
 * stacksets against moto_server: member-roles.json, then execution-role.json, rolled out
 * to three member accounts with self-managed permissions, each account seen through moto's per-account view
 * (the x-moto-account-id header), then the instances and the StackSet removed.
 */
import { DescribeStackSetCommand, ListStackInstancesCommand } from '@aws-sdk/client-cloudformation';
import { main as stacksets } from '../../scripts/stacksets';
import { recordingTerminal } from '../../scripts/lib/terminal';
import { cfClient, detachManagedPoliciesForMoto, iamClient, rolesWithDenies } from '../helpers/aws';
import { configuredAccounts } from '../../scripts/lib/identity';
import { motoWithProfiles } from '../helpers/moto';

/** The member accounts of the configuration the tests read; the StackSet is administered with the tools profile. */
const ALL = Object.fromEntries(configuredAccounts()!.byEnvironment);
const ACCOUNTS = { dev: ALL.dev, staging: ALL.staging, prod: ALL.prod };
const TARGETS = Object.entries(ACCOUNTS).map(([env, account]) => `${env}=${account}`);

const moto = motoWithProfiles('stacksets-moto', ALL);

async function run(argv: string[]) {
  const term = recordingTerminal();
  const code = await stacksets([...argv, '--endpoint-url', moto.endpoint, '--profile', 'tools'], term);
  return { code, out: term.lines.join('\n'), err: term.errors.join('\n') };
}

describe('stacksets rolls member-roles.json and execution-role.json out to three accounts', () => {
  test('creates the StackSet and one instance per account, with a result table', async () => {
    const r = await run(['member-roles', '--target', TARGETS.join(','), '--max-concurrent-percentage', '50', '--region-concurrency', 'SEQUENTIAL']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('== create StackSet shop-member-roles (self-managed)');
    expect(r.out).toContain('== staging (333333333333): create instances in us-east-1; values EnvironmentName=staging, EnvironmentSuffix=staging');
    expect(r.out).toContain('  prod create: SUCCEEDED, 1/1 done (SUCCEEDED 1) after');
    expect(r.out).toMatch(/^444444444444 {2}prod {5}us-east-1 {2}CURRENT {2}SUCCEEDED$/m);
    const instances = (await cfClient(moto.endpoint, ALL.tools).send(new ListStackInstancesCommand({ StackSetName: 'shop-member-roles' }))).Summaries ?? [];
    expect(instances.map((i) => i.Account).sort()).toEqual(Object.values(ACCOUNTS));
  });

  test('rolls execution-role.json out after it, as the README orders them', async () => {
    const r = await run(['execution-role', '--target', TARGETS.join(','), '--region-concurrency', 'SEQUENTIAL']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('== create StackSet shop-execution-role (self-managed)');
    const instances = (await cfClient(moto.endpoint, ALL.tools).send(new ListStackInstancesCommand({ StackSetName: 'shop-execution-role' }))).Summaries ?? [];
    expect(instances.map((i) => i.Account).sort()).toEqual(Object.values(ACCOUNTS));
  });

  test.each(Object.entries(ACCOUNTS))('account %s (%s) has its own roles, each with the deny', async (env, account) => {
    const roles = await rolesWithDenies(iamClient(moto.endpoint, account), 'shop-');
    expect(roles.map((x) => x.name)).toEqual([`shop-cfn-exec-${env}-us-east-1`, `shop-codedeploy-${env}-us-east-1`, `shop-ecs-infra-${env}-us-east-1`]);
    for (const role of roles) expect(role.deniedActions).toContain('ec2:TerminateInstances');
  });

  test('the administration account itself got no roles', async () => {
    expect(await rolesWithDenies(iamClient(moto.endpoint, ALL.tools), 'shop-')).toEqual([]);
  });

  test("rolls a service's deploy role out as the walkthrough does: its own parameter files and StackSet name", async () => {
    const r = await run([
      'service-deploy-role',
      '--target',
      TARGETS.join(','),
      '--parameters-dir',
      'templates/parameters/service-deploy-role/web',
      '--stack-set-name',
      'shop-web-deploy-role',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('== create StackSet shop-web-deploy-role (self-managed)');
    for (const [env, account] of Object.entries(ACCOUNTS)) {
      const roles = await rolesWithDenies(iamClient(moto.endpoint, account), 'shop-web-deploy');
      expect(roles.map((x) => x.name)).toEqual([`shop-web-deploy-${env}-us-east-1`]);
    }
    const removed = await run(['service-deploy-role', '--delete', '--stack-set-name', 'shop-web-deploy-role', '--yes', '--allow-production']);
    expect(removed.err).toBe('');
    expect(removed.out).toContain('StackSet shop-web-deploy-role deleted');
    for (const account of Object.values(ACCOUNTS)) expect(await rolesWithDenies(iamClient(moto.endpoint, account), 'shop-web-deploy')).toEqual([]);
  });

  test('running again updates the StackSet and every instance', async () => {
    const r = await run(['member-roles', '--target', TARGETS.join(',')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('== update StackSet shop-member-roles');
    expect(r.out).toContain('== dev (222222222222): update instances in us-east-1');
  });

  test('--delete touching the prod account is refused without --allow-production; nothing is deleted', async () => {
    const r = await run(['member-roles', '--delete', '--yes']);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`error: refusing to delete instances in production account ${ACCOUNTS.prod} without --allow-production`);
    const instances = (await cfClient(moto.endpoint, ALL.tools).send(new ListStackInstancesCommand({ StackSetName: 'shop-member-roles' }))).Summaries ?? [];
    expect(instances).toHaveLength(3);
  });

  test('--delete as the README writes it (execution-role first) removes the instances, the StackSets and the roles in every account', async () => {
    for (const account of Object.values(ACCOUNTS)) await detachManagedPoliciesForMoto(iamClient(moto.endpoint, account), 'shop-');
    const exec = await run(['execution-role', '--delete', '--yes', '--allow-production']);
    expect(exec.err).toBe('');
    expect(exec.out).toContain('StackSet shop-execution-role deleted');
    const r = await run(['member-roles', '--delete', '--yes', '--allow-production']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`== delete 3 instance(s) of StackSet shop-member-roles in ${ACCOUNTS.dev} (dev), ${ACCOUNTS.staging} (staging), ${ACCOUNTS.prod} (prod) / us-east-1`);
    expect(r.out).toContain('StackSet shop-member-roles deleted');
    await expect(cfClient(moto.endpoint, ALL.tools).send(new DescribeStackSetCommand({ StackSetName: 'shop-member-roles' }))).rejects.toThrow(/not found/i);
    for (const account of Object.values(ACCOUNTS)) expect(await rolesWithDenies(iamClient(moto.endpoint, account), 'shop-')).toEqual([]);
  });
});

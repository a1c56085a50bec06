/**
 * deploy, diff --stack and destroy against moto_server: member-roles.json is created,
 * updated through a second change set, left alone when nothing changed, and deleted.
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main as deploy } from '../../scripts/deploy';
import { main as destroy } from '../../scripts/destroy';
import { main as diff } from '../../scripts/diff';
import { recordingTerminal } from '../../scripts/lib/terminal';
import { cfClient, detachManagedPoliciesForMoto, iamClient, rolesWithDenies } from '../helpers/aws';
import { configuredAccounts } from '../../scripts/lib/identity';
import { motoWithProfiles } from '../helpers/moto';
import { parameterFileWith } from '../helpers/parameters';
import { TEMPLATES_DIR } from '../helpers/template';

/** The fixture configuration's parameter file (the user's templates/ may hold other values). */
const DEV = path.join(TEMPLATES_DIR, 'parameters', 'member-roles', 'dev.json');
const FIXTURES = path.resolve(__dirname, '..', 'fixtures');
const STACK = 'shop-member-roles-dev';
const ROLES = ['shop-codedeploy-dev-us-east-1', 'shop-ecs-infra-dev-us-east-1'];

/** The accounts of the configuration the tests read (DELIVERY_CONFIG); the scripts run with the dev profile, as the README's rehearsal does. */
const ACCOUNTS = Object.fromEntries(configuredAccounts()!.byEnvironment);
const DEV_ACCOUNT = ACCOUNTS.dev;

const moto = motoWithProfiles('deploy-moto', ACCOUNTS);
/** Parameter files the tests write. */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-moto-files-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(script: typeof deploy, argv: string[], options: { interactive?: boolean; answer?: boolean } = {}) {
  const term = recordingTerminal(options);
  const code = await script([...argv, '--endpoint-url', moto.endpoint, ...(argv.includes('--profile') ? [] : ['--profile', 'dev'])], term);
  return { code, out: term.lines.join('\n'), err: term.errors.join('\n') };
}

describe('deploy member-roles.json to moto', () => {
  test('creates the stack through a change set; every role carries the ec2:TerminateInstances deny', async () => {
    const r = await run(deploy, ['member-roles', '--parameters', DEV, '--yes']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`change set deploy-`);
    expect(r.out).toContain('capabilities CAPABILITY_NAMED_IAM');
    expect(r.out).toMatch(/^\+ add {4}DeployPolicy \(AWS::IAM::ManagedPolicy\) {2}\[IAM\]$/m);
    expect(r.out).toContain('4 to add, 0 to modify');
    expect(r.out).toContain(`stack ${STACK}: CREATE_COMPLETE`);
    const roles = await rolesWithDenies(iamClient(moto.endpoint, DEV_ACCOUNT), 'shop-');
    expect(roles.map((x) => x.name)).toEqual(ROLES);
    for (const role of roles) expect(role.deniedActions).toContain('ec2:TerminateInstances');
  });

  test('without --yes and without a terminal it refuses and deletes the change set', async () => {
    const changed = parameterFileWith(DEV, tmp, 'refused.json', { CostCenter: 'cc-refused' });
    const r = await run(deploy, ['member-roles', '--parameters', changed]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('refusing to execute without --yes: stdin is not a terminal');
    const stack = (await cfClient(moto.endpoint, DEV_ACCOUNT).send(new DescribeStacksCommand({ StackName: STACK }))).Stacks![0];
    expect(stack.Parameters?.find((p) => p.ParameterKey === 'CostCenter')?.ParameterValue).toBe('cc-4711');
  });

  test('a declined prompt leaves the stack as it was', async () => {
    const changed = parameterFileWith(DEV, tmp, 'declined.json', { CostCenter: 'cc-declined' });
    const r = await run(deploy, ['member-roles', '--parameters', changed], { interactive: true, answer: false });
    expect(r.code).toBe(1);
    expect(r.err).toContain('cancelled; change set deleted');
  });

  test('a changed parameter goes through a second change set whose preview names it', async () => {
    const changed = parameterFileWith(DEV, tmp, 'dev-cc.json', { CostCenter: 'cc-9000' });
    const r = await run(deploy, ['member-roles', '--parameters', changed], { interactive: true, answer: true });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('(update)');
    expect(r.out).toContain('~ parameter CostCenter: cc-4711 -> cc-9000');
    expect(r.out).toContain(`stack ${STACK}: UPDATE_COMPLETE`);
    const stack = (await cfClient(moto.endpoint, DEV_ACCOUNT).send(new DescribeStacksCommand({ StackName: STACK }))).Stacks![0];
    expect(stack.Parameters?.find((p) => p.ParameterKey === 'CostCenter')?.ParameterValue).toBe('cc-9000');
  });

  test('deploying the same template and parameters again is "no changes" with exit 0', async () => {
    const again = path.join(tmp, 'dev-cc.json');
    const r = await run(deploy, ['member-roles', '--parameters', again, '--yes']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`no changes: stack ${STACK} is up to date`);
    expect(r.out).not.toContain('== execute');
  });

  test('diff --stack finds the deployed template equal to the committed one', async () => {
    const r = await run(diff, ['member-roles', '--stack', STACK, '--exit-code']);
    expect(r.err).toBe('');
    expect(r.out).toBe(`account ${DEV_ACCOUNT} (dev), region us-east-1\nstack ${STACK} -> member-roles.json\nno changes: member-roles.json`);
    expect(r.code).toBe(0);
  });

  test('diff --stack refuses to compare a template with a stack of another template (exit 2)', async () => {
    const r = await run(diff, ['network', '--stack', STACK]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      new RegExp(
        `^error: stack ${STACK} was not deployed from network\\.json: its Description differs and it shares 0 of \\d+ logical IDs; name the template the stack was made from`,
      ),
    );
  });

  test('a template moto rejects fails with the reason and leaves no stack behind', async () => {
    const r = await run(deploy, ['rejected-by-moto', '--templates-dir', FIXTURES, '--stack-name', 'rejected', '--yes']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('Fn::GetAtt references undefined resource MissingProject');
    await expect(cfClient(moto.endpoint, DEV_ACCOUNT).send(new DescribeStacksCommand({ StackName: 'rejected' }))).rejects.toThrow(/does not exist/);
  });

  test('--plan shows the change set of a new stack and leaves nothing behind', async () => {
    const staging = path.resolve(DEV, '..', 'staging.json');
    const r = await run(deploy, ['member-roles', '--parameters', staging, '--plan', '--profile', 'staging']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('4 to add, 0 to modify');
    expect(r.out).toMatch(/plan only: change set deploy-\d+ deleted with the empty stack; nothing was changed$/);
    await expect(cfClient(moto.endpoint, ACCOUNTS.staging).send(new DescribeStacksCommand({ StackName: STACK.replace(/dev$/, 'staging') }))).rejects.toThrow(/does not exist/);
  });

  test('prod parameters with the dev profile are refused; nothing is created in either account', async () => {
    const prod = path.resolve(DEV, '..', 'prod.json');
    const r = await run(deploy, ['member-roles', '--parameters', prod, '--yes']);
    expect(r.code).toBe(1);
    expect(r.out).toBe(`account ${DEV_ACCOUNT} (dev), region us-east-1`);
    expect(r.err).toContain(`is for prod (account ${ACCOUNTS.prod} in example.json), but the credentials are of account ${DEV_ACCOUNT} (dev)`);
    for (const account of [DEV_ACCOUNT, ACCOUNTS.prod]) {
      await expect(cfClient(moto.endpoint, account).send(new DescribeStacksCommand({ StackName: 'shop-member-roles-prod' }))).rejects.toThrow(/does not exist/);
    }
  });

  test('destroy refuses a production stack without --allow-production', async () => {
    const prod = path.resolve(DEV, '..', 'prod.json');
    expect((await run(deploy, ['member-roles', '--parameters', prod, '--yes', '--profile', 'prod'])).code).toBe(0);
    const refused = await run(destroy, ['shop-member-roles-prod', '--yes', '--profile', 'prod']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('refusing to destroy production stack shop-member-roles-prod without --allow-production');
    await detachManagedPoliciesForMoto(iamClient(moto.endpoint, ACCOUNTS.prod), 'shop-');
    const allowed = await run(destroy, ['shop-member-roles-prod', '--yes', '--allow-production', '--profile', 'prod']);
    expect(allowed.err).toBe('');
    expect(allowed.code).toBe(0);
  });

  test('destroy deletes the stack and its roles; nothing remains', async () => {
    await detachManagedPoliciesForMoto(iamClient(moto.endpoint, DEV_ACCOUNT), 'shop-');
    const r = await run(destroy, [STACK, '--yes']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`deleted ${STACK}`);
    await expect(cfClient(moto.endpoint, DEV_ACCOUNT).send(new DescribeStacksCommand({ StackName: STACK }))).rejects.toThrow(/does not exist/);
    expect(await rolesWithDenies(iamClient(moto.endpoint, DEV_ACCOUNT), 'shop-')).toEqual([]);
  });
});

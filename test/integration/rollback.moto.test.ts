/**
 * deploy with alarms against moto_server, a smoke test only: moto accepts a change set
 * that carries a RollbackConfiguration but neither watches alarms nor rolls back (the
 * rollback and its report are tested against a recorded client in
 * test/scripts/rollback.test.ts).
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import * as path from 'node:path';
import { main as deploy } from '../../scripts/deploy';
import { main as destroy } from '../../scripts/destroy';
import { recordingTerminal } from '../../scripts/lib/terminal';
import { configuredAccounts } from '../../scripts/lib/identity';
import { cfClient, detachManagedPoliciesForMoto, iamClient } from '../helpers/aws';
import { motoWithProfiles } from '../helpers/moto';
import { TEMPLATES_DIR } from '../helpers/template';

/** The accounts of the configuration the tests read; the scripts run with the dev profile. */
const ACCOUNTS = Object.fromEntries(configuredAccounts()!.byEnvironment);
const DEV = path.join(TEMPLATES_DIR, 'parameters', 'member-roles', 'dev.json');
const STACK = 'shop-member-roles-dev';
const ALARM = `arn:aws:cloudwatch:us-east-1:${ACCOUNTS.dev}:alarm:shop-orders-target-5xx-dev`;

const moto = motoWithProfiles('rollback-moto', ACCOUNTS);

async function run(script: typeof deploy, argv: string[]) {
  const term = recordingTerminal();
  const code = await script([...argv, '--endpoint-url', moto.endpoint, '--profile', 'dev'], term);
  return { code, out: term.lines.join('\n'), err: term.errors.join('\n') };
}

test('a stack is created through a change set that names an alarm and a monitoring window, and deleted', async () => {
  const r = await run(deploy, ['member-roles', '--parameters', DEV, '--yes', '--rollback-alarms', ALARM, '--monitoring-minutes', '5']);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toContain('rolls back if shop-orders-target-5xx-dev goes to ALARM during the update or 5 min after it');
  expect(r.out).toContain(`stack ${STACK}: CREATE_COMPLETE`);
  await detachManagedPoliciesForMoto(iamClient(moto.endpoint, ACCOUNTS.dev), 'shop-');
  const gone = await run(destroy, [STACK, '--yes']);
  expect(gone.code).toBe(0);
  await expect(cfClient(moto.endpoint, ACCOUNTS.dev).send(new DescribeStacksCommand({ StackName: STACK }))).rejects.toThrow(/does not exist/);
});

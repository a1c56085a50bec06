/**
 * dora.json and dora-forwarding.json against moto_server, a smoke test only: both stacks
 * are created through change sets and hold every resource of their template. moto runs
 * no function and delivers no event; the figures are tested in test/templates/dora.test.ts.
 */
import { ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import * as path from 'node:path';
import { main as deploy } from '../../scripts/deploy';
import { recordingTerminal } from '../../scripts/lib/terminal';
import { configuredAccounts } from '../../scripts/lib/identity';
import { cfClient } from '../helpers/aws';
import { motoWithProfiles } from '../helpers/moto';
import { TEMPLATES_DIR, loadTemplate } from '../helpers/template';

/** The accounts of the configuration the tests read: one profile each, as the README's rehearsal does. */
const ACCOUNTS = Object.fromEntries(configuredAccounts()!.byEnvironment);
const PARAMETERS = path.join(TEMPLATES_DIR, 'parameters');

const moto = motoWithProfiles('dora-moto', ACCOUNTS);

test.each([
  ['dora', 'dora.json', 'shop-dora-tools', 'tools'],
  ['dora-forwarding', path.join('dora-forwarding', 'dev.json'), 'shop-dora-forwarding-dev', 'dev'],
])('%s is created with every resource of its template', async (template, parameters, stack, profile) => {
  const term = recordingTerminal();
  const code = await deploy([template, '--parameters', path.join(PARAMETERS, parameters), '--yes', '--endpoint-url', moto.endpoint, '--profile', profile], term);
  expect(term.errors).toEqual([]);
  expect(code).toBe(0);
  expect(term.lines).toContain(`stack ${stack}: CREATE_COMPLETE`);
  const listed = await cfClient(moto.endpoint, ACCOUNTS[profile]).send(new ListStackResourcesCommand({ StackName: stack }));
  // moto lists an event bus policy with neither logical ID nor type: it stands in as "?".
  const created = (listed.StackResourceSummaries ?? []).map((r) => `${r.LogicalResourceId || '?'} ${r.ResourceStatus}`).sort();
  const declared = Object.entries(loadTemplate(`${template}.json`).Resources)
    .map(([id, r]) => `${r.Type === 'AWS::Events::EventBusPolicy' ? '?' : id} CREATE_COMPLETE`)
    .sort();
  expect(created).toEqual(declared);
});

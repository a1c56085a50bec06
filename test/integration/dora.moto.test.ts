/**
 * dora.json and dora-forwarding.json against moto_server, a smoke test only: both stacks
 * are created through change sets and hold every resource of their template. moto runs
 * no function and delivers no event; the figures are tested in test/templates/dora.test.ts.
 */
import { ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import * as path from 'node:path';
import { main as deploy } from '../../scripts/deploy';
import { recordingTerminal } from '../../scripts/lib/terminal';
import { cfClient } from '../helpers/aws';
import { Moto, startMoto } from '../helpers/moto';
import { loadTemplate } from '../helpers/template';

const PARAMETERS = path.resolve(__dirname, '..', '..', 'templates', 'parameters');

let moto: Moto;

beforeAll(async () => {
  moto = await startMoto();
});

afterAll(async () => {
  await moto?.stop();
});

test.each([
  ['dora', 'dora.json', 'shop-dora-tools'],
  ['dora-forwarding', path.join('dora-forwarding', 'dev.json'), 'shop-dora-forwarding-dev'],
])('%s is created with every resource of its template', async (template, parameters, stack) => {
  const term = recordingTerminal();
  const code = await deploy([template, '--parameters', path.join(PARAMETERS, parameters), '--yes', '--endpoint-url', moto.endpoint], term);
  expect(term.errors).toEqual([]);
  expect(code).toBe(0);
  expect(term.lines).toContain(`stack ${stack}: CREATE_COMPLETE`);
  const listed = await cfClient(moto.endpoint).send(new ListStackResourcesCommand({ StackName: stack }));
  // moto lists an event bus policy with neither logical ID nor type: it stands in as "?".
  const created = (listed.StackResourceSummaries ?? []).map((r) => `${r.LogicalResourceId || '?'} ${r.ResourceStatus}`).sort();
  const declared = Object.entries(loadTemplate(`${template}.json`).Resources)
    .map(([id, r]) => `${r.Type === 'AWS::Events::EventBusPolicy' ? '?' : id} CREATE_COMPLETE`)
    .sort();
  expect(created).toEqual(declared);
});

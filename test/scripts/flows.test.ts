/**
 * The deploy and stacksets flows on paths moto does not produce, with a recorded client:
 * a rollback, a change set AWS marks FAILED for having no changes, and a failed instance.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import * as path from 'node:path';
import { deploy, DEPLOY_SPEC, planDeploy } from '../../scripts/deploy';
import { parseArgs } from '../../scripts/lib/args';
import { recordingTerminal } from '../../scripts/lib/terminal';
import { main as stacksetsMain } from '../../scripts/stacksets';
import { fakeClient, Handler, serviceError } from '../helpers/fake-aws';
import { TEMPLATES_DIR } from '../helpers/template';

/** The fixture configuration's parameter file (the user's templates/ may hold other values). */
const DEV = path.join(TEMPLATES_DIR, 'parameters', 'member-roles', 'dev.json');
const plan = () => planDeploy(parseArgs(DEPLOY_SPEC, ['member-roles', '--parameters', DEV, '--yes']));
const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s));

let savedPoll: string | undefined;
beforeAll(() => {
  savedPoll = process.env.CDT_POLL_SECONDS;
  process.env.CDT_POLL_SECONDS = '0.01';
});
afterAll(() => {
  if (savedPoll === undefined) delete process.env.CDT_POLL_SECONDS;
  else process.env.CDT_POLL_SECONDS = savedPoll;
});

const EXISTING = {
  StackName: 'shop-member-roles-dev',
  StackId: 'arn:aws:cloudformation:eu-west-1:222222222222:stack/shop-member-roles-dev/1',
  StackStatus: 'UPDATE_COMPLETE',
  Parameters: [{ ParameterKey: 'CostCenter', ParameterValue: 'cc-4711' }],
  Tags: [],
};

describe('deploy', () => {
  test('a rollback exits 1 with each failing resource and its reason', async () => {
    const handlers: Record<string, Handler> = {
      DescribeStacks: (_i, n) => ({ Stacks: [n === 0 ? EXISTING : { ...EXISTING, StackStatus: n === 1 ? 'UPDATE_ROLLBACK_IN_PROGRESS' : 'UPDATE_ROLLBACK_COMPLETE' }] }),
      CreateChangeSet: () => ({ Id: 'cs-1' }),
      DescribeChangeSet: () => ({
        Status: 'CREATE_COMPLETE',
        Changes: [
          {
            Type: 'Resource',
            ResourceChange: {
              Action: 'Modify',
              LogicalResourceId: 'DeployRole',
              ResourceType: 'AWS::IAM::Role',
              Replacement: 'True',
              Details: [{ Target: { Attribute: 'Properties', Name: 'RoleName', RequiresRecreation: 'Always' } }],
            },
          },
        ],
      }),
      ExecuteChangeSet: () => ({}),
      DescribeStackEvents: (_i, n) =>
        n === 0
          ? {
              StackEvents: [
                { EventId: 'old', LogicalResourceId: 'shop-member-roles-dev', ResourceType: 'AWS::CloudFormation::Stack', ResourceStatus: 'UPDATE_COMPLETE', Timestamp: t(0) },
              ],
            }
          : {
              StackEvents: [
                {
                  EventId: 'e3',
                  LogicalResourceId: 'shop-member-roles-dev',
                  ResourceType: 'AWS::CloudFormation::Stack',
                  ResourceStatus: 'UPDATE_ROLLBACK_IN_PROGRESS',
                  ResourceStatusReason: 'The following resource(s) failed to update: [DeployRole].',
                  Timestamp: t(3),
                },
                {
                  EventId: 'e2',
                  LogicalResourceId: 'DeployRole',
                  ResourceType: 'AWS::IAM::Role',
                  ResourceStatus: 'UPDATE_FAILED',
                  ResourceStatusReason: 'shop-cfn-deploy-dev-eu-west-1 already exists',
                  Timestamp: t(2),
                },
                { EventId: 'e1', LogicalResourceId: 'DeployRole', ResourceType: 'AWS::IAM::Role', ResourceStatus: 'UPDATE_IN_PROGRESS', Timestamp: t(1) },
                { EventId: 'old', LogicalResourceId: 'shop-member-roles-dev', ResourceType: 'AWS::CloudFormation::Stack', ResourceStatus: 'UPDATE_COMPLETE', Timestamp: t(0) },
              ],
            },
    };
    const cf = fakeClient(handlers);
    const term = recordingTerminal();
    const code = await deploy(cf as unknown as CloudFormationClient, plan(), term);
    expect(code).toBe(1);
    expect(term.lines).toContain('~ modify DeployRole (AWS::IAM::Role)  replacement: True  [IAM]');
    expect(term.lines).toContain('12:00:02 [1/1] UPDATE_FAILED        DeployRole (AWS::IAM::Role) shop-cfn-deploy-dev-eu-west-1 already exists');
    expect(term.errors).toEqual([
      'error: stack shop-member-roles-dev ended UPDATE_ROLLBACK_COMPLETE',
      '  DeployRole (AWS::IAM::Role): shop-cfn-deploy-dev-eu-west-1 already exists',
    ]);
    const create = cf.calls.find((c) => c.command === 'CreateChangeSet')!.input;
    expect(create.ChangeSetType).toBe('UPDATE');
    expect(create.Capabilities).toEqual(['CAPABILITY_NAMED_IAM']);
    expect(create.Tags).toEqual([
      { Key: 'Environment', Value: 'dev' },
      { Key: 'Project', Value: 'shop' },
      { Key: 'CostCenter', Value: 'cc-4711' },
    ]);
  });

  test('a change set AWS marks FAILED for having no changes is deleted and exits 0', async () => {
    const cf = fakeClient({
      DescribeStacks: () => ({ Stacks: [EXISTING] }),
      CreateChangeSet: () => ({ Id: 'cs-2' }),
      DescribeChangeSet: () => ({ Status: 'FAILED', StatusReason: "The submitted information didn't contain changes. Submit different information to create a change set." }),
      DeleteChangeSet: () => ({}),
    });
    const term = recordingTerminal();
    expect(await deploy(cf as unknown as CloudFormationClient, plan(), term)).toBe(0);
    expect(term.lines).toContain('no changes: stack shop-member-roles-dev is up to date; change set deleted');
    expect(cf.calls.map((c) => c.command)).toEqual(['DescribeStacks', 'CreateChangeSet', 'DescribeChangeSet', 'DeleteChangeSet']);
  });

  test('a change set that fails for another reason exits 1 with the reason', async () => {
    const cf = fakeClient({
      DescribeStacks: () => {
        throw serviceError('ValidationError', 'Stack with id shop-member-roles-dev does not exist');
      },
      CreateChangeSet: () => ({ Id: 'cs-3' }),
      DescribeChangeSet: () => ({ Status: 'FAILED', StatusReason: 'Requires capabilities : [CAPABILITY_AUTO_EXPAND]' }),
      DeleteChangeSet: () => ({}),
      DeleteStack: () => ({}),
    });
    const term = recordingTerminal();
    expect(await deploy(cf as unknown as CloudFormationClient, plan(), term)).toBe(1);
    expect(term.errors[0]).toMatch(/^error: change set deploy-\d+ failed: Requires capabilities : \[CAPABILITY_AUTO_EXPAND\]$/);
    expect(cf.calls.map((c) => c.command)).toContain('DeleteStack');
  });

  test('a stack left in ROLLBACK_COMPLETE is not updated; the message says how to recover', async () => {
    const cf = fakeClient({ DescribeStacks: () => ({ Stacks: [{ ...EXISTING, StackStatus: 'ROLLBACK_COMPLETE' }] }) });
    const term = recordingTerminal();
    expect(await deploy(cf as unknown as CloudFormationClient, plan(), term)).toBe(1);
    expect(term.errors).toEqual([
      'error: stack shop-member-roles-dev is ROLLBACK_COMPLETE after a failed create and cannot be updated; delete it (npm run destroy -- shop-member-roles-dev) and deploy again',
    ]);
  });
});

describe('stacksets', () => {
  test('a failed instance makes the exit status 1 and is named with its reason', async () => {
    const cf = fakeClient({
      DescribeStackSet: () => ({ StackSet: { StackSetName: 'shop-member-roles', Status: 'ACTIVE', PermissionModel: 'SELF_MANAGED' } }),
      UpdateStackSet: () => ({ OperationId: 'op-1' }),
      DescribeStackSetOperation: (i) => ({ StackSetOperation: { OperationId: i.OperationId, Status: i.OperationId === 'op-1' ? 'SUCCEEDED' : 'FAILED' } }),
      ListStackInstances: (_i, n) => ({
        Summaries:
          n === 0
            ? []
            : [
                {
                  Account: '333333333333',
                  Region: 'eu-west-1',
                  Status: 'OUTDATED',
                  StatusReason: 'Account 333333333333 should have AWSCloudFormationStackSetExecutionRole',
                  StackInstanceStatus: { DetailedStatus: 'FAILED' },
                },
              ],
      }),
      CreateStackInstances: () => ({ OperationId: 'op-2' }),
      ListStackSetOperationResults: (i) => ({ Summaries: i.OperationId === 'op-2' ? [{ Account: '333333333333', Region: 'eu-west-1', Status: 'FAILED' }] : [] }),
    });
    const sdk = await import('@aws-sdk/client-cloudformation');
    const spy = jest.spyOn(sdk.CloudFormationClient.prototype, 'send').mockImplementation(((cmd: never) => cf.send(cmd)) as never);
    try {
      const term = recordingTerminal();
      const tools = async () => ({ account: '111111111111', arn: 'arn:aws:iam::111111111111:user/ops', region: 'eu-west-1' });
      const code = await stacksetsMain(['member-roles', '--target', 'staging=333333333333', '--region', 'eu-west-1'], term, tools);
      expect(term.lines[0]).toBe('account 111111111111 (tools), region eu-west-1');
      expect(code).toBe(1);
      expect(term.lines).toContain('  staging create: FAILED, 1/1 done (FAILED 1) after 0s');
      expect(term.errors).toEqual(['error: 333333333333 eu-west-1: FAILED: Account 333333333333 should have AWSCloudFormationStackSetExecutionRole']);
      const create = cf.calls.find((c) => c.command === 'CreateStackInstances')!.input;
      expect(create.Accounts).toEqual(['333333333333']);
      expect(create.OperationPreferences).toEqual({ MaxConcurrentPercentage: 100, FailureTolerancePercentage: 0, RegionConcurrencyType: 'PARALLEL' });
      expect(create.ParameterOverrides).toContainEqual({ ParameterKey: 'EnvironmentName', ParameterValue: 'staging' });
    } finally {
      spy.mockRestore();
    }
  });
});

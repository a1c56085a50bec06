/**
 * scripts/deploy-stack.js: the pipeline's deploy of a service stack with alarm-triggered
 * rollback, against a recorded stand-in for the AWS CLI: the RollbackConfiguration sent
 * with CreateChangeSet (the stack's own alarms, the environment's window), the order of
 * the two updates, an update with nothing to change, and the report of the alarm that
 * rolled an update back.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTemplate } from '../helpers/template';

type Json = Record<string, any>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { deployStack, parseArgs } = require('../../scripts/deploy-stack.js') as {
  deployStack(o: Json, io: Json): void;
  parseArgs(argv: string[]): Json;
};

const STACK = 'shop-web-prod';
const STACK_ID = `arn:aws:cloudformation:eu-west-1:333333333333:stack/${STACK}/4f1c`;
const ERRORS_ARN = 'arn:aws:cloudwatch:eu-west-1:333333333333:alarm:shop-web-target-5xx-prod';
const UNHEALTHY_ARN = 'arn:aws:cloudwatch:eu-west-1:333333333333:alarm:shop-web-unhealthy-targets-prod';
const EXECUTION_ROLE = 'arn:aws:iam::333333333333:role/shop-cloudformation-execution-prod';
const RESOURCES = [
  { LogicalResourceId: 'Service', ResourceType: 'AWS::ECS::Service', PhysicalResourceId: 'svc' },
  { LogicalResourceId: 'TargetErrorsAlarm', ResourceType: 'AWS::CloudWatch::Alarm', PhysicalResourceId: 'shop-web-target-5xx-prod' },
  { LogicalResourceId: 'UnhealthyTargetsAlarm', ResourceType: 'AWS::CloudWatch::Alarm', PhysicalResourceId: 'shop-web-unhealthy-targets-prod' },
];
const T0 = Date.parse('2026-03-01T10:00:00Z');

/** A plan directory as the check leaves it: the rolling template as deploy and prepare files. */
function planDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-stack-'));
  const template = JSON.stringify(loadTemplate('ecs-service-rolling.json'));
  const configuration = JSON.stringify({ Parameters: { ProjectName: 'shop', ImageUri: 'img:2' }, Tags: { Project: 'shop' } });
  for (const f of ['prepare', 'deploy']) {
    fs.writeFileSync(path.join(dir, `${f}.json`), template);
    fs.writeFileSync(path.join(dir, `${f}.config.json`), configuration);
  }
  return dir;
}

interface Script {
  /** Stack statuses DescribeStacks answers in turn (the last repeats); null: no stack. */
  statuses: Array<string | null>;
  changeSet?: { Status: string; StatusReason?: string };
  events?: Json[];
  alarms?: Json[];
}

/** A stand-in for the AWS CLI that answers from a script and records each call (with the change set input it was given). */
function fakeCli(s: Script) {
  const calls: string[][] = [];
  const inputs: Json[] = [];
  let describes = 0;
  const aws = (args: string[]): Json => {
    calls.push(args);
    const op = `${args[0]} ${args[1]}`;
    switch (op) {
      case 'cloudformation describe-stacks': {
        const status = s.statuses[Math.min(describes, s.statuses.length - 1)];
        describes += 1;
        if (status === null) throw new Error(`An error occurred (ValidationError): Stack with id ${STACK} does not exist`);
        return { Stacks: [{ StackId: STACK_ID, StackName: STACK, StackStatus: status }] };
      }
      case 'cloudformation list-stack-resources':
        return { StackResourceSummaries: RESOURCES };
      case 'cloudformation delete-change-set':
        return {};
      case 'cloudformation create-change-set':
        inputs.push(JSON.parse(fs.readFileSync(args[3].replace('file://', ''), 'utf8')));
        return { Id: 'cs' };
      case 'cloudformation describe-change-set':
        return s.changeSet ?? { Status: 'CREATE_COMPLETE' };
      case 'cloudformation execute-change-set':
        return {};
      case 'cloudformation describe-stack-events':
        return { StackEvents: s.events ?? [] };
      case 'cloudwatch describe-alarms':
        return { MetricAlarms: s.alarms ?? [] };
      default:
        throw new Error(`unexpected aws ${args.join(' ')}`);
    }
  };
  return { aws, calls, inputs };
}

function run(s: Script, argv: string[] = []) {
  const dir = planDir();
  const cli = fakeCli(s);
  const log: string[] = [];
  const o = parseArgs([
    '--stack',
    STACK,
    '--plan-dir',
    dir,
    '--steps',
    '1',
    '--execution-role',
    EXECUTION_ROLE,
    '--change-set',
    'shop-web-pipeline',
    '--capabilities',
    'CAPABILITY_IAM,CAPABILITY_AUTO_EXPAND',
    '--monitoring-minutes',
    '10',
    ...argv,
  ]);
  let error: Error | undefined;
  try {
    deployStack({ ...o, pollSeconds: 0 }, { aws: cli.aws, sleep: () => undefined, now: () => T0, log: (l: string) => log.push(l) });
  } catch (e) {
    error = e as Error;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return { ...cli, log, error, ops: cli.calls.map((c) => c[1]) };
}

describe("the rollback configuration of the pipeline's change sets", () => {
  test("an update watches the stack's own alarms for the environment's window", () => {
    const r = run({ statuses: ['UPDATE_COMPLETE', 'UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE'] }, ['--monitoring-minutes', '25']);
    expect(r.error).toBeUndefined();
    expect(r.inputs).toHaveLength(1);
    expect(r.inputs[0]).toMatchObject({
      StackName: STACK,
      ChangeSetName: 'shop-web-pipeline',
      ChangeSetType: 'UPDATE',
      RoleARN: EXECUTION_ROLE,
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_AUTO_EXPAND'],
      Parameters: [
        { ParameterKey: 'ProjectName', ParameterValue: 'shop' },
        { ParameterKey: 'ImageUri', ParameterValue: 'img:2' },
      ],
      Tags: [{ Key: 'Project', Value: 'shop' }],
      RollbackConfiguration: {
        RollbackTriggers: [
          { Arn: ERRORS_ARN, Type: 'AWS::CloudWatch::Alarm' },
          { Arn: UNHEALTHY_ARN, Type: 'AWS::CloudWatch::Alarm' },
        ],
        MonitoringTimeInMinutes: 25,
      },
    });
    expect(JSON.parse(r.inputs[0].TemplateBody).Resources.Service.Type).toBe('AWS::ECS::Service');
    // Executed by the step itself, which waits until the stack leaves UPDATE_IN_PROGRESS (the monitoring window included).
    expect(r.ops.filter((op) => op === 'execute-change-set')).toHaveLength(1);
    expect(r.log.join('\n')).toContain('watching shop-web-target-5xx-prod, shop-web-unhealthy-targets-prod during the update and 25 minute(s) after it');
  });

  test('a first deploy creates the stack without triggers: its alarms do not exist yet', () => {
    const r = run({ statuses: [null, 'CREATE_IN_PROGRESS', 'CREATE_COMPLETE'] });
    expect(r.error).toBeUndefined();
    expect(r.inputs[0].ChangeSetType).toBe('CREATE');
    expect(r.inputs[0].RollbackConfiguration).toBeUndefined();
    expect(r.ops).not.toContain('list-stack-resources');
  });

  test('two updates: prepare.json, then deploy.json, each with its own change set and triggers', () => {
    const r = run({ statuses: ['UPDATE_COMPLETE'] }, ['--steps', '2']);
    expect(r.error).toBeUndefined();
    expect(r.inputs).toHaveLength(2);
    expect(r.inputs.every((i) => i.RollbackConfiguration.RollbackTriggers.length === 2)).toBe(true);
    expect(r.log.filter((l) => l.startsWith('prepare:') || l.startsWith('deploy:')).map((l) => l.split(':')[0])).toEqual(['prepare', 'prepare', 'deploy', 'deploy']);
  });

  test('an update with nothing to change is not executed', () => {
    const r = run({ statuses: ['UPDATE_COMPLETE'], changeSet: { Status: 'FAILED', StatusReason: "The submitted information didn't contain changes." } });
    expect(r.error).toBeUndefined();
    expect(r.ops).not.toContain('execute-change-set');
    expect(r.log).toContain('deploy: nothing to change');
  });

  test("a change set that fails for another reason fails the step with CloudFormation's reason", () => {
    const r = run({ statuses: ['UPDATE_COMPLETE'], changeSet: { Status: 'FAILED', StatusReason: 'Template format error' } });
    expect(r.error?.message).toBe('change set shop-web-pipeline failed: Template format error');
  });
});

describe('a rollback by alarm', () => {
  const events = [
    { Timestamp: '2026-03-01T09:00:00Z', LogicalResourceId: STACK, ResourceStatus: 'UPDATE_ROLLBACK_IN_PROGRESS', ResourceStatusReason: `old: ${ERRORS_ARN}` },
    {
      Timestamp: '2026-03-01T10:12:00Z',
      LogicalResourceId: STACK,
      ResourceStatus: 'UPDATE_ROLLBACK_IN_PROGRESS',
      ResourceStatusReason: `Rollback triggered: Alarm ${UNHEALTHY_ARN} is in ALARM state`,
    },
  ];
  const alarms = [
    { AlarmName: 'shop-web-unhealthy-targets-prod', StateValue: 'ALARM', StateUpdatedTimestamp: '2026-03-01T10:11:00Z', StateReason: 'Threshold Crossed: 2 datapoints' },
    { AlarmName: 'shop-web-target-5xx-prod', StateValue: 'OK', StateUpdatedTimestamp: '2026-03-01T08:00:00Z', StateReason: 'fine' },
  ];

  test("fails the step and names the alarm that caused it, from this update's events and the alarm's state", () => {
    const r = run({ statuses: ['UPDATE_COMPLETE', 'UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE'], events, alarms });
    expect(r.error?.message.split('\n')).toEqual([
      'deploy: the update ended in UPDATE_ROLLBACK_COMPLETE',
      `rolled back by alarm shop-web-unhealthy-targets-prod (${UNHEALTHY_ARN})`,
      'alarm shop-web-unhealthy-targets-prod is in ALARM since 2026-03-01T10:11:00Z: Threshold Crossed: 2 datapoints',
    ]);
    expect(r.calls.find((c) => c[1] === 'describe-alarms')!.slice(2)).toEqual(['--alarm-names', 'shop-web-target-5xx-prod', 'shop-web-unhealthy-targets-prod']);
  });

  test('the second of two updates is not attempted after the first rolled back', () => {
    const r = run({ statuses: ['UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'], events, alarms }, ['--steps', '2']);
    expect(r.error?.message).toMatch(/^prepare: the update ended in UPDATE_ROLLBACK_COMPLETE/);
    expect(r.inputs).toHaveLength(1);
  });

  test('a resource that failed is reported by its own reason', () => {
    const failed = [{ Timestamp: '2026-03-01T10:05:00Z', LogicalResourceId: 'Service', ResourceStatus: 'UPDATE_FAILED', ResourceStatusReason: 'Service did not stabilize' }];
    const r = run({ statuses: ['UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'], events: failed, alarms: [] });
    expect(r.error?.message.split('\n')).toEqual(['deploy: the update ended in UPDATE_ROLLBACK_COMPLETE', 'Service UPDATE_FAILED: Service did not stabilize']);
  });
});

describe('the arguments', () => {
  const base = ['--stack', 's', '--plan-dir', '.', '--steps', '1', '--execution-role', 'r', '--change-set', 'c', '--capabilities', 'CAPABILITY_IAM'];
  test.each([
    [[...base, '--monitoring-minutes', '181'], '--monitoring-minutes "181" must be a whole number from 0 to 180'],
    [[...base, '--monitoring-minutes', 'ten'], '--monitoring-minutes "ten" must be a whole number from 0 to 180'],
    [[...base.slice(0, 4), '--steps', '3', ...base.slice(6), '--monitoring-minutes', '10'], '--steps "3" must be 1 or 2'],
    [base, '--monitoring-minutes is required'],
  ])('%j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

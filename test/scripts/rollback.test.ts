/**
 * Alarm-triggered rollback in `npm run deploy`: the flags, the triggers (a service
 * stack's own alarms by default), the RollbackConfiguration sent with CreateChangeSet,
 * and the report of the alarm that rolled an update back, against a recorded client.
 */
import type { CloudFormationClient, StackEvent } from '@aws-sdk/client-cloudformation';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deploy, DEPLOY_SPEC, planDeploy } from '../../scripts/deploy';
import { parseArgs, UsageError } from '../../scripts/lib/args';
import {
  alarmsInEvents,
  declaredAlarms,
  DEFAULT_MONITORING_MINUTES,
  isServiceTemplate,
  rollbackConfiguration,
  rollbackReport,
  rollbackRequest,
  rollbackTriggers,
  stackArnParts,
} from '../../scripts/lib/rollback';
import { recordingTerminal } from '../../scripts/lib/terminal';
import { fakeClient, Handler, serviceError } from '../helpers/fake-aws';
import { loadTemplate } from '../helpers/template';

/** deploy's arguments for orders' rolling stack, with the template as the render step leaves it (deploy refuses it unrendered). */
const args = (...argv: string[]) => parseArgs(DEPLOY_SPEC, ['ecs-service-rolling', '--templates-dir', renderedDir(), ...argv]);
const rolling = loadTemplate('ecs-service-rolling.json') as any;
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:222222222222:stack/shop-orders-dev/4f1c';
const ERRORS_ARN = 'arn:aws:cloudwatch:eu-west-1:222222222222:alarm:shop-orders-target-5xx-dev';
const UNHEALTHY_ARN = 'arn:aws:cloudwatch:eu-west-1:222222222222:alarm:shop-orders-unhealthy-targets-dev';
const RESOURCES = [
  {
    LogicalResourceId: 'Service',
    ResourceType: 'AWS::ECS::Service',
    PhysicalResourceId: 'arn:aws:ecs:eu-west-1:222222222222:service/shop-cluster-dev/shop-orders-dev-Service-X',
    ResourceStatus: 'UPDATE_COMPLETE',
  },
  { LogicalResourceId: 'TargetErrorsAlarm', ResourceType: 'AWS::CloudWatch::Alarm', PhysicalResourceId: 'shop-orders-target-5xx-dev', ResourceStatus: 'CREATE_COMPLETE' },
  {
    LogicalResourceId: 'UnhealthyTargetsAlarm',
    ResourceType: 'AWS::CloudWatch::Alarm',
    PhysicalResourceId: 'shop-orders-unhealthy-targets-dev',
    ResourceStatus: 'CREATE_COMPLETE',
  },
] as any[];

describe('the rollback flags', () => {
  test("absent: the stack's own alarms decide", () => {
    expect(rollbackRequest(args())).toEqual({});
  });

  test('alarm names and ARNs, each once, with a window', () => {
    expect(rollbackRequest(args('--rollback-alarms', `errors,${UNHEALTHY_ARN},errors`, '--monitoring-minutes', '15'))).toEqual({
      alarms: ['errors', UNHEALTHY_ARN],
      monitoringMinutes: 15,
    });
  });

  test('"none" watches nothing', () => {
    expect(rollbackRequest(args('--rollback-alarms', 'none'))).toEqual({ alarms: [] });
  });

  test.each([
    [['--rollback-alarms', 'none,errors'], '--rollback-alarms none cannot be combined with alarms'],
    [['--rollback-alarms', 'a,b,c,d,e,f'], '--rollback-alarms names 6 alarms; CloudFormation watches at most 5'],
    [
      ['--rollback-alarms', 'arn:aws:sns:eu-west-1:222222222222:topic'],
      '--rollback-alarms "arn:aws:sns:eu-west-1:222222222222:topic" must be a CloudWatch alarm name or an ARN arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>',
    ],
    [['--monitoring-minutes', '181'], '--monitoring-minutes "181" must be a whole number from 0 to 180'],
    [['--monitoring-minutes', '-1'], '--monitoring-minutes "-1" must be a whole number from 0 to 180'],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => rollbackRequest(args(...(argv as string[])))).toThrow(new UsageError(message));
  });
});

describe('the triggers', () => {
  test('the service templates declare their 5xx and unhealthy-target alarms; other templates are not service stacks', () => {
    for (const file of ['ecs-service.json', 'ecs-service-rolling.json']) {
      const t = loadTemplate(file) as any;
      expect(isServiceTemplate(t)).toBe(true);
      expect(declaredAlarms(t)).toEqual(['TargetErrorsAlarm', 'UnhealthyTargetsAlarm']);
    }
    expect(isServiceTemplate(loadTemplate('monitoring.json') as any)).toBe(false);
  });

  test("an update of a service stack is watched by its own alarms, as ARNs of the stack's partition, Region and account", () => {
    expect(stackArnParts(STACK_ID)).toEqual({ partition: 'aws', region: 'eu-west-1', account: '222222222222' });
    const triggers = rollbackTriggers({}, rolling, { stackId: STACK_ID, resources: RESOURCES });
    expect(triggers.map((t) => t.arn)).toEqual([ERRORS_ARN, UNHEALTHY_ARN]);
    expect(rollbackConfiguration({}, triggers)).toEqual({
      RollbackTriggers: [
        { Arn: ERRORS_ARN, Type: 'AWS::CloudWatch::Alarm' },
        { Arn: UNHEALTHY_ARN, Type: 'AWS::CloudWatch::Alarm' },
      ],
      MonitoringTimeInMinutes: DEFAULT_MONITORING_MINUTES,
    });
  });

  test('an alarm the new template no longer declares is not watched (it would be missing, which fails the update)', () => {
    const template = { Resources: { ...rolling.Resources } };
    delete template.Resources.UnhealthyTargetsAlarm;
    expect(rollbackTriggers({}, template, { stackId: STACK_ID, resources: RESOURCES }).map((t) => t.name)).toEqual(['shop-orders-target-5xx-dev']);
  });

  test('a create watches nothing by default (the alarms do not exist yet), and leaves the configuration out', () => {
    expect(rollbackTriggers({}, rolling, undefined)).toEqual([]);
    expect(rollbackConfiguration({}, [])).toBeUndefined();
  });

  test('"none" sends an empty list, which removes triggers saved on the stack', () => {
    expect(rollbackConfiguration({ alarms: [] }, rollbackTriggers({ alarms: [] }, rolling, { stackId: STACK_ID, resources: RESOURCES }))).toEqual({
      RollbackTriggers: [],
      MonitoringTimeInMinutes: 0,
    });
  });

  test('an alarm name needs the stack to exist; an ARN does not', () => {
    expect(() => rollbackTriggers({ alarms: ['errors'] }, rolling, undefined)).toThrow('--rollback-alarms "errors": pass the alarm ARN when the stack does not exist yet');
    expect(rollbackTriggers({ alarms: [ERRORS_ARN] }, rolling, undefined)).toEqual([{ arn: ERRORS_ARN, type: 'AWS::CloudWatch::Alarm', name: 'shop-orders-target-5xx-dev' }]);
    expect(rollbackTriggers({ alarms: ['latency'] }, {}, { stackId: STACK_ID, resources: [] })[0].arn).toBe('arn:aws:cloudwatch:eu-west-1:222222222222:alarm:latency');
  });

  test('more than five alarms of its own: the user must choose', () => {
    const many = Array.from({ length: 6 }, (_, i) => ({ LogicalResourceId: `A${i}`, ResourceType: 'AWS::CloudWatch::Alarm', PhysicalResourceId: `a${i}` }));
    const template = { Resources: { S: { Type: 'AWS::ECS::Service' }, ...Object.fromEntries(many.map((m) => [m.LogicalResourceId, { Type: 'AWS::CloudWatch::Alarm' }])) } };
    expect(() => rollbackTriggers({}, template, { stackId: STACK_ID, resources: many as any })).toThrow(
      'the stack has 6 alarms; CloudFormation watches at most 5: name them with --rollback-alarms',
    );
  });
});

describe('the report', () => {
  const triggers = rollbackTriggers({}, rolling, { stackId: STACK_ID, resources: RESOURCES });
  const at = (s: number) => new Date(Date.UTC(2026, 10, 20, 12, 0, s));
  const ev = (reason: string, s: number): StackEvent => ({ StackId: STACK_ID, StackName: 'shop-orders-dev', EventId: `e${s}`, ResourceStatusReason: reason, Timestamp: at(s) });

  test('names the alarm an event names, by ARN or by name, and not one whose name merely contains it', () => {
    const events = [ev(`Rollback triggered by alarm ${UNHEALTHY_ARN}`, 2), ev('Alarm shop-orders-target-5xx-dev-old is in ALARM', 1)];
    expect(alarmsInEvents(events, triggers).map((t) => t.name)).toEqual(['shop-orders-unhealthy-targets-dev']);
    expect(alarmsInEvents([ev('Alarm shop-orders-target-5xx-dev went to ALARM', 1)], triggers).map((t) => t.name)).toEqual(['shop-orders-target-5xx-dev']);
    expect(rollbackReport(events, triggers, false)).toEqual([`rolled back by alarm shop-orders-unhealthy-targets-dev (${UNHEALTHY_ARN})`]);
  });

  test('says which alarms were watched when no event names one', () => {
    expect(rollbackReport([ev('Stack update cancelled', 1)], triggers, false)).toEqual([
      'rolled back while CloudFormation watched the alarms shop-orders-target-5xx-dev, shop-orders-unhealthy-targets-dev; no stack event names one of them',
    ]);
    expect(rollbackReport([ev('Invalid image', 1)], triggers, true)).toEqual([]);
    expect(rollbackReport([], [], false)).toEqual([]);
  });
});

// --- The deploy flow ------------------------------------------------------------------------

let savedPoll: string | undefined;
let dir: string;
beforeAll(() => {
  savedPoll = process.env.CDT_POLL_SECONDS;
  process.env.CDT_POLL_SECONDS = '0.01';
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollback-'));
});
afterAll(() => {
  if (savedPoll === undefined) delete process.env.CDT_POLL_SECONDS;
  else process.env.CDT_POLL_SECONDS = savedPoll;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A templates folder with ecs-service-rolling.json rendered: its ImageUri has the image as default. */
function renderedDir(): string {
  const out = path.join(dir, 'rendered');
  if (!fs.existsSync(out)) {
    fs.mkdirSync(out);
    const template = JSON.parse(JSON.stringify(rolling));
    template.Parameters.ImageUri.Default = '111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-images-tools:orders-1a2b3c4';
    fs.writeFileSync(path.join(out, 'ecs-service-rolling.json'), JSON.stringify(template));
  }
  return out;
}

/** The committed parameter file of orders in dev, with the image the pipeline would supply. */
function parameterFile(): string {
  const source = path.resolve(__dirname, '..', '..', 'templates', 'parameters', 'ecs-service-rolling', 'orders', 'dev.json');
  const pf = JSON.parse(fs.readFileSync(source, 'utf8'));
  pf.Parameters.ImageUri = '111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-images-tools:orders-1a2b3c4';
  const file = path.join(dir, 'orders-dev.json');
  fs.writeFileSync(file, JSON.stringify(pf));
  return file;
}

const EXISTING = { StackName: 'shop-orders-ecs-service-rolling-dev', StackId: STACK_ID, StackStatus: 'UPDATE_COMPLETE', Parameters: [], Tags: [] };
const CHANGE = {
  Status: 'CREATE_COMPLETE',
  Changes: [
    { Type: 'Resource', ResourceChange: { Action: 'Modify', LogicalResourceId: 'TaskDefinition', ResourceType: 'AWS::ECS::TaskDefinition', Replacement: 'True', Details: [] } },
  ],
};

function updateHandlers(final: string, events: any[]): Record<string, Handler> {
  return {
    DescribeStacks: (_i, n) => ({ Stacks: [n === 0 ? EXISTING : { ...EXISTING, StackStatus: n === 1 ? 'UPDATE_IN_PROGRESS' : final }] }),
    ListStackResources: () => ({ StackResourceSummaries: RESOURCES }),
    CreateChangeSet: () => ({ Id: 'cs-1' }),
    DescribeChangeSet: () => CHANGE,
    ExecuteChangeSet: () => ({}),
    DescribeStackEvents: (_i, n) => (n === 0 ? { StackEvents: [] } : { StackEvents: events }),
  };
}

describe('npm run deploy with alarms', () => {
  test('an update of a service stack sends its alarms and the window, and reports the alarm that rolled it back', async () => {
    const now = Date.now();
    const events = [
      {
        EventId: 'e3',
        LogicalResourceId: EXISTING.StackName,
        ResourceType: 'AWS::CloudFormation::Stack',
        ResourceStatus: 'UPDATE_ROLLBACK_COMPLETE',
        Timestamp: new Date(now + 3000),
      },
      {
        EventId: 'e2',
        LogicalResourceId: EXISTING.StackName,
        ResourceType: 'AWS::CloudFormation::Stack',
        ResourceStatus: 'UPDATE_ROLLBACK_IN_PROGRESS',
        ResourceStatusReason: `Rollback triggered by CloudWatch alarm ${ERRORS_ARN}`,
        Timestamp: new Date(now + 2000),
      },
      { EventId: 'e1', LogicalResourceId: 'TaskDefinition', ResourceType: 'AWS::ECS::TaskDefinition', ResourceStatus: 'UPDATE_COMPLETE', Timestamp: new Date(now + 1000) },
    ];
    const cf = fakeClient(updateHandlers('UPDATE_ROLLBACK_COMPLETE', events));
    const term = recordingTerminal();
    const code = await deploy(cf as unknown as CloudFormationClient, planDeploy(args('--parameters', parameterFile(), '--yes')), term);
    expect(code).toBe(1);
    const create = cf.calls.find((c) => c.command === 'CreateChangeSet')!.input;
    expect(create.RollbackConfiguration).toEqual({
      RollbackTriggers: [
        { Arn: ERRORS_ARN, Type: 'AWS::CloudWatch::Alarm' },
        { Arn: UNHEALTHY_ARN, Type: 'AWS::CloudWatch::Alarm' },
      ],
      MonitoringTimeInMinutes: 10,
    });
    expect(term.lines).toContain('   rolls back if shop-orders-target-5xx-dev or shop-orders-unhealthy-targets-dev goes to ALARM during the update or 10 min after it');
    expect(term.errors).toContain(`rolled back by alarm shop-orders-target-5xx-dev (${ERRORS_ARN})`);
  });

  test('--rollback-alarms and --monitoring-minutes replace the default', async () => {
    const cf = fakeClient(updateHandlers('UPDATE_COMPLETE', []));
    const term = recordingTerminal();
    const plan = planDeploy(args('--parameters', parameterFile(), '--yes', '--rollback-alarms', 'shop-latency-dev', '--monitoring-minutes', '30'));
    expect(await deploy(cf as unknown as CloudFormationClient, plan, term)).toBe(0);
    expect(cf.calls.map((c) => c.command)).not.toContain('ListStackResources');
    expect(cf.calls.find((c) => c.command === 'CreateChangeSet')!.input.RollbackConfiguration).toEqual({
      RollbackTriggers: [{ Arn: 'arn:aws:cloudwatch:eu-west-1:222222222222:alarm:shop-latency-dev', Type: 'AWS::CloudWatch::Alarm' }],
      MonitoringTimeInMinutes: 30,
    });
  });

  test('a new service stack is created without triggers: its alarms do not exist yet', async () => {
    const cf = fakeClient({
      DescribeStacks: (_i, n) => {
        if (n === 0) throw serviceError('ValidationError', 'Stack with id shop-orders-ecs-service-rolling-dev does not exist');
        return { Stacks: [{ ...EXISTING, StackStatus: 'CREATE_COMPLETE' }] };
      },
      CreateChangeSet: () => ({ Id: 'cs-2' }),
      DescribeChangeSet: () => CHANGE,
      ExecuteChangeSet: () => ({}),
      DescribeStackEvents: () => ({ StackEvents: [] }),
    });
    const term = recordingTerminal();
    expect(await deploy(cf as unknown as CloudFormationClient, planDeploy(args('--parameters', parameterFile(), '--yes')), term)).toBe(0);
    expect(cf.calls.find((c) => c.command === 'CreateChangeSet')!.input.RollbackConfiguration).toBeUndefined();
    expect(cf.calls.map((c) => c.command)).not.toContain('ListStackResources');
  });

  test('a failure that is not a rollback by alarm reports the failing resource only', async () => {
    const now = Date.now();
    const events = [
      {
        EventId: 'e2',
        LogicalResourceId: 'TaskDefinition',
        ResourceType: 'AWS::ECS::TaskDefinition',
        ResourceStatus: 'UPDATE_FAILED',
        ResourceStatusReason: 'Invalid image',
        Timestamp: new Date(now + 2000),
      },
    ];
    const cf = fakeClient(updateHandlers('UPDATE_ROLLBACK_COMPLETE', events));
    const term = recordingTerminal();
    expect(await deploy(cf as unknown as CloudFormationClient, planDeploy(args('--parameters', parameterFile(), '--yes')), term)).toBe(1);
    expect(term.errors).toContain('  TaskDefinition (AWS::ECS::TaskDefinition): Invalid image');
    expect(term.errors.filter((e) => e.startsWith('rolled back'))).toEqual([]);
  });
});

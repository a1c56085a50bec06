/**
 * scripts/self-update.js: the pipeline's update of its own two stacks, against a
 * stand-in for the AWS CLI that plays CloudFormation and CodePipeline: an unchanged
 * template causes no update and no restart; a changed one one update and exactly one
 * restart, after which the next execution finds nothing to do; an execution started by
 * a self-update that still finds a difference fails instead of restarting again; a
 * change that widens the pipeline's own permissions says so (the approval gate).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEMPLATES_DIR } from '../helpers/template';

type Json = Record<string, any>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const selfUpdate = require('../../scripts/self-update.js') as {
  check(o: Json, io: Json): { changed: boolean; widened: boolean; summary: string };
  apply(o: Json, io: Json): boolean;
  parseArgs(argv: string[]): Json;
};

const BUILD_STACK = 'shop-web-pipeline-build-tools';
const PIPELINE_STACK = 'shop-web-pipeline-tools';
const read = (rel: string) => fs.readFileSync(path.join(TEMPLATES_DIR, rel), 'utf8');

/** An account in which the two stacks hold templates and parameters, updated by the change sets it executes. */
class Account {
  readonly stacks = new Map<string, { template: string; parameters: Record<string, string>; tags: Record<string, string> }>();
  readonly calls: string[][] = [];
  readonly executions: Json[] = [];
  private pending = new Map<string, Json>();

  constructor() {
    for (const [stack, name] of [
      [BUILD_STACK, 'pipeline-build'],
      [PIPELINE_STACK, 'pipeline'],
    ]) {
      const file = JSON.parse(read(`parameters/${name}/web.json`));
      this.stacks.set(stack, { template: read(`${name}.json`), parameters: { ...file.Parameters }, tags: { ...file.Tags } });
    }
  }

  readonly aws = (args: string[]): Json => {
    this.calls.push(args);
    const arg = (flag: string) => args[args.indexOf(flag) + 1];
    const stack = this.stacks.get(arg('--stack-name'));
    switch (`${args[0]} ${args[1]}`) {
      case 'cloudformation describe-stacks':
        if (!stack) throw new Error(`Stack with id ${arg('--stack-name')} does not exist`);
        return {
          Stacks: [
            {
              StackStatus: 'UPDATE_COMPLETE',
              Parameters: Object.entries(stack.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
              Tags: Object.entries(stack.tags).map(([Key, Value]) => ({ Key, Value })),
            },
          ],
        };
      case 'cloudformation get-template':
        // The AWS CLI prints a JSON template body as an object.
        return { TemplateBody: JSON.parse(stack!.template) };
      case 'cloudformation delete-change-set':
        return {};
      case 'cloudformation create-change-set': {
        const input = JSON.parse(fs.readFileSync(arg('--cli-input-json').replace('file://', ''), 'utf8'));
        this.pending.set(input.StackName, input);
        return { Id: 'cs' };
      }
      case 'cloudformation describe-change-set':
        return { Status: 'CREATE_COMPLETE' };
      case 'cloudformation execute-change-set': {
        const input = this.pending.get(arg('--stack-name'))!;
        const pairs = (list: Json[], k: string, v: string) => Object.fromEntries(list.map((p) => [p[k], p[v]]));
        this.stacks.set(input.StackName, {
          template: input.TemplateBody,
          parameters: pairs(input.Parameters, 'ParameterKey', 'ParameterValue'),
          tags: pairs(input.Tags, 'Key', 'Value'),
        });
        return {};
      }
      case 'codepipeline start-pipeline-execution':
        this.executions.push({ started: args.slice(2) });
        return { pipelineExecutionId: `e${this.executions.length + 1}` };
      case 'codepipeline stop-pipeline-execution':
        this.executions.push({ stopped: arg('--pipeline-execution-id') });
        return {};
      default:
        throw new Error(`unexpected aws ${args.join(' ')}`);
    }
  };
}

/** A templates source: the generated templates, with `edit` applied to a copy of pipeline.json. */
function templatesSource(edit?: (pipeline: Json) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'templates-'));
  fs.cpSync(TEMPLATES_DIR, dir, { recursive: true });
  if (edit) {
    const pipeline = JSON.parse(read('pipeline.json'));
    edit(pipeline);
    fs.writeFileSync(path.join(dir, 'pipeline.json'), `${JSON.stringify(pipeline, null, 2)}\n`);
  }
  return dir;
}

const log: string[] = [];
const io = (account: Account) => ({ aws: account.aws, sleep: () => undefined, now: () => 0, log: (l: string) => log.push(l) });
const options = (templatesDir: string, restartedFrom = 'none', executionId = 'e1') => ({
  ...selfUpdate.parseArgs([
    'apply',
    '--templates-dir',
    templatesDir,
    '--service',
    'web',
    '--build-stack',
    BUILD_STACK,
    '--pipeline-stack',
    PIPELINE_STACK,
    '--restarted-from',
    restartedFrom,
    '--pipeline',
    'shop-web-pipeline-tools',
    '--role-arn',
    'arn:aws:iam::111111111111:role/shop-pipeline-stacks-tools',
    '--execution-id',
    executionId,
    '--commit-id',
    '3f2a9c1',
  ]),
  pollSeconds: 0,
  workDir: fs.mkdtempSync(path.join(os.tmpdir(), 'self-update-work-')),
});

/** One execution's three stages: the check, then (as CodePipeline's stage conditions allow) the update. */
function execution(account: Account, templatesDir: string, restartedFrom = 'none', executionId = 'e1') {
  const o = options(templatesDir, restartedFrom, executionId);
  const checked = selfUpdate.check(o, io(account));
  const restarted = checked.changed ? selfUpdate.apply(o, io(account)) : false;
  return { checked, restarted };
}

const longerTimeout = (p: Json) => {
  p.Resources.Pipeline.Properties.Stages[0].Actions[0].TimeoutInMinutes = 30;
};
const widerPipelineRole = (p: Json) => {
  p.Resources.PipelineRole.Properties.Policies[0].PolicyDocument.Statement.push({ Sid: 'More', Effect: 'Allow', Action: ['s3:DeleteObject'], Resource: ['arn:aws:s3:::other/*'] });
};

describe("the pipeline's self-update", () => {
  test('unchanged templates and parameters: no update, no restart', () => {
    const account = new Account();
    const r = execution(account, templatesSource());
    expect(r.checked).toEqual({ changed: false, widened: false, summary: 'no change' });
    expect(r.restarted).toBe(false);
    expect(account.calls.map((c) => c[1])).not.toContain('create-change-set');
    expect(account.executions).toEqual([]);
  });

  test('a changed template: one update of that stack, one restart on the same commit; the restarted execution finds nothing and goes on', () => {
    const account = new Account();
    const source = templatesSource(longerTimeout);
    const first = execution(account, source);
    expect(first.checked).toEqual({ changed: true, widened: false, summary: 'widens no permission' });
    expect(account.calls.filter((c) => c[1] === 'create-change-set').map((c) => JSON.parse(fs.readFileSync(c[3].replace('file://', ''), 'utf8')).StackName)).toEqual([
      PIPELINE_STACK,
    ]);
    expect(account.executions).toEqual([
      {
        started: [
          '--name',
          'shop-web-pipeline-tools',
          '--variables',
          'name=RestartedFrom,value=e1',
          '--source-revisions',
          'actionName=App,revisionType=COMMIT_ID,revisionValue=3f2a9c1',
        ],
      },
      { stopped: 'e1' },
    ]);
    // The restarted execution (e2, RestartedFrom=e1) finds the stacks as the templates source has them.
    const second = execution(account, source, 'e1', 'e2');
    expect(second).toEqual({ checked: { changed: false, widened: false, summary: 'no change' }, restarted: false });
    expect(account.executions).toHaveLength(2);
  });

  test('a changed parameter value counts as a change', () => {
    const account = new Account();
    account.stacks.get(BUILD_STACK)!.parameters.ScanCriticalThreshold = '3';
    const r = execution(account, templatesSource());
    expect(r.checked.changed).toBe(true);
    expect(account.stacks.get(BUILD_STACK)!.parameters.ScanCriticalThreshold).toBe('0');
    expect(account.executions.filter((e) => e.started)).toHaveLength(1);
  });

  test('an execution started by a self-update that still finds a difference fails instead of restarting again', () => {
    const account = new Account();
    const o = options(templatesSource(longerTimeout), 'e1', 'e2');
    expect(() => selfUpdate.check(o, io(account))).toThrow(/after the self-update of execution e1: not restarting again/);
    expect(account.executions).toEqual([]);
  });

  test("a change that widens the pipeline's own permissions is reported for the approval", () => {
    const account = new Account();
    const o = options(templatesSource(widerPipelineRole));
    const r = selfUpdate.check(o, io(account));
    expect(r.changed).toBe(true);
    expect(r.widened).toBe(true);
    expect(r.summary).toMatch(/^widens .*PipelineRole.*s3:DeleteObject/);
    expect(account.calls.map((c) => c[1])).not.toContain('create-change-set');
  });

  test('before the bootstrap (no stacks), the step says to deploy them by hand', () => {
    const account = new Account();
    account.stacks.clear();
    expect(() => selfUpdate.check(options(templatesSource()), io(account))).toThrow(`stack ${BUILD_STACK} does not exist: deploy the pipeline stacks by hand first`);
  });

  test.each([
    [['deploy'], 'the first argument must be check or apply, not "deploy"'],
    [['check', '--service', 'web'], '--templates-dir is required for check'],
    [['apply', '--templates-dir', 't', '--service', 'web', '--build-stack', 'b', '--pipeline-stack', 'p'], '--pipeline is required for apply'],
  ])('%j is refused', (argv, message) => {
    expect(() => selfUpdate.parseArgs(argv)).toThrow(message);
  });
});

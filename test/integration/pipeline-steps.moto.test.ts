/**
 * The pipeline's steps with the real AWS CLI against moto_server, smoke tests of the CLI
 * calls: scripts/deploy-stack.js creates a service-like stack without triggers, then
 * updates it with the stack's own alarm as rollback trigger (moto accepts a
 * RollbackConfiguration but neither watches alarms nor rolls back; the rollback and its
 * report are tested against a stand-in in test/scripts/deploy-stack.test.ts);
 * scripts/self-update.js reads what is deployed (GetTemplate as submitted,
 * DescribeStacks) and finds an unchanged pair of stacks unchanged and a changed one
 * changed (moto has no StartPipelineExecution: the restart is tested against a
 * stand-in in test/scripts/self-update.test.ts).
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cfClient } from '../helpers/aws';
import { MOTO_DEFAULT_ACCOUNT, Moto, startMoto } from '../helpers/moto';
import { ROOT } from '../helpers/template';

/** Each AWS CLI call starts a Python process (a second or more on a busy machine): a bound for the tests that make many. */
const CLI_TESTS_MS = 180_000;

let moto: Moto;
let dir: string;
beforeAll(async () => {
  moto = await startMoto();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-steps-'));
});
afterAll(async () => {
  await moto?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function node(script: string, args: string[]) {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: moto.endpoint,
  };
  return spawnSync('node', [path.join(ROOT, script), ...args], { encoding: 'utf8', env, timeout: CLI_TESTS_MS });
}

/** A service-like stack: an ECS service (what makes the stack's alarms the default triggers) and one alarm. */
function serviceTemplate(desiredCount: number) {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Parameters: { Name: { Type: 'String' } },
    Resources: {
      Cluster: { Type: 'AWS::ECS::Cluster', Properties: { ClusterName: { 'Fn::Sub': '${Name}-cluster' } } },
      TaskDefinition: {
        Type: 'AWS::ECS::TaskDefinition',
        Properties: { Family: { Ref: 'Name' }, ContainerDefinitions: [{ Name: 'app', Image: 'nginx', Memory: 512 }] },
      },
      Service: {
        Type: 'AWS::ECS::Service',
        Properties: { Cluster: { Ref: 'Cluster' }, TaskDefinition: { Ref: 'TaskDefinition' }, DesiredCount: desiredCount },
      },
      TargetErrorsAlarm: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: { 'Fn::Sub': '${Name}-target-5xx' },
          Namespace: 'AWS/ApplicationELB',
          MetricName: 'HTTPCode_Target_5XX_Count',
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 2,
          Threshold: 5,
          ComparisonOperator: 'GreaterThanThreshold',
        },
      },
    },
  };
}

test(
  'deploy-stack.js: a create, then an update, each a change set executed and waited for',
  async () => {
    const plan = path.join(dir, 'plan');
    fs.mkdirSync(plan);
    const write = (desiredCount: number) => {
      fs.writeFileSync(path.join(plan, 'deploy.json'), JSON.stringify(serviceTemplate(desiredCount)));
      fs.writeFileSync(path.join(plan, 'deploy.config.json'), JSON.stringify({ Parameters: { Name: 'shop-web' }, Tags: { Project: 'shop' } }));
    };
    const args = [
      '--stack',
      'shop-web-dev',
      '--plan-dir',
      plan,
      '--steps',
      '1',
      '--execution-role',
      `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:role/cfn-exec`,
      '--change-set',
      'shop-web-pipeline',
      '--capabilities',
      'CAPABILITY_IAM,CAPABILITY_AUTO_EXPAND',
      '--monitoring-minutes',
      '7',
    ];
    write(1);
    const created = node('scripts/deploy-stack.js', args);
    expect(created.stderr).toContain('deploy: no alarm to watch (a new stack)');
    expect(created.status).toBe(0);

    write(2);
    const updated = node('scripts/deploy-stack.js', args);
    expect(updated.stderr).toContain('deploy: UPDATE_COMPLETE');
    expect(updated.status).toBe(0);
    const cf = cfClient(moto.endpoint, MOTO_DEFAULT_ACCOUNT);
    const stack = (await cf.send(new DescribeStacksCommand({ StackName: 'shop-web-dev' }))).Stacks![0];
    expect(stack.StackStatus).toBe('UPDATE_COMPLETE');
    expect(stack.Tags).toEqual([{ Key: 'Project', Value: 'shop' }]);
  },
  CLI_TESTS_MS,
);

test(
  'self-update.js check: unchanged stacks are unchanged, a changed template is a change',
  () => {
    const templates = path.join(dir, 'templates');
    fs.mkdirSync(path.join(templates, 'parameters', 'pipeline-build'), { recursive: true });
    fs.mkdirSync(path.join(templates, 'parameters', 'pipeline'), { recursive: true });
    const topic = (name: string) => ({
      Parameters: { Suffix: { Type: 'String' } },
      Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': `${name}-\${Suffix}` } } } },
    });
    for (const [file, name] of [
      ['pipeline-build', 'build'],
      ['pipeline', 'pipeline'],
    ]) {
      fs.writeFileSync(path.join(templates, `${file}.json`), `${JSON.stringify(topic(name), null, 2)}\n`);
      fs.writeFileSync(path.join(templates, 'parameters', file, 'web.json'), JSON.stringify({ Parameters: { Suffix: 'tools' }, Tags: { Project: 'shop' } }));
      const r = spawnSync(
        'aws',
        [
          'cloudformation',
          'create-stack',
          '--stack-name',
          `shop-web-${file}-tools`,
          '--template-body',
          `file://${path.join(templates, `${file}.json`)}`,
          '--parameters',
          'ParameterKey=Suffix,ParameterValue=tools',
          '--tags',
          'Key=Project,Value=shop',
        ],
        {
          encoding: 'utf8',
          env: { ...process.env, AWS_ENDPOINT_URL: moto.endpoint, AWS_DEFAULT_REGION: 'us-east-1', HOME: dir },
        },
      );
      expect(r.stderr).toBe('');
    }
    const check = () =>
      node('scripts/self-update.js', [
        'check',
        '--templates-dir',
        templates,
        '--service',
        'web',
        '--build-stack',
        'shop-web-pipeline-build-tools',
        '--pipeline-stack',
        'shop-web-pipeline-tools',
        '--restarted-from',
        'none',
      ]);
    const same = check();
    expect(same.stderr).toContain('the pipeline stacks match the templates source');
    expect(same.stdout).toBe("export CHANGED=no WIDENED=no SUMMARY='no change'\n");

    fs.writeFileSync(path.join(templates, 'pipeline.json'), JSON.stringify(topic('renamed')));
    const changed = check();
    expect(changed.stderr).toContain('shop-web-pipeline-tools: template');
    expect(changed.stdout).toBe("export CHANGED=yes WIDENED=no SUMMARY='widens no permission'\n");
  },
  CLI_TESTS_MS,
);

/**
 * dora.json and its function: recorded event sequences (a success, a failure then a fix,
 * an ECS rollback, an approval wait) run through the function code exactly as the
 * template ships it, against fake SDK clients and an in-memory table, with the expected
 * figures worked out by hand; the rules match the documented events; the bus admits only
 * the member accounts' ECS deployment events; the metrics put are the ones the
 * monitoring dashboard reads.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { DORA_METRICS_FILE, ZIP_FILE_LIMIT, functionCode, inlineCode } from '../../generator/functions';
import { ECS_SERVICE_IDS } from '../../generator/contracts/service';
import { stackName } from '../../generator/core/naming';
import { ProjectConfig, resolveConfig } from '../../generator/config/types';
import { serializeTemplate } from '../../generator/core/serialize';
import { TEMPLATE_BODY_LIMIT_BYTES } from '../../generator/core/limits';
import { templateChecks } from '../../generator/validate';
import { DORA_IDS as ID, buildDoraTemplate } from '../../generator/templates/dora';
import { DORA_DIMENSIONS, DORA_METRICS, ECS_DEPLOYMENT_EVENTS } from '../../generator/contracts/dora';
import { stageEvent } from '../fixtures/codepipeline-events';
import { PROD_ACCOUNT, SERVICE_ARN, ecsDeploymentEvent } from '../fixtures/ecs-events';
import { matchesEventPattern } from '../helpers/event-pattern';
import { exampleConfig, loadTemplate, policyStatements, resolve, resource } from '../helpers/template';

const template = loadTemplate('dora.json');
const monitoring = loadTemplate('monitoring.json');
const config = exampleConfig();

const PARAMS: Record<string, string> = {
  ProjectName: 'shop',
  EnvironmentSuffix: 'tools',
  DevAccountId: '222222222222',
  StagingAccountId: '333333333333',
  ProdAccountId: PROD_ACCOUNT,
  DevEnvironmentSuffix: 'dev',
  StagingEnvironmentSuffix: 'staging',
  ProdEnvironmentSuffix: 'prod',
  DoraStateTable: 'shop-dora-tools',
  'AWS::Partition': 'aws',
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '111111111111',
};
const NAMESPACE = 'ContainerDelivery/shop-tools';

function resolveDeep(value: unknown): any {
  if (Array.isArray(value)) return value.map(resolveDeep);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0][0] === 'Fn::GetAtt') return `<${(entries[0][1] as string[]).join('.')}>`;
  if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) return resolve(value, PARAMS);
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveDeep(v)]));
}

const fnProps = resource(template, ID.function).Properties as any;
const SOURCE: string = fnProps.Code.ZipFile;
const ENV: Record<string, string> = resolveDeep(fnProps.Environment.Variables);

// --- The function, run as Lambda runs it -----------------------------------------------------

interface Put {
  metric: string;
  service: string;
  environment: string;
  value: number;
  unit: string;
  time: string;
}

/** A fake AWS: a table in memory, pipeline executions by ID, every metric put. */
class FakeAws {
  readonly table = new Map<string, Record<string, { N: string }>>();
  readonly puts: Put[] = [];
  readonly calls: string[] = [];
  /** Source revisions (artifactRevisions[].created) of each execution. */
  readonly revisions = new Map<string, string[]>();

  send(service: string, operation: string, input: any): Promise<any> {
    this.calls.push(`${service}.${operation}`);
    switch (`${service}.${operation}`) {
      case 'DynamoDB.GetItem': {
        expect(input.TableName).toBe(ENV.TABLE_NAME);
        const item = this.table.get(input.Key.Key.S);
        return Promise.resolve(item ? { Item: { Key: input.Key.Key, ...item } } : {});
      }
      case 'DynamoDB.PutItem': {
        const { Key, ...rest } = input.Item;
        this.table.set(Key.S, rest);
        return Promise.resolve({});
      }
      case 'CodePipeline.GetPipelineExecution': {
        const created = this.revisions.get(input.pipelineExecutionId);
        if (!created) throw new Error(`no execution ${input.pipelineExecutionId}`);
        return Promise.resolve({
          pipelineExecution: {
            pipelineName: input.pipelineName,
            pipelineExecutionId: input.pipelineExecutionId,
            artifactRevisions: created.map((c, i) => ({ name: `Source${i}`, revisionId: `c0ffee${i}`, created: new Date(c) })),
          },
        });
      }
      case 'CloudWatch.PutMetricData': {
        expect(input.Namespace).toBe(NAMESPACE);
        for (const d of input.MetricData) {
          expect(d.Dimensions.map((x: any) => x.Name).sort()).toEqual([...DORA_DIMENSIONS]);
          const dim = (n: string) => d.Dimensions.find((x: any) => x.Name === n).Value;
          this.puts.push({ metric: d.MetricName, service: dim('Service'), environment: dim('Environment'), value: d.Value, unit: d.Unit, time: d.Timestamp.toISOString() });
        }
        return Promise.resolve({});
      }
      default:
        throw new Error(`unexpected call ${service}.${operation}`);
    }
  }
}

/** The inline code from the template, loaded in a sandbox whose only module is the fake SDK. */
function loadFunction(aws: FakeAws): { run: (event: unknown, clients: unknown) => Promise<any>; handler: (event: unknown) => Promise<any>; required: string[] } {
  const required: string[] = [];
  const sdk = (service: string) => {
    const mod: Record<string, unknown> = {
      [`${service}Client`]: class {
        send(command: { op: string; input: unknown }) {
          return aws.send(service, command.op, command.input);
        }
      },
    };
    for (const op of ['GetItem', 'PutItem', 'GetPipelineExecution', 'PutMetricData']) {
      mod[`${op}Command`] = class {
        readonly op = op;
        constructor(readonly input: unknown) {}
      };
    }
    return mod;
  };
  const modules: Record<string, unknown> = {
    '@aws-sdk/client-dynamodb': sdk('DynamoDB'),
    '@aws-sdk/client-codepipeline': sdk('CodePipeline'),
    '@aws-sdk/client-cloudwatch': sdk('CloudWatch'),
  };
  const module = { exports: {} as any };
  vm.runInNewContext(
    SOURCE,
    {
      require: (name: string) => {
        required.push(name);
        if (!(name in modules)) throw new Error(`the function requires ${name}, which the Node.js runtime does not provide`);
        return modules[name];
      },
      module,
      exports: module.exports,
      process: { env: ENV },
      console: { log: () => undefined },
      JSON,
      Date,
      Math,
      Number,
      String,
    },
    { filename: 'index.js' },
  );
  return { run: module.exports.run, handler: module.exports.handler, required };
}

const PIPELINE = 'shop-web-pipeline-tools';

/** A deploy stage event of one execution: the fixture's documented shape, with this execution's ID and start. */
function deployStage(environment: string, state: 'SUCCEEDED' | 'FAILED', time: string, execution: string, started: string, pipeline = PIPELINE): any {
  const e = stageEvent(`Deploy-${environment}`, state, pipeline, time);
  e.detail['execution-id'] = execution;
  e.detail['start-time'] = started;
  return e;
}

async function replay(events: unknown[], revisions: Record<string, string[]> = {}): Promise<FakeAws> {
  const aws = new FakeAws();
  for (const [id, created] of Object.entries(revisions)) aws.revisions.set(id, created);
  const fn = loadFunction(aws);
  for (const e of events) await fn.run(e, aws);
  return aws;
}

const figures = (aws: FakeAws) => aws.puts.map((p) => `${p.environment} ${p.service} ${p.metric}=${p.value} ${p.unit}`);

describe('the DORA function on recorded event sequences', () => {
  test('a success: one deployment, no failure, lead time from the commit (10:00:00) to the stage end (10:25:00) = 1500 s', async () => {
    const aws = await replay([deployStage('prod', 'SUCCEEDED', '2026-11-20T10:25:00Z', 'e1', '2026-11-20T10:02:00Z')], { e1: ['2026-11-20T10:00:00Z'] });
    expect(figures(aws)).toEqual(['prod web Deployments=1 Count', 'prod web ChangeFailure=0 Percent', 'prod web LeadTime=1500 Seconds']);
    expect(aws.puts.every((p) => p.time === '2026-11-20T10:25:00.000Z')).toBe(true);
    expect(aws.table.size).toBe(0);
  });

  test('a failure then a fix: failure 11:00, fix committed 11:10 and deployed 11:45: lead time 2100 s, time to restore 2700 s', async () => {
    const aws = await replay(
      [
        deployStage('prod', 'FAILED', '2026-11-20T11:00:00Z', 'e2', '2026-11-20T10:40:00Z'),
        deployStage('prod', 'SUCCEEDED', '2026-11-20T11:45:00Z', 'e3', '2026-11-20T11:12:00Z'),
      ],
      { e3: ['2026-11-20T11:10:00Z'] },
    );
    expect(figures(aws)).toEqual([
      'prod web ChangeFailure=100 Percent',
      'prod web Deployments=1 Count',
      'prod web ChangeFailure=0 Percent',
      'prod web LeadTime=2100 Seconds',
      'prod web TimeToRestore=2700 Seconds',
    ]);
    expect(aws.table.get('web|prod')).toEqual({ restoredAt: { N: String(Date.parse('2026-11-20T11:45:00Z')) } });
  });

  test('a rollback: ECS fails at 12:10 and has rolled back at 12:14 (240 s); the stage failing later (12:18) reopens nothing', async () => {
    const aws = await replay([
      ecsDeploymentEvent('SERVICE_DEPLOYMENT_IN_PROGRESS', '2026-11-20T12:05:00Z'),
      ecsDeploymentEvent('SERVICE_DEPLOYMENT_FAILED', '2026-11-20T12:10:00Z'),
      ecsDeploymentEvent('SERVICE_DEPLOYMENT_IN_PROGRESS', '2026-11-20T12:10:05Z'),
      ecsDeploymentEvent('SERVICE_DEPLOYMENT_COMPLETED', '2026-11-20T12:14:00Z'),
      // CloudFormation rolls the stack back, which deploys the old task definition once more.
      ecsDeploymentEvent('SERVICE_DEPLOYMENT_COMPLETED', '2026-11-20T12:16:00Z'),
      deployStage('prod', 'FAILED', '2026-11-20T12:18:00Z', 'e4', '2026-11-20T12:00:00Z'),
    ]);
    expect(figures(aws)).toEqual(['prod web TimeToRestore=240 Seconds', 'prod web ChangeFailure=100 Percent']);
    expect(aws.table.get('web|prod')?.failedAt).toBeUndefined();
  });

  test('an approval wait counts in the lead time: committed 09:00, staging at 09:20 (1200 s), approved and in prod at 15:20 (22800 s)', async () => {
    const aws = await replay(
      [
        deployStage('staging', 'SUCCEEDED', '2026-11-20T09:20:00Z', 'e5', '2026-11-20T09:01:00Z'),
        deployStage('prod', 'SUCCEEDED', '2026-11-20T15:20:00Z', 'e5', '2026-11-20T09:01:00Z'),
      ],
      // Application and templates sources: the newest revision is the change the execution carries.
      { e5: ['2026-11-19T16:30:00Z', '2026-11-20T09:00:00Z'] },
    );
    expect(figures(aws).filter((f) => f.includes('LeadTime'))).toEqual(['staging web LeadTime=1200 Seconds', 'prod web LeadTime=22800 Seconds']);
  });

  test('a week of prod: the statistics CloudWatch computes give the four figures worked out by hand', async () => {
    // Mon ok (commit 2 h before), Tue failed, Tue fixed 3 h after the failure (commit 1 h before),
    // Thu ok (commit 30 min before), Fri failed, Fri fixed 30 min after (commit 20 min before).
    const aws = await replay(
      [
        deployStage('prod', 'SUCCEEDED', '2026-11-16T12:00:00Z', 'm', '2026-11-16T10:05:00Z'),
        deployStage('prod', 'FAILED', '2026-11-17T09:00:00Z', 't1', '2026-11-17T08:00:00Z'),
        deployStage('prod', 'SUCCEEDED', '2026-11-17T12:00:00Z', 't2', '2026-11-17T11:05:00Z'),
        deployStage('prod', 'SUCCEEDED', '2026-11-19T10:00:00Z', 'th', '2026-11-19T09:35:00Z'),
        deployStage('prod', 'FAILED', '2026-11-20T14:00:00Z', 'f1', '2026-11-20T13:30:00Z'),
        deployStage('prod', 'SUCCEEDED', '2026-11-20T14:30:00Z', 'f2', '2026-11-20T14:15:00Z'),
      ],
      { m: ['2026-11-16T10:00:00Z'], t2: ['2026-11-17T11:00:00Z'], th: ['2026-11-19T09:30:00Z'], f2: ['2026-11-20T14:10:00Z'] },
    );
    const values = (metric: string) => aws.puts.filter((p) => p.metric === metric).map((p) => p.value);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    };
    // Deployment frequency: 4 successful deployments in the week.
    expect(sum(values(DORA_METRICS.deployments))).toBe(4);
    // Change failure rate: 2 failed of 6 = 33.3 %.
    expect(sum(values(DORA_METRICS.changeFailure)) / values(DORA_METRICS.changeFailure).length).toBeCloseTo(33.333, 2);
    // Lead times 7200, 3600, 1800, 1200 s: median 2700 s.
    expect(values(DORA_METRICS.leadTime)).toEqual([7200, 3600, 1800, 1200]);
    expect(median(values(DORA_METRICS.leadTime))).toBe(2700);
    // Time to restore 10800 and 1800 s: median 6300 s.
    expect(values(DORA_METRICS.timeToRestore)).toEqual([10800, 1800]);
    expect(median(values(DORA_METRICS.timeToRestore))).toBe(6300);
  });

  test('two failures in a row keep the first failure as the start of the outage', async () => {
    const aws = await replay(
      [
        deployStage('dev', 'FAILED', '2026-11-20T10:00:00Z', 'a', '2026-11-20T09:50:00Z'),
        deployStage('dev', 'FAILED', '2026-11-20T10:30:00Z', 'b', '2026-11-20T10:20:00Z'),
        deployStage('dev', 'SUCCEEDED', '2026-11-20T11:00:00Z', 'c', '2026-11-20T10:50:00Z'),
      ],
      { c: ['2026-11-20T10:45:00Z'] },
    );
    expect(figures(aws).filter((f) => f.includes('TimeToRestore'))).toEqual(['dev web TimeToRestore=3600 Seconds']);
  });

  test('a service fails in one environment only: the other environment has no outage', async () => {
    const aws = await replay(
      [
        deployStage('staging', 'FAILED', '2026-11-20T10:00:00Z', 'a', '2026-11-20T09:50:00Z'),
        deployStage('prod', 'SUCCEEDED', '2026-11-20T10:30:00Z', 'b', '2026-11-20T10:20:00Z'),
      ],
      { b: ['2026-11-20T10:15:00Z'] },
    );
    expect(figures(aws).filter((f) => f.includes('TimeToRestore'))).toEqual([]);
    expect([...aws.table.keys()]).toEqual(['web|staging']);
  });

  test('ignores what is not a finished deployment of this project', async () => {
    const other = `arn:aws:ecs:eu-west-1:${PROD_ACCOUNT}:service/shop-cluster-qa/shop-web-qa-Service-Q2x7LmN4pT0a`;
    const aws = await replay([
      deployStage('prod', 'SUCCEEDED', '2026-11-20T10:00:00Z', 'x', '2026-11-20T09:00:00Z', 'blog-web-pipeline-tools'),
      deployStage('prod', 'SUCCEEDED', '2026-11-20T10:00:00Z', 'x', '2026-11-20T09:00:00Z', 'shop-web-pipeline-dev'),
      stageEvent('Build', 'FAILED', PIPELINE),
      stageEvent('Deploy-prod', 'STARTED', PIPELINE),
      stageEvent('Deploy-', 'FAILED', PIPELINE),
      ecsDeploymentEvent('SERVICE_DEPLOYMENT_FAILED', '2026-11-20T10:00:00Z', other),
      ecsDeploymentEvent('SERVICE_DEPLOYMENT_FAILED', '2026-11-20T10:00:00Z', SERVICE_ARN.replace('shop-cluster-prod', 'blog-cluster-prod')),
      ecsDeploymentEvent('SERVICE_DEPLOYMENT_FAILED', '2026-11-20T10:00:00Z', SERVICE_ARN.replace('/shop-web-prod-', '/shop-prod-')),
    ]);
    expect(aws.calls).toEqual([]);
  });

  test('a service stack deployed by npm run deploy ({project}-{service}-ecs-service[-rolling]-{suffix}) is the same service', async () => {
    const aws = await replay([
      ecsDeploymentEvent('SERVICE_DEPLOYMENT_FAILED', '2026-11-20T10:00:00Z', SERVICE_ARN.replace('/shop-web-prod-', '/shop-web-ecs-service-rolling-prod-')),
      ecsDeploymentEvent('SERVICE_DEPLOYMENT_COMPLETED', '2026-11-20T10:05:00Z', SERVICE_ARN.replace('/shop-web-prod-', '/shop-web-ecs-service-prod-')),
    ]);
    expect(figures(aws)).toEqual(['prod web TimeToRestore=300 Seconds']);
  });

  test('an ECS failure alone opens an outage without counting a deployment', async () => {
    const aws = await replay([ecsDeploymentEvent('SERVICE_DEPLOYMENT_FAILED', '2026-11-20T10:00:00Z')]);
    expect(aws.puts).toEqual([]);
    expect(aws.table.get('web|prod')).toEqual({ failedAt: { N: String(Date.parse('2026-11-20T10:00:00Z')) } });
  });

  test('the handler builds its own SDK clients from the modules the runtime ships', async () => {
    const aws = new FakeAws();
    aws.revisions.set('e1', ['2026-11-20T10:00:00Z']);
    const fn = loadFunction(aws);
    await fn.handler(deployStage('prod', 'SUCCEEDED', '2026-11-20T10:25:00Z', 'e1', '2026-11-20T10:02:00Z'));
    expect(figures(aws)).toContain('prod web LeadTime=1500 Seconds');
    expect([...new Set(fn.required)].sort()).toEqual(['@aws-sdk/client-cloudwatch', '@aws-sdk/client-codepipeline', '@aws-sdk/client-dynamodb']);
  });
});

// --- The template -------------------------------------------------------------------------------

describe('dora.json', () => {
  test('ships generator/functions/dora-metrics.js, inline, within the ZipFile limit, as Node parses it', () => {
    expect(SOURCE).toBe(functionCode(DORA_METRICS_FILE));
    expect(SOURCE).toBe(inlineCode(fs.readFileSync(path.join(__dirname, '..', '..', 'generator', 'functions', DORA_METRICS_FILE), 'utf8')));
    expect(SOURCE.length).toBeLessThanOrEqual(ZIP_FILE_LIMIT);
    expect(SOURCE).not.toMatch(/^\s*\/\//m);
    const check = spawnSync(process.execPath, ['--check'], { input: SOURCE, encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(fnProps.Runtime).toBe('nodejs24.x');
    expect(fnProps.ReservedConcurrentExecutions).toBe(1);
  });

  test('inlineCode drops comment lines and indentation only', () => {
    expect(inlineCode("'use strict';\n// note\n  const a = '// kept';\n\n  f(a); // kept too\n")).toBe("'use strict';\nconst a = '// kept';\nf(a); // kept too\n");
  });

  test('the service name it parses is the one CloudFormation gives the service stacks\' service: {stack}-{logical ID}-{random}', () => {
    // The function reads `<stack>-Service-<id>`; the stack is the pipeline's `{project}-{service}-{suffix}`.
    expect(ECS_SERVICE_IDS.service).toBe('Service');
    expect(SOURCE).toContain('-Service-[^-]+$');
    expect(SERVICE_ARN).toContain(`/${stackName('shop', 'web', 'prod')}-${ECS_SERVICE_IDS.service}-`);
  });

  test('the function knows each member environment by its suffix', () => {
    expect(JSON.parse(ENV.ENVIRONMENTS)).toEqual(Object.fromEntries(config.environments.map((e) => [e.environmentSuffix, e.name])));
    expect(ENV).toMatchObject({ PROJECT_NAME: 'shop', ENVIRONMENT_SUFFIX: 'tools', METRIC_NAMESPACE: NAMESPACE, TABLE_NAME: 'shop-dora-tools' });
  });

  test('the pipeline rule takes the deploy stages\' final events of the project pipelines only', () => {
    const pattern = resolveDeep((resource(template, ID.pipelineRule).Properties as any).EventPattern);
    expect(matchesEventPattern(pattern, stageEvent('Deploy-prod', 'SUCCEEDED', PIPELINE))).toBe(true);
    expect(matchesEventPattern(pattern, stageEvent('Deploy-dev', 'FAILED', PIPELINE))).toBe(true);
    expect(matchesEventPattern(pattern, stageEvent('Deploy-prod', 'STARTED', PIPELINE))).toBe(false);
    expect(matchesEventPattern(pattern, stageEvent('Build', 'FAILED', PIPELINE))).toBe(false);
    expect(matchesEventPattern(pattern, stageEvent('Deploy-prod', 'SUCCEEDED', 'blog-web-pipeline-tools'))).toBe(false);
  });

  test('the service rule takes completed and failed ECS deployments from the member accounts only', () => {
    const pattern = resolveDeep((resource(template, ID.serviceRule).Properties as any).EventPattern);
    expect(matchesEventPattern(pattern, ecsDeploymentEvent('SERVICE_DEPLOYMENT_FAILED', '2026-11-20T10:00:00Z'))).toBe(true);
    expect(matchesEventPattern(pattern, ecsDeploymentEvent('SERVICE_DEPLOYMENT_COMPLETED', '2026-11-20T10:00:00Z'))).toBe(true);
    expect(matchesEventPattern(pattern, ecsDeploymentEvent('SERVICE_DEPLOYMENT_IN_PROGRESS', '2026-11-20T10:00:00Z'))).toBe(false);
    expect(matchesEventPattern(pattern, ecsDeploymentEvent('SERVICE_DEPLOYMENT_FAILED', '2026-11-20T10:00:00Z', SERVICE_ARN, '999999999999'))).toBe(false);
    expect(pattern.account.sort()).toEqual(config.environments.map((e) => e.accountId).sort());
  });

  test('the default bus admits the member accounts\' ECS deployment events and nothing else', () => {
    const p = resolveDeep((resource(template, ID.memberEventsPolicy).Properties as any));
    expect(p.EventBusName).toBe('default');
    expect(p.Statement).toEqual({
      Sid: 'MemberAccountsForwardEcsDeployments',
      Effect: 'Allow',
      Principal: { AWS: config.environments.map((e) => `arn:aws:iam::${e.accountId}:root`) },
      Action: 'events:PutEvents',
      Resource: 'arn:aws:events:eu-west-1:111111111111:event-bus/default',
      Condition: { StringEquals: { 'events:source': ECS_DEPLOYMENT_EVENTS.source, 'events:detail-type': ECS_DEPLOYMENT_EVENTS.detailType } },
    });
  });

  test('its role reads the project pipelines\' executions and its own table, and puts metrics in its namespace only', () => {
    const statements = resolveDeep(policyStatements(resource(template, ID.role)));
    expect(statements.filter((s: any) => s.Effect === 'Allow' && !s.Principal)).toEqual([
      { Sid: 'ReadPipelineExecutions', Effect: 'Allow', Action: ['codepipeline:GetPipelineExecution'], Resource: ['arn:aws:codepipeline:eu-west-1:111111111111:shop-*-pipeline-tools'] },
      { Sid: 'KeepOutages', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: ['<DoraStateTable.Arn>'] },
      { Sid: 'PutDoraMetrics', Effect: 'Allow', Action: ['cloudwatch:PutMetricData'], Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': NAMESPACE } } },
      { Sid: 'WriteOwnLog', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: ['<DoraMetricsLogGroup.Arn>'] },
    ]);
  });

  test('every DORA metric the monitoring dashboard reads is put by the function, in the same namespace with the same dimensions', async () => {
    const aws = await replay(
      [
        deployStage('prod', 'FAILED', '2026-11-20T11:00:00Z', 'a', '2026-11-20T10:40:00Z'),
        deployStage('prod', 'SUCCEEDED', '2026-11-20T11:45:00Z', 'b', '2026-11-20T11:12:00Z'),
      ],
      { b: ['2026-11-20T11:10:00Z'] },
    );
    const put = new Set(aws.puts.map((p) => p.metric));
    // monitoring.json's ProjectName and EnvironmentSuffix take the same values; other names stay placeholders.
    const raw: string = (resource(monitoring, 'DeliveryDashboard').Properties as any).DashboardBody['Fn::Sub'];
    const body = JSON.parse(raw.replace(/\$\{([^}]+)\}/g, (_, name: string) => PARAMS[name] ?? `<${name}>`));
    const reads: string[] = [];
    for (const w of body.widgets) {
      for (const m of w.properties.metrics ?? []) {
        const search = typeof m[0] === 'object' ? /^SEARCH\('\{([^,}]+),([^}]+)\} MetricName="([^"]+)"'/.exec(m[0].expression) : null;
        if (search && search[1] === NAMESPACE) {
          expect(search[2].split(',')).toEqual([...DORA_DIMENSIONS]);
          reads.push(search[3]);
        }
      }
    }
    expect([...new Set(reads)].sort()).toEqual([...put].sort());
    expect([...put].sort()).toEqual(Object.values(DORA_METRICS).sort());
  });
});

describe('dora.json at scale', () => {
  test('ten environments and 200 services: the same resources, every check passes, under the TemplateBody limit', () => {
    const names = ['dev', 'qa', 'test', 'uat', 'perf', 'int', 'demo', 'staging', 'preprod', 'production'];
    const base: ProjectConfig = {
      project: { name: 'shop', costCenter: 'cc-4711' },
      tools: { accountId: '100000000000' },
      environments: names.map((name, i) => ({ name, accountId: String(200000000000 + i) })),
      source: { provider: 'CodeCommit', repository: 'shop' },
      notifications: { approvalEmail: 'approvers@example.com', alertEmail: 'alerts@example.com' },
      services: Array.from({ length: 200 }, (_, i) => ({ name: `svc${i}`, containerPort: 8080 })),
    };
    const built = buildDoraTemplate(resolveConfig(base));
    const serialized = serializeTemplate(built);
    expect(Object.keys(built.Resources)).toEqual(Object.keys(template.Resources));
    expect(templateChecks().check(built, serialized)).toEqual([]);
    expect(Buffer.byteLength(serialized)).toBeLessThan(TEMPLATE_BODY_LIMIT_BYTES);
  });
});

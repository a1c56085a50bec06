/**
 * monitoring.json: documented CodePipeline events run through the generated rules and
 * metric filters; every metric the dashboard and the alarms read is one this stack
 * produces or AWS publishes; the deployment duration function computes and puts the
 * right duration against fake SDK clients; the template stays small at ten environments.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { ProjectConfig, ResolvedConfig, resolveConfig } from '../../generator/config/types';
import { Template, TemplateBuilder } from '../../generator/core/template';
import { serializeTemplate } from '../../generator/core/serialize';
import { PIPELINE_TYPE, deployStageName, standardName } from '../../generator/core/naming';
import { ENVIRONMENT_SUFFIX, PROJECT_NAME, SERVICE_NAME } from '../../generator/core/parameters';
import { TEMPLATE_BODY_LIMIT_BYTES } from '../../generator/core/limits';
import { templateChecks } from '../../generator/validate';
import { DEPLOYMENT_DURATION_FILE, functionSource } from '../../generator/functions';
import {
  AWS_METRICS,
  METRICS,
  MONITORING_IDS as ID,
  STAGE_DIMENSION,
  buildMonitoringTemplate,
} from '../../generator/templates/monitoring';
import { DORA_DIMENSIONS, DORA_METRICS } from '../../generator/contracts/dora';
import { EXECUTION_ID, PIPELINE, actionEvent, pipelineEvent, stageEvent } from '../fixtures/codepipeline-events';
import { applyInputTransformer, jsonPath, matchesEventPattern, matchesJsonFilter } from '../helpers/event-pattern';
import { exampleConfig, loadTemplate, policyStatements, resolve, resource, resourcesOfType } from '../helpers/template';

const template = loadTemplate('monitoring.json');
const config = exampleConfig();

const ALARM_ARNS: Record<string, string> = Object.fromEntries(
  Object.keys(template.Resources)
    .filter((id) => template.Resources[id].Type === 'AWS::CloudWatch::Alarm')
    .map((id) => [`${id}.Arn`, `arn:aws:cloudwatch:eu-west-1:111111111111:alarm:${id}`]),
);

/** Parameter values of the example deployment, pseudo parameters and the attributes the tests need. */
const PARAMS: Record<string, string> = {
  ProjectName: config.project.name,
  EnvironmentSuffix: config.tools.environmentSuffix,
  CostCenter: config.project.costCenter,
  AlertEmail: config.notifications.alertEmail,
  'AWS::Partition': 'aws',
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '111111111111',
  PipelineEventsLogGroup: '/aws/events/shop-pipeline-events-tools',
  AlertTopic: 'arn:aws:sns:eu-west-1:111111111111:shop-alerts-tools',
  ...ALARM_ARNS,
};

/** Resolves every intrinsic inside a JSON value; a GetAtt stays visible as `<Resource.Attribute>`. */
function resolveDeepWith(value: unknown, params: Record<string, string>): any {
  if (Array.isArray(value)) return value.map((v) => resolveDeepWith(v, params));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0][0] === 'Fn::GetAtt') return `<${(entries[0][1] as string[]).join('.')}>`;
  if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) return resolve(value, params);
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveDeepWith(v, params)]));
}

function resolveDeep(value: unknown): any {
  return resolveDeepWith(value, PARAMS);
}

function props(id: string, t: Template = template): any {
  return resource(t, id).Properties ?? {};
}

function pattern(id: string): any {
  return resolveDeep(props(id).EventPattern);
}

const NAMESPACE = `ContainerDelivery/${PARAMS.ProjectName}-${PARAMS.EnvironmentSuffix}`;
const PROD_STAGE = deployStageName(config.environments[config.environments.length - 1].name);

describe('the failure notification rule', () => {
  const rule = pattern(ID.failureRule);

  test('matches a documented FAILED stage event of a project pipeline', () => {
    expect(matchesEventPattern(rule, stageEvent('Build', 'FAILED'))).toBe(true);
    expect(matchesEventPattern(rule, stageEvent(PROD_STAGE, 'FAILED'))).toBe(true);
  });

  test('does not match SUCCEEDED, STARTED or other projects and suffixes', () => {
    expect(matchesEventPattern(rule, stageEvent('Build', 'SUCCEEDED'))).toBe(false);
    expect(matchesEventPattern(rule, stageEvent('Build', 'STARTED'))).toBe(false);
    expect(matchesEventPattern(rule, stageEvent('Build', 'FAILED', 'billing-web-pipeline-tools'))).toBe(false);
    expect(matchesEventPattern(rule, stageEvent('Build', 'FAILED', 'shop-web-pipeline-dev'))).toBe(false);
    expect(matchesEventPattern(rule, actionEvent('Build', 'Build', 'FAILED'))).toBe(false);
  });

  test('matches the name the naming module gives a service pipeline', () => {
    const t = new TemplateBuilder('naming probe');
    const project = t.parameter('ProjectName', PROJECT_NAME);
    const service = t.parameter('ServiceName', SERVICE_NAME);
    const suffix = t.parameter('EnvironmentSuffix', ENVIRONMENT_SUFFIX);
    const name = resolve(standardName('codepipeline', PIPELINE_TYPE, { project, service, suffix }), {
      ...PARAMS,
      ServiceName: 'orders',
    });
    expect(name).toBe('shop-orders-pipeline-tools');
    expect(matchesEventPattern(rule, stageEvent('Test', 'FAILED', name))).toBe(true);
  });

  test('sends a readable message with pipeline, stage, execution and a console link to the alert topic', () => {
    const [target] = props(ID.failureRule).Targets;
    expect(target.Arn).toEqual({ Ref: ID.alertTopic });
    const message = applyInputTransformer(target.InputTransformer, stageEvent('Deploy-staging', 'FAILED'));
    expect(message).toBe(
      `Pipeline ${PIPELINE} failed at stage Deploy-staging (execution ${EXECUTION_ID}, 2026-11-20T18:55:43Z). ` +
        `Execution details: https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/${PIPELINE}/executions/${EXECUTION_ID}/timeline?region=eu-west-1`,
    );
  });
});

describe('the event log and its metric filters', () => {
  test('every execution, stage and action event of the project reaches the log group', () => {
    const rule = pattern(ID.eventsRule);
    for (const e of [pipelineEvent('FAILED'), stageEvent('Build', 'SUCCEEDED'), actionEvent('Build', 'Build', 'FAILED')]) {
      expect(matchesEventPattern(rule, e)).toBe(true);
    }
    expect(matchesEventPattern(rule, pipelineEvent('FAILED', 'billing-web-pipeline-tools'))).toBe(false);
    expect(resolveDeep(props(ID.eventsRule).Targets[0].Arn)).toBe(
      'arn:aws:logs:eu-west-1:111111111111:log-group:/aws/events/shop-pipeline-events-tools',
    );
  });

  test('the log group keeps events for a limited time and admits EventBridge to write', () => {
    expect(props(ID.eventsLogGroup).RetentionInDays).toEqual({ Ref: ID.logRetentionInDays });
    const policy = JSON.parse(resolve(props(ID.eventsLogPolicy).PolicyDocument, { ...PARAMS, 'PipelineEventsLogGroup.Arn': 'LOG-GROUP-ARN' }));
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: ['events.amazonaws.com', 'delivery.logs.amazonaws.com'] },
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: ['LOG-GROUP-ARN'],
      }),
    ]);
    expect(resource(template, ID.eventsRule).DependsOn).toBe(ID.eventsLogPolicy);
  });

  const filterPattern = (id: string) => props(id).FilterPattern as string;

  test.each([
    [ID.executionsSucceededFilter, pipelineEvent('SUCCEEDED'), true],
    [ID.executionsSucceededFilter, pipelineEvent('FAILED'), false],
    [ID.executionsSucceededFilter, stageEvent('Build', 'SUCCEEDED'), false],
    [ID.executionsFailedFilter, pipelineEvent('FAILED'), true],
    [ID.executionsFailedFilter, stageEvent('Build', 'FAILED'), false],
    [ID.executionsFailedFilter, actionEvent('Build', 'Build', 'FAILED'), false],
    [ID.deploymentsSucceededFilter, stageEvent('Deploy-prod', 'SUCCEEDED'), true],
    [ID.deploymentsSucceededFilter, stageEvent('Deploy-dev', 'SUCCEEDED'), true],
    [ID.deploymentsSucceededFilter, stageEvent('Deploy-prod', 'FAILED'), false],
    [ID.deploymentsSucceededFilter, stageEvent('Build', 'SUCCEEDED'), false],
    [ID.deploymentsSucceededFilter, stageEvent('Approve-prod', 'SUCCEEDED'), false],
    [ID.deploymentsSucceededFilter, actionEvent('Deploy-prod', 'Deploy', 'SUCCEEDED'), false],
    [ID.deploymentsFailedFilter, stageEvent('Deploy-staging', 'FAILED'), true],
    [ID.deploymentsFailedFilter, actionEvent('Deploy-staging', 'Deploy', 'FAILED'), false],
    [ID.deploymentsFailedFilter, pipelineEvent('FAILED'), false],
  ])('%s on %#: counts exactly the events of its kind', (id, event, expected) => {
    expect(matchesJsonFilter(filterPattern(id), event)).toBe(expected);
  });

  test('the Stage dimension is read from the matched stage event', () => {
    for (const id of [ID.deploymentsSucceededFilter, ID.deploymentsFailedFilter]) {
      const [transformation] = props(id).MetricTransformations;
      const [dimension] = transformation.Dimensions;
      expect(dimension.Key).toBe(STAGE_DIMENSION);
      expect(jsonPath(stageEvent('Deploy-prod', 'FAILED'), dimension.Value)).toBe('Deploy-prod');
    }
  });
});

// --- What the stack produces, what AWS publishes, what the dashboard and alarms read -----

interface MetricKey {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** A metric the stack produces: dimension values are matched against what can produce them. */
interface Producer {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, (value: string) => boolean>>;
  readonly source: string;
}

async function producers(t: Template, params: Record<string, string>): Promise<Producer[]> {
  const out: Producer[] = [];
  for (const [id, r] of resourcesOfType(t, 'AWS::Logs::MetricFilter')) {
    const pattern = (r.Properties as any).FilterPattern as string;
    for (const m of (r.Properties as any).MetricTransformations) {
      const dims: Record<string, (value: string) => boolean> = {};
      for (const d of m.Dimensions ?? []) {
        // The value is a field of the matched event: it can be any value the pattern admits there.
        dims[d.Key] = (value: string) => matchesJsonFilter(pattern, stageEvent(value, pattern.includes('FAILED') ? 'FAILED' : 'SUCCEEDED'));
      }
      out.push({ namespace: resolve(m.MetricNamespace, params), metricName: m.MetricName, dimensions: dims, source: id });
    }
  }
  const fn = resource(t, ID.durationFunction).Properties as any;
  const put = await runDurationFunction(fn.Code.ZipFile, resolve(fn.Environment.Variables.METRIC_NAMESPACE, params), 'Deploy-any');
  const rule = resolveDeepWith(resource(t, ID.durationRule).Properties!.EventPattern, params);
  for (const datum of put.MetricData) {
    out.push({
      namespace: put.Namespace,
      metricName: datum.MetricName,
      dimensions: Object.fromEntries(
        datum.Dimensions.map((d: { Name: string }) => [d.Name, (value: string) => matchesEventPattern(rule, stageEvent(value, 'SUCCEEDED'))]),
      ),
      source: ID.durationFunction,
    });
  }
  return out;
}

/** AWS-published metrics the dashboard may read, as the service user guides document them. */
const DOCUMENTED_AWS_METRICS: ReadonlyArray<{ namespace: string; metricNames: string[]; dimensions: string[] }> = [
  // CodeBuild User Guide, "CodeBuild CloudWatch metrics" and "CodeBuild CloudWatch dimensions".
  { namespace: 'AWS/CodeBuild', metricNames: ['Builds', 'Duration', 'BuildDuration', 'FailedBuilds', 'SucceededBuilds'], dimensions: ['ProjectName'] },
  // CodePipeline publishes FailedPipelineExecutions per pipeline for V2 pipelines.
  { namespace: 'AWS/CodePipeline', metricNames: ['FailedPipelineExecutions'], dimensions: ['PipelineName'] },
];

function isProduced(key: MetricKey, all: Producer[]): boolean {
  return all.some(
    (p) =>
      p.namespace === key.namespace &&
      p.metricName === key.metricName &&
      Object.keys(p.dimensions).length === Object.keys(key.dimensions).length &&
      Object.entries(key.dimensions).every(([k, v]) => p.dimensions[k]?.(v) === true),
  );
}

/** Every metric a dashboard reads: plain metrics and those named inside SEARCH expressions. */
function dashboardReads(body: any): { metrics: MetricKey[]; searches: Array<{ namespace: string; dimensions: string[]; metricName: string }> } {
  const metrics: MetricKey[] = [];
  const searches: Array<{ namespace: string; dimensions: string[]; metricName: string }> = [];
  for (const w of body.widgets) {
    if (w.type !== 'metric') continue;
    const ids = new Set<string>();
    for (const entry of w.properties.metrics) {
      const last = entry[entry.length - 1];
      const options = typeof last === 'object' ? last : {};
      if (options.id) ids.add(options.id);
    }
    for (const entry of w.properties.metrics) {
      if (typeof entry[0] === 'object') {
        const expression: string = entry[0].expression;
        const search = /^SEARCH\('\{([^,}]+),([^}]+)\} MetricName="([^"]+)"[^']*', '(\w+)', \d+\)$/.exec(expression);
        if (search) {
          searches.push({ namespace: search[1], dimensions: search[2].split(','), metricName: search[3] });
        } else {
          // Metric math may only refer to metrics of the same widget.
          for (const ref of expression.match(/\b[a-z][a-z0-9_]*\b/g)!.filter((x) => x !== 'FILL')) {
            expect({ widget: w.properties.title, ref, known: ids.has(ref) }).toEqual({ widget: w.properties.title, ref, known: true });
          }
        }
        continue;
      }
      const hasOptions = typeof entry[entry.length - 1] === 'object';
      const [namespace, metricName, ...rest] = hasOptions ? entry.slice(0, -1) : entry;
      const dimensions: Record<string, string> = {};
      for (let i = 0; i < rest.length; i += 2) dimensions[rest[i]] = rest[i + 1];
      metrics.push({ namespace, metricName, dimensions });
    }
  }
  return { metrics, searches };
}

function alarmReads(t: Template, params: Record<string, string>): MetricKey[] {
  return resourcesOfType(t, 'AWS::CloudWatch::Alarm').map(([, r]) => {
    const p = r.Properties as any;
    return {
      namespace: resolve(p.Namespace, params),
      metricName: p.MetricName,
      dimensions: Object.fromEntries((p.Dimensions ?? []).map((d: { Name: string; Value: string }) => [d.Name, d.Value])),
    };
  });
}

function dashboardBody(t: Template, params: Record<string, string>): any {
  const id = resourcesOfType(t, 'AWS::CloudWatch::Dashboard')[0][0];
  return JSON.parse(resolve((t.Resources[id].Properties as any).DashboardBody, params));
}

describe('metrics: every one read is produced here or published by AWS', () => {
  let all: Producer[] = [];
  beforeAll(async () => {
    all = await producers(template, PARAMS);
  });
  const body = dashboardBody(template, PARAMS);
  const reads = dashboardReads(body);

  test('the stack produces the five delivery metrics', () => {
    expect([...new Set(all.map((p) => p.metricName))].sort()).toEqual(Object.values(METRICS).sort());
    expect(new Set(all.map((p) => p.namespace))).toEqual(new Set([NAMESPACE]));
  });

  test('every metric on the dashboard is produced by a metric filter or the duration function', () => {
    expect(reads.metrics.length).toBeGreaterThan(0);
    for (const key of reads.metrics) expect({ key, produced: isProduced(key, all) }).toEqual({ key, produced: true });
  });

  test('a metric of a stage the pipelines do not have, or of another namespace, is not counted as produced', () => {
    expect(isProduced({ namespace: NAMESPACE, metricName: METRICS.deploymentsFailed, dimensions: { Stage: 'Build' } }, all)).toBe(false);
    expect(isProduced({ namespace: 'ContainerDelivery/other', metricName: METRICS.executionsFailed, dimensions: {} }, all)).toBe(false);
    expect(isProduced({ namespace: NAMESPACE, metricName: METRICS.deploymentDuration, dimensions: {} }, all)).toBe(false);
  });

  test('every SEARCH of this namespace reads a DORA metric by its two dimensions (dora.test.ts runs the function that puts them)', () => {
    const own = reads.searches.filter((s) => s.namespace === NAMESPACE);
    expect([...new Set(own.map((s) => s.metricName))].sort()).toEqual(Object.values(DORA_METRICS).sort());
    for (const s of own) expect(s.dimensions).toEqual([...DORA_DIMENSIONS]);
  });

  test('every other SEARCH on the dashboard reads a documented AWS metric and dimension', () => {
    const aws = reads.searches.filter((s) => s.namespace !== NAMESPACE);
    expect(aws.map((s) => `${s.namespace} ${s.metricName}`).sort()).toEqual([
      `${AWS_METRICS.codeBuild.namespace} ${AWS_METRICS.codeBuild.duration}`,
      `${AWS_METRICS.codeBuild.namespace} ${AWS_METRICS.codeBuild.failedBuilds}`,
      `${AWS_METRICS.codePipeline.namespace} ${AWS_METRICS.codePipeline.failedExecutions}`,
    ]);
    for (const s of aws) {
      const doc = DOCUMENTED_AWS_METRICS.find((d) => d.namespace === s.namespace);
      expect(doc?.metricNames).toContain(s.metricName);
      for (const d of s.dimensions) expect(doc?.dimensions).toContain(d);
    }
  });

  test('every alarm reads a produced metric', () => {
    const alarms = alarmReads(template, PARAMS);
    expect(alarms).toHaveLength(3);
    for (const key of alarms) expect({ key, produced: isProduced(key, all) }).toEqual({ key, produced: true });
  });

  test('the dashboard shows each environment of the configuration in promotion order', () => {
    const byTitle = (title: string) => body.widgets.find((w: any) => w.properties.title === title);
    const durations = byTitle('Deployment duration by environment').properties.metrics.map((m: any[]) => m[3]);
    expect(durations).toEqual(config.environments.map((e) => deployStageName(e.name)));
    const rates = byTitle('Deployment success rate by environment').properties.metrics.filter((m: any[]) => typeof m[0] === 'object');
    expect(rates.map((m: any[]) => m[0].label)).toEqual(config.environments.map((e) => e.name));
  });
});

describe('the dashboard', () => {
  const body = dashboardBody(template, PARAMS);

  test('is built with Fn::Sub for the Region and the names', () => {
    const raw = (props(ID.dashboard).DashboardBody as { 'Fn::Sub': string })['Fn::Sub'];
    expect(raw).toContain('"region":"${AWS::Region}"');
    expect(raw).toContain('${ProjectName}');
    expect(raw).not.toContain('eu-west-1');
  });

  test('every widget has a title, every graph a unit, and widgets stay on the 24-column grid', () => {
    for (const w of body.widgets) {
      // A text widget has no title property: its markdown opens with a heading instead.
      const title = w.type === 'text' ? /^### (.+)\n/.exec(w.properties.markdown)?.[1] : w.properties.title;
      expect(typeof title).toBe('string');
      expect(title.length).toBeGreaterThan(0);
      if (w.type === 'metric') expect(['Percent', 'Seconds', 'Count']).toContain(w.properties.yAxis.left.label);
      expect(w.x + w.width).toBeLessThanOrEqual(24);
    }
  });

  test('its first row answers "is delivery healthy?"', () => {
    const firstRow = body.widgets.filter((w: any) => w.y === 0).map((w: any) => w.properties.title);
    expect(firstRow).toEqual([
      'Pipeline success rate',
      'Deployment success rate by environment',
      'Deployment duration by environment',
      'Delivery alarms',
    ]);
    const rate = body.widgets[0].properties.metrics.find((m: any[]) => typeof m[0] === 'object')[0];
    expect(rate.expression).toBe('100*FILL(s0,0)/(FILL(s0,0)+FILL(f0,0))');
    const alarms = body.widgets.find((w: any) => w.type === 'alarm').properties.alarms;
    expect(alarms).toEqual(Object.values(ALARM_ARNS));
  });

  test('its second row answers "how are we delivering?": the four DORA figures, each against its bands', () => {
    const second = body.widgets.filter((w: any) => w.y === 6);
    const metricWidgets = second.filter((w: any) => w.type === 'metric');
    expect(metricWidgets.map((w: any) => w.properties.title)).toEqual([
      'Deployment frequency: deployments per day',
      'Deployment frequency: deployments per week',
      'Lead time for changes: median and p90, commit to deployed',
      'Change failure rate over a week',
      'Time to restore: median over a week',
    ]);
    const searches = metricWidgets.map((w: any) => w.properties.metrics.map((m: any[]) => m[0].expression));
    expect(searches).toEqual([
      [`SEARCH('{${NAMESPACE},Environment,Service} MetricName="Deployments"', 'Sum', 86400)`],
      [`SEARCH('{${NAMESPACE},Environment,Service} MetricName="Deployments"', 'Sum', 604800)`],
      [
        `SEARCH('{${NAMESPACE},Environment,Service} MetricName="LeadTime"', 'p50', 86400)`,
        `SEARCH('{${NAMESPACE},Environment,Service} MetricName="LeadTime"', 'p90', 86400)`,
      ],
      [`SEARCH('{${NAMESPACE},Environment,Service} MetricName="ChangeFailure"', 'Average', 604800)`],
      [`SEARCH('{${NAMESPACE},Environment,Service} MetricName="TimeToRestore"', 'p50', 604800)`],
    ]);
    // Bands: more deployments are better (shaded above), less time and fewer failures (below).
    const bands = metricWidgets.map((w: any) => w.properties.annotations.horizontal.map((a: any) => `${a.value} ${a.fill}`));
    expect(bands).toEqual([
      ['1 above', '0.143 above', '0.033 above'],
      ['7 above', '1 above', '0.233 above'],
      ['3600 below', '604800 below', '15724800 below'],
      ['15 below', '30 below'],
      ['3600 below', '86400 below', '604800 below'],
    ]);
    expect(second.find((w: any) => w.type === 'text').properties.markdown).toMatch(/^### How are we delivering\?\n/);
  });

  test('lists the most frequent failing stages and actions from the event log', () => {
    const log = body.widgets.find((w: any) => w.type === 'log');
    expect(log.properties.query).toBe(
      "SOURCE '/aws/events/shop-pipeline-events-tools' | filter `detail-type` = 'CodePipeline Action Execution State Change' and detail.state = 'FAILED' | stats count(*) as failures by detail.stage, detail.action | sort failures desc | limit 20",
    );
  });
});

describe('alarms', () => {
  const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm');

  test.each([
    [ID.pipelineFailureAlarm, METRICS.executionsFailed, undefined],
    [ID.productionFailedAlarm, METRICS.deploymentsFailed, PROD_STAGE],
    [ID.productionSucceededAlarm, METRICS.deploymentsSucceeded, PROD_STAGE],
  ])('%s fires on one %s event in the period and notifies the alert topic', (id, metricName, stage) => {
    const p = props(id);
    expect(p).toMatchObject({
      MetricName: metricName,
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: ID.alertTopic }],
    });
    expect(p.Dimensions).toEqual(stage ? [{ Name: STAGE_DIMENSION, Value: stage }] : undefined);
  });

  test('there are exactly the three alarms', () => {
    expect(alarms.map(([id]) => id).sort()).toEqual([ID.pipelineFailureAlarm, ID.productionFailedAlarm, ID.productionSucceededAlarm].sort());
  });
});

describe('the alert topic', () => {
  test('is encrypted with a rotating customer managed key that EventBridge and CloudWatch may use', () => {
    expect(props(ID.alertTopic).KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [ID.alertKey, 'Arn'] });
    expect(props(ID.alertKey).EnableKeyRotation).toBe(true);
    const statements = policyStatements(resource(template, ID.alertKey));
    for (const service of ['events.amazonaws.com', 'cloudwatch.amazonaws.com']) {
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: 'Allow', Principal: { Service: service }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'] }),
      );
    }
    // CloudWatch may use the key only for this project's alarms.
    expect(statements.map(resolveDeep)).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Condition: {
          ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:111111111111:alarm:shop-*-tools' },
          StringEquals: { 'aws:SourceAccount': '111111111111' },
        },
      }),
    );
  });

  test('admits only the failure rule and this account\'s alarms to publish', () => {
    const statements = policyStatements(resource(template, ID.alertTopicPolicy)).map(resolveDeep);
    expect(statements).toEqual([
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['sns:Publish'],
        Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:events:eu-west-1:111111111111:rule/shop-pipeline-failed-tools' } },
      }),
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['sns:Publish'],
        Condition: {
          ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:111111111111:alarm:shop-*-tools' },
          StringEquals: { 'aws:SourceAccount': '111111111111' },
        },
      }),
    ]);
    // The rule the condition names is the failure rule, and every alarm name fits the pattern.
    expect(resolveDeep(props(ID.failureRule).Name)).toBe('shop-pipeline-failed-tools');
    for (const [id] of resourcesOfType(template, 'AWS::CloudWatch::Alarm')) {
      expect(resolveDeep(props(id).AlarmName)).toMatch(/^shop-.+-tools$/);
    }
  });

  test('the email subscription address is the AlertEmail parameter', () => {
    expect(props(ID.alertSubscription)).toEqual({ TopicArn: { Ref: ID.alertTopic }, Protocol: 'email', Endpoint: { Ref: ID.alertEmail } });
    expect(template.Parameters?.AlertEmail).toMatchObject({ AllowedPattern: expect.any(String), MaxLength: 254 });
  });
});

// --- The deployment duration function ---------------------------------------------------

interface ActionDetail {
  stageName: string;
  actionName: string;
  startTime?: Date;
}

/** Runs the inline function source against fake SDK v3 clients and returns what it put. */
async function runDurationFunction(source: string, namespace: string, stage: string): Promise<any> {
  const { put } = await invokeDuration(source, namespace, stageEvent(stage, 'SUCCEEDED', PIPELINE, '2026-11-20T10:07:45Z'), [
    { actionExecutionDetails: [{ stageName: stage, actionName: 'Deploy', startTime: new Date('2026-11-20T10:00:00Z') }] },
  ]);
  return put[0];
}

async function invokeDuration(
  source: string,
  namespace: string,
  event: unknown,
  pages: Array<{ actionExecutionDetails: ActionDetail[]; nextToken?: string }>,
): Promise<{ list: any[]; put: any[]; logs: string[] }> {
  const calls = { list: [] as any[], put: [] as any[], logs: [] as string[] };
  class ListActionExecutionsCommand {
    constructor(readonly input: any) {}
  }
  class PutMetricDataCommand {
    constructor(readonly input: any) {}
  }
  class CodePipelineClient {
    send(command: unknown) {
      if (!(command instanceof ListActionExecutionsCommand)) throw new Error('unexpected CodePipeline command');
      calls.list.push(command.input);
      const page = pages[calls.list.length - 1];
      if (!page) throw new Error('the function asked for a page that does not exist');
      return Promise.resolve(page);
    }
  }
  class CloudWatchClient {
    send(command: unknown) {
      if (!(command instanceof PutMetricDataCommand)) throw new Error('unexpected CloudWatch command');
      calls.put.push(command.input);
      return Promise.resolve({});
    }
  }
  const modules: Record<string, unknown> = {
    '@aws-sdk/client-codepipeline': { CodePipelineClient, ListActionExecutionsCommand },
    '@aws-sdk/client-cloudwatch': { CloudWatchClient, PutMetricDataCommand },
  };
  const module = { exports: {} as { handler?: (e: unknown) => Promise<void> } };
  const sandbox = {
    require: (name: string) => {
      if (!(name in modules)) throw new Error(`the function requires ${name}, which the Node.js runtime does not provide here`);
      return modules[name];
    },
    module,
    exports: module.exports,
    process: { env: { METRIC_NAMESPACE: namespace } },
    console: { log: (line: string) => calls.logs.push(line) },
  };
  vm.runInNewContext(source, sandbox, { filename: 'index.js' });
  await module.exports.handler!(event);
  return calls;
}

describe('the deployment duration function', () => {
  const fn = props(ID.durationFunction);
  const source: string = fn.Code.ZipFile;

  test('is inline Node.js code that Node parses and that fits a ZipFile (4096 characters)', () => {
    expect(fn.Runtime).toMatch(/^nodejs\d+\.x$/);
    expect(fn.Handler).toBe('index.handler');
    expect(source).toBe(functionSource(DEPLOYMENT_DURATION_FILE, { METRIC_NAME: METRICS.deploymentDuration, STAGE_DIMENSION }));
    expect(source).toContain(`MetricName: '${METRICS.deploymentDuration}'`);
    expect(source.length).toBeLessThanOrEqual(4096);
    expect(() => new vm.Script(source, { filename: 'index.js' })).not.toThrow();
    const check = spawnSync(process.execPath, ['--check'], { input: source, encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  test('uses the AWS SDK v3 clients only', () => {
    const required = [...source.matchAll(/require\('([^']+)'\)/g)].map((m) => m[1]);
    expect(required.sort()).toEqual(['@aws-sdk/client-cloudwatch', '@aws-sdk/client-codepipeline']);
  });

  test('puts the time from the first start of the stage\'s actions to the stage event, across pages', async () => {
    const event = stageEvent('Deploy-prod', 'SUCCEEDED', PIPELINE, '2026-11-20T10:07:45Z');
    const result = await invokeDuration(source, NAMESPACE, event, [
      {
        actionExecutionDetails: [
          { stageName: 'Deploy-prod', actionName: 'Deploy', startTime: new Date('2026-11-20T10:00:30Z') },
          { stageName: 'Build', actionName: 'Build', startTime: new Date('2026-11-20T09:40:00Z') },
        ],
        nextToken: 'page-2',
      },
      {
        actionExecutionDetails: [
          { stageName: 'Deploy-prod', actionName: 'CreateChangeSet', startTime: new Date('2026-11-20T10:00:00Z') },
          { stageName: 'Deploy-staging', actionName: 'Deploy', startTime: new Date('2026-11-20T09:50:00Z') },
          { stageName: 'Deploy-prod', actionName: 'Pending' },
        ],
      },
    ]);
    expect(result.list).toEqual([
      { pipelineName: PIPELINE, filter: { pipelineExecutionId: EXECUTION_ID }, nextToken: undefined },
      { pipelineName: PIPELINE, filter: { pipelineExecutionId: EXECUTION_ID }, nextToken: 'page-2' },
    ]);
    expect(result.put).toHaveLength(1);
    const [put] = result.put;
    expect(put.Namespace).toBe(NAMESPACE);
    expect(put.MetricData).toHaveLength(1);
    const [datum] = put.MetricData;
    expect({ ...datum, Timestamp: datum.Timestamp.toISOString() }).toEqual({
      MetricName: METRICS.deploymentDuration,
      Dimensions: [{ Name: STAGE_DIMENSION, Value: 'Deploy-prod' }],
      Timestamp: '2026-11-20T10:07:45.000Z',
      Value: 465,
      Unit: 'Seconds',
    });
  });

  test('puts nothing when no action of the stage has started', async () => {
    const result = await invokeDuration(source, NAMESPACE, stageEvent('Deploy-dev', 'FAILED'), [
      { actionExecutionDetails: [{ stageName: 'Build', actionName: 'Build', startTime: new Date('2026-11-20T09:40:00Z') }] },
    ]);
    expect(result.put).toEqual([]);
    expect(result.logs.join('\n')).toContain('no action of the stage has started');
  });

  test('runs for finished deploy stages of the project only', () => {
    const rule = pattern(ID.durationRule);
    expect(matchesEventPattern(rule, stageEvent('Deploy-prod', 'SUCCEEDED'))).toBe(true);
    expect(matchesEventPattern(rule, stageEvent('Deploy-dev', 'FAILED'))).toBe(true);
    expect(matchesEventPattern(rule, stageEvent('Deploy-prod', 'STARTED'))).toBe(false);
    expect(matchesEventPattern(rule, stageEvent('Build', 'SUCCEEDED'))).toBe(false);
    expect(matchesEventPattern(rule, stageEvent('Approve-prod', 'SUCCEEDED'))).toBe(false);
    expect(matchesEventPattern(rule, actionEvent('Deploy-prod', 'Deploy', 'SUCCEEDED'))).toBe(false);
    expect(props(ID.durationPermission)).toMatchObject({
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ID.durationRule, 'Arn'] },
    });
  });

  test('its role may read the project pipelines\' action executions and put metrics in its namespace only', () => {
    const statements = policyStatements(resource(template, ID.durationRole)).map(resolveDeep);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: ['codepipeline:ListActionExecutions'],
        Resource: ['arn:aws:codepipeline:eu-west-1:111111111111:shop-*-pipeline-tools'],
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: ['cloudwatch:PutMetricData'],
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': NAMESPACE } },
      }),
    );
    expect(resolveDeep(fn.Environment.Variables.METRIC_NAMESPACE)).toBe(NAMESPACE);
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: ['ec2:TerminateInstances'] }));
  });

  test('logs to its own log group with retention', () => {
    expect(fn.LoggingConfig).toEqual({ LogGroup: { Ref: ID.durationLogGroup } });
    expect(props(ID.durationLogGroup).RetentionInDays).toEqual({ Ref: ID.logRetentionInDays });
  });
});

// --- Scale --------------------------------------------------------------------------------

function configWithEnvironments(count: number): ResolvedConfig {
  const names = ['dev', 'qa', 'test', 'uat', 'perf', 'int', 'demo', 'staging', 'preprod', 'production'].slice(0, count);
  const base: ProjectConfig = {
    project: { name: 'shop', costCenter: 'cc-4711' },
    tools: { accountId: '100000000000' },
    environments: names.map((name, i) => ({ name, accountId: String(200000000000 + i) })),
    source: { provider: 'CodeCommit', repository: 'shop' },
    notifications: { approvalEmail: 'approvers@example.com', alertEmail: 'alerts@example.com' },
    services: Array.from({ length: 200 }, (_, i) => ({ name: `svc${i}`, containerPort: 8080 })),
  };
  return resolveConfig(base);
}

describe('size and validity at scale', () => {
  const big = configWithEnvironments(10);
  const built = buildMonitoringTemplate(big);
  const serialized = serializeTemplate(built);

  test('the example template and a ten-environment, 200-service template stay under the TemplateBody limit', () => {
    const example = fs.readFileSync(path.join(__dirname, '..', '..', 'templates', 'monitoring.json'));
    expect(example.byteLength).toBeLessThan(TEMPLATE_BODY_LIMIT_BYTES);
    expect(Buffer.byteLength(serialized)).toBeLessThan(TEMPLATE_BODY_LIMIT_BYTES);
  });

  test('the template does not grow with the number of services', () => {
    const fewer = { ...big, services: big.services.slice(0, 2) };
    expect(serializeTemplate(buildMonitoringTemplate(fewer))).toBe(serialized);
  });

  test('the ten-environment template passes every generation check and cfn-lint', () => {
    expect(templateChecks().check(built, serialized)).toEqual([]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-'));
    const file = path.join(dir, 'monitoring-10.json');
    fs.writeFileSync(file, serialized);
    const lint = spawnSync('cfn-lint', ['--format', 'json', '--', file], { encoding: 'utf8', timeout: 120_000 });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(lint.error).toBeUndefined();
    expect(lint.stdout.trim() === '' ? [] : JSON.parse(lint.stdout)).toEqual([]);
  });

  test('every dashboard and alarm metric is still produced with ten environments', async () => {
    const params = { ...PARAMS };
    const all = await producers(built, params);
    const reads = dashboardReads(dashboardBody(built, params));
    for (const key of [...reads.metrics, ...alarmReads(built, params)]) {
      expect({ key, produced: isProduced(key, all) }).toEqual({ key, produced: true });
    }
    expect(props(ID.productionSucceededAlarm, built).Dimensions).toEqual([{ Name: STAGE_DIMENSION, Value: 'Deploy-production' }]);
  });
});

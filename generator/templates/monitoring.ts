/**
 * monitoring.json: delivery monitoring for every pipeline of one project, deployed once
 * to the tools account with `aws cloudformation deploy`.
 *
 * One stack per project, not per pipeline: the project's pipelines are matched by their
 * name pattern `{project}-*-pipeline-{suffix}` (naming.ts), so a new service's pipeline is
 * monitored without a stack update, and the template has the same size whether the
 * project has two services or two hundred. Nothing in it is per service; per-environment
 * parts (dashboard lines, the production alarms) come from config.environments.
 *
 * CodePipeline publishes few metrics of its own, so most figures come from its
 * EventBridge events:
 * - every execution, stage and action event of the project's pipelines lands in a log
 *   group; metric filters count succeeded and failed executions, and succeeded and
 *   failed deployments per environment (stage `Deploy-{environment}`);
 * - a small function puts each deployment's duration (first action start to the stage's
 *   final event, read with codepipeline:ListActionExecutions) as a custom metric;
 * - a failed stage (which fails its execution) is sent, readable, to the alert topic;
 * - alarms on failed executions and on failed and successful production deployments
 *   notify the same topic; the dashboard's first row answers "is delivery healthy?".
 *
 * The dashboard's second row answers "how are we delivering?": the four DORA figures per
 * service and environment, which dora.json computes into the same namespace, each
 * against its DORA performance bands.
 */
import { THIS_KEY, accountAdministersKey } from '../blocks/kms';
import { AWS, Intrinsic, ref, sub } from '../core/intrinsics';
import { Statement, allow, anyResource, policyDocument } from '../core/iam';
import {
  DEPLOY_STAGE_PREFIX,
  deployStageName,
  physicalName,
  pipelineNamePattern,
  standardName,
} from '../core/naming';
import { COST_CENTER, ENVIRONMENT_SUFFIX, PROJECT_NAME } from '../core/parameters';
import { ParameterHandle, ResourceHandle, Template, TemplateBuilder } from '../core/template';
import { role, serviceTrust } from '../blocks/role';
import { Dashboard, HorizontalAnnotation, MetricWidget, Series, Statistic, UnitAxis, dashboardBody, timeSeries } from '../blocks/dashboard';
import { DEPLOYMENT_DURATION_FILE, functionSource } from '../functions';
import { ResolvedConfig } from '../config/types';
import type { ParameterFile } from '../core/parameter-file';
import { DORA_DIMENSIONS, DORA_METRICS, deliveryNamespaceText } from '../contracts/dora';

/** Logical IDs: a public contract (renaming one replaces the live resource). */
export const MONITORING_IDS = {
  projectName: 'ProjectName',
  environmentSuffix: 'EnvironmentSuffix',
  costCenter: 'CostCenter',
  alertEmail: 'AlertEmail',
  logRetentionInDays: 'LogRetentionInDays',
  alertKey: 'AlertKey',
  alertKeyAlias: 'AlertKeyAlias',
  alertTopic: 'AlertTopic',
  alertTopicPolicy: 'AlertTopicPolicy',
  alertSubscription: 'AlertEmailSubscription',
  eventsLogGroup: 'PipelineEventsLogGroup',
  eventsLogPolicy: 'PipelineEventsLogPolicy',
  eventsRule: 'PipelineEventsRule',
  failureRule: 'PipelineFailureRule',
  durationRule: 'DeploymentDurationRule',
  executionsSucceededFilter: 'PipelineSucceededFilter',
  executionsFailedFilter: 'PipelineFailedFilter',
  deploymentsSucceededFilter: 'DeploymentSucceededFilter',
  deploymentsFailedFilter: 'DeploymentFailedFilter',
  durationRole: 'DeploymentDurationRole',
  durationLogGroup: 'DeploymentDurationLogGroup',
  durationFunction: 'DeploymentDurationFunction',
  durationPermission: 'DeploymentDurationPermission',
  pipelineFailureAlarm: 'PipelineFailureAlarm',
  productionFailedAlarm: 'ProductionDeploymentFailedAlarm',
  productionSucceededAlarm: 'ProductionDeploymentSucceededAlarm',
  dashboard: 'DeliveryDashboard',
} as const;

const ID = MONITORING_IDS;

/** The custom metrics this stack produces; the dashboard and alarms read only these and AWS's own. */
export const METRICS = {
  executionsSucceeded: 'PipelineExecutionsSucceeded',
  executionsFailed: 'PipelineExecutionsFailed',
  deploymentsSucceeded: 'DeploymentsSucceeded',
  deploymentsFailed: 'DeploymentsFailed',
  deploymentDuration: 'DeploymentDuration',
} as const;

const DAY = 86_400;
const WEEK = 7 * DAY;
/**
 * The DORA performance bands, from the clusters of the Accelerate State of DevOps report
 * 2021 (dora.dev), with each band running down to the next one's edge so that every value
 * falls in one: deployment frequency (per day) Elite on demand (daily or more), High at
 * least weekly, Medium at least monthly; lead time for changes Elite under an hour, High
 * under a week, Medium under six months; time to restore Elite under an hour, High under
 * a day, Medium under a week; change failure rate Elite 0-15 %, the other clusters 16-30 %.
 */
export const DORA_BANDS = {
  deploymentsPerDay: [
    { label: 'Elite: daily or more', value: 1 },
    { label: 'High: weekly or more', value: 1 / 7 },
    { label: 'Medium: monthly or more', value: 1 / 30 },
  ],
  leadTimeSeconds: [
    { label: 'Elite: under an hour', value: 3600 },
    { label: 'High: under a week', value: WEEK },
    { label: 'Medium: under six months', value: 182 * DAY },
  ],
  timeToRestoreSeconds: [
    { label: 'Elite: under an hour', value: 3600 },
    { label: 'High: under a day', value: DAY },
    { label: 'Medium: under a week', value: WEEK },
  ],
  changeFailurePercent: [
    { label: 'Elite: 15 % or less', value: 15 },
    { label: 'High to Low: 30 % or less', value: 30 },
  ],
} as const;

/** The one dimension of the per-environment metrics: the deploy stage, e.g. `Deploy-prod`. */
export const STAGE_DIMENSION = 'Stage';

/** Metrics AWS publishes that the dashboard reads (CodeBuild and CodePipeline user guides). */
export const AWS_METRICS = {
  codeBuild: { namespace: 'AWS/CodeBuild', dimension: 'ProjectName', duration: 'Duration', failedBuilds: 'FailedBuilds' },
  codePipeline: { namespace: 'AWS/CodePipeline', dimension: 'PipelineName', failedExecutions: 'FailedPipelineExecutions' },
} as const;

const DETAIL_TYPES = {
  pipeline: 'CodePipeline Pipeline Execution State Change',
  stage: 'CodePipeline Stage Execution State Change',
  action: 'CodePipeline Action Execution State Change',
} as const;

/** How long the alarms look back; one failure in the period is enough. */
const ALARM_PERIOD_SECONDS = 300;
/** Success rates and durations per hour; builds, which are frequent, per five minutes. */
const RATE_PERIOD_SECONDS = 3600;
const BUILD_PERIOD_SECONDS = 300;
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

interface Scope {
  readonly project: ParameterHandle<string>;
  readonly suffix: ParameterHandle<string>;
}

function v(p: { readonly logicalId: string }): string {
  return `\${${p.logicalId}}`;
}

/** ARN of a resource of this account and region. */
function arn(service: string, resource: string): Intrinsic<string> {
  return sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`);
}

/** The event pattern head every rule shares: CodePipeline events of this project's pipelines. */
function pipelineEvents(s: Scope, detailTypes: readonly string[], detail: Record<string, unknown> = {}) {
  return {
    source: ['aws.codepipeline'],
    'detail-type': [...detailTypes],
    detail: { pipeline: [{ wildcard: sub(pipelineNamePattern(s.project, s.suffix)) }], ...detail },
  };
}

/** Only this project's alarms, in this account and region, may act through CloudWatch. */
function fromProjectAlarms(s: Scope): Record<string, Record<string, unknown>> {
  return {
    ArnLike: { 'aws:SourceArn': arn('cloudwatch', `alarm:${v(s.project)}-*-${v(s.suffix)}`) },
    StringEquals: { 'aws:SourceAccount': AWS.accountId },
  };
}

/** Key policy: the account administers the key; EventBridge and CloudWatch encrypt messages to the topic with it. */
function alertKeyPolicy(s: Scope): Statement[] {
  return [
    accountAdministersKey('AccountAdministersKey', ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias']),
    // SNS encrypts each message with a data key it asks for on the publisher's behalf.
    // EventBridge's request to KMS carries no aws:SourceArn or aws:SourceAccount, so its
    // statement cannot be conditioned on them; CloudWatch's can.
    allow('EventBridgePublishesEncrypted', ['kms:Decrypt', 'kms:GenerateDataKey'], THIS_KEY, {
      principal: { Service: 'events.amazonaws.com' },
    }),
    allow('CloudWatchAlarmsPublishEncrypted', ['kms:Decrypt', 'kms:GenerateDataKey'], THIS_KEY, {
      principal: { Service: 'cloudwatch.amazonaws.com' },
      condition: fromProjectAlarms(s),
    }),
  ];
}

/** The deploy-duration function's permissions: read its pipelines' action executions, put its metric, write its log. */
function durationStatements(s: Scope, namespace: Intrinsic<string>, logGroup: ResourceHandle): Statement[] {
  return [
    allow('ReadActionExecutions', ['codepipeline:ListActionExecutions'], [arn('codepipeline', pipelineNamePattern(s.project, s.suffix))]),
    allow(
      'PutDeploymentDuration',
      ['cloudwatch:PutMetricData'],
      anyResource('cloudwatch:PutMetricData has no resource-level permissions; the namespace condition scopes it'),
      { condition: { StringEquals: { 'cloudwatch:namespace': namespace } } },
    ),
    allow('WriteOwnLog', ['logs:CreateLogStream', 'logs:PutLogEvents'], [logGroup.getAtt('Arn')]),
  ];
}

function metricFilter(
  t: TemplateBuilder,
  id: string,
  logGroup: ResourceHandle,
  pattern: string,
  namespace: Intrinsic<string>,
  metricName: string,
  withStage: boolean,
): ResourceHandle {
  return t.resource(id, 'AWS::Logs::MetricFilter', {
    LogGroupName: logGroup.ref(),
    FilterPattern: pattern,
    MetricTransformations: [
      {
        MetricNamespace: namespace,
        MetricName: metricName,
        MetricValue: '1',
        Unit: 'Count',
        ...(withStage ? { Dimensions: [{ Key: STAGE_DIMENSION, Value: '$.detail.stage' }] } : {}),
      },
    ],
  });
}

export function buildMonitoringTemplate(config: ResolvedConfig): Template {
  const t = new TemplateBuilder(
    'Delivery monitoring for every CodePipeline of one project in the tools account: pipeline events to an encrypted SNS alert topic and a log group, metrics for executions and per-environment deployments, a deployment duration metric, alarms and a CloudWatch dashboard.',
  );
  const project = t.parameter(ID.projectName, PROJECT_NAME);
  const suffix = t.parameter(ID.environmentSuffix, {
    ...ENVIRONMENT_SUFFIX,
    Description: 'Environment suffix of the tools account stacks; the pipelines monitored are named {project}-{service}-pipeline-{suffix}',
  });
  const costCenter = t.parameter(ID.costCenter, COST_CENTER);
  const alertEmail = t.parameter(ID.alertEmail, {
    Type: 'String',
    Description: 'Email address that receives pipeline failures and production deployment alerts',
    AllowedPattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$',
    MinLength: 6,
    MaxLength: 254,
    ConstraintDescription: 'an email address',
  });
  const retention = t.parameter(ID.logRetentionInDays, {
    Type: 'Number',
    Description: 'Days the pipeline events and the function log are kept',
    Default: 90,
    AllowedValues: LOG_RETENTION_DAYS,
  });
  t.standardTags({ Environment: ref(suffix), Project: ref(project), CostCenter: ref(costCenter) });
  const s: Scope = { project, suffix };
  const namespaceText = deliveryNamespaceText(project, suffix);
  const namespace = sub(namespaceText);
  const environments = config.environments.map((e) => e.name);
  const production = environments[environments.length - 1];

  // --- Alert topic, encrypted with a key EventBridge and CloudWatch may use -----------
  const key = t.resource(ID.alertKey, 'AWS::KMS::Key', {
    Description: 'Encrypts the delivery alert topic; EventBridge rules and CloudWatch alarms of this stack publish to it',
    EnableKeyRotation: true,
    PendingWindowInDays: 7,
    KeyPolicy: policyDocument(alertKeyPolicy(s)),
  });
  t.resource(ID.alertKeyAlias, 'AWS::KMS::Alias', {
    AliasName: physicalName('kms-alias', ['alias/', project, '-alerts-', suffix]),
    TargetKeyId: key.ref(),
  });
  const topic = t.resource(ID.alertTopic, 'AWS::SNS::Topic', {
    TopicName: standardName('sns-topic', 'alerts', s),
    DisplayName: 'Delivery alerts',
    KmsMasterKeyId: key.getAtt('Arn'),
  });
  t.resource(ID.alertSubscription, 'AWS::SNS::Subscription', {
    TopicArn: topic.ref(),
    Protocol: 'email',
    Endpoint: ref(alertEmail),
  });
  const failureRuleName = standardName('events-rule', 'pipeline-failed', s);
  const topicPolicy = t.resource(ID.alertTopicPolicy, 'AWS::SNS::TopicPolicy', {
    Topics: [topic.ref()],
    PolicyDocument: policyDocument([
      allow('FailureRulePublishes', ['sns:Publish'], [topic.ref()], {
        principal: { Service: 'events.amazonaws.com' },
        condition: { ArnEquals: { 'aws:SourceArn': arn('events', `rule/${v(project)}-pipeline-failed-${v(suffix)}`) } },
      }),
      allow('AlarmsPublish', ['sns:Publish'], [topic.ref()], {
        principal: { Service: 'cloudwatch.amazonaws.com' },
        condition: fromProjectAlarms(s),
      }),
    ]),
  });

  // --- Failed executions, readable, to the alert topic ---------------------------------
  // The pipeline-level FAILED event does not name the stage; the stage-level one does,
  // and a failed stage is what fails an execution, so this rule matches the stage event.
  t.resource(
    ID.failureRule,
    'AWS::Events::Rule',
    {
      Name: failureRuleName,
      Description: 'A stage of one of the project pipelines failed, so its execution failed: notify the alert topic',
      State: 'ENABLED',
      EventPattern: pipelineEvents(s, [DETAIL_TYPES.stage], { state: ['FAILED'] }),
      Targets: [
        {
          Id: 'AlertTopic',
          Arn: topic.ref(),
          InputTransformer: {
            InputPathsMap: {
              pipeline: '$.detail.pipeline',
              stage: '$.detail.stage',
              execution: '$.detail.execution-id',
              region: '$.region',
              time: '$.time',
            },
            InputTemplate:
              '"Pipeline <pipeline> failed at stage <stage> (execution <execution>, <time>). Execution details: https://<region>.console.aws.amazon.com/codesuite/codepipeline/pipelines/<pipeline>/executions/<execution>/timeline?region=<region>"',
          },
        },
      ],
    },
    { dependsOn: [topicPolicy] },
  );

  // --- Every pipeline event to a log group; metric filters count them ------------------
  const eventsLogGroup = t.resource(ID.eventsLogGroup, 'AWS::Logs::LogGroup', {
    LogGroupName: physicalName('log-group', ['/aws/events/', project, '-pipeline-events-', suffix]),
    RetentionInDays: ref(retention),
  });
  const eventsLogPolicy = t.resource(ID.eventsLogPolicy, 'AWS::Logs::ResourcePolicy', {
    PolicyName: standardName('log-group', 'pipeline-events', s),
    PolicyDocument: sub(
      JSON.stringify(
        policyDocument([
          allow('EventBridgeWritesPipelineEvents', ['logs:CreateLogStream', 'logs:PutLogEvents'], [`\${${ID.eventsLogGroup}.Arn}`], {
            principal: { Service: ['events.amazonaws.com', 'delivery.logs.amazonaws.com'] },
          }),
        ]),
      ),
    ),
  });
  t.resource(
    ID.eventsRule,
    'AWS::Events::Rule',
    {
      Name: standardName('events-rule', 'pipeline-events', s),
      Description: 'Execution, stage and action events of the project pipelines, kept for metrics and failure patterns',
      State: 'ENABLED',
      EventPattern: pipelineEvents(s, [DETAIL_TYPES.pipeline, DETAIL_TYPES.stage, DETAIL_TYPES.action]),
      Targets: [{ Id: 'PipelineEventsLog', Arn: arn('logs', `log-group:\${${ID.eventsLogGroup}}`) }],
    },
    { dependsOn: [eventsLogPolicy] },
  );
  // Execution events carry no stage, stage events no action: that tells the levels apart.
  // One filter per outcome covers every deploy stage (the same `Deploy-` prefix the
  // duration rule matches); the stage name becomes the Stage dimension.
  const execution = (state: string) => `{ ($.detail.state = "${state}") && ($.detail.stage NOT EXISTS) }`;
  const deployment = (state: string) =>
    `{ ($.detail.stage = "${DEPLOY_STAGE_PREFIX}*") && ($.detail.state = "${state}") && ($.detail.action NOT EXISTS) }`;
  metricFilter(t, ID.executionsSucceededFilter, eventsLogGroup, execution('SUCCEEDED'), namespace, METRICS.executionsSucceeded, false);
  metricFilter(t, ID.executionsFailedFilter, eventsLogGroup, execution('FAILED'), namespace, METRICS.executionsFailed, false);
  metricFilter(t, ID.deploymentsSucceededFilter, eventsLogGroup, deployment('SUCCEEDED'), namespace, METRICS.deploymentsSucceeded, true);
  metricFilter(t, ID.deploymentsFailedFilter, eventsLogGroup, deployment('FAILED'), namespace, METRICS.deploymentsFailed, true);

  // --- Deployment duration --------------------------------------------------------------
  const functionName = standardName('lambda-function', 'deploy-duration', s);
  const durationLogGroup = t.resource(ID.durationLogGroup, 'AWS::Logs::LogGroup', {
    LogGroupName: physicalName('log-group', ['/aws/lambda/', project, '-deploy-duration-', suffix]),
    RetentionInDays: ref(retention),
  });
  const durationRole = role(t, ID.durationRole, {
    roleName: physicalName('iam-role', [project, '-deploy-duration-', suffix, '-', 'AWS::Region']),
    description: 'Runs the function that puts the duration of each deployment of the project pipelines as a metric',
    assumedBy: { Service: 'lambda.amazonaws.com' },
    trustCondition: serviceTrust(),
    policyName: 'deployment-duration-metric',
    statements: durationStatements(s, namespace, durationLogGroup),
  });
  const fn = t.resource(ID.durationFunction, 'AWS::Lambda::Function', {
    FunctionName: functionName,
    Description: 'Puts the duration of each deployment (stage Deploy-<environment>) of the project pipelines as a metric',
    Runtime: 'nodejs24.x',
    Handler: 'index.handler',
    Architectures: ['arm64'],
    MemorySize: 128,
    Timeout: 30,
    Role: durationRole.getAtt('Arn'),
    Code: { ZipFile: functionSource(DEPLOYMENT_DURATION_FILE, { METRIC_NAME: METRICS.deploymentDuration, STAGE_DIMENSION }) },
    Environment: { Variables: { METRIC_NAMESPACE: namespace } },
    LoggingConfig: { LogGroup: durationLogGroup.ref() },
  });
  const durationRule = t.resource(ID.durationRule, 'AWS::Events::Rule', {
    Name: standardName('events-rule', 'deploy-duration', s),
    Description: 'A deploy stage of one of the project pipelines finished: put its duration as a metric',
    State: 'ENABLED',
    EventPattern: pipelineEvents(s, [DETAIL_TYPES.stage], {
      stage: [{ prefix: DEPLOY_STAGE_PREFIX }],
      state: ['SUCCEEDED', 'FAILED'],
    }),
    Targets: [{ Id: 'DeploymentDuration', Arn: fn.getAtt('Arn') }],
  });
  t.resource(ID.durationPermission, 'AWS::Lambda::Permission', {
    FunctionName: fn.getAtt('Arn'),
    Action: 'lambda:InvokeFunction',
    Principal: 'events.amazonaws.com',
    SourceArn: durationRule.getAtt('Arn'),
  });

  // --- Alarms -----------------------------------------------------------------------------
  const alarm = (id: string, type: string, description: string, metricName: string, stage?: string) =>
    t.resource(
      id,
      'AWS::CloudWatch::Alarm',
      {
        AlarmName: standardName('cloudwatch-alarm', type, s),
        AlarmDescription: description,
        Namespace: namespace,
        MetricName: metricName,
        ...(stage ? { Dimensions: [{ Name: STAGE_DIMENSION, Value: stage }] } : {}),
        Statistic: 'Sum',
        Period: ALARM_PERIOD_SECONDS,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [topic.ref()],
      },
      { dependsOn: [topicPolicy] },
    );
  const prodStage = deployStageName(production);
  const failureAlarm = alarm(
    ID.pipelineFailureAlarm,
    'pipeline-failure',
    'At least one execution of a project pipeline failed in the last 5 minutes',
    METRICS.executionsFailed,
  );
  const prodFailedAlarm = alarm(
    ID.productionFailedAlarm,
    `deploy-${production}-failed`,
    `A deployment to ${production} (stage ${prodStage}) failed in the last 5 minutes`,
    METRICS.deploymentsFailed,
    prodStage,
  );
  const prodSucceededAlarm = alarm(
    ID.productionSucceededAlarm,
    `deploy-${production}-succeeded`,
    `A deployment to ${production} (stage ${prodStage}) succeeded in the last 5 minutes; this alarm announces production releases`,
    METRICS.deploymentsSucceeded,
    prodStage,
  );

  // --- Dashboard --------------------------------------------------------------------------
  const ns = namespaceText;
  const rate = (i: number, label: string, succeeded: string, failed: string, dims?: Record<string, string>): Series[] => [
    { namespace: ns, metricName: succeeded, ...(dims ? { dimensions: dims } : {}), id: `s${i}`, visible: false },
    { namespace: ns, metricName: failed, ...(dims ? { dimensions: dims } : {}), id: `f${i}`, visible: false },
    { expression: `100*FILL(s${i},0)/(FILL(s${i},0)+FILL(f${i},0))`, id: `r${i}`, label },
  ];
  const search = (namespaceName: string, dimension: string, metricName: string, stat: string, id: string): Series => ({
    expression: `SEARCH('{${namespaceName},${dimension}} MetricName="${metricName}" ${v(project)} ${v(suffix)}', '${stat}', ${BUILD_PERIOD_SECONDS})`,
    id,
    label: '',
  });
  const cb = AWS_METRICS.codeBuild;
  const cp = AWS_METRICS.codePipeline;
  // One line per CodeBuild project of the project: found by SEARCH, so new services need no change.
  const perBuildProject = (title: string, metricName: string, stat: Statistic, unit: UnitAxis['label'], id: string) =>
    timeSeries(title, stat, BUILD_PERIOD_SECONDS, { label: unit, min: 0 }, [search(cb.namespace, cb.dimension, metricName, stat, id)]);
  // DORA: one line per service and environment, found by SEARCH, so new services need no
  // change; the bands are shaded behind the lines.
  const dora = (metricName: string, stat: Statistic, periodSeconds: number, id: string): Series => ({
    expression: `SEARCH('{${ns},${DORA_DIMENSIONS.join(',')}} MetricName="${metricName}"', '${stat}', ${periodSeconds})`,
    id,
    label: '',
  });
  const bands = (list: ReadonlyArray<{ label: string; value: number }>, better: 'above' | 'below'): HorizontalAnnotation[] =>
    list.map((b) => ({ label: b.label, value: Number(b.value.toFixed(3)), fill: better }));
  const doraWidget = (title: string, stat: Statistic, periodSeconds: number, unit: UnitAxis, series: Series[], annotations: HorizontalAnnotation[]): MetricWidget => ({
    ...timeSeries(title, stat, periodSeconds, unit, series),
    annotations,
  });
  const dm = DORA_METRICS;
  const dashboard: Dashboard = {
    start: '-P7D',
    rows: [
      {
        height: 6,
        widgets: [
          {
            width: 6,
            widget: timeSeries(
              'Pipeline success rate',
              'Sum',
              RATE_PERIOD_SECONDS,
              { label: 'Percent', min: 0, max: 100 },
              rate(0, 'Succeeded executions', METRICS.executionsSucceeded, METRICS.executionsFailed),
            ),
          },
          {
            width: 6,
            widget: timeSeries(
              'Deployment success rate by environment',
              'Sum',
              RATE_PERIOD_SECONDS,
              { label: 'Percent', min: 0, max: 100 },
              environments.flatMap((env, i) =>
                rate(i, env, METRICS.deploymentsSucceeded, METRICS.deploymentsFailed, { [STAGE_DIMENSION]: deployStageName(env) }),
              ),
            ),
          },
          {
            width: 6,
            widget: timeSeries(
              'Deployment duration by environment',
              'Average',
              RATE_PERIOD_SECONDS,
              { label: 'Seconds', min: 0 },
              environments.map((env) => ({
                namespace: ns,
                metricName: METRICS.deploymentDuration,
                dimensions: { [STAGE_DIMENSION]: deployStageName(env) },
                label: env,
              })),
            ),
          },
          {
            width: 6,
            widget: {
              type: 'alarm',
              title: 'Delivery alarms',
              alarmArns: [failureAlarm, prodFailedAlarm, prodSucceededAlarm].map((a) => `\${${a.logicalId}.Arn}`),
            },
          },
        ],
      },
      {
        height: 7,
        widgets: [
          {
            width: 4,
            widget: doraWidget('Deployment frequency: deployments per day', 'Sum', DAY, { label: 'Count', min: 0 }, [dora(dm.deployments, 'Sum', DAY, 'df')], bands(DORA_BANDS.deploymentsPerDay, 'above')),
          },
          {
            width: 4,
            widget: doraWidget('Deployment frequency: deployments per week', 'Sum', WEEK, { label: 'Count', min: 0 }, [dora(dm.deployments, 'Sum', WEEK, 'dw')], bands(DORA_BANDS.deploymentsPerDay.map((b) => ({ ...b, value: b.value * 7 })), 'above')),
          },
          {
            width: 4,
            widget: doraWidget(
              'Lead time for changes: median and p90, commit to deployed',
              'p50',
              DAY,
              { label: 'Seconds', min: 0 },
              [dora(dm.leadTime, 'p50', DAY, 'lm'), dora(dm.leadTime, 'p90', DAY, 'lp')],
              bands(DORA_BANDS.leadTimeSeconds, 'below'),
            ),
          },
          {
            width: 4,
            widget: doraWidget('Change failure rate over a week', 'Average', WEEK, { label: 'Percent', min: 0, max: 100 }, [dora(dm.changeFailure, 'Average', WEEK, 'cf')], bands(DORA_BANDS.changeFailurePercent, 'below')),
          },
          {
            width: 4,
            widget: doraWidget('Time to restore: median over a week', 'p50', WEEK, { label: 'Seconds', min: 0 }, [dora(dm.timeToRestore, 'p50', WEEK, 'tr')], bands(DORA_BANDS.timeToRestoreSeconds, 'below')),
          },
          {
            width: 4,
            widget: {
              type: 'text',
              title: 'How are we delivering?',
              markdown: [
                'One line per service and environment; the shading marks the DORA performance bands (Accelerate State of DevOps 2021), a line below the lowest band is Low.',
                '',
                '* **Deployment frequency**: successful deploy stages.',
                '* **Lead time**: newest commit of an execution to its deployment, approval waits included.',
                '* **Change failure rate**: failed deploy stages among all.',
                '* **Time to restore**: first failure (failed stage or ECS deployment) to the next completed deployment.',
              ].join('\n'),
            },
          },
        ],
      },
      {
        height: 6,
        widgets: [
          { width: 8, widget: perBuildProject('Build duration by CodeBuild project', cb.duration, 'Average', 'Seconds', 'd') },
          { width: 8, widget: perBuildProject('Failed builds by CodeBuild project', cb.failedBuilds, 'Sum', 'Count', 'b') },
          {
            width: 8,
            widget: timeSeries(
              'Pipeline executions and failures',
              'Sum',
              RATE_PERIOD_SECONDS,
              { label: 'Count', min: 0 },
              [
                { namespace: ns, metricName: METRICS.executionsSucceeded, label: 'Succeeded' },
                { namespace: ns, metricName: METRICS.executionsFailed, label: 'Failed' },
                search(cp.namespace, cp.dimension, cp.failedExecutions, 'Sum', 'p'),
              ],
            ),
          },
        ],
      },
      {
        height: 8,
        widgets: [
          {
            width: 24,
            widget: {
              type: 'log',
              title: 'Failure patterns: the stages and actions that fail most often',
              logGroupName: v(eventsLogGroup),
              query:
                "filter `detail-type` = 'CodePipeline Action Execution State Change' and detail.state = 'FAILED' | stats count(*) as failures by detail.stage, detail.action | sort failures desc | limit 20",
            },
          },
        ],
      },
    ],
  };
  const dashboardResource = t.resource(ID.dashboard, 'AWS::CloudWatch::Dashboard', {
    DashboardName: standardName('cloudwatch-dashboard', 'delivery', s),
    DashboardBody: dashboardBody(dashboard),
  });

  t.output('AlertTopicArn', { description: 'ARN of the delivery alert topic', value: topic.ref() });
  t.output('PipelineEventsLogGroupName', { description: 'Log group that keeps every event of the project pipelines', value: eventsLogGroup.ref() });
  t.output('MetricNamespace', { description: 'Namespace of the delivery metrics', value: namespace });
  t.output('DashboardUrl', {
    description: 'The delivery dashboard in the CloudWatch console',
    value: sub(`https://\${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=\${AWS::Region}#dashboards:name=${v(dashboardResource)}`),
  });
  return t.build();
}

/** The parameters of the one monitoring stack of the project (tools account). */
export function monitoringParameterFiles(config: ResolvedConfig): ParameterFile[] {
  return [
    {
      path: 'parameters/monitoring.json',
      parameters: {
        [ID.projectName]: config.project.name,
        [ID.environmentSuffix]: config.tools.environmentSuffix,
        [ID.costCenter]: config.project.costCenter,
        [ID.alertEmail]: config.notifications.alertEmail,
      },
      tags: { Environment: config.tools.environmentSuffix, Project: config.project.name, CostCenter: config.project.costCenter },
    },
  ];
}

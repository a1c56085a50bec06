/**
 * What the sections of monitoring.json share: logical IDs, the metrics it produces and
 * reads, the DORA bands, the periods, and the event pattern of the project's pipelines.
 */
import { Intrinsic, sub } from '../../core/intrinsics';
import { pipelineNamePattern } from '../../core/naming';
import { ParameterHandle } from '../../core/template';

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

/** The custom metrics this stack produces; the dashboard and alarms read only these and AWS's own. */
export const METRICS = {
  executionsSucceeded: 'PipelineExecutionsSucceeded',
  executionsFailed: 'PipelineExecutionsFailed',
  deploymentsSucceeded: 'DeploymentsSucceeded',
  deploymentsFailed: 'DeploymentsFailed',
  deploymentDuration: 'DeploymentDuration',
} as const;

export const DAY = 86_400;
export const WEEK = 7 * DAY;
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

export const DETAIL_TYPES = {
  pipeline: 'CodePipeline Pipeline Execution State Change',
  stage: 'CodePipeline Stage Execution State Change',
  action: 'CodePipeline Action Execution State Change',
} as const;

/** How long the alarms look back; one failure in the period is enough. */
export const ALARM_PERIOD_SECONDS = 300;
/** Success rates and durations per hour; builds, which are frequent, per five minutes. */
export const RATE_PERIOD_SECONDS = 3600;
export const BUILD_PERIOD_SECONDS = 300;
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** The stack's project and suffix parameters, which name everything in it. */
export interface Scope {
  readonly project: ParameterHandle<string>;
  readonly suffix: ParameterHandle<string>;
}

/** `${LogicalId}`, for Fn::Sub. */
export function v(p: { readonly logicalId: string }): string {
  return `\${${p.logicalId}}`;
}

/** ARN of a resource of this account and region. */
export function arn(service: string, resource: string): Intrinsic<string> {
  return sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`);
}

/** The event pattern head every rule shares: CodePipeline events of this project's pipelines. */
export function pipelineEvents(s: Scope, detailTypes: readonly string[], detail: Record<string, unknown> = {}) {
  return {
    source: ['aws.codepipeline'],
    'detail-type': [...detailTypes],
    detail: { pipeline: [{ wildcard: sub(pipelineNamePattern(s.project, s.suffix)) }], ...detail },
  };
}

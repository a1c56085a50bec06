/**
 * Every event of the project's pipelines, kept in a log group that EventBridge writes to;
 * metric filters count succeeded and failed executions, and succeeded and failed
 * deployments per deploy stage.
 */
import { Intrinsic, ref, sub } from '../../core/intrinsics';
import { allow, policyDocument } from '../../core/iam';
import { DEPLOY_STAGE_PREFIX, physicalName, standardName } from '../../core/naming';
import { ParameterHandle, ResourceHandle, TemplateBuilder } from '../../core/template';
import { DETAIL_TYPES, METRICS, MONITORING_IDS as ID, STAGE_DIMENSION, Scope, arn, pipelineEvents } from './facts';

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

/** The log group, its resource policy, the rule that fills it, and the metric filters; returns the log group. */
export function pipelineEventsLog(t: TemplateBuilder, s: Scope, retention: ParameterHandle<number>, namespace: Intrinsic<string>): ResourceHandle {
  const { project, suffix } = s;
  const eventsLogGroup = t.resource(ID.eventsLogGroup, 'AWS::Logs::LogGroup', {
    LogGroupName: physicalName('log-group', ['/aws/events/', project, '-pipeline-events-', suffix]),
    RetentionInDays: ref(retention),
  });
  const eventsLogPolicy = t.resource(ID.eventsLogPolicy, 'AWS::Logs::ResourcePolicy', {
    PolicyName: standardName('logs-resource-policy', 'pipeline-events', s),
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
  return eventsLogGroup;
}

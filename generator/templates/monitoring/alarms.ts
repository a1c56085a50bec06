/**
 * The alarms of monitoring.json, each notifying the alert topic: a failed execution of any
 * project pipeline, and a failed and a successful deployment to production (the last
 * environment).
 */
import { Intrinsic } from '../../core/intrinsics';
import { deployStageName, standardName } from '../../core/naming';
import { ResourceHandle, TemplateBuilder } from '../../core/template';
import { ALARM_PERIOD_SECONDS, METRICS, STAGE_DIMENSION, MONITORING_IDS as ID, Scope } from './facts';

/** Returns the three alarms, in the order the dashboard shows them. */
export function deliveryAlarms(
  t: TemplateBuilder,
  s: Scope,
  p: { namespace: Intrinsic<string>; topic: ResourceHandle; topicPolicy: ResourceHandle; production: string },
): ResourceHandle[] {
  const { namespace, topic, topicPolicy, production } = p;
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
  return [failureAlarm, prodFailedAlarm, prodSucceededAlarm];
}

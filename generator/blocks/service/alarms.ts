/**
 * The two alarms of every service: target 5xx behind the load balancer, and unhealthy
 * targets in either target group. The deployment rolls back on either, the check reads
 * them, and the pipeline's deploy step waits on them.
 */
import { Value } from '../../core/intrinsics';
import { standardName } from '../../core/naming';
import { ResourceHandle, TemplateBuilder } from '../../core/template';
import { Typed } from '../blue-green-hook';
import { ECS_SERVICE_IDS as ID } from './facts';
import type { ServiceScope } from './task-definition';

/**
 * The alarms, named `{project}-{service}-{target-5xx|unhealthy-targets}-{suffix}`; returns
 * their names as Refs (the Ref of an alarm is its name), so that CloudFormation creates
 * them before the service and the check that refer to them.
 */
export function serviceAlarms(
  t: TemplateBuilder,
  scope: ServiceScope,
  loadBalancer: ResourceHandle,
  targetGroups: ReadonlyArray<Typed<'AWS::ElasticLoadBalancingV2::TargetGroup'>>,
  errorThreshold: Value<number>,
): Value<string>[] {
  const names = {
    errors: standardName('cloudwatch-alarm', 'target-5xx', scope),
    unhealthy: standardName('cloudwatch-alarm', 'unhealthy-targets', scope),
  };
  return alarms(t, loadBalancer, targetGroups, names, errorThreshold).map((a) => a.ref());
}

function alarms(
  t: TemplateBuilder,
  loadBalancer: ResourceHandle,
  targetGroups: ReadonlyArray<Typed<'AWS::ElasticLoadBalancingV2::TargetGroup'>>,
  names: { errors: Value<string>; unhealthy: Value<string> },
  errorThreshold: Value<number>,
): ResourceHandle[] {
  const common = { EvaluationPeriods: 2, DatapointsToAlarm: 2, TreatMissingData: 'notBreaching' };
  const errorAlarm = t.resource(ID.errorAlarm, 'AWS::CloudWatch::Alarm', {
    AlarmName: names.errors,
    AlarmDescription: 'Targets behind the load balancer answer with 5xx; rolls a deployment back',
    Namespace: 'AWS/ApplicationELB',
    MetricName: 'HTTPCode_Target_5XX_Count',
    Dimensions: [{ Name: 'LoadBalancer', Value: loadBalancer.getAtt('LoadBalancerFullName') }],
    Statistic: 'Sum',
    Period: 60,
    Threshold: errorThreshold,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    ...common,
  });
  // Unhealthy hosts are counted per target group; blue and green swap target groups, so
  // the alarm watches the larger count of both.
  const ids = targetGroups.map((_tg, i) => `tg${i + 1}`);
  const unhealthyAlarm = t.resource(ID.unhealthyAlarm, 'AWS::CloudWatch::Alarm', {
    AlarmName: names.unhealthy,
    AlarmDescription: 'Targets fail the load balancer health check; rolls a deployment back',
    Metrics: [
      ...targetGroups.map((tg, i) => ({
        Id: ids[i],
        ReturnData: false,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/ApplicationELB',
            MetricName: 'UnHealthyHostCount',
            Dimensions: [
              { Name: 'LoadBalancer', Value: loadBalancer.getAtt('LoadBalancerFullName') },
              { Name: 'TargetGroup', Value: tg.getAtt('TargetGroupFullName') },
            ],
          },
          Period: 60,
          Stat: 'Maximum',
        },
      })),
      { Id: 'unhealthy', Label: 'Unhealthy targets', Expression: `MAX([${ids.join(', ')}])`, ReturnData: true },
    ],
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    ...common,
  });
  return [errorAlarm, unhealthyAlarm];
}

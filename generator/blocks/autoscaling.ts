/**
 * Service auto scaling for every service template: an Application Auto Scaling scalable
 * target on the service's desired count and target tracking policies, all off unless the
 * environment's parameter file sets `AutoScalingMaxCount` (config/autoscaling.ts says
 * what each strategy supports and checks the configuration).
 *
 * - No `RoleARN`: Application Auto Scaling then uses its service-linked role
 *   AWSServiceRoleForApplicationAutoScaling_ECSService, which RegisterScalableTarget
 *   creates when the account has none (Application Auto Scaling User Guide, "Amazon ECS
 *   and Application Auto Scaling"; API Reference, RegisterScalableTarget RoleARN).
 * - The service's `DesiredCount` is left out while scaling is on (`desiredCount`): for an
 *   existing service CloudFormation then leaves the count alone instead of setting it back
 *   to the template's value on every update of the service (every rolling or ECS-native
 *   deployment); a new service starts with one task, and RegisterScalableTarget moves the
 *   count into [min, max] at once (Application Auto Scaling concepts, "Scalable target").
 * - Request tracking's `ResourceLabel` is `app/<lb>/<id>/targetgroup/<tg>/<id>`, the load
 *   balancer's and the target group's full names joined (API Reference,
 *   PredefinedMetricSpecification).
 */
import { AWS, ConditionHandle, Value, and, equals, getAtt, ifCond, join, not, ref } from '../core/intrinsics';
import { physicalName } from '../core/naming';
import { NumberParameter, ParameterHandle, ResourceHandle, StringParameter, TemplateBuilder } from '../core/template';
import { AUTO_SCALING_DEFAULTS, COOLDOWN_RANGE, CPU_TARGET_RANGE, MAX_TASKS_PER_SERVICE, MIN_TASK_COUNT, REQUESTS_PER_TARGET_RANGE } from '../config/autoscaling';
import type { ResolvedAutoScaling } from '../config/types';

export const AUTO_SCALING_IDS = {
  minCount: 'AutoScalingMinCount',
  maxCount: 'AutoScalingMaxCount',
  cpuTarget: 'ScalingCpuTargetPercent',
  requestsPerTarget: 'ScalingRequestsPerTarget',
  scaleInCooldown: 'ScaleInCooldownSeconds',
  scaleOutCooldown: 'ScaleOutCooldownSeconds',
  scaleInDisabled: 'ScaleInDisabled',
  hasAutoScaling: 'HasAutoScaling',
  hasCpuScaling: 'HasCpuScaling',
  hasRequestScaling: 'HasRequestScaling',
  isScaleInDisabled: 'IsScaleInDisabled',
  scalableTarget: 'ScalableTarget',
  cpuPolicy: 'CpuScalingPolicy',
  requestPolicy: 'RequestScalingPolicy',
} as const;

const ID = AUTO_SCALING_IDS;

/** Policy names: unique per scalable target, which is this service's. */
export const POLICY_NAMES = { cpu: 'cpu-utilization', requests: 'alb-requests-per-target' } as const;

const count = (description: string, min: number, fallback: number): NumberParameter => ({
  Type: 'Number',
  Description: description,
  Default: fallback,
  MinValue: min,
  MaxValue: MAX_TASKS_PER_SERVICE,
});
const target = (description: string, max: number): NumberParameter => ({ Type: 'Number', Description: description, Default: 0, MinValue: 0, MaxValue: max });
const cooldown = (description: string, fallback: number): NumberParameter => ({
  Type: 'Number',
  Description: description,
  Default: fallback,
  MinValue: COOLDOWN_RANGE.min,
  MaxValue: COOLDOWN_RANGE.max,
});
const SCALE_IN_DISABLED: StringParameter = { Type: 'String', Description: 'true: the policies never remove tasks', Default: 'false', AllowedValues: ['true', 'false'] };

export interface AutoScalingOptions {
  /** Request tracking on this target group (rolling only); none: CPU tracking alone. */
  readonly requests?: { readonly loadBalancer: ResourceHandle; readonly targetGroup: ResourceHandle };
}

export interface AutoScaling {
  readonly enabled: ConditionHandle;
  /** The service's DesiredCount: the parameter without scaling, left out with it. */
  desiredCount(desired: ParameterHandle<number>): Value<number>;
  /** Adds the scalable target and its policies for this service. */
  attach(service: ResourceHandle, cluster: Value<string>): void;
}

/** Declares the parameters and conditions; `attach` adds the resources once the service exists. */
export function autoScaling(t: TemplateBuilder, options: AutoScalingOptions = {}): AutoScaling {
  const min = t.parameter(ID.minCount, count('Fewest tasks the scaler keeps (with AutoScalingMaxCount)', MIN_TASK_COUNT, MIN_TASK_COUNT));
  const max = t.parameter(ID.maxCount, count('Most tasks the scaler starts; 0: no auto scaling, DesiredCount tasks', 0, 0));
  const cpu = t.parameter(ID.cpuTarget, target('Average CPU percent of the tasks to hold; 0: no CPU tracking', CPU_TARGET_RANGE.max));
  const requests = options.requests
    ? t.parameter(ID.requestsPerTarget, target('Requests per task and minute to hold; 0: no request tracking', REQUESTS_PER_TARGET_RANGE.max))
    : undefined;
  const scaleIn = t.parameter(ID.scaleInCooldown, cooldown('Seconds after a scale-in before the next', AUTO_SCALING_DEFAULTS.scaleInCooldownSeconds));
  const scaleOut = t.parameter(ID.scaleOutCooldown, cooldown('Seconds after a scale-out before the next', AUTO_SCALING_DEFAULTS.scaleOutCooldownSeconds));
  const disabled = t.parameter(ID.scaleInDisabled, SCALE_IN_DISABLED);

  const enabled = t.condition(ID.hasAutoScaling, not(equals(ref(max), '0')));
  const cpuOn = t.condition(ID.hasCpuScaling, and(enabled, not(equals(ref(cpu), '0'))));
  const requestsOn = requests ? t.condition(ID.hasRequestScaling, and(enabled, not(equals(ref(requests), '0')))) : undefined;
  const noScaleIn = t.condition(ID.isScaleInDisabled, equals(ref(disabled), 'true'));
  const tracking = { ScaleInCooldown: ref(scaleIn), ScaleOutCooldown: ref(scaleOut), DisableScaleIn: ifCond(noScaleIn, true, false) };

  return {
    enabled,
    desiredCount: (desired) => ifCond<number>(enabled, AWS.noValue, ref(desired)),
    attach(service, cluster) {
      const scalable = t.resource(
        ID.scalableTarget,
        'AWS::ApplicationAutoScaling::ScalableTarget',
        {
          ServiceNamespace: 'ecs',
          ScalableDimension: 'ecs:service:DesiredCount',
          ResourceId: join('/', ['service', cluster, service.getAtt('Name')]),
          MinCapacity: ref(min),
          MaxCapacity: ref(max),
        },
        { condition: enabled },
      );
      const policy = (id: string, name: string, condition: ConditionHandle, value: Value<number>, metric: Record<string, unknown>) =>
        t.resource(
          id,
          'AWS::ApplicationAutoScaling::ScalingPolicy',
          {
            PolicyName: physicalName('scaling-policy', [name]),
            PolicyType: 'TargetTrackingScaling',
            ScalingTargetId: scalable.ref(),
            TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: metric, TargetValue: value, ...tracking },
          },
          { condition },
        );
      policy(ID.cpuPolicy, POLICY_NAMES.cpu, cpuOn, ref(cpu), { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' });
      if (options.requests && requests && requestsOn) {
        const { loadBalancer, targetGroup } = options.requests;
        policy(ID.requestPolicy, POLICY_NAMES.requests, requestsOn, ref(requests), {
          PredefinedMetricType: 'ALBRequestCountPerTarget',
          ResourceLabel: join('/', [getAtt(loadBalancer, 'LoadBalancerFullName'), getAtt(targetGroup, 'TargetGroupFullName')]),
        });
      }
    },
  };
}

/** The parameter values of one environment's auto scaling (none: scaling off). */
export function autoScalingParameterValues(a: ResolvedAutoScaling | undefined, withRequests: boolean): Record<string, string> {
  if (!a) return {};
  return {
    [ID.minCount]: String(a.minCount),
    [ID.maxCount]: String(a.maxCount),
    [ID.cpuTarget]: String(a.cpuTargetPercent ?? 0),
    ...(withRequests ? { [ID.requestsPerTarget]: String(a.requestsPerTarget ?? 0) } : {}),
    [ID.scaleInCooldown]: String(a.scaleInCooldownSeconds),
    [ID.scaleOutCooldown]: String(a.scaleOutCooldownSeconds),
    [ID.scaleInDisabled]: String(a.disableScaleIn),
  };
}

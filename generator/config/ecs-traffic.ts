/**
 * ECS-native traffic shifting in the configuration: the ECS strategy of each routing and the
 * check of one environment's settings against the limits of core/ecs-traffic-limits.ts.
 */
import { LINEAR_PERCENT_MIN, TOTAL_BAKE_MAX_MINUTES, isTenth, linearSteps } from '../core/ecs-traffic-limits';
import { NativeTrafficSettings, TrafficRouting } from './types';

export const ECS_STRATEGY: Readonly<Record<TrafficRouting, 'BLUE_GREEN' | 'CANARY' | 'LINEAR'>> = {
  AllAtOnce: 'BLUE_GREEN',
  TimeBasedCanary: 'CANARY',
  TimeBasedLinear: 'LINEAR',
};

/** Total bake time CloudFormation calculates for a deployment of these settings, in minutes. */
export function totalBakeMinutes(routing: TrafficRouting, s: NativeTrafficSettings): number {
  switch (routing) {
    case 'AllAtOnce':
      return s.bakeTimeMinutes;
    case 'TimeBasedCanary':
      return s.bakeTimeMinutes + s.trafficStepBakeTimeMinutes;
    case 'TimeBasedLinear':
      return s.bakeTimeMinutes + s.trafficStepBakeTimeMinutes * linearSteps(s.trafficStepPercent);
  }
}

/** Problems with one environment's settings, each a sentence naming what ECS or CloudFormation allows. */
export function nativeTrafficProblems(routing: TrafficRouting, s: NativeTrafficSettings): Array<{ field: keyof NativeTrafficSettings; message: string }> {
  const problems: Array<{ field: keyof NativeTrafficSettings; message: string }> = [];
  const p = s.trafficStepPercent;
  if (!isTenth(p)) problems.push({ field: 'trafficStepPercent', message: `${p} must be a multiple of 0.1 (ECS takes percents in tenths)` });
  else if (routing === 'TimeBasedLinear' && p < LINEAR_PERCENT_MIN) {
    problems.push({ field: 'trafficStepPercent', message: `${p} is below ${LINEAR_PERCENT_MIN}, the smallest linear step ECS takes (LinearConfiguration.StepPercent: 3 to 100)` });
  } else {
    const total = totalBakeMinutes(routing, s);
    if (total > TOTAL_BAKE_MAX_MINUTES) {
      const formula =
        routing === 'TimeBasedLinear'
          ? `bakeTimeMinutes ${s.bakeTimeMinutes} + trafficStepBakeTimeMinutes ${s.trafficStepBakeTimeMinutes} x ${linearSteps(p)} steps`
          : routing === 'TimeBasedCanary'
            ? `bakeTimeMinutes ${s.bakeTimeMinutes} + trafficStepBakeTimeMinutes ${s.trafficStepBakeTimeMinutes}`
            : `bakeTimeMinutes ${s.bakeTimeMinutes}`;
      problems.push({
        field: routing === 'AllAtOnce' ? 'bakeTimeMinutes' : 'trafficStepBakeTimeMinutes',
        message: `${formula} = ${total} minutes of baking exceeds ${TOTAL_BAKE_MAX_MINUTES} (33 hours), which CloudFormation rejects for ECS deployments`,
      });
    }
  }
  return problems;
}

/**
 * What ECS and CloudFormation accept for ECS-native blue/green, canary and linear
 * deployments (`DeploymentConfiguration` of AWS::ECS::Service), in one place for the
 * configuration check and the template's parameter constraints.
 *
 * - CanaryConfiguration.CanaryPercent: a multiple of 0.1 from 0.1 to 100;
 *   LinearConfiguration.StepPercent: a multiple of 0.1 from 3 to 100; the bake times
 *   0 to 1440 minutes (ECS API Reference, CanaryConfiguration and LinearConfiguration).
 * - CloudFormation operations time out after 36 hours, so CloudFormation rejects a
 *   deployment whose calculated time exceeds 33 hours: BakeTimeInMinutes +
 *   CanaryBakeTimeInMinutes for a canary, BakeTimeInMinutes + StepBakeTimeInMinutes x
 *   steps for linear, where steps is 100 / StepPercent - 1 when StepPercent divides 100
 *   and floor(100 / StepPercent) otherwise (CloudFormation Template Reference,
 *   AWS::ECS::Service CanaryConfiguration and LinearConfiguration).
 */
import { NativeTrafficSettings, TrafficRouting } from './types';

export const ECS_STRATEGY: Readonly<Record<TrafficRouting, 'BLUE_GREEN' | 'CANARY' | 'LINEAR'>> = {
  AllAtOnce: 'BLUE_GREEN',
  TimeBasedCanary: 'CANARY',
  TimeBasedLinear: 'LINEAR',
};

export const BAKE_TIME_MAX_MINUTES = 1440;
export const CANARY_PERCENT_MIN = 0.1;
export const LINEAR_PERCENT_MIN = 3;
/** 33 hours: the longest deployment CloudFormation accepts from a template. */
export const TOTAL_BAKE_MAX_MINUTES = 33 * 60;

/** Whether a percent is a multiple of 0.1, as ECS requires. */
export function isTenth(percent: number): boolean {
  return Math.abs(percent * 10 - Math.round(percent * 10)) < 1e-9;
}

/** The number of linear steps CloudFormation bakes after (none after the last shift). */
export function linearSteps(stepPercent: number): number {
  const tenths = Math.round(stepPercent * 10);
  return 1000 % tenths === 0 ? 1000 / tenths - 1 : Math.floor(1000 / tenths);
}

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

/**
 * What ECS and CloudFormation accept for ECS-native blue/green, canary and linear
 * deployments (`DeploymentConfiguration` of AWS::ECS::Service), in one place for the
 * configuration check, the template's parameter constraints and rule CD007.
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

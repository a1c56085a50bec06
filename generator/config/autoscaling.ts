/**
 * Service auto scaling of one service environment (`services[].environments.ENV.autoScaling`):
 * Application Auto Scaling target tracking of the ECS service's task count
 * (`ecs:service:DesiredCount`), what each deployment strategy supports, and the limits,
 * in one place for the configuration check, the templates' parameter constraints and
 * the README.
 *
 * What AWS supports, per strategy (ECS Developer Guide):
 * - Every strategy may scale the service's desired count. "Automatically scale your Amazon
 *   ECS service" covers the ECS controller (rolling, ECS-native blue/green); "Deploy Amazon
 *   ECS services using a third-party controller" (the hook's EXTERNAL controller) names
 *   the Application Auto Scaling integration with the service as the target, and the task
 *   sets follow the service's desired count through their `Scale` percentage.
 * - CPU tracking (`ECSServiceAverageCPUUtilization`) averages over the service's tasks,
 *   whichever target group serves them: every strategy.
 * - Request tracking (`ALBRequestCountPerTarget`) names one target group in its
 *   `ResourceLabel`. "Use a target metric to scale Amazon ECS services" states that it
 *   is not supported for the blue/green deployment type: production traffic moves to the
 *   other target group at every deployment (containers-roadmap#1681 shows the policy
 *   left with no data), and ECS-native blue/green alternates its primary and alternate
 *   target groups the same way. Only `rolling` keeps one target group.
 * - "Application Auto Scaling turns off scale-in processes while Amazon ECS deployments
 *   are in progress" (troubleshooting service auto scaling), so a deployment of the ECS
 *   controller is not shrunk under it; scale-out continues.
 */
import type { AutoScalingConfig, DeploymentStrategy, ResolvedAutoScaling } from './types';

/**
 * The default Amazon ECS quota "Tasks per service" (ECS service quotas, Service Quotas
 * code for Amazon ECS; adjustable): a larger maximum would fail when reached.
 */
export const MAX_TASKS_PER_SERVICE = 5000;
/** A load-balanced service with no task answers 503; the floor is one task. */
export const MIN_TASK_COUNT = 1;
/** ECSServiceAverageCPUUtilization is a percentage of the tasks' CPU. */
export const CPU_TARGET_RANGE = { min: 1, max: 100 } as const;
/** Requests per target and minute; a project limit well above what one Fargate task serves. */
export const REQUESTS_PER_TARGET_RANGE = { min: 1, max: 1_000_000 } as const;
/** Cooldowns in seconds; the project's limit of an hour. */
export const COOLDOWN_RANGE = { min: 0, max: 3600 } as const;

/**
 * Defaults: scale in after 5 minutes (the Application Auto Scaling default for ECS
 * services), scale out again after 1 minute (ECS publishes its metrics every minute).
 */
export const AUTO_SCALING_DEFAULTS = { scaleInCooldownSeconds: 300, scaleOutCooldownSeconds: 60, disableScaleIn: false } as const;

/**
 * Whether a strategy may track requests per target: only where the production target
 * group stays the same across deployments.
 */
export const TRACKS_REQUESTS: Readonly<Record<DeploymentStrategy, boolean>> = { 'blue-green': false, 'ecs-blue-green': false, rolling: true };

export function resolveAutoScaling(c: AutoScalingConfig | undefined): ResolvedAutoScaling | undefined {
  if (!c) return undefined;
  return {
    minCount: c.minCount,
    maxCount: c.maxCount,
    cpuTargetPercent: c.cpuTargetPercent,
    requestsPerTarget: c.requestsPerTarget,
    scaleInCooldownSeconds: c.scaleInCooldownSeconds ?? AUTO_SCALING_DEFAULTS.scaleInCooldownSeconds,
    scaleOutCooldownSeconds: c.scaleOutCooldownSeconds ?? AUTO_SCALING_DEFAULTS.scaleOutCooldownSeconds,
    disableScaleIn: c.disableScaleIn ?? AUTO_SCALING_DEFAULTS.disableScaleIn,
  };
}

type Json = Record<string, unknown>;

/**
 * What the schema cannot say about one environment's `autoScaling`, each problem a line
 * `{where}.autoScaling...: message`. `own` is the environment's raw settings; values the
 * schema refuses (wrong types) are left to its report.
 */
export function autoScalingProblems(own: Json, where: string): string[] {
  const a = own.autoScaling;
  if (typeof a !== 'object' || a === null || Array.isArray(a)) return [];
  const s = a as Json;
  const at = `${where}.autoScaling`;
  const problems: string[] = [];
  const strategy = own.deploymentStrategy ?? 'blue-green';
  if (typeof s.minCount === 'number' && typeof s.maxCount === 'number' && s.minCount > s.maxCount) {
    problems.push(`${at}.minCount: ${s.minCount} is above maxCount ${s.maxCount}; the scaler keeps the task count between the two`);
  }
  if (s.cpuTargetPercent === undefined && s.requestsPerTarget === undefined) {
    problems.push(`${at}: names no policy; give cpuTargetPercent, requestsPerTarget or both (without one the task count would stay at minCount)`);
  }
  // An unknown strategy is the schema's to report.
  const known = typeof strategy === 'string' && Object.prototype.hasOwnProperty.call(TRACKS_REQUESTS, strategy);
  if (s.requestsPerTarget !== undefined && known && !TRACKS_REQUESTS[strategy as DeploymentStrategy]) {
    problems.push(
      `${at}.requestsPerTarget: request-count tracking (ALBRequestCountPerTarget) follows one target group, and with deploymentStrategy ${JSON.stringify(strategy)} production traffic moves to the other target group at every deployment, leaving the policy without requests; use cpuTargetPercent, or deploymentStrategy "rolling"`,
    );
  }
  if (own.desiredCount !== undefined) {
    problems.push(`${where}.desiredCount: has no effect with autoScaling, which sets the task count between minCount and maxCount; remove one of them`);
  }
  return problems;
}

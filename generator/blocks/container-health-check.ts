/**
 * The container health check of every service template: ECS runs a command in the
 * container, and a task whose container stays unhealthy is replaced.
 *
 * One parameter, ContainerHealthCheckCommand, set per service by the parameter files: the
 * shell command (CMD-SHELL, run with the image's shell), by default
 * `curl -f http://localhost:{containerPort}{healthCheckPath} || exit 1`
 * (config/app-settings.ts), or `none` to leave the check out (an image without a shell or
 * curl, such as a distroless one). The generator writes the default command out rather
 * than the template building it from ContainerPort and HealthCheckPath: the task
 * definition then refers to no parameter the target groups use, so a new health path
 * can change the target groups before the task definition, in the two stack updates a
 * blue/green stack needs (scripts/plan-deploy.js).
 *
 * Timing within the ranges of the task definition's HealthCheck ("AWS::ECS::TaskDefinition
 * HealthCheck", CloudFormation template reference; "HealthCheck", Amazon ECS API
 * reference): interval 5-300 s, timeout 2-60 s, retries 1-10, start period 0-300 s.
 */
import { AWS, equals, ifCond, not, ref } from '../core/intrinsics';
import { Properties, StringParameter, TemplateBuilder } from '../core/template';
import { MAX_HEALTH_CHECK_COMMAND, NO_HEALTH_CHECK } from '../config/app-settings';

export const HEALTH_CHECK_IDS = {
  command: 'ContainerHealthCheckCommand',
  hasCheck: 'HasContainerHealthCheck',
} as const;

/** Seconds between checks, per check, and before failures count; failures in a row that mark the container unhealthy. */
export const CONTAINER_HEALTH_CHECK = { intervalSeconds: 30, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 60 } as const;

const COMMAND: StringParameter = {
  Type: 'String',
  Description: `Container health check: a shell command (CMD-SHELL; the generator writes curl -f against the container port and health path by default), or "${NO_HEALTH_CHECK}"`,
  MinLength: 1,
  MaxLength: MAX_HEALTH_CHECK_COMMAND,
  AllowedPattern: '^[^\\n\\r]+$',
  ConstraintDescription: 'one line of at most 1024 characters',
};

/** The container definition's HealthCheck (Fn::If on the parameter). */
export function containerHealthCheck(t: TemplateBuilder): Properties {
  const command = t.parameter(HEALTH_CHECK_IDS.command, COMMAND);
  const hasCheck = t.condition(HEALTH_CHECK_IDS.hasCheck, not(equals(ref(command), NO_HEALTH_CHECK)));
  return {
    HealthCheck: ifCond(
      hasCheck,
      {
        Command: ['CMD-SHELL', ref(command)],
        Interval: CONTAINER_HEALTH_CHECK.intervalSeconds,
        Timeout: CONTAINER_HEALTH_CHECK.timeoutSeconds,
        Retries: CONTAINER_HEALTH_CHECK.retries,
        StartPeriod: CONTAINER_HEALTH_CHECK.startPeriodSeconds,
      },
      AWS.noValue,
    ),
  };
}

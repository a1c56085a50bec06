/**
 * The container health check of every service template: ECS runs a command in the
 * container, and a task whose container stays unhealthy is replaced.
 *
 * One parameter, ContainerHealthCheckCommand, set per service by the parameter files:
 * `default` runs `curl -f http://localhost:{ContainerPort}{HealthCheckPath} || exit 1`,
 * `none` leaves the check out (an image without a shell or curl, such as a distroless
 * one), anything else is the shell command itself (CMD-SHELL, run with the image's
 * shell). Timing within the ranges of the task definition's HealthCheck ("AWS::ECS::
 * TaskDefinition HealthCheck", CloudFormation reference; "HealthCheck", Amazon ECS API
 * reference): interval 5-300 s, timeout 2-60 s, retries 1-10, start period 0-300 s.
 */
import { AWS, equals, ifCond, not, ref, sub } from '../core/intrinsics';
import { ParameterHandle, Properties, StringParameter, TemplateBuilder } from '../core/template';

export const HEALTH_CHECK_IDS = {
  command: 'ContainerHealthCheckCommand',
  hasCheck: 'HasContainerHealthCheck',
  usesDefault: 'UsesDefaultContainerHealthCheck',
} as const;

/** Seconds between checks, per check, and before failures count; failures in a row that mark the container unhealthy. */
export const CONTAINER_HEALTH_CHECK = { intervalSeconds: 30, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 60 } as const;

export const DEFAULT_COMMAND = 'default';
export const NO_CHECK = 'none';

const COMMAND: StringParameter = {
  Type: 'String',
  Description: `Container health check: "${DEFAULT_COMMAND}" (curl -f against ContainerPort and HealthCheckPath), "${NO_CHECK}", or a shell command (CMD-SHELL)`,
  Default: DEFAULT_COMMAND,
  MinLength: 1,
  MaxLength: 1024,
  AllowedPattern: '^[^\\n\\r]+$',
  ConstraintDescription: 'one line of at most 1024 characters',
};

/** The container definition's HealthCheck (Fn::If on the parameter). */
export function containerHealthCheck(t: TemplateBuilder, p: { containerPort: ParameterHandle<number>; healthCheckPath: ParameterHandle<string> }): Properties {
  const command = t.parameter(HEALTH_CHECK_IDS.command, COMMAND);
  const hasCheck = t.condition(HEALTH_CHECK_IDS.hasCheck, not(equals(ref(command), NO_CHECK)));
  const usesDefault = t.condition(HEALTH_CHECK_IDS.usesDefault, equals(ref(command), DEFAULT_COMMAND));
  const curl = sub(`curl -f http://localhost:\${${p.containerPort.logicalId}}\${${p.healthCheckPath.logicalId}} || exit 1`);
  return {
    HealthCheck: ifCond(
      hasCheck,
      {
        Command: ['CMD-SHELL', ifCond(usesDefault, curl, ref(command))],
        Interval: CONTAINER_HEALTH_CHECK.intervalSeconds,
        Timeout: CONTAINER_HEALTH_CHECK.timeoutSeconds,
        Retries: CONTAINER_HEALTH_CHECK.retries,
        StartPeriod: CONTAINER_HEALTH_CHECK.startPeriodSeconds,
      },
      AWS.noValue,
    ),
  };
}

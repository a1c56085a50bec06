/**
 * What the DORA stack (templates/dora.ts) shares with the stacks around it: the metrics and
 * namespace monitoring.ts charts, and the ECS events dora-forwarding.ts forwards to it.
 */
/**
 * The DORA metrics dora-metrics.js puts, each with the dimensions `Service` (as in the
 * pipeline name) and `Environment` (as in config.environments).
 */
export const DORA_METRICS = {
  /** 1 per deploy stage that succeeded. */
  deployments: 'Deployments',
  /** 0 per deploy stage that succeeded, 100 per one that failed: the average is the change failure rate in percent. */
  changeFailure: 'ChangeFailure',
  /** Seconds from the newest source revision of the execution to the end of its successful deploy stage. */
  leadTime: 'LeadTime',
  /** Seconds from the first failure to the next success of the same service and environment. */
  timeToRestore: 'TimeToRestore',
} as const;

export const DORA_DIMENSIONS = ['Environment', 'Service'] as const;

/** The namespace of the delivery metrics, monitoring's and these: `ContainerDelivery/{project}-{suffix}` as Fn::Sub text. */
export function deliveryNamespaceText(project: { logicalId: string }, suffix: { logicalId: string }): string {
  return `ContainerDelivery/\${${project.logicalId}}-\${${suffix.logicalId}}`;
}

/**
 * What the ECS services in the member accounts forward to this account (ECS Developer
 * Guide, "Amazon ECS service deployment state change events").
 */
export const ECS_DEPLOYMENT_EVENTS = {
  source: 'aws.ecs',
  detailType: 'ECS Deployment State Change',
  eventNames: ['SERVICE_DEPLOYMENT_COMPLETED', 'SERVICE_DEPLOYMENT_FAILED'],
} as const;

/**
 * ecs-service.json and ecs-service-rolling.json: one ECS Fargate service behind an
 * internet-facing Application Load Balancer, in one member account and environment,
 * deployed by the pipeline's CloudFormation action as `{project}-{service}-{suffix}`.
 *
 * Which file a service's environment uses is `services[].environments[env].deploymentStrategy`:
 *
 * - `blue-green` (ecs-service.json): the AWS::CodeDeployBlueGreen transform and an
 *   AWS::CodeDeploy::BlueGreen hook. The service has the EXTERNAL deployment controller;
 *   a task set serves the production listener, and when the task definition changes the
 *   transform starts a green task set behind the test listener, runs the pre-traffic
 *   check, shifts traffic (all at once, canary or linear, per parameter) and removes blue.
 * - `rolling` (ecs-service-rolling.json): the ECS deployment controller replaces tasks
 *   in place; the deployment circuit breaker and the two alarms roll a failed
 *   deployment back.
 *
 * What the blue/green hook forbids shapes this file (rule CD006 checks it): no Outputs,
 * no Fn::ImportValue and no dynamic references (so the network comes in through
 * `AWS::SSM::Parameter::Value<...>` parameters, which CloudFormation resolves and shows),
 * no NoEcho parameters, no nested stacks, exactly one ECS service, and no fixed names on
 * the task definition (no Family) or the task set, which the transform replaces.
 */
import { ref } from '../../core/intrinsics';
import { clusterName } from '../../core/naming';
import { Template, TemplateBuilder } from '../../core/template';
import { accessLogBucketParameter } from '../../blocks/access-logs';
import { autoScaling } from '../../blocks/autoscaling';
import { httpsParameter } from '../../blocks/https';
import { LOG_RETENTION_PARAMETER } from '../../blocks/log-group';
import { serviceAlarms } from '../../blocks/service/alarms';
import { ECS_SERVICE_IDS as ID } from '../../blocks/service/facts';
import { ERROR_ALARM_THRESHOLD, natPublicIpsParameter, serviceParameters } from '../../blocks/service/parameters';
import { taskDefinition } from '../../blocks/service/task-definition';
import { standardParameters } from '../../blocks/standard-parameters';
import { TRACKS_REQUESTS } from '../../config/autoscaling';
import { DeploymentStrategy } from '../../config/types';
import { blueGreenService, rollingService } from './deployment';
import { loadBalancerSection } from './load-balancer';

export { CHECK_ATTEMPTS, CHECK_DELAY_MS } from '../../blocks/service/facts';
export { ECS_SERVICE_TEMPLATE_FILES, ecsServiceParameterFilePath, ecsServiceParameterFiles } from '../../blocks/service/parameter-files';

const DESCRIPTION = {
  blueGreen:
    'One ECS Fargate service with CodeDeploy blue/green deployments through the AWS::CodeDeployBlueGreen transform: internet-facing ALB with production and test listeners, two target groups, task set, pre-traffic check and alarms.',
  rolling:
    'One ECS Fargate service with rolling deployments, the deployment circuit breaker and alarm-based rollback: internet-facing ALB, target group, task definition and alarms.',
};

export function buildEcsServiceTemplate(strategy: DeploymentStrategy): Template {
  const blueGreen = strategy === 'blue-green';
  const t = new TemplateBuilder(blueGreen ? DESCRIPTION.blueGreen : DESCRIPTION.rolling);
  const { project, suffix } = standardParameters(t);
  const params = serviceParameters(t);
  const { service, desiredCount, vpcId, privateSubnets, healthCheckPath } = params;
  const accessLogBucket = accessLogBucketParameter(t);
  const errorThreshold = t.parameter(ID.errorAlarmThreshold, ERROR_ALARM_THRESHOLD);
  const retention = t.parameter(ID.logRetentionDays, LOG_RETENTION_PARAMETER);
  const scope = { project, service, suffix };

  // --- Network access, load balancer, target groups, listeners.
  const https = httpsParameter(t);
  const natPublicIps = blueGreen ? natPublicIpsParameter(t) : undefined;
  const listeners = loadBalancerSection(t, { ...params, suffix, accessLogBucket, https, natPublicIps });
  const { loadBalancer, tg1 } = listeners;

  const task = taskDefinition(t, scope, { ...params, retention });
  const targetGroups = listeners.blueGreen ? [tg1, listeners.blueGreen.tg2] : [tg1];
  const alarms = serviceAlarms(t, scope, loadBalancer, targetGroups, ref(errorThreshold));

  // Request tracking follows tg1, which serves production only with rolling deployments.
  const scaling = autoScaling(t, TRACKS_REQUESTS[strategy] ? { requests: { loadBalancer, targetGroup: tg1 } } : {});
  const props = { cluster: clusterName(project, suffix), desiredCount, taskDefinition: task, containerPort: params.containerPort, privateSubnets, serviceAlarms: alarms, scaling, listeners };
  if (blueGreen) blueGreenService(t, scope, props, { privateSubnets, vpcId, healthCheckPath, retention: ref(retention) });
  else rollingService(t, props);
  return t.build();
}

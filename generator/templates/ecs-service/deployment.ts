/**
 * The ECS service of ecs-service.json and ecs-service-rolling.json, as its deployment
 * strategy runs it.
 *
 * - Rolling: ECS replaces tasks in place; the circuit breaker rolls back tasks that never
 *   become healthy, the deployment alarms roll back a deployment that errors.
 * - Blue/green: the service only holds the task sets (EXTERNAL controller); the
 *   AWS::CodeDeployBlueGreen transform and its hook move traffic, with the pre-traffic
 *   check at AfterAllowTestTraffic and AfterAllowTraffic.
 */
import { Value, ref } from '../../core/intrinsics';
import { memberRoleName } from '../../core/naming';
import { ParameterHandle, ResourceHandle, TemplateBuilder } from '../../core/template';
import { AutoScaling } from '../../blocks/autoscaling';
import { Typed, blueGreenHook, typedResource } from '../../blocks/blue-green-hook';
import { CheckProps } from '../../blocks/service/check-function';
import { CONTAINER_NAME, ECS_SERVICE_IDS as ID } from '../../blocks/service/facts';
import type { ServiceScope } from '../../blocks/service/task-definition';
import { Listeners } from './load-balancer';
import { routingConditions, trafficParameters } from './parameters';
import { preTrafficCheck } from './pre-traffic-check';

export interface ServiceProps {
  readonly cluster: Value<string>;
  readonly desiredCount: ParameterHandle<number>;
  readonly taskDefinition: Typed<'AWS::ECS::TaskDefinition'>;
  readonly containerPort: ParameterHandle<number>;
  readonly privateSubnets: ParameterHandle<string[]>;
  readonly serviceAlarms: Value<string>[];
  readonly scaling: AutoScaling;
  readonly listeners: Listeners;
}

/** Private subnets, no public address, and the container behind target group 1. */
function placement(p: ServiceProps) {
  // The service spells it AwsvpcConfiguration, the task set AwsVpcConfiguration.
  const awsVpc = { AssignPublicIp: 'DISABLED', Subnets: ref(p.privateSubnets), SecurityGroups: [p.listeners.serviceSg.getAtt('GroupId')] };
  const loadBalancers = [{ ContainerName: CONTAINER_NAME, ContainerPort: ref(p.containerPort), TargetGroupArn: p.listeners.tg1.ref() }];
  return { awsVpc, loadBalancers };
}

export function rollingService(t: TemplateBuilder, p: ServiceProps): ResourceHandle {
  const { awsVpc, loadBalancers } = placement(p);
  const service = t.resource(
    ID.service,
    'AWS::ECS::Service',
    {
      Cluster: p.cluster,
      LaunchType: 'FARGATE',
      DesiredCount: p.scaling.desiredCount(p.desiredCount),
      TaskDefinition: p.taskDefinition.ref(),
      DeploymentController: { Type: 'ECS' },
      DeploymentConfiguration: {
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        Alarms: { AlarmNames: p.serviceAlarms, Enable: true, Rollback: true },
      },
      HealthCheckGracePeriodSeconds: 60,
      NetworkConfiguration: { AwsvpcConfiguration: awsVpc },
      LoadBalancers: loadBalancers,
      PropagateTags: 'SERVICE',
    },
    { dependsOn: [p.listeners.productionListener] },
  );
  p.scaling.attach(service, p.cluster);
  return service;
}

/** The service, its task set (no name: the transform creates the green one beside it), the check and the hook. */
export function blueGreenService(t: TemplateBuilder, c: ServiceScope, p: ServiceProps, check: Omit<CheckProps, 'alarmNames'>): void {
  const { awsVpc, loadBalancers } = placement(p);
  const { productionListener, tg1 } = p.listeners;
  const { tg2, testListener } = p.listeners.blueGreen!;
  const ecsService = typedResource(t, ID.service, 'AWS::ECS::Service', {
    Cluster: p.cluster,
    DesiredCount: p.scaling.desiredCount(p.desiredCount),
    DeploymentController: { Type: 'EXTERNAL' },
  });
  p.scaling.attach(ecsService, p.cluster);
  const taskSet = typedResource(
    t,
    ID.taskSet,
    'AWS::ECS::TaskSet',
    {
      Cluster: p.cluster,
      Service: ecsService.getAtt('Name'),
      TaskDefinition: p.taskDefinition.ref(),
      LaunchType: 'FARGATE',
      NetworkConfiguration: { AwsVpcConfiguration: awsVpc },
      LoadBalancers: loadBalancers,
      Scale: { Unit: 'PERCENT', Value: 100 },
    },
    { dependsOn: [productionListener, testListener] },
  );
  t.resource(ID.primaryTaskSet, 'AWS::ECS::PrimaryTaskSet', {
    Cluster: p.cluster,
    Service: ecsService.getAtt('Name'),
    TaskSetId: taskSet.getAtt('Id'),
  });
  const checkFunction = preTrafficCheck(t, c, { ...check, alarmNames: p.serviceAlarms });
  const traffic = trafficParameters(t);
  const { isCanary, isLinear } = routingConditions(t, traffic.routing);
  blueGreenHook(t, ID.hook, {
    service: ecsService,
    taskDefinition: p.taskDefinition,
    taskSet,
    productionListener,
    testListener,
    targetGroups: [tg1, tg2],
    serviceRole: memberRoleName('codeDeploy', c.project, c.suffix),
    trafficRouting: { type: ref(traffic.routing), isCanary, isLinear, stepPercentage: ref(traffic.step), bakeTimeMins: ref(traffic.bake) },
    terminationWaitTimeInMinutes: ref(traffic.wait),
    // The check runs when the test listener serves green (before any production
    // traffic) and again once production traffic has moved, when the alarms see it.
    lifecycleEventHooks: { AfterAllowTestTraffic: checkFunction, AfterAllowTraffic: checkFunction },
  });
}

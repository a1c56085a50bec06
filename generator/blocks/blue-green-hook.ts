/**
 * The AWS::CodeDeploy::BlueGreen hook and the typed references it needs.
 *
 * The hook names the service, task definition, task set, listeners and target groups
 * by logical ID, as plain strings, and CloudFormation resolves them only when the
 * AWS::CodeDeployBlueGreen transform runs. Here they are taken from the handles that
 * `TemplateBuilder.resource` returned, typed by resource type: renaming a logical ID
 * renames every reference, and passing a listener where a target group belongs does
 * not compile (and throws when building, for callers that cast).
 *
 * Every other hook value is resolved by the transform before any resource exists, so
 * it may use parameters, pseudo parameters and conditions, never a resource's Ref or
 * GetAtt (rule CD006 checks this on the generated template).
 */
import { ConditionHandle, Value, ifCond, AWS } from '../core/intrinsics';
import { ResourceType } from '../core/resource-types';
import type { CheckedProperties, ResourcePropertiesOf } from '../core/resource-properties';
import { ResourceHandle, ResourceOptions, TemplateBuilder, TemplateError } from '../core/template';
import { BLUE_GREEN_HOOK_TYPE, BLUE_GREEN_TRANSFORM } from '../core/blue-green';
import { TrafficRouting } from '../config/types';

/** A resource handle whose resource type is known to the compiler. */
export interface Typed<T extends ResourceType> extends ResourceHandle {
  readonly type: T;
}

/** Declares a resource and returns a handle typed by its resource type. */
export function typedResource<T extends ResourceType, P extends ResourcePropertiesOf<T>>(
  t: TemplateBuilder,
  id: string,
  type: T,
  properties: CheckedProperties<T, P>,
  options?: ResourceOptions,
): Typed<T> {
  return t.resource<T, P>(id, type, properties, options) as Typed<T>;
}

/** The logical ID of a handle, after checking that it is of the expected type. */
export function logicalIdOf<T extends ResourceType>(handle: Typed<T>, type: T): string {
  if (handle.type !== type) {
    throw new TemplateError(`the blue/green hook needs a ${type} here, but ${handle.logicalId} is a ${handle.type}`);
  }
  return handle.logicalId;
}

/**
 * The logical ID the transform gives the replacement (green) copy of a blue resource.
 * It must not be declared in the template: the transform creates it.
 */
export function greenLogicalId(blue: { readonly logicalId: string }): string {
  return `${blue.logicalId}Green`;
}

export type LifecycleEvent = 'BeforeInstall' | 'AfterInstall' | 'AfterAllowTestTraffic' | 'BeforeAllowTraffic' | 'AfterAllowTraffic';

export interface BlueGreenHookProps {
  readonly service: Typed<'AWS::ECS::Service'>;
  readonly taskDefinition: Typed<'AWS::ECS::TaskDefinition'>;
  readonly taskSet: Typed<'AWS::ECS::TaskSet'>;
  readonly productionListener: Typed<'AWS::ElasticLoadBalancingV2::Listener'>;
  readonly testListener: Typed<'AWS::ElasticLoadBalancingV2::Listener'>;
  readonly targetGroups: readonly [Typed<'AWS::ElasticLoadBalancingV2::TargetGroup'>, Typed<'AWS::ElasticLoadBalancingV2::TargetGroup'>];
  /** Name of the role CodeDeploy assumes (parameters and pseudo parameters only). */
  readonly serviceRole: Value<string>;
  readonly trafficRouting: {
    readonly type: Value<TrafficRouting> | Value<string>;
    /** True when `type` is TimeBasedCanary; the canary settings are written only then. */
    readonly isCanary: ConditionHandle;
    /** True when `type` is TimeBasedLinear; the linear settings are written only then. */
    readonly isLinear: ConditionHandle;
    readonly stepPercentage: Value<number>;
    readonly bakeTimeMins: Value<number>;
  };
  readonly terminationWaitTimeInMinutes: Value<number>;
  /** Lambda function names (they must start with CodeDeployHook_) per lifecycle event. */
  readonly lifecycleEventHooks: Partial<Record<LifecycleEvent, Value<string>>>;
}

export const LISTENER_TYPE = 'AWS::ElasticLoadBalancingV2::Listener';

/** Adds the transform and the hook to the template. */
export function blueGreenHook(t: TemplateBuilder, id: string, props: BlueGreenHookProps): void {
  const steps = { StepPercentage: props.trafficRouting.stepPercentage, BakeTimeMins: props.trafficRouting.bakeTimeMins };
  const route = (listener: Typed<'AWS::ElasticLoadBalancingV2::Listener'>) => ({
    Type: LISTENER_TYPE,
    LogicalID: logicalIdOf(listener, LISTENER_TYPE),
  });
  t.transform(BLUE_GREEN_TRANSFORM);
  t.hook(id, BLUE_GREEN_HOOK_TYPE, {
    TrafficRoutingConfig: {
      Type: props.trafficRouting.type,
      // The hook rejects settings for a routing type other than the chosen one.
      TimeBasedCanary: ifCond(props.trafficRouting.isCanary, steps, AWS.noValue),
      TimeBasedLinear: ifCond(props.trafficRouting.isLinear, steps, AWS.noValue),
    },
    AdditionalOptions: { TerminationWaitTimeInMinutes: props.terminationWaitTimeInMinutes },
    LifecycleEventHooks: props.lifecycleEventHooks,
    ServiceRole: props.serviceRole,
    Applications: [
      {
        Target: { Type: 'AWS::ECS::Service', LogicalID: logicalIdOf(props.service, 'AWS::ECS::Service') },
        ECSAttributes: {
          TaskDefinitions: [logicalIdOf(props.taskDefinition, 'AWS::ECS::TaskDefinition'), greenLogicalId(props.taskDefinition)],
          TaskSets: [logicalIdOf(props.taskSet, 'AWS::ECS::TaskSet'), greenLogicalId(props.taskSet)],
          TrafficRouting: {
            ProdTrafficRoute: route(props.productionListener),
            TestTrafficRoute: route(props.testListener),
            TargetGroups: props.targetGroups.map((tg) => logicalIdOf(tg, 'AWS::ElasticLoadBalancingV2::TargetGroup')),
          },
        },
      },
    ],
  });
}

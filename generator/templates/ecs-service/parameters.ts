/**
 * The parameters only the CodeDeploy blue/green template (ecs-service.json) declares: how
 * CodeDeploy shifts traffic, and how long blue stays up afterwards. The parameters every
 * service template declares are blocks/service/parameters.ts.
 */
import { ConditionHandle, equals, ref } from '../../core/intrinsics';
import { NumberParameter, ParameterHandle, StringParameter, TemplateBuilder } from '../../core/template';
import { ECS_SERVICE_IDS as ID } from '../../blocks/service/facts';

const TRAFFIC_ROUTING: StringParameter = {
  Type: 'String',
  Description: 'How CodeDeploy shifts production traffic to the green task set: at once, canary (two steps) or linear (equal steps)',
  Default: 'TimeBasedCanary',
  AllowedValues: ['AllAtOnce', 'TimeBasedCanary', 'TimeBasedLinear'],
};

const TRAFFIC_STEP_PERCENTAGE: NumberParameter = {
  Type: 'Number',
  Description: 'Percentage of traffic shifted in the first canary step, or in each linear step (the hook requires at least 14)',
  Default: 20,
  MinValue: 14,
  MaxValue: 99,
};

const TRAFFIC_BAKE_TIME_MINS: NumberParameter = {
  Type: 'Number',
  Description: 'Minutes between traffic shifts of a canary or linear deployment',
  Default: 5,
  MinValue: 1,
  MaxValue: 120,
};

const TERMINATION_WAIT: NumberParameter = {
  Type: 'Number',
  Description: 'Minutes the blue task set keeps running after the shift, for a quick manual rollback',
  Default: 5,
  MinValue: 0,
  MaxValue: 2880,
};

export interface TrafficParameters {
  readonly routing: ParameterHandle<string>;
  readonly step: ParameterHandle<number>;
  readonly bake: ParameterHandle<number>;
  readonly wait: ParameterHandle<number>;
}

export function trafficParameters(t: TemplateBuilder): TrafficParameters {
  const routing = t.parameter(ID.trafficRouting, TRAFFIC_ROUTING);
  const step = t.parameter(ID.trafficStepPercentage, TRAFFIC_STEP_PERCENTAGE);
  const bake = t.parameter(ID.trafficBakeTimeMins, TRAFFIC_BAKE_TIME_MINS);
  const wait = t.parameter(ID.terminationWaitTimeInMinutes, TERMINATION_WAIT);
  return { routing, step, bake, wait };
}

/** The conditions on the routing: canary or linear settings are written only for their routing. */
export function routingConditions(t: TemplateBuilder, routing: ParameterHandle<string>): { isCanary: ConditionHandle; isLinear: ConditionHandle } {
  return {
    isCanary: t.condition(ID.isCanary, equals(ref(routing), 'TimeBasedCanary')),
    isLinear: t.condition(ID.isLinear, equals(ref(routing), 'TimeBasedLinear')),
  };
}

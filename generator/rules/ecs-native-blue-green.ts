import { Template } from '../core/template';
import { TOTAL_BAKE_MAX_MINUTES, linearSteps } from '../core/ecs-traffic-limits';
import { Rule, asList } from './rule';

type Json = Record<string, unknown>;

function refTarget(v: unknown): string | undefined {
  return typeof v === 'object' && v !== null && typeof (v as Json).Ref === 'string' ? ((v as Json).Ref as string) : undefined;
}

/** The target groups a listener rule forwards to, by logical ID. */
function forwardedTargetGroups(rule: Json | undefined): string[] {
  const actions = asList((rule?.Properties as Json | undefined)?.Actions) as Json[];
  return actions
    .filter((a) => a.Type === 'forward')
    .flatMap((a) => [...asList((a.ForwardConfig as Json | undefined)?.TargetGroups).map((tg) => refTarget((tg as Json).TargetGroupArn)), refTarget(a.TargetGroupArn)])
    .filter((id): id is string => id !== undefined);
}

/**
 * What ECS-native blue/green needs of a service's load balancer wiring, checked where a
 * mistake would otherwise show only as a rollback at run time: the production and the
 * test listener rule each forward to both the primary and the alternate target group
 * (ECS moves the weights between them), and the deployment controller is ECS. Literal
 * canary and linear settings must also stay within the 33 hours of baking CloudFormation
 * accepts (template values from parameters are checked in the configuration).
 */
export const ecsNativeBlueGreen: Rule = {
  id: 'CD007',
  description: 'an ECS-native blue/green service wires both target groups to its listener rules',
  source: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb-resources-for-blue-green.html',
  check(template: Template) {
    const problems: string[] = [];
    const resources = template.Resources as unknown as Record<string, Json>;
    for (const [id, r] of Object.entries(resources)) {
      if (r.Type !== 'AWS::ECS::Service') continue;
      const props = (r.Properties ?? {}) as Json;
      asList(props.LoadBalancers).forEach((lb, i) => {
        const advanced = (lb as Json).AdvancedConfiguration as Json | undefined;
        if (!advanced) return;
        const where = `Resources.${id}.LoadBalancers[${i}].AdvancedConfiguration`;
        const controller = (props.DeploymentController as Json | undefined)?.Type;
        if (controller !== undefined && controller !== 'ECS') problems.push(`${where}: needs DeploymentController ECS, not ${JSON.stringify(controller)}`);
        const groups = [refTarget((lb as Json).TargetGroupArn), refTarget(advanced.AlternateTargetGroupArn)];
        if (groups.some((g) => g === undefined)) {
          problems.push(`${where}: TargetGroupArn and AlternateTargetGroupArn must each be a Ref to a target group of this template`);
          return;
        }
        for (const key of ['ProductionListenerRule', 'TestListenerRule']) {
          if (advanced[key] === undefined) {
            if (key === 'ProductionListenerRule') problems.push(`${where}.${key}: is required for blue/green behind an Application Load Balancer`);
            continue;
          }
          const ruleId = refTarget(advanced[key]);
          const rule = ruleId === undefined ? undefined : resources[ruleId];
          if (!rule || rule.Type !== 'AWS::ElasticLoadBalancingV2::ListenerRule') {
            problems.push(`${where}.${key}: must be a Ref to an AWS::ElasticLoadBalancingV2::ListenerRule of this template`);
            continue;
          }
          const forwarded = forwardedTargetGroups(rule);
          const missing = groups.filter((g) => !forwarded.includes(g!));
          if (missing.length) problems.push(`Resources.${ruleId}: ${key} of ${id} must forward to both target groups; it does not forward to ${missing.join(', ')}`);
        }
      });
      const dc = (props.DeploymentConfiguration ?? {}) as Json;
      const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
      const bake = num(dc.BakeTimeInMinutes) ?? 0;
      const canary = dc.CanaryConfiguration as Json | undefined;
      const linear = dc.LinearConfiguration as Json | undefined;
      const canaryBake = num(canary?.CanaryBakeTimeInMinutes);
      const stepBake = num(linear?.StepBakeTimeInMinutes);
      const stepPercent = num(linear?.StepPercent);
      const total = canaryBake !== undefined ? bake + canaryBake : stepBake !== undefined && stepPercent !== undefined ? bake + stepBake * linearSteps(stepPercent) : bake;
      if (total > TOTAL_BAKE_MAX_MINUTES) {
        problems.push(`Resources.${id}.DeploymentConfiguration: ${total} minutes of baking exceeds the ${TOTAL_BAKE_MAX_MINUTES} (33 hours) CloudFormation accepts`);
      }
    }
    return problems;
  },
};

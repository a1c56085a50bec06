/**
 * Service auto scaling in every service template (generator/blocks/autoscaling.ts): the
 * scalable target and its policies, what each strategy gets, the service's DesiredCount,
 * and the parameter files of the example configuration.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AUTO_SCALING_IDS as ID, POLICY_NAMES } from '../../generator/blocks/autoscaling';
import { MAX_TASKS_PER_SERVICE } from '../../generator/config/autoscaling';
import { ECS_SERVICE_TEMPLATE_FILES, ecsServiceParameterFilePath } from '../../generator/templates/ecs-service';
import { DeploymentStrategy } from '../../generator/config/types';
import { Template } from '../../generator/core/template';
import { TEMPLATES_DIR, loadTemplate, resource } from '../helpers/template';

const templates = Object.entries(ECS_SERVICE_TEMPLATE_FILES).map(([strategy, file]) => [strategy as DeploymentStrategy, file, loadTemplate(file)] as const);
const NO_VALUE = { Ref: 'AWS::NoValue' };

/** Parameter values of a parameter file over the template's defaults. */
function values(t: Template, given: Record<string, string>): Record<string, string> {
  const defaults = Object.fromEntries(Object.entries(t.Parameters ?? {}).flatMap(([k, p]) => (p.Default === undefined ? [] : [[k, String(p.Default)]])));
  return { ...defaults, ...given };
}

/** Evaluates a condition of the template (Fn::Equals, Fn::Not, Fn::And, Condition) with these values. */
function holds(t: Template, name: string, v: Record<string, string>): boolean {
  const evaluate = (e: any): boolean | string => {
    if (typeof e === 'string' || typeof e === 'number') return String(e);
    if (e.Ref) return v[e.Ref];
    if (e.Condition) return holds(t, e.Condition, v);
    if (e['Fn::Equals']) return String(evaluate(e['Fn::Equals'][0])) === String(evaluate(e['Fn::Equals'][1]));
    if (e['Fn::Not']) return !evaluate(e['Fn::Not'][0]);
    if (e['Fn::And']) return e['Fn::And'].every((c: unknown) => evaluate(c) === true);
    throw new Error(`cannot evaluate ${JSON.stringify(e)}`);
  };
  return evaluate(t.Conditions![name]) === true;
}

function parameterFile(strategy: DeploymentStrategy, service: string, env: string): Record<string, string> {
  return JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, ecsServiceParameterFilePath(service, env, strategy)), 'utf8')).Parameters;
}

describe.each(templates)('%s (%s): auto scaling of the task count', (strategy, _file, t) => {
  test('a scalable target on the service desired count, with the service-linked role (no RoleARN)', () => {
    const target = resource(t, ID.scalableTarget);
    expect(target.Type).toBe('AWS::ApplicationAutoScaling::ScalableTarget');
    expect(target.Condition).toBe(ID.hasAutoScaling);
    expect(target.Properties).toEqual({
      ServiceNamespace: 'ecs',
      ScalableDimension: 'ecs:service:DesiredCount',
      ResourceId: { 'Fn::Join': ['/', ['service', resource(t, 'Service').Properties!.Cluster, { 'Fn::GetAtt': ['Service', 'Name'] }]] },
      MinCapacity: { Ref: ID.minCount },
      MaxCapacity: { Ref: ID.maxCount },
    });
  });

  test('off unless AutoScalingMaxCount is set; the counts stay within the tasks-per-service quota', () => {
    expect(t.Parameters![ID.maxCount]).toMatchObject({ Type: 'Number', Default: 0, MinValue: 0, MaxValue: MAX_TASKS_PER_SERVICE });
    expect(t.Parameters![ID.minCount]).toMatchObject({ Type: 'Number', MinValue: 1, MaxValue: MAX_TASKS_PER_SERVICE });
    expect(holds(t, ID.hasAutoScaling, values(t, {}))).toBe(false);
    expect(holds(t, ID.hasAutoScaling, values(t, { [ID.maxCount]: '4' }))).toBe(true);
  });

  test('with scaling on, the service leaves DesiredCount to the scaler; without, it is the parameter', () => {
    expect(resource(t, 'Service').Properties!.DesiredCount).toEqual({ 'Fn::If': [ID.hasAutoScaling, NO_VALUE, { Ref: 'DesiredCount' }] });
  });

  test('CPU target tracking, with the cooldowns and the scale-in switch', () => {
    const policy = resource(t, ID.cpuPolicy);
    expect(policy.Condition).toBe(ID.hasCpuScaling);
    expect(policy.Properties).toEqual({
      PolicyName: POLICY_NAMES.cpu,
      PolicyType: 'TargetTrackingScaling',
      ScalingTargetId: { Ref: ID.scalableTarget },
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: { Ref: ID.cpuTarget },
        ScaleInCooldown: { Ref: ID.scaleInCooldown },
        ScaleOutCooldown: { Ref: ID.scaleOutCooldown },
        DisableScaleIn: { 'Fn::If': [ID.isScaleInDisabled, true, false] },
      },
    });
    expect(holds(t, ID.hasCpuScaling, values(t, { [ID.maxCount]: '4', [ID.cpuTarget]: '0' }))).toBe(false);
    expect(holds(t, ID.hasCpuScaling, values(t, { [ID.maxCount]: '4', [ID.cpuTarget]: '60' }))).toBe(true);
    expect(holds(t, ID.hasCpuScaling, values(t, { [ID.maxCount]: '0', [ID.cpuTarget]: '60' }))).toBe(false);
    expect(holds(t, ID.isScaleInDisabled, values(t, {}))).toBe(false);
    expect(t.Parameters![ID.scaleInCooldown]).toMatchObject({ Default: 300, MinValue: 0, MaxValue: 3600 });
    expect(t.Parameters![ID.scaleOutCooldown]).toMatchObject({ Default: 60, MinValue: 0, MaxValue: 3600 });
  });

  if (strategy === 'rolling') {
    test('request-count tracking names the load balancer and the target group the service registers with', () => {
      const policy = resource(t, ID.requestPolicy);
      expect(policy.Condition).toBe(ID.hasRequestScaling);
      const spec = (policy.Properties!.TargetTrackingScalingPolicyConfiguration as any).PredefinedMetricSpecification;
      const [registered] = resource(t, 'Service').Properties!.LoadBalancers as Array<{ TargetGroupArn: { Ref: string } }>;
      expect(spec).toEqual({
        PredefinedMetricType: 'ALBRequestCountPerTarget',
        // app/<lb-name>/<id> + / + targetgroup/<tg-name>/<id>
        ResourceLabel: {
          'Fn::Join': ['/', [{ 'Fn::GetAtt': ['LoadBalancer', 'LoadBalancerFullName'] }, { 'Fn::GetAtt': [registered.TargetGroupArn.Ref, 'TargetGroupFullName'] }]],
        },
      });
      expect((policy.Properties!.TargetTrackingScalingPolicyConfiguration as any).TargetValue).toEqual({ Ref: ID.requestsPerTarget });
      expect(holds(t, ID.hasRequestScaling, values(t, { [ID.maxCount]: '4', [ID.requestsPerTarget]: '1000' }))).toBe(true);
      expect(holds(t, ID.hasRequestScaling, values(t, { [ID.maxCount]: '4' }))).toBe(false);
    });
  } else {
    test('no request-count tracking: production traffic alternates between the two target groups', () => {
      expect(t.Resources[ID.requestPolicy]).toBeUndefined();
      expect(t.Parameters![ID.requestsPerTarget]).toBeUndefined();
      expect(t.Conditions![ID.hasRequestScaling]).toBeUndefined();
    });
  }
});

describe('parameter files of the example configuration', () => {
  test.each([
    [
      'rolling',
      'orders',
      'dev',
      {
        [ID.minCount]: '1',
        [ID.maxCount]: '4',
        [ID.cpuTarget]: '70',
        [ID.requestsPerTarget]: '1000',
        [ID.scaleInCooldown]: '300',
        [ID.scaleOutCooldown]: '60',
        [ID.scaleInDisabled]: 'false',
      },
    ],
    [
      'ecs-blue-green',
      'orders',
      'prod',
      { [ID.minCount]: '2', [ID.maxCount]: '10', [ID.cpuTarget]: '60', [ID.scaleInCooldown]: '600', [ID.scaleOutCooldown]: '60', [ID.scaleInDisabled]: 'false' },
    ],
    [
      'blue-green',
      'web',
      'staging',
      { [ID.minCount]: '2', [ID.maxCount]: '6', [ID.cpuTarget]: '65', [ID.scaleInCooldown]: '300', [ID.scaleOutCooldown]: '60', [ID.scaleInDisabled]: 'false' },
    ],
  ] as const)('%s %s/%s scales with its configured values', (strategy, service, env, expected) => {
    const file = parameterFile(strategy, service, env);
    expect(file).toMatchObject(expected);
    if (strategy !== 'rolling') expect(file[ID.requestsPerTarget]).toBeUndefined();
    const t = loadTemplate(ECS_SERVICE_TEMPLATE_FILES[strategy]);
    expect(holds(t, ID.hasAutoScaling, values(t, file))).toBe(true);
  });

  test('an environment without autoScaling sets none of its parameters: scaling stays off', () => {
    const file = parameterFile('blue-green', 'web', 'prod');
    for (const id of [ID.minCount, ID.maxCount, ID.cpuTarget, ID.scaleInCooldown, ID.scaleOutCooldown, ID.scaleInDisabled]) expect(file[id]).toBeUndefined();
    const t = loadTemplate(ECS_SERVICE_TEMPLATE_FILES['blue-green']);
    expect(holds(t, ID.hasAutoScaling, values(t, file))).toBe(false);
  });
});

import { BLUE_GREEN_HOOK_TYPE, BLUE_GREEN_TRANSFORM } from '../core/blue-green';
import { Template } from '../core/template';
import { Rule, walk, walkStrings } from './rule';

/**
 * What the CodeDeploy blue/green hook forbids in its stack. A stack with the
 * AWS::CodeDeployBlueGreen transform may have no Outputs, no Fn::ImportValue, no
 * nested stacks, no NoEcho parameters and no dynamic references, and exactly one ECS
 * service; task definitions and task sets must be replaceable, so they take no fixed names.
 *
 * cfn-lint does not read the Hooks section, so this rule also checks the hook itself:
 * every logical ID it names is a declared resource of the right type (the green copies
 * it names are not declared: the transform creates them), and its values refer only to
 * parameters and pseudo parameters, which the transform can resolve.
 */
export const blueGreenStack: Rule = {
  id: 'CD006',
  description: 'a stack with the CodeDeployBlueGreen transform respects what the blue/green hook forbids',
  source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/blue-green.html#blue-green-considerations',
  check(template) {
    const transforms = template.Transform === undefined ? [] : ([] as string[]).concat(template.Transform);
    const hooks = Object.entries(template.Hooks ?? {});
    const isBlueGreen = transforms.includes(BLUE_GREEN_TRANSFORM);
    const problems: string[] = [];
    if (!isBlueGreen) {
      if (hooks.some(([, h]) => h.Type === BLUE_GREEN_HOOK_TYPE)) {
        problems.push(`Hooks: a ${BLUE_GREEN_HOOK_TYPE} hook needs the ${BLUE_GREEN_TRANSFORM} transform`);
      }
      return problems;
    }
    if (hooks.filter(([, h]) => h.Type === BLUE_GREEN_HOOK_TYPE).length !== 1) {
      problems.push(`Hooks: a blue/green stack has exactly one ${BLUE_GREEN_HOOK_TYPE} hook`);
    }
    if (template.Outputs !== undefined) problems.push('Outputs: a blue/green stack may not have outputs');
    for (const [id, p] of Object.entries(template.Parameters ?? {})) {
      if ((p as { NoEcho?: unknown }).NoEcho !== undefined) problems.push(`Parameters.${id}: NoEcho parameters are not allowed`);
    }
    walk(template.Resources, 'Resources', (obj, path) => {
      if ('Fn::ImportValue' in obj) problems.push(`${path}: Fn::ImportValue is not allowed`);
    });
    walkStrings(template, '', (s, path) => {
      if (s.includes('{{resolve:')) problems.push(`${path}: dynamic references are not allowed`);
    });
    const resources = Object.entries(template.Resources);
    const services = resources.filter(([, r]) => r.Type === 'AWS::ECS::Service');
    if (services.length !== 1) problems.push(`Resources: a blue/green stack has exactly one AWS::ECS::Service, found ${services.length}`);
    for (const [id, r] of resources) {
      if (r.Type === 'AWS::CloudFormation::Stack') problems.push(`Resources.${id}: nested stacks are not allowed`);
      if (r.Type === 'AWS::ECS::TaskDefinition' && r.Properties?.Family !== undefined) {
        problems.push(`Resources.${id}: a task definition may not have a fixed Family`);
      }
    }
    for (const [id, hook] of hooks) {
      if (hook.Type !== BLUE_GREEN_HOOK_TYPE) continue;
      problems.push(...checkHookReferences(template, `Hooks.${id}`, hook.Properties));
      problems.push(...checkHookValues(template, `Hooks.${id}`, hook.Properties));
    }
    return problems;
  },
};

export const BLUE_GREEN_SERVICE_TYPE = 'AWS::ECS::Service';
const LISTENER = 'AWS::ElasticLoadBalancingV2::Listener';
const TARGET_GROUP = 'AWS::ElasticLoadBalancingV2::TargetGroup';

/** A logical ID the hook names, the resource type it must have, and whether the stack declares it. */
export interface HookReference {
  readonly path: string;
  readonly logicalId: unknown;
  readonly type: string;
  /** Blue resources are declared in Resources; green ones are created by the transform and must not be. */
  readonly declared: boolean;
}

/** Every logical ID an AWS::CodeDeploy::BlueGreen hook's properties name. */
export function hookReferences(properties: Record<string, unknown>): HookReference[] {
  const refs: HookReference[] = [];
  // The hook's properties as written, walked optionally: any missing level yields undefined.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const apps = Array.isArray(properties.Applications) ? (properties.Applications as Array<Record<string, any>>) : [];
  apps.forEach((app, i) => {
    const at = `Applications[${i}]`;
    refs.push({ path: `${at}.Target.LogicalID`, logicalId: app?.Target?.LogicalID, type: BLUE_GREEN_SERVICE_TYPE, declared: true });
    const ecs = app?.ECSAttributes ?? {};
    const pair = (list: unknown, name: string, type: string) => {
      const items = Array.isArray(list) ? list : [];
      refs.push({ path: `${at}.ECSAttributes.${name}[0]`, logicalId: items[0], type, declared: true });
      refs.push({ path: `${at}.ECSAttributes.${name}[1]`, logicalId: items[1], type, declared: false });
    };
    pair(ecs.TaskDefinitions, 'TaskDefinitions', 'AWS::ECS::TaskDefinition');
    pair(ecs.TaskSets, 'TaskSets', 'AWS::ECS::TaskSet');
    const routing = ecs.TrafficRouting ?? {};
    for (const route of ['ProdTrafficRoute', 'TestTrafficRoute']) {
      refs.push({ path: `${at}.ECSAttributes.TrafficRouting.${route}.LogicalID`, logicalId: routing[route]?.LogicalID, type: LISTENER, declared: true });
    }
    const tgs = Array.isArray(routing.TargetGroups) ? routing.TargetGroups : [];
    for (const n of [0, 1]) {
      refs.push({ path: `${at}.ECSAttributes.TrafficRouting.TargetGroups[${n}]`, logicalId: tgs[n], type: TARGET_GROUP, declared: true });
    }
  });
  return refs;
}

/** The hook names one service and declared resources of the right types; green IDs are free. */
function checkHookReferences(template: Template, where: string, properties: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const apps = properties.Applications;
  if (!Array.isArray(apps) || apps.length !== 1) problems.push(`${where}.Properties.Applications: a blue/green hook targets exactly one ECS service`);
  if (properties.ServiceRole === undefined) problems.push(`${where}.Properties.ServiceRole: is required`);
  const ids = new Set<string>();
  for (const r of hookReferences(properties)) {
    const at = `${where}.Properties.${r.path}`;
    if (typeof r.logicalId !== 'string') {
      problems.push(`${at}: must name a logical ID as a string`);
      continue;
    }
    if (ids.has(r.logicalId)) problems.push(`${at}: ${r.logicalId} is named twice`);
    ids.add(r.logicalId);
    const resource = template.Resources[r.logicalId];
    const isParameter = r.logicalId in (template.Parameters ?? {});
    if (r.declared && resource?.Type !== r.type) {
      problems.push(`${at}: ${r.logicalId} must be a declared ${r.type}, found ${resource ? resource.Type : 'nothing'}`);
    }
    if (!r.declared && (resource !== undefined || isParameter)) {
      problems.push(`${at}: ${r.logicalId} is the green copy the transform creates; the template may not declare it`);
    }
  }
  return problems;
}

/**
 * The transform reads the hook before any resource exists: its values may refer to
 * parameters, pseudo parameters and conditions, never to a resource.
 */
function checkHookValues(template: Template, where: string, properties: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const params = new Set(Object.keys(template.Parameters ?? {}));
  const known = (name: string) => params.has(name) || name.startsWith('AWS::');
  walk(properties, `${where}.Properties`, (obj, path) => {
    if (typeof obj.Ref === 'string' && !known(obj.Ref)) problems.push(`${path}: Ref ${obj.Ref} is not a parameter`);
    if ('Fn::GetAtt' in obj) problems.push(`${path}: Fn::GetAtt is resolved after the hook runs`);
    const subArg = obj['Fn::Sub'];
    const text = typeof subArg === 'string' ? subArg : Array.isArray(subArg) ? subArg[0] : undefined;
    if (typeof text === 'string') {
      for (const m of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
        if (!known(m[1])) problems.push(`${path}: Fn::Sub variable \${${m[1]}} is not a parameter`);
      }
    }
  });
  return problems;
}

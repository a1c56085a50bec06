import { Rule, walk, walkStrings } from './rule';

export const BLUE_GREEN_TRANSFORM = 'AWS::CodeDeployBlueGreen';
export const BLUE_GREEN_HOOK_TYPE = 'AWS::CodeDeploy::BlueGreen';

/**
 * What the CodeDeploy blue/green hook forbids in its stack. A stack with the
 * AWS::CodeDeployBlueGreen transform may have no Outputs, no Fn::ImportValue, no
 * nested stacks, no NoEcho parameters and no dynamic references, and exactly one ECS
 * service; task definitions and task sets must be replaceable, so they take no fixed names.
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
    return problems;
  },
};

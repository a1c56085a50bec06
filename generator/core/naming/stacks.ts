/** Stack names: the service stacks a deploy role may change, the pipeline's own stacks, any stack by its parts. */
import { Value } from '../intrinsics';
import { PIPELINE_TYPE } from './pipelines';
import { NAME_RULES, NameError, NamePart, physicalName } from './rules';
import { CANARY_TYPE } from './services';

/**
 * The stacks a service's deploy role may create, change and delete in a member account:
 * the service stack `{project}-{service}-{suffix}` (blue/green or rolling) and its canary
 * stack `{project}-{service}-canary-{suffix}`. Never the network or member-roles stacks,
 * never another service's.
 */
export function serviceStackNameParts(project: NamePart, service: NamePart, suffix: NamePart): NamePart[][] {
  return [
    [project, '-', service, '-', suffix],
    [project, '-', service, '-', CANARY_TYPE, '-', suffix],
  ];
}

/**
 * The stacks of a service's pipeline in the tools account, as `npm run deploy` names them
 * (stackName): `{project}-{service}-pipeline-build-{suffix}` and
 * `{project}-{service}-pipeline-{suffix}`. The pipeline updates exactly these two itself.
 */
export function pipelineStackNames(project: NamePart, service: NamePart, suffix: NamePart): { build: Value<string>; pipeline: Value<string> } {
  return {
    build: physicalName('cloudformation-stack', [project, '-', service, '-', PIPELINE_TYPE, '-build-', suffix]),
    pipeline: physicalName('cloudformation-stack', [project, '-', service, '-', PIPELINE_TYPE, '-', suffix]),
  };
}

/** Stack names: `{project}-{stack}-{suffix}`; the execution role is scoped to `{project}-*`. */
export function stackName(project: string, stack: string, suffix: string): string {
  const name = `${project}-${stack}-${suffix}`;
  const rule = NAME_RULES['cloudformation-stack'];
  if (name.length > rule.max || !rule.pattern.test(name)) {
    throw new NameError(`stack name ${name} must match ${rule.pattern.source} and have at most ${rule.max} characters`);
  }
  return name;
}

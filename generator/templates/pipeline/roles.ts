/** The roles of the pipeline stacks. */
import { NamePart, physicalName, pipelineRolePath } from '../../core/naming';
import { ResourceHandle, ResourceOptions, TemplateBuilder } from '../../core/template';
import { role } from '../../blocks/role';
import { Common } from './parameters';

/**
 * A role under the pipeline role path: every role of the pipeline stacks is, so that
 * their CloudFormation role (pipeline-stacks-role.json) manages roles there and nowhere
 * else; the member accounts trust the deploy step's role by its ARN.
 */
export function roleUnderPipelinePath(
  t: TemplateBuilder,
  id: string,
  c: Common,
  nameParts: (project: NamePart, service: NamePart, suffix: NamePart) => NamePart[],
  props: Omit<Parameters<typeof role>[2], 'roleName' | 'path'>,
  options: ResourceOptions = {},
): ResourceHandle {
  return role(t, id, { ...props, roleName: physicalName('iam-role', nameParts(c.project, c.service, c.suffix)), path: pipelineRolePath(c.project) }, options);
}

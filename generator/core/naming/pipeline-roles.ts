/** The names of the roles the tools-account pipelines run as. */
import { Intrinsic, sub } from '../intrinsics';
import { ParameterHandle } from '../template';
import { PIPELINE_TYPE } from './pipelines';
import { NamePart } from './rules';

// --- Roles the tools-account pipelines run as ------------------------------------------
//
// Pipeline service roles live under the path /{project}/ in the tools account, so that a
// member account can trust exactly this project's pipelines (aws:PrincipalArn) and no
// other role of the tools account.

export function pipelineRolePath(project: ParameterHandle<string>): Intrinsic<string> {
  return sub(`/\${${project.logicalId}}/`);
}

/** A service's pipeline role name, `{project}-{service}-pipeline-{suffix}` (under pipelineRolePath). */
export function pipelineRoleNameParts(project: NamePart, service: NamePart, suffix: NamePart): NamePart[] {
  return [project, '-', service, '-', PIPELINE_TYPE, '-', suffix];
}

/**
 * The other roles of a service's pipeline stacks, under pipelineRolePath too:
 * `{project}-{service}-pipeline-{purpose}-{suffix}` (the CodeBuild roles of the build and
 * of the tests, the EventBridge role of a CodeCommit source). Every role the pipeline
 * stacks create is under that path, which is where the pipeline stacks' CloudFormation
 * role may manage roles.
 */
export function pipelineStackRoleNameParts(project: NamePart, service: NamePart, suffix: NamePart, purpose: 'builder' | 'tester' | 'events'): NamePart[] {
  return [project, '-', service, '-', PIPELINE_TYPE, '-', purpose, '-', suffix];
}

/**
 * The role of a service pipeline's deploy step (a CodeBuild project that creates and
 * executes the service stack's change sets with rollback triggers),
 * `{project}-{service}-pipeline-deploy-{suffix}` under pipelineRolePath: the principal
 * the service's member deploy roles trust.
 */
export function deployStepRoleNameParts(project: NamePart, service: NamePart, suffix: NamePart): NamePart[] {
  return [project, '-', service, '-', PIPELINE_TYPE, '-deploy-', suffix];
}

/**
 * The CloudFormation role the pipelines' self-updates pass for their own stacks,
 * `{project}-pipeline-stacks-{suffix}` (at `/`, outside the pipeline role path it manages
 * roles in): pipeline-stacks-role.json, deployed once per project before the first pipeline.
 */
export function pipelineStacksRoleNameParts(project: NamePart, suffix: NamePart): NamePart[] {
  return [project, '-', PIPELINE_TYPE, '-stacks-', suffix];
}

/** pipeline.json's deploy step. */
import { allow } from '../../core/iam';
import { Value } from '../../core/intrinsics';
import { deployStepRoleNameParts } from '../../core/naming';
import { ResourceHandle, TemplateBuilder } from '../../core/template';
import { serviceTrust } from '../../blocks/role';
import { DEPLOY_TIMEOUT_MINUTES, deployStepBuildSpec } from '../../blocks/pipeline-deploy-step';
import { BuildResources, codeBuildProject, codeBuildProjectsOf, codeBuildStatements } from './codebuild';
import { ARTIFACTS, CODEBUILD_PROJECTS, PIPELINE_IDS as ID, SERVICE_STACK_CAPABILITIES } from './ids';
import { memberRole, sharedNames } from './names';
import { Common, Image } from './parameters';
import { roleUnderPipelinePath } from './roles';
import { subText } from './shared';

/**
 * The deploy step (pipeline.json): its CodeBuild project and the role the member deploy
 * roles trust (under the pipeline role path), which assumes them and reads the plan and
 * the templates source. It uses the build stack's key, artifact bucket and log group by
 * their names (the key by import); it caches nothing.
 */
export function deployStep(t: TemplateBuilder, c: Common, image: Image, keyArn: Value<string>): ResourceHandle {
  const names = sharedNames(c);
  const s = names.scope;
  const r: BuildResources = {
    key: keyArn,
    artifacts: `arn:\${AWS::Partition}:s3:::${subText(names.artifactBucket)}`,
    logs: `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${subText(names.logGroup)}:*`,
    logGroup: names.logGroup,
  };
  const deployRole = roleUnderPipelinePath(t, ID.deployRole, c, deployStepRoleNameParts, {
    description: 'CodeBuild: deploys the service stacks through the member deploy roles, with rollback triggers',
    assumedBy: { Service: 'codebuild.amazonaws.com' },
    trustCondition: serviceTrust(codeBuildProjectsOf(s)),
    policyName: 'codebuild-deploy',
    statements: [
      ...codeBuildStatements(image, r, false),
      allow('AssumeMemberDeployRoles', ['sts:AssumeRole'], c.environments.map((e) => memberRole(c, e, 'deploy'))),
    ],
  });
  return codeBuildProject(t, ID.deployProject, s, image, r, {
    name: CODEBUILD_PROJECTS.deploy,
    role: deployRole,
    buildSpec: deployStepBuildSpec(ARTIFACTS.templates),
    timeoutMinutes: DEPLOY_TIMEOUT_MINUTES,
    variables: [
      { Name: 'CHANGE_SET_NAME', Value: names.changeSet },
      { Name: 'CAPABILITIES', Value: SERVICE_STACK_CAPABILITIES },
    ],
  });
}

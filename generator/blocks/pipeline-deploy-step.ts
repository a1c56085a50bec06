/**
 * The deploy step of a service pipeline: per environment, one CodeBuild action that runs
 * scripts/deploy-stack.js from the templates source with the service's deploy role in
 * the member account. It creates the change sets the check decided with a
 * RollbackConfiguration (the service stack's own alarms and the environment's
 * monitoring window), executes them and waits, and reports the alarm that rolled an
 * update back. CodePipeline's CloudFormation action cannot set rollback triggers
 * (aws/aws-cdk#5170, aws/aws-cli#3712); scripts/deploy-stack.js says why the step also
 * executes and waits itself.
 */
import { Intrinsic, Value, sub } from '../core/intrinsics';
import { buildSpec } from './buildspec';

export const DEPLOY_SCRIPT = 'scripts/deploy-stack.js';
/** The AWS CLI profile of the member account's deploy role in the build. */
export const DEPLOY_PROFILE = 'member-deploy';
/**
 * CodeBuild's limit is 2,160 minutes. A deploy is the updates (a blue/green one waits for
 * its traffic shift and bake time) plus at most 180 minutes of alarm monitoring each.
 */
export const DEPLOY_TIMEOUT_MINUTES = 480;

/**
 * The build spec. The AWS CLI assumes the deploy role through a profile whose source is
 * the build's own credentials (credential_source EcsContainer, AWS CLI "Assume role
 * credentials"), so that each call refreshes the role session: a role chained from
 * CodeBuild's session lasts at most one hour, a deploy with its monitoring window longer.
 */
export function deployStepBuildSpec(templatesArtifact: string): Value<string> {
  const script = `"$CODEBUILD_SRC_DIR_${templatesArtifact}/${DEPLOY_SCRIPT}"`;
  const profile = (key: string, value: string) => `aws configure set profile.${DEPLOY_PROFILE}.${key} ${value}`;
  return buildSpec({
    version: 0.2,
    env: { shell: 'bash' },
    phases: {
      build: {
        commands: [
          `${profile('role_arn', '"$DEPLOY_ROLE_ARN"')} && ${profile('credential_source', 'EcsContainer')} && ${profile('region', '"$AWS_REGION"')}`,
          [
            `AWS_PROFILE=${DEPLOY_PROFILE} node ${script} --stack "$STACK_NAME" --plan-dir . --steps "$STEPS"`,
            '--execution-role "$EXECUTION_ROLE_ARN" --change-set "$CHANGE_SET_NAME" --capabilities "$CAPABILITIES" --monitoring-minutes "$MONITORING_MINUTES"',
          ].join(' '),
        ],
      },
    },
  });
}

/**
 * The deploy action's environment variables, as CodePipeline's EnvironmentVariables JSON
 * inside one Fn::Sub: `texts` are Fn::Sub texts (names from the naming module), the
 * others literal or pipeline variables (`#{...}`, which Fn::Sub leaves alone).
 */
export function deployStepVariables(values: Readonly<Record<string, string>>): Intrinsic<string> {
  return sub(JSON.stringify(Object.entries(values).map(([name, value]) => ({ name, value }))));
}

/** The names of each service's pipeline in the tools account: its artifact bucket, the pipeline, its stages. */
import { Value } from '../intrinsics';
import { ParameterHandle } from '../template';
import { NamePart, physicalName } from './rules';

// --- Pipeline artifact buckets ---------------------------------------------------------
//
// Each service's pipeline has its own artifact bucket in the tools account, named
// `{project}-{service}-artifacts-{suffix}-{account}` (bucket names are global, so the
// account ID is part of it). Member accounts are granted read access to every artifact
// bucket of the project by this pattern, so adding a service needs no StackSet update.

export const ARTIFACT_BUCKET_TYPE = 'artifacts';

export function artifactBucketName(project: ParameterHandle<string>, service: ParameterHandle<string>, suffix: ParameterHandle<string>): Value<string> {
  return physicalName('s3-bucket', artifactBucketNameParts(project, service, suffix));
}

export function artifactBucketNameParts(project: NamePart, service: NamePart, suffix: NamePart): NamePart[] {
  return [project, '-', service, '-', ARTIFACT_BUCKET_TYPE, '-', suffix, '-', 'AWS::AccountId'];
}

// --- Pipelines and their stages, as monitoring matches them ----------------------------
//
// Each service has its own pipeline in the tools account, named by
// standardName('codepipeline', PIPELINE_TYPE, { project, service, suffix }):
// `{project}-{service}-pipeline-{suffix}`. Its deploy stages are `Deploy-{environment}`
// and its approvals `Approve-{environment}`. Monitoring covers every pipeline of the
// project by this name pattern, so adding a service needs no monitoring update.

export const PIPELINE_TYPE = 'pipeline';
export const DEPLOY_STAGE_PREFIX = 'Deploy-';

/** The deploy stage of an environment, e.g. `Deploy-prod`. */
export function deployStageName(environmentName: string): string {
  return `${DEPLOY_STAGE_PREFIX}${environmentName}`;
}

/**
 * Every pipeline name of the project, `{project}-*-pipeline-{suffix}`, as Fn::Sub text: an
 * EventBridge `wildcard` value and the last part of an IAM resource ARN (both read `*` as
 * any run of characters).
 */
export function pipelineNamePattern(project: ParameterHandle<string>, suffix: ParameterHandle<string>): string {
  return `\${${project.logicalId}}-*-${PIPELINE_TYPE}-\${${suffix.logicalId}}`;
}

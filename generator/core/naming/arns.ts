/** The ARNs and ARN patterns of named roles, policies and buckets, as other accounts and stacks refer to them. */
import { Intrinsic, sub } from '../intrinsics';
import { ParameterHandle } from '../template';
import { MemberRole, deployPolicyNameParts, memberRoleNameParts, serviceDeployRoleNameParts, workloadBoundaryNameParts } from './member-roles';
import { ARTIFACT_BUCKET_TYPE } from './pipelines';
import { deployStepRoleNameParts, pipelineRoleNameParts } from './pipeline-roles';
import { NamePart, describe, physicalName } from './rules';
import { accessLogBucketNameParts } from './services';

/** The ARN of a member-account role, as the tools account refers to it. */
export function memberRoleArn(
  role: MemberRole,
  account: ParameterHandle<string> | 'AWS::AccountId',
  project: ParameterHandle<string>,
  suffix: ParameterHandle<string>,
): Intrinsic<string> {
  const parts = memberRoleNameParts(role, project, suffix);
  physicalName('iam-role', parts);
  const accountVar = account === 'AWS::AccountId' ? account : account.logicalId;
  return sub(`arn:\${AWS::Partition}:iam::\${${accountVar}}:role/${describe(parts)}`);
}

/** Every execution role policy of this account, project and environment, as an ARN pattern. */
export function executionPolicyArnPattern(project: ParameterHandle<string>, suffix: ParameterHandle<string>): Intrinsic<string> {
  return sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/${describe(memberRoleNameParts('execution', project, suffix))}-*`);
}

/** The ARN of a service's deploy role in a member account, as its pipeline and the role's own stack refer to it. */
export function serviceDeployRoleArn(
  account: ParameterHandle<string> | 'AWS::AccountId',
  project: ParameterHandle<string>,
  service: NamePart,
  suffix: ParameterHandle<string>,
): Intrinsic<string> {
  const parts = serviceDeployRoleNameParts(project, service, suffix);
  physicalName('iam-role', parts);
  const accountVar = account === 'AWS::AccountId' ? account : account.logicalId;
  return sub(`arn:\${AWS::Partition}:iam::\${${accountVar}}:role/${describe(parts)}`);
}

export function deployPolicyArn(project: ParameterHandle<string>, suffix: ParameterHandle<string>): Intrinsic<string> {
  const parts = deployPolicyNameParts(project, suffix);
  physicalName('iam-policy', parts);
  return sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/${describe(parts)}`);
}

/** Every service's deploy role in this account, as an ARN pattern. */
export function serviceDeployRoleArnPattern(project: ParameterHandle<string>, suffix: ParameterHandle<string>): Intrinsic<string> {
  return sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${describe(serviceDeployRoleNameParts(project, '*', suffix))}`);
}

/** The boundary's ARN in this account, as workload roles and the execution role's conditions name it. */
export function workloadBoundaryArn(project: ParameterHandle<string>, suffix: ParameterHandle<string>): Intrinsic<string> {
  const parts = workloadBoundaryNameParts(project, suffix);
  physicalName('iam-policy', parts);
  return sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/${describe(parts)}`);
}

/** The ARN of one service's pipeline role in the tools account: the only principal its deploy roles trust. */
export function pipelineRoleArn(
  toolsAccount: ParameterHandle<string>,
  project: ParameterHandle<string>,
  service: NamePart,
  toolsSuffix: ParameterHandle<string>,
): Intrinsic<string> {
  const parts = pipelineRoleNameParts(project, service, toolsSuffix);
  physicalName('iam-role', parts);
  return sub(`arn:\${AWS::Partition}:iam::\${${toolsAccount.logicalId}}:role/\${${project.logicalId}}/${describe(parts)}`);
}

export function deployStepRoleArn(
  toolsAccount: ParameterHandle<string> | 'AWS::AccountId',
  project: ParameterHandle<string>,
  service: NamePart,
  toolsSuffix: ParameterHandle<string>,
): Intrinsic<string> {
  const parts = deployStepRoleNameParts(project, service, toolsSuffix);
  physicalName('iam-role', parts);
  const account = toolsAccount === 'AWS::AccountId' ? toolsAccount : toolsAccount.logicalId;
  return sub(`arn:\${AWS::Partition}:iam::\${${account}}:role/\${${project.logicalId}}/${describe(parts)}`);
}

/** Matches the ARN of every pipeline role of the project in the tools account. */
export function pipelineRoleArnPattern(toolsAccount: ParameterHandle<string>, project: ParameterHandle<string>): Intrinsic<string> {
  return sub(`arn:\${AWS::Partition}:iam::\${${toolsAccount.logicalId}}:role/\${${project.logicalId}}/*`);
}

/** ARN pattern of every artifact bucket of the project, as seen from a member account. */
export function artifactBucketArnPattern(project: ParameterHandle<string>, toolsSuffix: ParameterHandle<string>, toolsAccount: ParameterHandle<string>): Intrinsic<string> {
  return sub(`arn:\${AWS::Partition}:s3:::\${${project.logicalId}}-*-${ARTIFACT_BUCKET_TYPE}-\${${toolsSuffix.logicalId}}-\${${toolsAccount.logicalId}}`);
}

/** The access log bucket's ARN in this account and region, as the execution role is scoped to it. */
export function accessLogBucketArn(project: ParameterHandle<string>, suffix: ParameterHandle<string>): Intrinsic<string> {
  const parts = accessLogBucketNameParts(project, suffix);
  physicalName('s3-bucket', parts);
  return sub(`arn:\${AWS::Partition}:s3:::${describe(parts)}`);
}

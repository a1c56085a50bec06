/** pipeline.json's approval topic and the pipeline's service role. */
import { SelfUpdateNames, selfUpdateStatements } from '../../blocks/pipeline-self-update';
import { serviceTrust } from '../../blocks/role';
import { allow } from '../../core/iam';
import { ConditionHandle, Value, ifCond, ref, sub } from '../../core/intrinsics';
import { physicalName, pipelineRoleNameParts, pipelineStackNames, pipelineStacksRoleNameParts, standardName } from '../../core/naming';
import { ResourceHandle, TemplateBuilder } from '../../core/template';
import { CODEBUILD_PROJECTS, PIPELINE_IDS as ID } from './ids';
import { SharedNames } from './names';
import { Common, Source } from './parameters';
import { roleUnderPipelinePath } from './roles';
import { Scope, arn, codeCommitArn, subText, v } from './shared';

/** The topic the approvals notify. */
export function approvalTopic(t: TemplateBuilder, p: Source, s: Scope): ResourceHandle {
  const topic = t.resource(ID.approvalTopic, 'AWS::SNS::Topic', {
    TopicName: standardName('sns-topic', 'approvals', s),
    KmsMasterKeyId: 'alias/aws/sns',
    Subscription: [{ Protocol: 'email', Endpoint: ref(p.approvalEmail) }],
  });
  return topic;
}

/** The pipeline's role: artifacts, source, builds, approvals and its own update. */
export function pipelineServiceRole(
  t: TemplateBuilder,
  c: Common,
  p: Source,
  names: SharedNames,
  keyArn: Value<string>,
  useConnection: ConditionHandle,
  topic: ResourceHandle,
) {
  const s = names.scope;
  const bucketArn = sub(`arn:\${AWS::Partition}:s3:::${subText(names.artifactBucket)}`);
  const projectArn = (name: string) => arn('codebuild', `project/${subText(names.project(name))}`);
  // The role lives under the project's pipeline role path: the member accounts' deploy
  // roles trust exactly the roles under that path.
  const pipelineName = subText(standardName('codepipeline', 'pipeline', s));
  const pipelineArn = arn('codepipeline', pipelineName);
  const artifactObjects = sub(`arn:\${AWS::Partition}:s3:::${subText(names.artifactBucket)}/*`);
  const ownStacks = pipelineStackNames(c.project, c.service, c.suffix);
  const self: SelfUpdateNames = {
    service: v(c.service),
    buildStack: subText(ownStacks.build),
    pipelineStack: subText(ownStacks.pipeline),
    pipeline: pipelineName,
    stacksRoleArn: `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${subText(physicalName('iam-role', pipelineStacksRoleNameParts(c.project, c.suffix)))}`,
  };
  const pipelineRole = roleUnderPipelinePath(t, ID.pipelineRole, c, pipelineRoleNameParts, {
    description: 'CodePipeline: runs the pipeline',
    assumedBy: { Service: 'codepipeline.amazonaws.com' },
    trustCondition: serviceTrust(),
    policyName: 'pipeline',
    statements: [
      allow(
        'Artifacts',
        ['s3:GetBucketLocation', 's3:GetBucketVersioning', 's3:GetObject', 's3:GetObjectVersion', 's3:PutObject'],
        [bucketArn, artifactObjects],
      ),
      allow('ArtifactKey', ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'], [keyArn]),
      // One statement for either source provider: its resources are the connection or the
      // two CodeCommit repositories, as SourceProvider chooses.
      allow(
        'ReadSource',
        [
          'codecommit:CancelUploadArchive',
          'codecommit:GetBranch',
          'codecommit:GetCommit',
          'codecommit:GetRepository',
          'codecommit:GetUploadArchiveStatus',
          'codecommit:UploadArchive',
          'codeconnections:UseConnection',
          'codestar-connections:UseConnection',
        ],
        [
          ifCond(useConnection, ref(p.connectionArn), codeCommitArn(p.sourceRepository)),
          ifCond(useConnection, ref(p.connectionArn), codeCommitArn(p.templatesRepository)),
        ],
      ),
      allow('RunBuilds', ['codebuild:BatchGetBuilds', 'codebuild:StartBuild'], Object.values(CODEBUILD_PROJECTS).map(projectArn)),
      allow('NotifyApprovers', ['sns:Publish'], [topic.ref()]),
      ...selfUpdateStatements(self, pipelineArn),
    ],
  });
  return { pipelineName, pipelineArn, self, pipelineRole };
}

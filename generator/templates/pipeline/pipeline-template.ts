/** pipeline.json: the pipeline of one service, from its sections. */
import { selfUpdateVariables } from '../../blocks/pipeline-self-update';
import { AWS, and, equals, ifCond, importValue, join, not, ref, sub } from '../../core/intrinsics';
import { standardName } from '../../core/naming';
import { Template, TemplateBuilder } from '../../core/template';
import { ResolvedConfig } from '../../config/types';
import { buildPipelineBuildTemplate } from './build-template';
import { deployStep } from './deploy-step';
import { PIPELINE_IDS as ID } from './ids';
import { sharedNames } from './names';
import { accountRules, commonParameters, imageParameters, sourceParameters, sourceRules } from './parameters';
import { approvalTopic, pipelineServiceRole } from './pipeline-role';
import { codeCommitTrigger } from './source-trigger';
import { pipelineStages } from './stages';
import { att, subText } from './shared';

/**
 * pipeline.json: the pipeline of one service, its service role, the deploy step, the
 * approval topic and, for CodeCommit, the EventBridge trigger. Its CodeBuild projects, artifact bucket and
 * key come from pipeline-build.json of the same service (names from the naming module,
 * the key ARN by import).
 */
export function buildPipelineTemplate(config: ResolvedConfig): Template {
  const t = new TemplateBuilder(
    "One service's pipeline (tools account): build, tests, scan, then per environment a check, approval and the deploy step's change sets. Deploy after pipeline-build.json.",
  );
  const c = commonParameters(t, config);
  const p = sourceParameters(t);
  const image = imageParameters(t);
  sourceRules(t, p);
  accountRules(t, c);
  const names = sharedNames(c);
  const s = names.scope;

  const useConnection = t.condition('UseConnection', equals(ref(p.sourceProvider), 'CodeStarSourceConnection'));
  const useCodeCommit = t.condition('UseCodeCommit', not(useConnection));
  const filterFilePaths = t.condition('FilterFilePaths', and(useConnection, not(equals(join('', ref(p.sourceFilePaths)), ''))));

  const keyArn = importValue(names.artifactKeyExport);
  const deployProject = deployStep(t, c, image, keyArn);
  const topic = approvalTopic(t, p, s);
  const { pipelineName, pipelineArn, self, pipelineRole } = pipelineServiceRole(t, c, p, names, keyArn, useConnection, topic);
  const stages = pipelineStages(c, p, names, useConnection, topic, pipelineName, self);

  t.resource(ID.pipeline, 'AWS::CodePipeline::Pipeline', {
    Name: sub(pipelineName),
    RoleArn: att(pipelineRole, 'Arn'),
    PipelineType: 'V2',
    // The self-update restarts the execution itself, once (scripts/self-update.js).
    RestartExecutionOnUpdate: false,
    ArtifactStore: { Type: 'S3', Location: names.artifactBucket, EncryptionKey: { Type: 'KMS', Id: keyArn } },
    Triggers: ifCond(
      useConnection,
      [
        {
          ProviderType: 'CodeStarSourceConnection',
          GitConfiguration: {
            SourceActionName: 'App',
            Push: [
              {
                Branches: { Includes: [ref(p.sourceBranch)] },
                FilePaths: ifCond(filterFilePaths, { Includes: ref(p.sourceFilePaths) }, AWS.noValue),
              },
            ],
          },
        },
      ],
      AWS.noValue,
    ),
    Stages: stages,
    Variables: selfUpdateVariables(),
    // The deploy step's project is in this stack and named in the Deploy stages: it exists first.
  }, { dependsOn: [deployProject] });

  codeCommitTrigger(t, c, p, s, pipelineArn, useCodeCommit);

  t.output('PipelineArn', { description: 'ARN of the pipeline', value: pipelineArn });
  t.output('PipelineRoleArn', { description: 'Pipeline role (member deploy roles trust it)', value: att(pipelineRole, 'Arn') });
  t.output('ArtifactBucketName', { description: 'Artifact bucket', value: names.artifactBucket });
  t.output('RepositoryUri', {
    description: 'ECR repository of the service images',
    value: sub(`\${AWS::AccountId}.dkr.ecr.\${AWS::Region}.\${AWS::URLSuffix}/${subText(standardName('ecr-repository', 'images', s))}`),
  });
  return t.build();
}

/** Both stacks of a service's pipeline, in deploy order: what pipeline-stacks-role.json's permissions are built from. */
export function pipelineStackTemplates(config: ResolvedConfig): Template[] {
  return [buildPipelineBuildTemplate(config), buildPipelineTemplate(config)];
}

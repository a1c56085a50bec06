/** pipeline.json's stages: source, build and test, then per environment a check, approval and deploy. */
import { SelfUpdateNames, selfUpdateStages } from '../../blocks/pipeline-self-update';
import { deployStepVariables } from '../../blocks/pipeline-deploy-step';
import { ConditionHandle, Intrinsic, sub } from '../../core/intrinsics';
import { deployStageName, physicalName } from '../../core/naming';
import { ResourceHandle } from '../../core/template';
import { action, skipUnless, sourceAction } from './actions';
import {
  ARTIFACTS,
  CODEBUILD_PROJECTS,
  DEPLOY_ACTION,
  SOURCE_NAMESPACE,
  STAGES,
  approvalStageName,
  checkStageName,
  confirmStageName,
  planArtifact,
} from './ids';
import { SharedNames, memberRole } from './names';
import { Common, Source } from './parameters';
import { Environment, subText, v } from './shared';

/** Source (the application and the templates), Build and Test. */
function buildStages(p: Source, names: SharedNames, useConnection: ConditionHandle, commitId: string) {
  const imageTagVariable = JSON.stringify([{ name: 'IMAGE_TAG', value: commitId, type: 'PLAINTEXT' }]);
  const codeBuild = (name: string, project: string, input: string, extra: Record<string, unknown> = {}, config: Record<string, unknown> = {}) =>
    action(name, name === 'Image' ? 'Build' : 'Test', 'CodeBuild', { ProjectName: names.project(project), ...config }, {
      InputArtifacts: [{ Name: input }],
      ...extra,
    });
  const stages: Array<Record<string, unknown>> = [
    {
      Name: STAGES.source,
      Actions: [
        sourceAction('App', useConnection, p, p.sourceRepository, p.sourceBranch, ARTIFACTS.source, { Namespace: SOURCE_NAMESPACE }),
        sourceAction('Templates', useConnection, p, p.templatesRepository, p.templatesBranch, ARTIFACTS.templates, {}),
      ],
    },
    {
      Name: STAGES.build,
      Actions: [
        codeBuild(
          'Image',
          CODEBUILD_PROJECTS.build,
          ARTIFACTS.source,
          { InputArtifacts: [{ Name: ARTIFACTS.source }, { Name: ARTIFACTS.templates }], OutputArtifacts: [{ Name: ARTIFACTS.build }] },
          { PrimarySource: ARTIFACTS.source, EnvironmentVariables: imageTagVariable },
        ),
      ],
    },
    {
      Name: STAGES.test,
      Actions: [
        codeBuild('UnitTests', CODEBUILD_PROJECTS.unitTests, ARTIFACTS.source),
        codeBuild('ImageScan', CODEBUILD_PROJECTS.scan, ARTIFACTS.build, {}, { EnvironmentVariables: imageTagVariable }),
      ],
    },
  ];
  return stages;
}

/** A manual approval that notifies the approval topic, with a link to the execution or without. */
function approvalAction(topic: ResourceHandle, pipelineName: string) {
  const approval = (message: Intrinsic<string>, link: boolean) =>
    action('Approve', 'Approval', 'Manual', {
      NotificationArn: topic.ref(),
      CustomData: message,
      ...(link
        ? {
            ExternalEntityLink: sub(
              `https://\${AWS::Region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${pipelineName}/executions/#{codepipeline.PipelineExecutionId}/timeline`,
            ),
          }
        : {}),
    });
  return approval;
}

type Approval = ReturnType<typeof approvalAction>;

/** One environment's stages: its check, its approval (or the confirmation of a widening change) and its deploy. */
function environmentStages(c: Common, e: Environment, names: SharedNames, commitId: string, approval: Approval) {
  const stages: Array<Record<string, unknown>> = [];
  const check = checkStageName(e.name);
  const plan = planArtifact(e.name);
  const stackName = physicalName('cloudformation-stack', [c.project, '-', c.service, '-', e.suffix]);
  // The check: what the rendered template changes against the last deploy here, in how
  // many updates, and what it widens (scripts/plan-deploy.js from the templates source).
  const planAction = action(
    'Plan',
    'Build',
    'CodeBuild',
    {
      ProjectName: names.project(CODEBUILD_PROJECTS.check),
      PrimarySource: ARTIFACTS.build,
      EnvironmentVariables: JSON.stringify([{ name: 'ENVIRONMENT', value: e.name }]),
    },
    { InputArtifacts: [{ Name: ARTIFACTS.build }, { Name: ARTIFACTS.templates }], OutputArtifacts: [{ Name: plan }], Namespace: check },
  );
  const summary = `#{${check}.SUMMARY}`;
  if (e.requiresApproval) {
    // The environment's approval, after the check, says what the change widens.
    stages.push({
      Name: approvalStageName(e.name),
      Actions: [planAction, { ...approval(sub(`Deploy ${v(c.service)} ${commitId} to ${e.name}? The change ${summary}. Mind tests, scan, earlier stages.`), true), RunOrder: 2 }],
    });
  } else {
    // No approval here unless the change widens permissions: the check needs a stage of
    // its own, whose variables the next stage's entry condition reads.
    stages.push({ Name: check, Actions: [planAction] });
    stages.push({
      Name: confirmStageName(e.name),
      BeforeEntry: skipUnless(`#{${check}.WIDENED}`, 'yes'),
      // The summary says what widened; widening.txt in the check's output lists all of it.
      Actions: [approval(sub(`Deploy ${v(c.service)} ${commitId} to ${e.name}? The change ${summary}.`), false)],
    });
  }
  // The updates the check decided (STEPS: prepare.json then deploy.json, or deploy.json),
  // each a change set with the service stack's alarms as rollback triggers.
  stages.push({
    Name: deployStageName(e.name),
    Actions: [
      action(
        DEPLOY_ACTION,
        'Build',
        'CodeBuild',
        {
          ProjectName: names.project(CODEBUILD_PROJECTS.deploy),
          PrimarySource: plan,
          EnvironmentVariables: deployStepVariables({
            STACK_NAME: subText(stackName),
            DEPLOY_ROLE_ARN: subText(memberRole(c, e, 'deploy')),
            EXECUTION_ROLE_ARN: subText(memberRole(c, e, 'execution')),
            STEPS: `#{${check}.STEPS}`,
            MONITORING_MINUTES: String(e.monitoringMinutes),
          }),
        },
        { InputArtifacts: [{ Name: plan }, { Name: ARTIFACTS.templates }] },
      ),
    ],
  });
  return stages;
}

/** Every stage of the pipeline, in order. */
export function pipelineStages(c: Common, p: Source, names: SharedNames, useConnection: ConditionHandle, topic: ResourceHandle, pipelineName: string, self: SelfUpdateNames) {
  const commitId = `#{${SOURCE_NAMESPACE}.CommitId}`;
  const stages = buildStages(p, names, useConnection, commitId);
  const approval = approvalAction(topic, pipelineName);
  // The pipeline's update of itself, before anything is built (generator/blocks/pipeline-self-update.ts).
  stages.splice(1, 0, ...selfUpdateStages(self, ARTIFACTS.templates, commitId, (message) => approval(message, true), skipUnless));
  for (const e of c.environments) stages.push(...environmentStages(c, e, names, commitId, approval));
  return stages;
}

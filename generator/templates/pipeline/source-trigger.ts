/** pipeline.json's trigger for CodeCommit sources. */
import { serviceTrust } from '../../blocks/role';
import { allow } from '../../core/iam';
import { ConditionHandle, Intrinsic, ref, sub } from '../../core/intrinsics';
import { pipelineStackRoleNameParts, standardName } from '../../core/naming';
import { TemplateBuilder } from '../../core/template';
import { PIPELINE_IDS as ID } from './ids';
import { Common, Source } from './parameters';
import { roleUnderPipelinePath } from './roles';
import { Scope, att, codeCommitArn } from './shared';

/** An EventBridge rule, with its role, that starts the pipeline on a push (CodeCommit only). */
export function codeCommitTrigger(t: TemplateBuilder, c: Common, p: Source, s: Scope, pipelineArn: Intrinsic<string>, useCodeCommit: ConditionHandle): void {
  // --- CodeCommit: pushes to the branch start the pipeline through EventBridge.
  const eventRole = roleUnderPipelinePath(
    t,
    ID.sourceEventRole,
    c,
    (...n) => pipelineStackRoleNameParts(...n, 'events'),
    {
      description: 'EventBridge: starts the pipeline on a push to the CodeCommit branch',
      assumedBy: { Service: 'events.amazonaws.com' },
      // EventBridge sets the rule's account and ARN (EventBridge User Guide, "Using IAM policy conditions").
      trustCondition: serviceTrust(sub(`arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/\${${s.project.logicalId}}-*`)),
      policyName: 'start-pipeline',
      statements: [allow('StartPipeline', ['codepipeline:StartPipelineExecution'], [pipelineArn])],
    },
    { condition: useCodeCommit },
  );
  t.resource(
    ID.sourceEventRule,
    'AWS::Events::Rule',
    {
      Name: standardName('events-rule', 'source', s),
      State: 'ENABLED',
      EventPattern: {
        source: ['aws.codecommit'],
        'detail-type': ['CodeCommit Repository State Change'],
        resources: [codeCommitArn(p.sourceRepository)],
        detail: {
          event: ['referenceCreated', 'referenceUpdated'],
          referenceType: ['branch'],
          referenceName: [ref(p.sourceBranch)],
        },
      },
      Targets: [{ Id: 'pipeline', Arn: pipelineArn, RoleArn: att(eventRole, 'Arn') }],
    },
    { condition: useCodeCommit },
  );
}

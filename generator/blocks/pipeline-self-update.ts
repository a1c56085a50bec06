/**
 * The pipeline's update of itself, three stages right after Source (scripts/self-update.js
 * from the templates source, in CodePipeline Commands actions that run as the pipeline
 * role):
 *
 * - PipelineCheck: compares pipeline-build.json, pipeline.json and the service's parameter
 *   files with what is deployed; exports CHANGED, WIDENED and SUMMARY. An execution that a
 *   self-update started (pipeline variable RestartedFrom) and that still finds a
 *   difference fails here: one restart, never more.
 * - PipelineConfirm: a manual approval, entered only when the change widens the
 *   pipeline's own permissions (the gate of the deploy stages, scripts/lib/widening.js).
 * - PipelineUpdate: entered only when something changed; updates the stacks that differ
 *   through the CloudFormation role of the pipeline stacks, then starts a new execution
 *   on the same commit and stops this one.
 */
import { Intrinsic, Value, sub } from '../core/intrinsics';
import { Statement, allow } from '../core/iam';

export const SELF_UPDATE_SCRIPT = 'scripts/self-update.js';
export const SELF_UPDATE_STAGES = { check: 'PipelineCheck', confirm: 'PipelineConfirm', update: 'PipelineUpdate' } as const;
/** The pipeline variable that marks an execution a self-update started: the ID of the one it replaced. */
export const RESTART_VARIABLE = 'RestartedFrom';
export const NOT_RESTARTED = 'none';
export const SELF_UPDATE_VARIABLES = ['CHANGED', 'WIDENED', 'SUMMARY'] as const;

export interface SelfUpdateNames {
  /** Fn::Sub texts. */
  readonly service: string;
  readonly buildStack: string;
  readonly pipelineStack: string;
  readonly pipeline: string;
  readonly stacksRoleArn: string;
}

/** The pipeline's Variables declaration. */
export function selfUpdateVariables(): Array<Record<string, string>> {
  return [{ Name: RESTART_VARIABLE, DefaultValue: NOT_RESTARTED, Description: 'Set by a self-update to the execution it replaced' }];
}

function commandsAction(name: string, templates: string, command: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    Name: name,
    ActionTypeId: { Category: 'Compute', Owner: 'AWS', Provider: 'Commands', Version: '1' },
    Commands: [sub(command)],
    InputArtifacts: [{ Name: templates }],
    ...extra,
  };
}

/**
 * The three stages. `approval` builds the manual approval with a message, `skipUnless`
 * a stage entry condition (templates/pipeline/actions.ts), `commitId` the App source's commit variable.
 */
export function selfUpdateStages(
  n: SelfUpdateNames,
  templates: string,
  commitId: string,
  approval: (message: Intrinsic<string>) => Record<string, unknown>,
  skipUnless: (variable: string, value: string) => Record<string, unknown>,
): Array<Record<string, unknown>> {
  const script = `node "$CODEBUILD_SRC_DIR/${SELF_UPDATE_SCRIPT}"`;
  const common = `--templates-dir "$CODEBUILD_SRC_DIR/templates" --service ${n.service} --build-stack ${n.buildStack} --pipeline-stack ${n.pipelineStack} --restarted-from "$RESTARTED_FROM"`;
  const restarted = { Name: 'RESTARTED_FROM', Value: `#{variables.${RESTART_VARIABLE}}` };
  const ns = SELF_UPDATE_STAGES.check;
  return [
    {
      Name: SELF_UPDATE_STAGES.check,
      Actions: [
        commandsAction('Check', templates, `out=$(${script} check ${common}) && eval "$out"`, {
          EnvironmentVariables: [restarted],
          OutputVariables: [...SELF_UPDATE_VARIABLES],
          Namespace: ns,
        }),
      ],
    },
    {
      Name: SELF_UPDATE_STAGES.confirm,
      BeforeEntry: skipUnless(`#{${ns}.WIDENED}`, 'yes'),
      Actions: [approval(sub(`Update the pipeline of ${n.service} from the templates source? The change #{${ns}.SUMMARY}.`))],
    },
    {
      Name: SELF_UPDATE_STAGES.update,
      BeforeEntry: skipUnless(`#{${ns}.CHANGED}`, 'yes'),
      Actions: [
        commandsAction(
          'Update',
          templates,
          `${script} apply ${common} --pipeline ${n.pipeline} --role-arn ${n.stacksRoleArn} --execution-id "$EXECUTION_ID" --commit-id "$COMMIT_ID"`,
          {
            EnvironmentVariables: [restarted, { Name: 'EXECUTION_ID', Value: '#{codepipeline.PipelineExecutionId}' }, { Name: 'COMMIT_ID', Value: commitId }],
          },
        ),
      ],
    },
  ];
}

/**
 * What the pipeline role needs for its self-update, and nothing else: the Commands
 * actions' logs (/aws/codepipeline/{pipeline}, CodePipeline User Guide, Commands action
 * reference), change sets on exactly its two stacks, the pipeline stacks' CloudFormation
 * role to pass (CloudFormation acts with that role, so the pipeline role needs no
 * permission on the stacks' resources), and the restart of its own pipeline.
 */
export function selfUpdateStatements(n: SelfUpdateNames, pipelineArn: Value<string>): Statement[] {
  const region = 'arn:${AWS::Partition}:${service}:${AWS::Region}:${AWS::AccountId}';
  const at = (service: string, resource: string) => sub(`${region.replace('${service}', service)}:${resource}`);
  return [
    allow(
      'SelfUpdateLogs',
      ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      [at('logs', `log-group:/aws/codepipeline/${n.pipeline}`), at('logs', `log-group:/aws/codepipeline/${n.pipeline}:log-stream:*`)],
    ),
    allow(
      'SelfUpdateStacks',
      [
        'cloudformation:CreateChangeSet',
        'cloudformation:DeleteChangeSet',
        'cloudformation:DescribeChangeSet',
        'cloudformation:DescribeStacks',
        'cloudformation:ExecuteChangeSet',
        'cloudformation:GetTemplate',
      ],
      [at('cloudformation', `stack/${n.buildStack}/*`), at('cloudformation', `stack/${n.pipelineStack}/*`)],
    ),
    allow('PassPipelineStacksRole', ['iam:PassRole'], [sub(n.stacksRoleArn)], {
      condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
    }),
    allow('RestartSelf', ['codepipeline:StartPipelineExecution', 'codepipeline:StopPipelineExecution'], [pipelineArn]),
  ];
}

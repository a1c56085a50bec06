/** Pipeline actions and stage conditions. */
import { ConditionHandle, ifCond, ref } from '../../core/intrinsics';
import { ParameterHandle } from '../../core/template';
import { Source } from './parameters';

export function action(
  name: string,
  category: 'Source' | 'Build' | 'Test' | 'Approval' | 'Deploy',
  provider: string,
  configuration: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const { RunOrder: runOrder = 1, ...rest } = extra as { RunOrder?: number };
  return {
    Name: name,
    ActionTypeId: { Category: category, Owner: 'AWS', Provider: provider, Version: '1' },
    Configuration: configuration,
    // RunOrder defaults to 1 (CodePipeline ActionDeclaration).
    ...(runOrder === 1 ? {} : { RunOrder: runOrder }),
    ...rest,
  };
}

/**
 * A stage entry condition that skips the stage unless a pipeline variable has a value
 * (CodePipeline V2 stage conditions, VariableCheck rule: a condition whose rules fail
 * engages its result).
 */
export function skipUnless(variable: string, value: string): Record<string, unknown> {
  const rule = { Name: 'Go', RuleTypeId: { Category: 'Rule', Owner: 'AWS', Provider: 'VariableCheck', Version: '1' } };
  return { Conditions: [{ Result: 'SKIP', Rules: [{ ...rule, Configuration: { Variable: variable, Value: value, Operator: 'EQ' } }] }] };
}

/** A source action whose provider and configuration follow the SourceProvider parameter. */
export function sourceAction(
  name: string,
  useConnection: ConditionHandle,
  p: Source,
  repository: ParameterHandle<string>,
  branch: ParameterHandle<string>,
  output: string,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  return {
    Name: name,
    ActionTypeId: {
      Category: 'Source',
      Owner: 'AWS',
      Provider: ifCond(useConnection, 'CodeStarSourceConnection', 'CodeCommit'),
      Version: '1',
    },
    Configuration: ifCond(
      useConnection,
      {
        ConnectionArn: ref(p.connectionArn),
        FullRepositoryId: ref(repository),
        BranchName: ref(branch),
        // Only the application source starts the pipeline (through the trigger).
        ...(name === 'App' ? {} : { DetectChanges: 'false' }),
      },
      { RepositoryName: ref(repository), BranchName: ref(branch), PollForSourceChanges: 'false' },
    ),
    OutputArtifacts: [{ Name: output }],
    ...extra,
  };
}

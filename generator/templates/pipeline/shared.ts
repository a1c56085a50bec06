/** What the sections of both pipeline stacks share: their environments, scope and small intrinsics. */
import { Intrinsic, Value, sub } from '../../core/intrinsics';
import { ParameterHandle, ResourceHandle } from '../../core/template';

export const REPORT_DIRECTORY = 'reports';

export interface Environment {
  readonly name: string;
  readonly requiresApproval: boolean;
  /** The rollback monitoring window of the deploy (environments[].rollbackMonitoringMinutes). */
  readonly monitoringMinutes: number;
  readonly account: ParameterHandle<string>;
  readonly suffix: ParameterHandle<string>;
}

export interface Scope {
  readonly project: ParameterHandle<string>;
  readonly service: ParameterHandle<string>;
  readonly suffix: ParameterHandle<string>;
}

export const v = (p: { logicalId: string }) => `\${${p.logicalId}}`;

/** `${Resource.Attribute}` as a one-line Fn::Sub (a GetAtt takes six lines in the template). */
export function att(r: ResourceHandle, attribute: string): Intrinsic<string> {
  return sub(`\${${r.logicalId}.${attribute}}`);
}

export function arn(service: string, resource: string): Intrinsic<string> {
  return sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`);
}

/** The text of a name that the naming module built as Fn::Sub, to use inside a longer Fn::Sub. */
export function subText(name: Value<string>): string {
  const text = (name as { 'Fn::Sub'?: unknown })['Fn::Sub'];
  if (typeof text !== 'string') throw new Error(`expected a name as Fn::Sub, got ${JSON.stringify(name)}`);
  return text;
}

export function accountRoot(account: ParameterHandle<string>): Intrinsic<string> {
  return sub(`arn:\${AWS::Partition}:iam::${v(account)}:root`);
}

export function distinctAccounts(envs: readonly Environment[]): Environment[] {
  return envs.filter((e, i) => envs.findIndex((o) => o.account.logicalId === e.account.logicalId) === i);
}

export const codeCommitArn = (repo: ParameterHandle<string>) => arn('codecommit', v(repo));

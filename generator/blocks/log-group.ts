/**
 * The house log group: a name from the naming module (under `/{project}/`) and a
 * retention, so that nothing logs forever and a torn-down stack leaves no group behind.
 */
import { Value } from '../core/intrinsics';
import { NumberParameter, ResourceHandle, TemplateBuilder } from '../core/template';

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const LOG_RETENTION_PARAMETER: NumberParameter = {
  Type: 'Number',
  Description: 'Days CloudWatch Logs keeps the log events of this stack',
  Default: 30,
  AllowedValues: LOG_RETENTION_DAYS,
  ConstraintDescription: 'a retention period CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)',
};

export interface LogGroupProps {
  readonly logGroupName: Value<string>;
  readonly retentionDays: Value<number>;
}

export function logGroup(t: TemplateBuilder, id: string, props: LogGroupProps): ResourceHandle {
  return t.resource(id, 'AWS::Logs::LogGroup', {
    LogGroupName: props.logGroupName,
    RetentionInDays: props.retentionDays,
  });
}

/** Types of rollback-triggers.js (plain JavaScript, run in CodeBuild without a build). */
export declare const MAX_ROLLBACK_TRIGGERS: 5;
export declare const MAX_MONITORING_MINUTES: 180;
export declare const DEFAULT_MONITORING_MINUTES: 10;
export declare const ALARM_TYPES: readonly ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm'];

export interface Trigger {
  readonly arn: string;
  readonly type: (typeof ALARM_TYPES)[number];
  /** The alarm name, for messages. */
  readonly name: string;
}
interface TemplateLike {
  readonly Resources?: Readonly<Record<string, { readonly Type: string }>>;
}
interface ResourceSummaryLike {
  readonly LogicalResourceId?: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceType?: string;
}
interface EventLike {
  readonly Timestamp?: Date | string;
  readonly ResourceStatusReason?: string;
}
export interface RollbackConfigurationJson {
  RollbackTriggers: { Arn: string; Type: string }[];
  MonitoringTimeInMinutes: number;
}

export declare function isServiceTemplate(template: TemplateLike): boolean;
export declare function declaredAlarms(template: TemplateLike): string[];
export declare function stackArnParts(stackId: string): { partition: string; region: string; account: string } | undefined;
export declare function alarmArn(where: { partition: string; region: string; account: string }, name: string): string;
export declare function alarmName(arn: string): string;
export declare function stackAlarmTriggers(template: TemplateLike, existing: { stackId: string; resources: readonly ResourceSummaryLike[] } | undefined): Trigger[];
export declare function rollbackConfiguration(
  request: { readonly alarms?: readonly string[]; readonly monitoringMinutes?: number },
  triggers: readonly Trigger[],
): RollbackConfigurationJson | undefined;
export declare function alarmsInEvents(events: readonly EventLike[], triggers: readonly Trigger[]): Trigger[];
export declare function rollbackReport(events: readonly EventLike[], triggers: readonly Trigger[], resourceFailed: boolean): string[];

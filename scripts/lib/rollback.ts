/**
 * Alarm-triggered rollback for `npm run deploy`: which alarms CloudFormation watches
 * during a stack update and for how long afterwards (RollbackConfiguration on
 * CreateChangeSet), and which of them caused a rollback.
 *
 * CloudFormation API Reference, RollbackConfiguration and RollbackTrigger: at most five
 * triggers, each an alarm ARN of the stack's Region with the type AWS::CloudWatch::Alarm or
 * AWS::CloudWatch::CompositeAlarm; MonitoringTimeInMinutes from 0 to 180; a trigger
 * whose alarm does not exist fails the whole operation; triggers given replace those
 * saved on the stack, an empty list removes them.
 *
 * Default: a service stack (one that declares an AWS::ECS::Service) is watched by its own
 * alarms (ecs-service.json: the target 5xx and unhealthy-target alarms) on an update,
 * for DEFAULT_MONITORING_MINUTES after it. On a create they do not exist yet, so nothing
 * is watched unless alarms are named.
 */
import {
  CloudFormationClient,
  DescribeStackEventsCommand,
  ListStackResourcesCommand,
  RollbackConfiguration,
  StackEvent,
  StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { intFlag, ParsedArgs, UsageError } from './args';
import { TemplateJson } from './templates';

export const MAX_ROLLBACK_TRIGGERS = 5;
export const MAX_MONITORING_MINUTES = 180;
/** Long enough for a two-of-two one-minute alarm to see the new version serve traffic. */
export const DEFAULT_MONITORING_MINUTES = 10;
export const ALARM_TYPES = ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm'] as const;

/** What the flags ask for: explicit alarms, none at all, or the stack's own (undefined). */
export interface RollbackRequest {
  /** Alarm names or ARNs; [] watches nothing (and clears triggers saved on the stack). */
  readonly alarms?: readonly string[];
  readonly monitoringMinutes?: number;
}

export const ROLLBACK_FLAGS = [
  {
    name: 'rollback-alarms',
    kind: 'list',
    valueName: 'ALARM,...',
    description: `CloudWatch alarm names or ARNs; if one goes to ALARM during the update or the monitoring window, CloudFormation rolls the update back (at most ${MAX_ROLLBACK_TRIGGERS}; "none" watches nothing; default: a service stack's own alarms on an update)`,
  },
  {
    name: 'monitoring-minutes',
    kind: 'string',
    valueName: 'N',
    description: `minutes CloudFormation keeps watching the alarms after the update (0-${MAX_MONITORING_MINUTES}; default ${DEFAULT_MONITORING_MINUTES} when alarms are watched)`,
  },
] as const;

const ALARM_ARN = /^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$/;
const ALARM_NAME = /^[^\s][^\n]{0,254}$/;

export function rollbackRequest(args: ParsedArgs): RollbackRequest {
  const raw = args.lists['rollback-alarms'];
  const monitoringMinutes = intFlag(args, 'monitoring-minutes', 0, MAX_MONITORING_MINUTES);
  if (raw === undefined) return monitoringMinutes === undefined ? {} : { monitoringMinutes };
  if (raw.includes('none')) {
    if (raw.length > 1) throw new UsageError('--rollback-alarms none cannot be combined with alarms');
    return { alarms: [], ...(monitoringMinutes === undefined ? {} : { monitoringMinutes }) };
  }
  const alarms = [...new Set(raw)];
  for (const a of alarms) {
    if (!ALARM_ARN.test(a) && (a.startsWith('arn:') || !ALARM_NAME.test(a))) {
      throw new UsageError(`--rollback-alarms ${JSON.stringify(a)} must be a CloudWatch alarm name or an ARN arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>`);
    }
  }
  if (alarms.length > MAX_ROLLBACK_TRIGGERS) {
    throw new UsageError(`--rollback-alarms names ${alarms.length} alarms; CloudFormation watches at most ${MAX_ROLLBACK_TRIGGERS}`);
  }
  return { alarms, ...(monitoringMinutes === undefined ? {} : { monitoringMinutes }) };
}

/** A service stack: its alarms are the default triggers. */
export function isServiceTemplate(template: TemplateJson): boolean {
  return Object.values(template.Resources ?? {}).some((r) => r.Type === 'AWS::ECS::Service');
}

/** Logical IDs of the alarms the template declares. */
export function declaredAlarms(template: TemplateJson): string[] {
  return Object.entries(template.Resources ?? {})
    .filter(([, r]) => (ALARM_TYPES as readonly string[]).includes(r.Type))
    .map(([id]) => id)
    .sort();
}

/** `arn:{partition}:cloudformation:{region}:{account}:stack/...` split into what an alarm ARN needs. */
export function stackArnParts(stackId: string): { partition: string; region: string; account: string } | undefined {
  const m = /^arn:(aws[a-z-]*):cloudformation:([a-z0-9-]+):(\d{12}):stack\//.exec(stackId);
  return m ? { partition: m[1], region: m[2], account: m[3] } : undefined;
}

export interface Trigger {
  readonly arn: string;
  readonly type: (typeof ALARM_TYPES)[number];
  /** The alarm name, for messages. */
  readonly name: string;
}

export function alarmName(arn: string): string {
  return arn.replace(/^arn:[^:]+:cloudwatch:[^:]+:\d{12}:alarm:/, '');
}

/**
 * The triggers of one deployment. `resources` are the existing stack's resources (for
 * the default, an update only) and `stackId` its ARN (to turn alarm names into ARNs).
 * Throws UsageError when a name cannot be turned into an ARN or the default is too long.
 */
export function rollbackTriggers(
  request: RollbackRequest,
  template: TemplateJson,
  existing: { stackId: string; resources: readonly StackResourceSummary[] } | undefined,
): Trigger[] {
  const where = existing ? stackArnParts(existing.stackId) : undefined;
  const arnOf = (name: string) => `arn:${where!.partition}:cloudwatch:${where!.region}:${where!.account}:alarm:${name}`;
  if (request.alarms) {
    return request.alarms.map((a) => {
      if (ALARM_ARN.test(a)) return { arn: a, type: 'AWS::CloudWatch::Alarm' as const, name: alarmName(a) };
      if (!where) throw new UsageError(`--rollback-alarms ${JSON.stringify(a)}: pass the alarm ARN when the stack does not exist yet`);
      return { arn: arnOf(a), type: 'AWS::CloudWatch::Alarm' as const, name: a };
    });
  }
  if (!existing || !where || !isServiceTemplate(template)) return [];
  const declared = new Set(declaredAlarms(template));
  const alarms = existing.resources
    .filter((r) => declared.has(r.LogicalResourceId ?? '') && r.PhysicalResourceId && (ALARM_TYPES as readonly string[]).includes(r.ResourceType ?? ''))
    .sort((a, b) => (a.LogicalResourceId ?? '').localeCompare(b.LogicalResourceId ?? ''))
    .map((r) => ({ arn: arnOf(r.PhysicalResourceId!), type: r.ResourceType as Trigger['type'], name: r.PhysicalResourceId! }));
  if (alarms.length > MAX_ROLLBACK_TRIGGERS) {
    throw new UsageError(`the stack has ${alarms.length} alarms; CloudFormation watches at most ${MAX_ROLLBACK_TRIGGERS}: name them with --rollback-alarms`);
  }
  return alarms;
}

/**
 * The RollbackConfiguration for CreateChangeSet, or undefined to leave it out (no alarms
 * asked for, none by default: the stack keeps whatever it had, which for the stacks this
 * project deploys is nothing).
 */
export function rollbackConfiguration(request: RollbackRequest, triggers: readonly Trigger[]): RollbackConfiguration | undefined {
  if (request.alarms === undefined && triggers.length === 0 && request.monitoringMinutes === undefined) return undefined;
  const minutes = request.monitoringMinutes ?? (triggers.length ? DEFAULT_MONITORING_MINUTES : 0);
  return {
    RollbackTriggers: triggers.map((t) => ({ Arn: t.arn, Type: t.type })),
    MonitoringTimeInMinutes: minutes,
  };
}

/** The watched alarms named in the events of the operation, in the order they appear. */
export function alarmsInEvents(events: readonly StackEvent[], triggers: readonly Trigger[]): Trigger[] {
  const found: Trigger[] = [];
  const ordered = [...events].sort((a, b) => (a.Timestamp?.getTime() ?? 0) - (b.Timestamp?.getTime() ?? 0));
  for (const e of ordered) {
    const reason = e.ResourceStatusReason ?? '';
    for (const t of triggers) {
      if (found.includes(t)) continue;
      if (reason.includes(t.arn) || new RegExp(`(^|[^A-Za-z0-9_.-])${t.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z0-9_.-]|$)`).test(reason)) found.push(t);
    }
  }
  return found;
}

/**
 * Lines that say why an update with triggers rolled back: the alarms the events name; or,
 * when no resource failed either, that an alarm was watched but none is named.
 */
export function rollbackReport(events: readonly StackEvent[], triggers: readonly Trigger[], resourceFailed: boolean): string[] {
  if (!triggers.length) return [];
  const causes = alarmsInEvents(events, triggers);
  if (causes.length) return causes.map((t) => `rolled back by alarm ${t.name} (${t.arn})`);
  if (resourceFailed) return [];
  return [`rolled back while CloudFormation watched the alarms ${triggers.map((t) => t.name).join(', ')}; no stack event names one of them`];
}

/** The existing stack's resources (ListStackResources, every page). */
export async function listStackResources(cf: CloudFormationClient, stackName: string): Promise<StackResourceSummary[]> {
  const out: StackResourceSummary[] = [];
  let token: string | undefined;
  do {
    const page = await cf.send(new ListStackResourcesCommand({ StackName: stackName, NextToken: token }));
    out.push(...(page.StackResourceSummaries ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}

/** The stack's events at or after `since` (newest pages first, until an older event). */
export async function eventsSince(cf: CloudFormationClient, stackName: string, since: Date): Promise<StackEvent[]> {
  const out: StackEvent[] = [];
  let token: string | undefined;
  do {
    const page = await cf.send(new DescribeStackEventsCommand({ StackName: stackName, NextToken: token }));
    const events = page.StackEvents ?? [];
    const fresh = events.filter((e) => (e.Timestamp?.getTime() ?? 0) >= since.getTime());
    out.push(...fresh);
    token = fresh.length === events.length ? page.NextToken : undefined;
  } while (token);
  return out;
}

/**
 * Alarm-triggered rollback for `npm run deploy`: the flags, turning alarm names into
 * triggers, and the SDK calls that read a stack's resources and events. The pure part
 * (the default triggers, the RollbackConfiguration, the report of the alarm that rolled an
 * update back) is scripts/lib/rollback-triggers.js, which the pipeline's deploy step
 * (scripts/deploy-stack.js) runs as well.
 */
import { CloudFormationClient, DescribeStackEventsCommand, ListStackResourcesCommand, StackEvent, StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { ArgsWith, FlagSpec, intFlag, UsageError } from './args';
import { TemplateJson } from './templates';
import { DEFAULT_MONITORING_MINUTES, MAX_MONITORING_MINUTES, MAX_ROLLBACK_TRIGGERS, Trigger, alarmName, stackAlarmTriggers, stackArnParts } from './rollback-triggers';

export {
  ALARM_TYPES,
  DEFAULT_MONITORING_MINUTES,
  MAX_MONITORING_MINUTES,
  MAX_ROLLBACK_TRIGGERS,
  alarmName,
  alarmsInEvents,
  declaredAlarms,
  isServiceTemplate,
  rollbackConfiguration,
  rollbackReport,
  stackArnParts,
} from './rollback-triggers';
export type { Trigger } from './rollback-triggers';

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
] as const satisfies readonly FlagSpec[];

const ALARM_ARN = /^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$/;
const ALARM_NAME = /^[^\s][^\n]{0,254}$/;

export function rollbackRequest(args: ArgsWith<typeof ROLLBACK_FLAGS>): RollbackRequest {
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
  try {
    return stackAlarmTriggers(template, existing);
  } catch (e) {
    throw new UsageError(`${(e as Error).message}: name them with --rollback-alarms`);
  }
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

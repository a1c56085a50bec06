'use strict';
/**
 * Alarm-triggered rollback, the pure part: which alarms CloudFormation watches during a
 * stack update and for how long afterwards (RollbackConfiguration on CreateChangeSet),
 * and which of them caused a rollback. Shared by `npm run deploy` (scripts/lib/rollback.ts,
 * with the SDK) and the pipeline's deploy step (scripts/deploy-stack.js, with the AWS
 * CLI in CodeBuild, where only Node.js is at hand): plain JavaScript, no dependencies.
 *
 * CloudFormation API Reference, RollbackConfiguration and RollbackTrigger: at most five
 * triggers, each an alarm ARN of the stack's Region with the type AWS::CloudWatch::Alarm or
 * AWS::CloudWatch::CompositeAlarm; MonitoringTimeInMinutes from 0 to 180; a trigger
 * whose alarm does not exist fails the whole operation; triggers given replace those
 * saved on the stack, an empty list removes them.
 *
 * Default: a service stack (one that declares an AWS::ECS::Service) is watched by its own
 * alarms (the target 5xx and unhealthy-target alarms of ecs-service*.json) on an update,
 * for DEFAULT_MONITORING_MINUTES after it. On a create they do not exist yet, so nothing
 * is watched.
 */

const MAX_ROLLBACK_TRIGGERS = 5;
const MAX_MONITORING_MINUTES = 180;
/** Long enough for a two-of-two one-minute alarm to see the new version serve traffic. */
const DEFAULT_MONITORING_MINUTES = 10;
const ALARM_TYPES = ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm'];

/** A service stack: its alarms are the default triggers. */
function isServiceTemplate(template) {
  return Object.values((template && template.Resources) || {}).some((r) => r.Type === 'AWS::ECS::Service');
}

/** Logical IDs of the alarms the template declares. */
function declaredAlarms(template) {
  return Object.entries((template && template.Resources) || {})
    .filter(([, r]) => ALARM_TYPES.includes(r.Type))
    .map(([id]) => id)
    .sort();
}

/** `arn:{partition}:cloudformation:{region}:{account}:stack/...` split into what an alarm ARN needs. */
function stackArnParts(stackId) {
  const m = /^arn:(aws[a-z-]*):cloudformation:([a-z0-9-]+):(\d{12}):stack\//.exec(stackId);
  return m ? { partition: m[1], region: m[2], account: m[3] } : undefined;
}

function alarmArn(where, name) {
  return `arn:${where.partition}:cloudwatch:${where.region}:${where.account}:alarm:${name}`;
}

function alarmName(arn) {
  return arn.replace(/^arn:[^:]+:cloudwatch:[^:]+:\d{12}:alarm:/, '');
}

/**
 * The default triggers of an update: the alarms the template declares that the existing
 * stack (its ARN and ListStackResources summaries) has created; [] for a create or a
 * stack that is not a service stack. Throws when there are more than CloudFormation takes.
 */
function stackAlarmTriggers(template, existing) {
  const where = existing ? stackArnParts(existing.stackId) : undefined;
  if (!existing || !where || !isServiceTemplate(template)) return [];
  const declared = new Set(declaredAlarms(template));
  const alarms = existing.resources
    .filter((r) => declared.has(r.LogicalResourceId || '') && r.PhysicalResourceId && ALARM_TYPES.includes(r.ResourceType || ''))
    .sort((a, b) => (a.LogicalResourceId || '').localeCompare(b.LogicalResourceId || ''))
    .map((r) => ({ arn: alarmArn(where, r.PhysicalResourceId), type: r.ResourceType, name: r.PhysicalResourceId }));
  if (alarms.length > MAX_ROLLBACK_TRIGGERS) {
    throw new RangeError(`the stack has ${alarms.length} alarms; CloudFormation watches at most ${MAX_ROLLBACK_TRIGGERS}`);
  }
  return alarms;
}

/**
 * The RollbackConfiguration for CreateChangeSet, or undefined to leave it out (no alarms
 * asked for, none by default: the stack keeps whatever it had).
 */
function rollbackConfiguration(request, triggers) {
  if (request.alarms === undefined && triggers.length === 0 && request.monitoringMinutes === undefined) return undefined;
  const minutes = request.monitoringMinutes !== undefined ? request.monitoringMinutes : triggers.length ? DEFAULT_MONITORING_MINUTES : 0;
  return { RollbackTriggers: triggers.map((t) => ({ Arn: t.arn, Type: t.type })), MonitoringTimeInMinutes: minutes };
}

const time = (e) => (e.Timestamp ? new Date(e.Timestamp).getTime() : 0);
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The watched alarms named in the events of the operation, in the order they appear. */
function alarmsInEvents(events, triggers) {
  const found = [];
  for (const e of [...events].sort((a, b) => time(a) - time(b))) {
    const reason = e.ResourceStatusReason || '';
    for (const t of triggers) {
      if (found.includes(t)) continue;
      if (reason.includes(t.arn) || new RegExp(`(^|[^A-Za-z0-9_.-])${escapeRegExp(t.name)}([^A-Za-z0-9_.-]|$)`).test(reason)) found.push(t);
    }
  }
  return found;
}

/**
 * Lines that say why an update with triggers rolled back: the alarms the events name; or,
 * when no resource failed either, that an alarm was watched but none is named.
 */
function rollbackReport(events, triggers, resourceFailed) {
  if (!triggers.length) return [];
  const causes = alarmsInEvents(events, triggers);
  if (causes.length) return causes.map((t) => `rolled back by alarm ${t.name} (${t.arn})`);
  if (resourceFailed) return [];
  return [`rolled back while CloudFormation watched the alarms ${triggers.map((t) => t.name).join(', ')}; no stack event names one of them`];
}

module.exports = {
  MAX_ROLLBACK_TRIGGERS,
  MAX_MONITORING_MINUTES,
  DEFAULT_MONITORING_MINUTES,
  ALARM_TYPES,
  isServiceTemplate,
  declaredAlarms,
  stackArnParts,
  alarmArn,
  alarmName,
  stackAlarmTriggers,
  rollbackConfiguration,
  alarmsInEvents,
  rollbackReport,
};

#!/usr/bin/env node
'use strict';
/**
 * The pipeline's deploy of one environment's service stack, with alarm-triggered rollback:
 * the updates the check decided (scripts/plan-deploy.js: prepare.json, then deploy.json;
 * or deploy.json alone), each as a change set created with a RollbackConfiguration,
 * executed and waited for.
 *
 *   node scripts/deploy-stack.js --stack shop-web-prod --plan-dir . --steps 2 \
 *     --execution-role arn:aws:iam::333333333333:role/shop-cloudformation-execution-prod \
 *     --change-set shop-web-pipeline --capabilities CAPABILITY_IAM,CAPABILITY_AUTO_EXPAND \
 *     --monitoring-minutes 10
 *
 * Runs in CodeBuild with the AWS CLI configured for the service's deploy role in the
 * member account (the build spec sets AWS_PROFILE), from the templates source, with
 * Node.js alone (like plan-deploy.js).
 *
 * Why a CodeBuild step and not CodePipeline's CloudFormation actions: their configuration
 * has no rollback triggers (aws/aws-cdk#5170, aws/aws-cli#3712). CreateChangeSet takes a
 * RollbackConfiguration, which the change set keeps (DescribeChangeSet returns it) and
 * ExecuteChangeSet applies; so a CHANGE_SET_EXECUTE action would apply it too. This step
 * executes and waits itself all the same, because it must report which alarm rolled the
 * update back: CloudFormation monitors the alarms during the update and for
 * MonitoringTimeInMinutes after it, the stack stays UPDATE_IN_PROGRESS meanwhile, and a
 * rollback by alarm leaves UPDATE_ROLLBACK_COMPLETE with the alarm's ARN in the stack
 * events only (CloudFormation User Guide, "Roll back your CloudFormation stack on alarm
 * breach with rollback triggers"; API Reference, CreateChangeSet, RollbackConfiguration).
 *
 * Triggers: the service stack's own alarms (target 5xx, unhealthy targets) as the stack
 * has them, scripts/lib/rollback-triggers.js, the same default as `npm run deploy`. A
 * first deploy (a create) watches nothing: its alarms do not exist yet.
 */
const fs = require('node:fs');
const path = require('node:path');
const { MAX_MONITORING_MINUTES, rollbackConfiguration, rollbackReport, stackAlarmTriggers } = require('./lib/rollback-triggers');
const { DeployError, createChangeSet, describeStack, eventsSince, executeAndWait, listResources, processIo } = require('./lib/change-sets');

/** The input of CreateChangeSet for the files `<file>.json` and `<file>.config.json` (a CodePipeline template configuration). */
function changeSetInput(o, file, existing, rollback) {
  const read = (name) => fs.readFileSync(path.join(o.planDir, name), 'utf8');
  const configuration = JSON.parse(read(`${file}.config.json`));
  const pairs = (m, k, v) => Object.entries(m || {}).map(([key, value]) => ({ [k]: key, [v]: String(value) }));
  return {
    StackName: o.stack,
    ChangeSetName: o.changeSet,
    ChangeSetType: existing ? 'UPDATE' : 'CREATE',
    TemplateBody: read(`${file}.json`),
    Parameters: pairs(configuration.Parameters, 'ParameterKey', 'ParameterValue'),
    Tags: pairs(configuration.Tags, 'Key', 'Value'),
    Capabilities: o.capabilities.split(','),
    RoleARN: o.executionRole,
    ...(rollback ? { RollbackConfiguration: rollback } : {}),
  };
}

/** Lines that say why the update failed: the alarm that rolled it back, or the resources that failed. */
function failureReport(events, triggers, stackName) {
  const failed = events.filter((e) => /_FAILED$/.test(e.ResourceStatus || '') && e.LogicalResourceId !== stackName);
  const byAlarm = rollbackReport(events, triggers, failed.length > 0);
  return [...byAlarm, ...failed.map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}: ${e.ResourceStatusReason || ''}`)];
}

/**
 * The watched alarms that are in ALARM now, with CloudWatch's reason: what the events say
 * in one line, in the alarm's words. Needs cloudwatch:DescribeAlarms on the service's
 * alarms, which the deploy policy grants (member-roles.json); without it, nothing is added.
 */
function alarmStates(aws, triggers) {
  if (!triggers.length) return [];
  try {
    const r = aws(['cloudwatch', 'describe-alarms', '--alarm-names', ...triggers.map((t) => t.name)]);
    return [...(r.MetricAlarms || []), ...(r.CompositeAlarms || [])]
      .filter((a) => a.StateValue === 'ALARM')
      .map((a) => `alarm ${a.AlarmName} is in ALARM since ${a.StateUpdatedTimestamp}: ${a.StateReason}`);
  } catch (e) {
    return [`(the alarms' states could not be read: ${e.message})`];
  }
}

/** One update: the change set of `file`, executed and waited for. Throws DeployError when it does not complete. */
function update(aws, io, o, file) {
  const template = JSON.parse(fs.readFileSync(path.join(o.planDir, `${file}.json`), 'utf8'));
  const existing = describeStack(aws, o.stack);
  const triggers = existing ? stackAlarmTriggers(template, { stackId: existing.StackId, resources: listResources(aws, o.stack) }) : [];
  const rollback = rollbackConfiguration(triggers.length ? { monitoringMinutes: o.monitoringMinutes } : {}, triggers);
  io.log(
    triggers.length
      ? `${file}: watching ${triggers.map((t) => t.name).join(', ')} during the update and ${o.monitoringMinutes} minute(s) after it`
      : `${file}: no alarm to watch (${existing ? 'the stack has none' : 'a new stack'})`,
  );
  if (!createChangeSet(aws, io, { ...o, inputFile: path.join(o.planDir, '.change-set-input.json') }, changeSetInput(o, file, existing, rollback))) {
    io.log(`${file}: nothing to change`);
    return;
  }
  const since = new Date(io.now());
  const status = executeAndWait(aws, io, o);
  if (status.done) {
    io.log(`${file}: ${status.status}`);
    return;
  }
  const lines = [...failureReport(eventsSince(aws, o.stack, since), triggers, o.stack), ...alarmStates(aws, triggers)];
  throw new DeployError([`${file}: the update ended in ${status.status}`, ...lines].join('\n'));
}

/** The updates of one deploy, in order. */
function deployStack(o, io) {
  const aws = io.aws;
  for (const file of o.steps === 2 ? ['prepare', 'deploy'] : ['deploy']) update(aws, io, o, file);
}

function parseArgs(argv) {
  const names = {
    '--stack': 'stack',
    '--plan-dir': 'planDir',
    '--steps': 'steps',
    '--execution-role': 'executionRole',
    '--change-set': 'changeSet',
    '--monitoring-minutes': 'monitoringMinutes',
    '--capabilities': 'capabilities',
  };
  const o = { pollSeconds: 15 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key || argv[i + 1] === undefined) throw new DeployError(`unknown or incomplete argument ${JSON.stringify(argv[i])}`);
    o[key] = argv[i + 1];
  }
  for (const [flag, k] of Object.entries(names)) if (!o[k]) throw new DeployError(`${flag} is required`);
  if (o.steps !== '1' && o.steps !== '2') throw new DeployError(`--steps ${JSON.stringify(o.steps)} must be 1 or 2`);
  const minutes = Number(o.monitoringMinutes);
  if (!/^\d+$/.test(o.monitoringMinutes) || minutes > MAX_MONITORING_MINUTES) {
    throw new DeployError(`--monitoring-minutes ${JSON.stringify(o.monitoringMinutes)} must be a whole number from 0 to ${MAX_MONITORING_MINUTES}`);
  }
  return { ...o, steps: Number(o.steps), monitoringMinutes: minutes };
}

function main(argv) {
  try {
    deployStack(parseArgs(argv), processIo);
    return 0;
  } catch (e) {
    process.stderr.write(`error: ${e instanceof DeployError ? e.message : e.stack || e.message}\n`);
    return 1;
  }
}

module.exports = { deployStack, parseArgs, failureReport, DeployError };

if (require.main === module) process.exitCode = main(process.argv.slice(2));

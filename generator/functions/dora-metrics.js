'use strict';
// DORA figures per service and environment, put as metrics (namespace METRIC_NAMESPACE,
// dimensions Service and Environment) from two kinds of events:
// - a deploy stage (Deploy-<environment>) of a project pipeline ended, tools account:
//   Deployments 1 on success; ChangeFailure 0 on success, 100 on failure (its average is
//   the change failure rate in percent); on success LeadTime, the seconds since the
//   newest source revision of the execution (GetPipelineExecution artifactRevisions);
// - ECS Deployment State Change of a service, forwarded from its member account.
// A failure (failed stage, SERVICE_DEPLOYMENT_FAILED) opens an outage unless one is open
// or a restore came after the failed change started; the next success (stage, or
// SERVICE_DEPLOYMENT_COMPLETED) closes it and puts TimeToRestore. Outages are kept in
// the table TABLE_NAME, one item per Service|Environment.
const SDK = { DynamoDB: '@aws-sdk/client-dynamodb', CodePipeline: '@aws-sdk/client-codepipeline', CloudWatch: '@aws-sdk/client-cloudwatch' };

// Drops `head` and `tail` from `s`; undefined unless both are there around a non-empty rest.
const inner = (s, head, tail) =>
  s.length > head.length + tail.length && s.startsWith(head) && s.endsWith(tail) ? s.slice(head.length, s.length - tail.length) : undefined;

// Service, environment and outcome of an event; undefined for any other event.
function classify(e, cfg) {
  const d = e.detail || {};
  if (e.source === 'aws.codepipeline') {
    const service = inner(d.pipeline || '', cfg.project + '-', '-pipeline-' + cfg.suffix);
    const ok = d.state === 'SUCCEEDED';
    if (!service || !/^Deploy-./.test(d.stage) || (!ok && d.state !== 'FAILED')) return;
    return { service, environment: d.stage.slice(7), ok, pipeline: d.pipeline, execution: d['execution-id'],
      time: Date.parse(e.time), since: Date.parse(d['start-time'] || e.time) };
  }
  if (e.source === 'aws.ecs') {
    const ok = d.eventName === 'SERVICE_DEPLOYMENT_COMPLETED';
    if (!ok && d.eventName !== 'SERVICE_DEPLOYMENT_FAILED') return;
    // service/<project>-cluster-<suffix>/<stack>-Service-<id>, the stack being
    // <project>-<service>-<suffix> (the pipeline's) or <project>-<service>-ecs-service[-rolling]-<suffix>
    // (npm run deploy's): CloudFormation names the service after its stack.
    const m = /:service\/([^/]+)\/(.+)-Service-[^-]+$/.exec((e.resources || [])[0]);
    const suffix = m && inner(m[1], cfg.project + '-cluster-', '');
    const environment = suffix && cfg.environments[suffix];
    const service = environment && (inner(m[2], cfg.project + '-', '-' + suffix) || '').replace(/-ecs-service(-rolling)?$/, '');
    if (!service) return;
    const time = Date.parse(d.updatedAt || e.time);
    return { service, environment, ok, time, since: time };
  }
}

// The metrics an outcome puts and the outage state it leaves (the same object if unchanged).
function decide(o, state, commitTime) {
  const m = [];
  let next = state;
  const put = (name, value, unit) => m.push({ name, value, unit });
  if (o.pipeline) {
    if (o.ok) put('Deployments', 1, 'Count');
    put('ChangeFailure', o.ok ? 0 : 100, 'Percent');
    if (o.ok && commitTime !== undefined) put('LeadTime', Math.round((o.time - commitTime) / 1000), 'Seconds');
  }
  if (o.ok && o.time >= state.failedAt) {
    put('TimeToRestore', Math.round((o.time - state.failedAt) / 1000), 'Seconds');
    next = { restoredAt: o.time };
  }
  if (!o.ok && state.failedAt === undefined && !(state.restoredAt >= o.since)) next = { ...state, failedAt: o.time };
  return { metrics: m, state: next };
}

async function run(event, clients) {
  const env = process.env;
  const o = classify(event, { project: env.PROJECT_NAME, suffix: env.ENVIRONMENT_SUFFIX, environments: JSON.parse(env.ENVIRONMENTS) });
  if (!o) return;
  const Key = { Key: { S: o.service + '|' + o.environment } };
  const TableName = env.TABLE_NAME;
  const item = (await clients.send('DynamoDB', 'GetItem', { TableName, Key, ConsistentRead: true })).Item || {};
  const state = {};
  for (const k of ['failedAt', 'restoredAt']) if (item[k]) state[k] = Number(item[k].N);
  let commit;
  if (o.pipeline && o.ok) {
    const x = await clients.send('CodePipeline', 'GetPipelineExecution', { pipelineName: o.pipeline, pipelineExecutionId: o.execution });
    const times = (x.pipelineExecution.artifactRevisions || []).map((r) => new Date(r.created).getTime()).filter((t) => t > 0);
    if (times.length) commit = Math.max(...times);
  }
  const r = decide(o, state, commit);
  if (r.state !== state) {
    const Item = { ...Key };
    for (const k in r.state) Item[k] = { N: String(r.state[k]) };
    await clients.send('DynamoDB', 'PutItem', { TableName, Item });
  }
  const Dimensions = [{ Name: 'Service', Value: o.service }, { Name: 'Environment', Value: o.environment }];
  if (r.metrics.length) await clients.send('CloudWatch', 'PutMetricData', { Namespace: env.METRIC_NAMESPACE, MetricData: r.metrics.map((x) =>
    ({ MetricName: x.name, Dimensions, Timestamp: new Date(o.time), Value: x.value, Unit: x.unit })) });
  console.log(JSON.stringify({ ...o, ...r }));
  return r;
}

// One client per service, made when first used.
function awsClients() {
  const c = {};
  return { send(svc, op, input) {
    const sdk = require(SDK[svc]);
    c[svc] = c[svc] || new sdk[svc + 'Client']({});
    return c[svc].send(new sdk[op + 'Command'](input));
  } };
}

exports.classify = classify;
exports.decide = decide;
exports.run = run;
exports.handler = (event) => run(event, awsClients());

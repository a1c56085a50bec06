#!/usr/bin/env node
'use strict';
/**
 * The pipeline's update of itself: its two stacks (pipeline-build.json, then
 * pipeline.json, with the service's parameter files) from the templates source, when
 * they differ from what is deployed, then one restart of the execution, never more.
 *
 *   node scripts/self-update.js check --templates-dir templates --service web \
 *     --build-stack shop-web-pipeline-build-tools --pipeline-stack shop-web-pipeline-tools
 *     prints `export CHANGED=yes|no WIDENED=yes|no SUMMARY='...'`
 *   node scripts/self-update.js apply (the same) --pipeline shop-web-pipeline-tools \
 *     --role-arn ARN --execution-id ID --commit-id SHA
 *     updates the stacks that differ, starts a new execution on the same commit and
 *     stops this one
 *
 * Runs in the pipeline's Commands actions (stages PipelineCheck, PipelineConfirm,
 * PipelineUpdate) from the templates source, with Node.js and the AWS CLI alone.
 *
 * Why this shape. A CloudFormation update of a pipeline does not restart the executions
 * in progress: an execution keeps the pipeline version it started on (PipelineExecution
 * pipelineVersion), and "editing a pipeline does not rerun the most recent revision"
 * (CodePipeline User Guide, Edit a pipeline) unless the stack sets
 * RestartExecutionOnUpdate, which restarts on every update, by hand too. CDK Pipelines'
 * SelfMutate relies on that flag: its CodeBuild step runs `cdk deploy` of the pipeline
 * stack, CloudFormation's update restarts the pipeline, and the restarted execution's
 * SelfMutate finds nothing to change. Here the step restarts explicitly instead
 * (StartPipelineExecution with the same App commit and the pipeline variable
 * RestartedFrom, then StopPipelineExecution of this execution, abandoning it), and
 *
 *  - compares the templates and parameter values with what is deployed (GetTemplate,
 *    the template as submitted, and DescribeStacks), so an unchanged template causes no
 *    update and no restart;
 *  - refuses a second restart: an execution started by a self-update (RestartedFrom set)
 *    that still finds a difference fails instead of restarting again;
 *  - reports what the new templates widen (scripts/lib/widening.js, the gate of the
 *    deploy stages): WIDENED=yes holds the update for the PipelineConfirm approval.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { widening, describe } = require('./lib/widening');
const { canonical } = require('./lib/canonical-json');
const { DeployError, createChangeSet, describeStack, executeAndWait, processIo } = require('./lib/change-sets');

/** What an execution started by nothing but a trigger or a person carries in RestartedFrom. */
const NOT_RESTARTED = 'none';
/** The pipeline stacks name their IAM roles. */
const CAPABILITIES = ['CAPABILITY_NAMED_IAM'];
const SUMMARY_MAX = 300;
const CHANGE_SET = 'self-update';

/** The two stacks, in the order they are updated (pipeline.json imports from pipeline-build.json). */
function stacks(o) {
  return [
    { name: o.buildStack, template: 'pipeline-build.json', parameters: `parameters/pipeline-build/${o.service}.json` },
    { name: o.pipelineStack, template: 'pipeline.json', parameters: `parameters/pipeline/${o.service}.json` },
  ];
}

/** The template and parameter file in the templates source. */
function wanted(o, stack) {
  const read = (rel) => fs.readFileSync(path.join(o.templatesDir, rel), 'utf8');
  const body = read(stack.template);
  const file = JSON.parse(read(stack.parameters));
  return { body, template: JSON.parse(body), parameters: file.Parameters || {}, tags: file.Tags || {} };
}

/** The deployed template (as submitted) and the stack's parameter values and tags, or null before the bootstrap. */
function deployed(aws, stack) {
  const s = describeStack(aws, stack.name);
  if (!s) return null;
  const body = aws(['cloudformation', 'get-template', '--stack-name', stack.name, '--template-stage', 'Original']).TemplateBody;
  const pairs = (list, k, v) => Object.fromEntries((list || []).map((p) => [p[k], p[v]]));
  return {
    template: typeof body === 'string' ? JSON.parse(body) : body,
    parameters: pairs(s.Parameters, 'ParameterKey', 'ParameterValue'),
    tags: pairs(s.Tags, 'Key', 'Value'),
  };
}

/** Why the stack differs from the templates source: [] when it does not. */
function differences(now, want) {
  const out = [];
  if (canonical(now.template) !== canonical(want.template)) out.push('template');
  for (const [k, v] of Object.entries(want.parameters)) if (now.parameters[k] !== String(v)) out.push(`parameter ${k}`);
  for (const [k, v] of Object.entries(want.tags)) if (now.tags[k] !== String(v)) out.push(`tag ${k}`);
  return out;
}

/** The stacks that differ, each with its differences and what it widens. Throws before the bootstrap. */
function plan(aws, o) {
  return stacks(o).flatMap((stack) => {
    const now = deployed(aws, stack);
    if (!now) throw new DeployError(`stack ${stack.name} does not exist: deploy the pipeline stacks by hand first (README, pipeline self-update)`);
    const want = wanted(o, stack);
    const diff = differences(now, want);
    return diff.length ? [{ stack, want, diff, widened: widening(now.template, want.template).widened }] : [];
  });
}

/** The check: CHANGED, WIDENED and SUMMARY as shell lines; refuses a second restart. */
function check(o, io) {
  const changes = plan(io.aws, o);
  for (const c of changes) {
    io.log(`${c.stack.name}: ${c.diff.join(', ')}`);
    for (const f of c.widened) io.log(`widens: ${f.summary}`);
  }
  if (changes.length && o.restartedFrom && o.restartedFrom !== NOT_RESTARTED) {
    throw new DeployError(
      `the pipeline stacks still differ from the templates source after the self-update of execution ${o.restartedFrom}: not restarting again (deploy them by hand, see the differences above)`,
    );
  }
  const widened = changes.flatMap((c) => c.widened);
  const summary = !changes.length ? 'no change' : widened.length ? `widens ${describe(widened, SUMMARY_MAX)}` : 'widens no permission';
  if (!changes.length) io.log('the pipeline stacks match the templates source');
  return { changed: changes.length > 0, widened: widened.length > 0, summary };
}

/** The update: the stacks that differ, then one restart of the execution on the same commit. */
function apply(o, io) {
  const aws = io.aws;
  const changes = plan(aws, o);
  if (!changes.length) {
    io.log('the pipeline stacks match the templates source: nothing to update, no restart');
    return false;
  }
  for (const c of changes) {
    const ref = { stack: c.stack.name, changeSet: CHANGE_SET, pollSeconds: o.pollSeconds, inputFile: path.join(o.workDir, `${c.stack.name}.json`) };
    const input = {
      StackName: c.stack.name,
      ChangeSetName: CHANGE_SET,
      ChangeSetType: 'UPDATE',
      TemplateBody: c.want.body,
      Parameters: Object.entries(c.want.parameters).map(([k, v]) => ({ ParameterKey: k, ParameterValue: String(v) })),
      Tags: Object.entries(c.want.tags).map(([k, v]) => ({ Key: k, Value: String(v) })),
      Capabilities: CAPABILITIES,
      RoleARN: o.roleArn,
    };
    if (!createChangeSet(aws, io, ref, input)) {
      io.log(`${c.stack.name}: nothing to change after all`);
      continue;
    }
    const result = executeAndWait(aws, io, ref);
    if (!result.done) throw new DeployError(`${c.stack.name}: the update ended in ${result.status}`);
    io.log(`${c.stack.name}: ${result.status}`);
  }
  const started = aws([
    'codepipeline',
    'start-pipeline-execution',
    '--name',
    o.pipeline,
    '--variables',
    `name=RestartedFrom,value=${o.executionId}`,
    '--source-revisions',
    `actionName=App,revisionType=COMMIT_ID,revisionValue=${o.commitId}`,
  ]);
  io.log(`restarted as execution ${started.pipelineExecutionId} on commit ${o.commitId}`);
  aws([
    'codepipeline',
    'stop-pipeline-execution',
    '--pipeline-name',
    o.pipeline,
    '--pipeline-execution-id',
    o.executionId,
    '--abandon',
    '--reason',
    `superseded by ${started.pipelineExecutionId} after the pipeline's self-update`,
  ]);
  return true;
}

const FLAGS = {
  '--templates-dir': 'templatesDir',
  '--service': 'service',
  '--build-stack': 'buildStack',
  '--pipeline-stack': 'pipelineStack',
  '--restarted-from': 'restartedFrom',
  '--pipeline': 'pipeline',
  '--role-arn': 'roleArn',
  '--execution-id': 'executionId',
  '--commit-id': 'commitId',
};
const REQUIRED = {
  check: ['templatesDir', 'service', 'buildStack', 'pipelineStack'],
  apply: ['templatesDir', 'service', 'buildStack', 'pipelineStack', 'pipeline', 'roleArn', 'executionId', 'commitId'],
};

function parseArgs(argv) {
  const [mode, ...rest] = argv;
  if (!REQUIRED[mode]) throw new DeployError(`the first argument must be check or apply, not ${JSON.stringify(mode)}`);
  const o = { mode, pollSeconds: 15 };
  for (let i = 0; i < rest.length; i += 2) {
    const key = FLAGS[rest[i]];
    if (!key || rest[i + 1] === undefined) throw new DeployError(`unknown or incomplete argument ${JSON.stringify(rest[i])}`);
    o[key] = rest[i + 1];
  }
  for (const k of REQUIRED[mode]) {
    if (!o[k]) throw new DeployError(`${Object.keys(FLAGS).find((f) => FLAGS[f] === k)} is required for ${mode}`);
  }
  return o;
}

const shellQuote = (s) => `'${String(s).replace(/'/g, "'\\''")}'`;

function main(argv) {
  try {
    const o = { ...parseArgs(argv), workDir: fs.mkdtempSync(path.join(os.tmpdir(), 'self-update-')) };
    if (o.mode === 'apply') {
      apply(o, processIo);
      return 0;
    }
    const r = check(o, processIo);
    process.stdout.write(`export CHANGED=${r.changed ? 'yes' : 'no'} WIDENED=${r.widened ? 'yes' : 'no'} SUMMARY=${shellQuote(r.summary)}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`error: ${e instanceof DeployError ? e.message : e.stack || e.message}\n`);
    return 1;
  }
}

module.exports = { check, apply, parseArgs, differences, NOT_RESTARTED };

if (require.main === module) process.exitCode = main(process.argv.slice(2));

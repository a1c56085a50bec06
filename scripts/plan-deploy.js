#!/usr/bin/env node
'use strict';
/**
 * The pipeline's check before an environment's deploy: what the rendered service template
 * changes against what the pipeline deployed there last, whether it widens permissions,
 * and in how many stack updates it must go.
 *
 *   node scripts/plan-deploy.js --pipeline shop-web-pipeline-tools --environment prod \
 *     --rendered-dir "$CODEBUILD_SRC_DIR_BuildOutput/rendered" --out-dir plan
 *
 * writes into --out-dir
 *   deploy.json, deploy.config.json    the update that brings the new image (the rendered template);
 *   prepare.json, prepare.config.json  the update before it: the new template with the
 *                                      running task definition and task set (equal to the
 *                                      deploy files when no such update is needed);
 *   widening.txt                       every finding, one a line;
 * and prints, for the pipeline's output variables, the shell lines
 *   export STEPS=1|2 WIDENED=yes|no SUMMARY='...'
 *
 * Why two updates. A blue/green (AWS::CodeDeployBlueGreen) stack update that replaces the
 * task definition or the task set starts a green deployment, and such an update may
 * change nothing else ("You can't include updates to resources that initiate green
 * deployments and updates to other resources in the same stack update", CloudFormation
 * user guide, Considerations when managing ECS blue/green deployments). Its documented
 * way out is two separate stack updates: one with the other resources only, one with the
 * task definition. A rolling stack, a first deploy, and a change on one side only take
 * one update. Parameters that the task definition or task set refer to (TaskCpu, ...)
 * count as theirs and keep their deployed values in the first update.
 *
 * What was deployed last: the input artifact Plan-<environment> of the last Deploy action
 * in stage Deploy-<environment> that succeeded (ListActionExecutions; the action is
 * scripts/deploy-stack.js), the files deploy.json and deploy.config.json this script
 * wrote then. Without one (the pipeline's
 * first deploy there, or history older than CodePipeline keeps), the whole template
 * counts as new: every grant in it is reported as widened, and it goes in one update.
 *
 * Plain Node.js, the AWS CLI and unzip (in the pipeline's build image); the decision
 * itself, planDeploy(), is a pure function.
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { widening, describe } = require('./lib/widening');
const { canonical } = require('./lib/canonical-json');

const BLUE_GREEN_TRANSFORM = 'AWS::CodeDeployBlueGreen';
/** The resource types whose update starts a green deployment (about-blue-green-deployments). */
const GREEN_TYPES = new Set(['AWS::ECS::TaskDefinition', 'AWS::ECS::TaskSet']);
/** CodePipeline's manual approval CustomData holds at most 500 characters; the message has its own words too. */
const SUMMARY_MAX = 300;

class PlanError extends Error {}

const same = (a, b) => canonical(a) === canonical(b);
const clone = (v) => JSON.parse(JSON.stringify(v));

function isBlueGreen(template) {
  const t = template && template.Transform;
  return (Array.isArray(t) ? t : [t]).includes(BLUE_GREEN_TRANSFORM);
}

/** Parameters a value refers to, by Ref or inside an Fn::Sub text. */
function referencedParameters(value, parameters, out = new Set()) {
  if (Array.isArray(value)) value.forEach((v) => referencedParameters(v, parameters, out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string' && v in parameters) out.add(v);
      if (k === 'Fn::Sub') {
        const text = Array.isArray(v) ? v[0] : v;
        for (const m of String(text).matchAll(/\$\{([^}!.]+)\}/g)) if (m[1] in parameters) out.add(m[1]);
      }
      referencedParameters(v, parameters, out);
    }
  }
  return out;
}

/**
 * The plan of one environment's deploy. `before` is what the pipeline deployed last
 * ({template, configuration}) or null; `after` the rendered template and configuration.
 * Returns the updates in order (`prepare` only when two are needed), and the widening.
 */
function planDeploy(before, after) {
  const { widened, narrowed } = widening(before ? before.template : null, after.template);
  const single = { steps: 1, prepare: null, deploy: after, widened, narrowed, reason: '' };
  if (!before) return { ...single, reason: 'no earlier deploy by this pipeline: one update' };
  if (!isBlueGreen(after.template)) return { ...single, reason: 'rolling: one update' };

  const oldResources = before.template.Resources || {};
  const newResources = after.template.Resources || {};
  const green = Object.keys(newResources).filter((id) => GREEN_TYPES.has(newResources[id].Type) && oldResources[id]);
  const parameters = after.template.Parameters || {};
  const greenParameters = new Set();
  for (const id of green) referencedParameters(newResources[id], parameters, greenParameters);
  greenParameters.delete('ImageUri');
  const oldValues = (before.configuration && before.configuration.Parameters) || {};
  const newValues = (after.configuration && after.configuration.Parameters) || {};

  // The first update: the new template with the running task definition and task set.
  const prepare = { template: clone(after.template), configuration: clone(after.configuration || {}) };
  for (const id of green) prepare.template.Resources[id] = clone(oldResources[id]);
  const oldImage = ((before.template.Parameters || {}).ImageUri || {}).Default;
  if (oldImage !== undefined && prepare.template.Parameters && prepare.template.Parameters.ImageUri) {
    prepare.template.Parameters.ImageUri.Default = oldImage;
  }
  prepare.configuration.Parameters = { ...(prepare.configuration.Parameters || {}) };
  for (const name of greenParameters) {
    if (name in oldValues) prepare.configuration.Parameters[name] = oldValues[name];
    else delete prepare.configuration.Parameters[name];
  }

  const greenChanges = green.some((id) => !same(oldResources[id], newResources[id])) || [...greenParameters].some((n) => oldValues[n] !== newValues[n]);
  const otherChanges = !same(prepare.template, before.template) || !same(prepare.configuration, before.configuration || {});
  if (greenChanges && otherChanges) {
    const switching = !isBlueGreen(before.template);
    return {
      ...single,
      steps: 2,
      prepare,
      reason: switching
        ? 'switch to blue/green: first the blue/green stack with the running task definition, then the new one (a green deployment)'
        : 'the change holds a new task definition and other changes: first the others, then the task definition (a green deployment)',
    };
  }
  return { ...single, reason: greenChanges ? 'a new task definition only: one update (a green deployment)' : 'no new task definition: one update' };
}

// ---------------------------------------------------------------- the pipeline's side

function aws(args) {
  return execFileSync('aws', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** The deploy files of the last successful deploy of `environment`, or null. */
function lastDeployed(pipeline, environment, workDir) {
  const stage = `Deploy-${environment}`;
  const executions = [];
  let token;
  for (let page = 0; page < 50; page += 1) {
    const args = ['codepipeline', 'list-action-executions', '--pipeline-name', pipeline, '--max-results', '100', '--no-paginate', '--output', 'json'];
    if (token) args.push('--next-token', token);
    const r = JSON.parse(aws(args));
    executions.push(...(r.actionExecutionDetails || []).filter((a) => a.stageName === stage));
    token = r.nextToken;
    if (!token) break;
  }
  const succeeded = executions.filter((a) => a.actionName === 'Deploy' && a.status === 'Succeeded').sort((a, b) => String(b.startTime).localeCompare(String(a.startTime)));
  for (const done of succeeded) {
    const plan = ((done.input && done.input.inputArtifacts) || []).find((a) => a.name === `Plan-${environment}`);
    const location = plan && plan.s3location;
    if (!location) continue;
    const zip = path.join(workDir, 'deployed.zip');
    const dir = path.join(workDir, 'deployed');
    aws(['s3api', 'get-object', '--bucket', location.bucket, '--key', location.key, zip]);
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('unzip', ['-o', '-q', zip, '-d', dir]);
    const file = (name) => path.join(dir, name);
    if (!fs.existsSync(file('deploy.json'))) continue;
    return {
      template: JSON.parse(fs.readFileSync(file('deploy.json'), 'utf8')),
      configuration: JSON.parse(fs.readFileSync(file('deploy.config.json'), 'utf8')),
      from: done.pipelineExecutionId,
    };
  }
  return null;
}

const shellQuote = (s) => `'${String(s).replace(/'/g, "'\\''")}'`;
const writeJson = (file, value) => fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
/** A template CloudFormation deploys: on one line, far from the 51,200-byte body limit (see render-service-template.js). */
const writeTemplate = (file, value) => fs.writeFileSync(file, `${JSON.stringify(value)}\n`);

function parseArgs(argv) {
  const names = { '--pipeline': 'pipeline', '--environment': 'environment', '--rendered-dir': 'renderedDir', '--out-dir': 'outDir' };
  const o = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key || argv[i + 1] === undefined) throw new PlanError(`unknown or incomplete argument ${JSON.stringify(argv[i])}`);
    o[key] = argv[i + 1];
  }
  for (const k of Object.values(names)) if (!o[k]) throw new PlanError(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is required`);
  return o;
}

function main(argv) {
  try {
    const o = parseArgs(argv);
    const read = (name) => JSON.parse(fs.readFileSync(path.join(o.renderedDir, name), 'utf8'));
    const after = { template: read(`${o.environment}.json`), configuration: read(`${o.environment}.config.json`) };
    fs.mkdirSync(o.outDir, { recursive: true });
    const before = lastDeployed(o.pipeline, o.environment, fs.mkdtempSync(path.join(o.outDir, '.work-')));
    const plan = planDeploy(before, after);
    const prepare = plan.prepare || plan.deploy;
    writeTemplate(path.join(o.outDir, 'deploy.json'), plan.deploy.template);
    writeJson(path.join(o.outDir, 'deploy.config.json'), plan.deploy.configuration);
    writeTemplate(path.join(o.outDir, 'prepare.json'), prepare.template);
    writeJson(path.join(o.outDir, 'prepare.config.json'), prepare.configuration);
    fs.writeFileSync(path.join(o.outDir, 'widening.txt'), plan.widened.map((f) => `${f.summary}\n`).join(''));
    const log = (line) => process.stderr.write(`${line}\n`);
    log(before ? `compared with the deploy of execution ${before.from}` : `no earlier deploy to ${o.environment} by this pipeline: every grant counts as new`);
    log(`${plan.steps} update(s): ${plan.reason}`);
    for (const f of plan.widened) log(`widens: ${f.summary}`);
    for (const f of plan.narrowed) log(`narrows: ${f.summary}`);
    const summary = plan.widened.length ? `widens ${describe(plan.widened, SUMMARY_MAX)}` : 'widens no permission';
    process.stdout.write(`export STEPS=${plan.steps} WIDENED=${plan.widened.length ? 'yes' : 'no'} SUMMARY=${shellQuote(summary)}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`error: ${e instanceof PlanError ? e.message : e.stack}\n`);
    return 1;
  }
}

module.exports = { planDeploy, isBlueGreen, SUMMARY_MAX };

if (require.main === module) process.exitCode = main(process.argv.slice(2));

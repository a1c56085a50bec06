'use strict';
/**
 * Change sets through the AWS CLI, for the pipeline's steps that run in CodeBuild from
 * the templates source with Node.js alone: the service stack's deploy
 * (scripts/deploy-stack.js) and the pipeline's own update (scripts/self-update.js).
 * `aws` is a function (args) => parsed JSON output, that throws with the CLI's message;
 * `io` gives sleep(seconds).
 */
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');

class DeployError extends Error {}

/** The change set of an update with nothing to change: FAILED on AWS, a ValidationError on some endpoints. */
const NO_CHANGES = /didn't contain changes|No updates are to be performed/;
const DONE = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE']);

/** The stack, or null when it does not exist or only holds a change set that was never executed. */
function describeStack(aws, stack) {
  try {
    const s = aws(['cloudformation', 'describe-stacks', '--stack-name', stack]).Stacks[0];
    return s.StackStatus === 'REVIEW_IN_PROGRESS' ? null : s;
  } catch (e) {
    if (/does not exist/.test(e.message)) return null;
    throw e;
  }
}

function listResources(aws, stack) {
  const out = [];
  let token;
  do {
    const page = aws(['cloudformation', 'list-stack-resources', '--stack-name', stack, ...(token ? ['--next-token', token] : [])]);
    out.push(...(page.StackResourceSummaries || []));
    token = page.NextToken;
  } while (token);
  return out;
}

/** The stack's events at or after `since` (newest first, page by page until an older one). */
function eventsSince(aws, stack, since) {
  const out = [];
  let token;
  do {
    const page = aws(['cloudformation', 'describe-stack-events', '--stack-name', stack, ...(token ? ['--next-token', token] : [])]);
    const events = page.StackEvents || [];
    const fresh = events.filter((e) => new Date(e.Timestamp).getTime() >= since.getTime());
    out.push(...fresh);
    token = fresh.length === events.length ? page.NextToken : undefined;
  } while (token);
  return out;
}

/**
 * Replaces the change set `o.changeSet` of `o.stack` with one made from `input` (the
 * CreateChangeSet input, written to `o.inputFile` for --cli-input-json) and waits for it;
 * false when it has nothing to change (and is deleted).
 */
function createChangeSet(aws, io, o, input) {
  const ref = ['--stack-name', o.stack, '--change-set-name', o.changeSet];
  try {
    aws(['cloudformation', 'delete-change-set', ...ref]);
  } catch {
    // None to replace (CodePipeline's CHANGE_SET_REPLACE deletes the previous one the same way).
  }
  fs.writeFileSync(o.inputFile, JSON.stringify(input));
  try {
    aws(['cloudformation', 'create-change-set', '--cli-input-json', `file://${o.inputFile}`]);
  } catch (e) {
    if (NO_CHANGES.test(e.message)) return false;
    throw e;
  }
  for (;;) {
    const cs = aws(['cloudformation', 'describe-change-set', ...ref]);
    if (cs.Status === 'CREATE_COMPLETE') return true;
    if (cs.Status === 'FAILED') {
      if (!NO_CHANGES.test(cs.StatusReason || '')) throw new DeployError(`change set ${o.changeSet} failed: ${cs.StatusReason}`);
      aws(['cloudformation', 'delete-change-set', ...ref]);
      return false;
    }
    io.sleep(o.pollSeconds);
  }
}

/** Executes the change set and waits until the stack leaves *_IN_PROGRESS: its last status, and whether that is a success. */
function executeAndWait(aws, io, o) {
  aws(['cloudformation', 'execute-change-set', '--stack-name', o.stack, '--change-set-name', o.changeSet]);
  for (;;) {
    const status = describeStack(aws, o.stack).StackStatus;
    if (!/_IN_PROGRESS$/.test(status)) return { status, done: DONE.has(status) };
    io.sleep(o.pollSeconds);
  }
}

/** The AWS CLI, with JSON output; an error carries the CLI's message. */
function cli(args) {
  try {
    const out = execFileSync('aws', [...args, '--output', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
    return out.trim() ? JSON.parse(out) : {};
  } catch (e) {
    throw new Error(String(e.stderr || e.message).trim(), { cause: e });
  }
}

/** What the steps' main() passes as `io`. */
const processIo = {
  aws: cli,
  sleep: (seconds) => execFileSync('sleep', [String(seconds)]),
  now: () => Date.now(),
  log: (line) => process.stderr.write(`${line}\n`),
};

module.exports = { DeployError, NO_CHANGES, describeStack, listResources, eventsSince, createChangeSet, executeAndWait, cli, processIo };

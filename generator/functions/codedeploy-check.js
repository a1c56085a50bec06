// The CodeDeploy lifecycle hook of ecs-service.json (Node.js 24, AWS SDK v3 from the
// runtime). It calls the test listener's health path ATTEMPTS times; every answer must be
// 2xx, and none of the service's alarms (ALARM_NAMES) may be in ALARM. Anything else,
// including an error of its own, reports Failed, and CodeDeploy rolls the deployment back.
//
// An event without a LifecycleEventHookExecutionId is not CodeDeploy's: it is the daily
// keep-warm schedule (blocks/keep-warm.ts), answered at once with nothing probed or
// reported. Should CodeDeploy ever send such an event, nothing reports a verdict and the
// hook times out as Failed.
'use strict';
const http = require('node:http');
const { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } = require('@aws-sdk/client-codedeploy');
const { CloudWatchClient, DescribeAlarmsCommand } = require('@aws-sdk/client-cloudwatch');
const codedeploy = new CodeDeployClient({});
const cloudwatch = new CloudWatchClient({});

// @include parts/check-verdict.js

exports.handler = async (event) => {
  if (!(event && event.LifecycleEventHookExecutionId)) {
    console.log(JSON.stringify({ keepWarm: true, source: event && event.source, time: event && event.time }));
    return { keepWarm: true };
  }
  let status = 'Failed';
  try {
    status = await verdict();
  } catch (err) {
    console.error(err);
  }
  await codedeploy.send(new PutLifecycleEventHookExecutionStatusCommand({
    deploymentId: event.DeploymentId,
    lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
    status,
  }));
  return { status };
};

// The ECS lifecycle hook of ecs-service-native.json (Node.js 24, AWS SDK v3 from the
// runtime). ECS invokes it synchronously and reads `hookStatus` from the answer (ECS
// Developer Guide, "Lambda hooks for Amazon ECS service deployments"): the test listener's
// health path must answer 2xx ATTEMPTS times and none of the service's alarms may be in
// ALARM. Anything else, including an error of its own, answers FAILED and ECS rolls back.
//
// Every hook event of ECS carries the serviceArn (ECS Developer Guide, "Lifecycle hooks for
// Amazon ECS service deployments", lifecycle payloads); an event without it is the daily
// keep-warm schedule (blocks/keep-warm.ts), answered at once with nothing probed. That
// answer has no hookStatus, so ECS would roll back should it ever send such an event.
'use strict';
const http = require('node:http');
const { CloudWatchClient, DescribeAlarmsCommand } = require('@aws-sdk/client-cloudwatch');
const cloudwatch = new CloudWatchClient({});

// @include parts/check-verdict.js

exports.handler = async (event) => {
  if (!(event && event.serviceArn)) {
    console.log(JSON.stringify({ keepWarm: true, source: event && event.source, time: event && event.time }));
    return { keepWarm: true };
  }
  console.log(JSON.stringify({ serviceArn: event.serviceArn, targetServiceRevisionArn: event.targetServiceRevisionArn }));
  let hookStatus = 'FAILED';
  try {
    hookStatus = await verdict();
  } catch (err) {
    console.error(err);
  }
  return { hookStatus };
};

// The function of monitoring.json that puts a deploy stage's duration (Node.js 24, AWS SDK
// v3 as the runtime ships it). nodejs20.x can no longer be created (deprecated 2026-04-30).
// ${METRIC_NAME} and ${STAGE_DIMENSION} are the metric and dimension names monitoring.json
// declares for its alarms and dashboard.
'use strict';
// Puts the duration of a deploy stage as the custom metric ${METRIC_NAME}: from the
// first start of one of the stage's actions in this execution to the stage's final event.
const { CodePipelineClient, ListActionExecutionsCommand } = require('@aws-sdk/client-codepipeline');
const { CloudWatchClient, PutMetricDataCommand } = require('@aws-sdk/client-cloudwatch');

const codepipeline = new CodePipelineClient({});
const cloudwatch = new CloudWatchClient({});

async function stageStart(pipelineName, pipelineExecutionId, stage) {
  let start;
  let nextToken;
  do {
    const page = await codepipeline.send(new ListActionExecutionsCommand({
      pipelineName, filter: { pipelineExecutionId }, nextToken,
    }));
    for (const action of page.actionExecutionDetails || []) {
      const started = action.startTime ? new Date(action.startTime) : undefined;
      if (action.stageName === stage && started && (!start || started < start)) start = started;
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return start;
}

exports.handler = async (event) => {
  const { pipeline, stage, state } = event.detail;
  const executionId = event.detail['execution-id'];
  const end = new Date(event.time);
  const start = await stageStart(pipeline, executionId, stage);
  if (!start) {
    console.log(JSON.stringify({ message: 'no action of the stage has started', pipeline, stage, executionId }));
    return;
  }
  const seconds = Math.max(0, (end.getTime() - start.getTime()) / 1000);
  await cloudwatch.send(new PutMetricDataCommand({
    Namespace: process.env.METRIC_NAMESPACE,
    MetricData: [{
      MetricName: '${METRIC_NAME}',
      Dimensions: [{ Name: '${STAGE_DIMENSION}', Value: stage }],
      Timestamp: end,
      Value: seconds,
      Unit: 'Seconds',
    }],
  }));
  console.log(JSON.stringify({ pipeline, stage, state, executionId, seconds }));
};

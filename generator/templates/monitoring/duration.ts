/**
 * The deployment duration: a function (generator/functions/deployment-duration.js) that a
 * rule invokes when a deploy stage of a project pipeline ends, and that puts the time from
 * the stage's first action start to that event as the metric METRICS.deploymentDuration.
 */
import { Intrinsic, ref } from '../../core/intrinsics';
import { allow } from '../../core/iam';
import { DEPLOY_STAGE_PREFIX, pipelineNamePattern, standardName } from '../../core/naming';
import { ParameterHandle, TemplateBuilder } from '../../core/template';
import { ruleInvokes, toolsFunction } from '../../blocks/lambda-function';
import { DEPLOYMENT_DURATION_FILE, functionSource } from '../../functions';
import { DETAIL_TYPES, METRICS, MONITORING_IDS as ID, STAGE_DIMENSION, Scope, arn, pipelineEvents } from './facts';

/** The function, its log group and role, the rule that invokes it and the permission to. */
export function deploymentDuration(t: TemplateBuilder, s: Scope, retention: ParameterHandle<number>, namespace: Intrinsic<string>): void {
  const { fn } = toolsFunction(t, {
    ids: { logGroup: ID.durationLogGroup, role: ID.durationRole, function: ID.durationFunction },
    scope: s,
    name: 'deploy-duration',
    retentionDays: ref(retention),
    description: 'Puts the duration of each deployment (stage Deploy-<environment>) of the project pipelines as a metric',
    role: {
      description: 'Runs the function that puts the duration of each deployment of the project pipelines as a metric',
      policyName: 'deployment-duration-metric',
      statements: [allow('ReadActionExecutions', ['codepipeline:ListActionExecutions'], [arn('codepipeline', pipelineNamePattern(s.project, s.suffix))])],
    },
    metrics: { sid: 'PutDeploymentDuration', namespace },
    code: functionSource(DEPLOYMENT_DURATION_FILE, { METRIC_NAME: METRICS.deploymentDuration, STAGE_DIMENSION }),
    environment: { METRIC_NAMESPACE: namespace },
  });
  ruleInvokes(t, fn, {
    ids: { rule: ID.durationRule, permission: ID.durationPermission },
    name: standardName('events-rule', 'deploy-duration', s),
    description: 'A deploy stage of one of the project pipelines finished: put its duration as a metric',
    eventPattern: pipelineEvents(s, [DETAIL_TYPES.stage], {
      stage: [{ prefix: DEPLOY_STAGE_PREFIX }],
      state: ['SUCCEEDED', 'FAILED'],
    }),
    targetId: 'DeploymentDuration',
  });
}

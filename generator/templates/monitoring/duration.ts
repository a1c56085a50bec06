/**
 * The deployment duration: a function (generator/functions/deployment-duration.js) that a
 * rule invokes when a deploy stage of a project pipeline ends, and that puts the time from
 * the stage's first action start to that event as the metric METRICS.deploymentDuration.
 */
import { Intrinsic, ref } from '../../core/intrinsics';
import { Statement, allow, anyResource } from '../../core/iam';
import { DEPLOY_STAGE_PREFIX, physicalName, pipelineNamePattern, standardName } from '../../core/naming';
import { ParameterHandle, ResourceHandle, TemplateBuilder } from '../../core/template';
import { role, serviceTrust } from '../../blocks/role';
import { DEPLOYMENT_DURATION_FILE, functionSource } from '../../functions';
import { DETAIL_TYPES, METRICS, MONITORING_IDS as ID, STAGE_DIMENSION, Scope, arn, pipelineEvents } from './facts';

/** The deploy-duration function's permissions: read its pipelines' action executions, put its metric, write its log. */
function durationStatements(s: Scope, namespace: Intrinsic<string>, logGroup: ResourceHandle): Statement[] {
  return [
    allow('ReadActionExecutions', ['codepipeline:ListActionExecutions'], [arn('codepipeline', pipelineNamePattern(s.project, s.suffix))]),
    allow(
      'PutDeploymentDuration',
      ['cloudwatch:PutMetricData'],
      anyResource('cloudwatch:PutMetricData has no resource-level permissions; the namespace condition scopes it'),
      { condition: { StringEquals: { 'cloudwatch:namespace': namespace } } },
    ),
    allow('WriteOwnLog', ['logs:CreateLogStream', 'logs:PutLogEvents'], [logGroup.getAtt('Arn')]),
  ];
}

/** The function, its log group and role, the rule that invokes it and the permission to. */
export function deploymentDuration(t: TemplateBuilder, s: Scope, retention: ParameterHandle<number>, namespace: Intrinsic<string>): void {
  const { project, suffix } = s;
  const functionName = standardName('lambda-function', 'deploy-duration', s);
  const durationLogGroup = t.resource(ID.durationLogGroup, 'AWS::Logs::LogGroup', {
    LogGroupName: physicalName('log-group', ['/aws/lambda/', project, '-deploy-duration-', suffix]),
    RetentionInDays: ref(retention),
  });
  const durationRole = role(t, ID.durationRole, {
    roleName: physicalName('iam-role', [project, '-deploy-duration-', suffix, '-', 'AWS::Region']),
    description: 'Runs the function that puts the duration of each deployment of the project pipelines as a metric',
    assumedBy: { Service: 'lambda.amazonaws.com' },
    trustCondition: serviceTrust(),
    policyName: 'deployment-duration-metric',
    statements: durationStatements(s, namespace, durationLogGroup),
  });
  const fn = t.resource(ID.durationFunction, 'AWS::Lambda::Function', {
    FunctionName: functionName,
    Description: 'Puts the duration of each deployment (stage Deploy-<environment>) of the project pipelines as a metric',
    Runtime: 'nodejs24.x',
    Handler: 'index.handler',
    Architectures: ['arm64'],
    MemorySize: 128,
    Timeout: 30,
    Role: durationRole.getAtt('Arn'),
    Code: { ZipFile: functionSource(DEPLOYMENT_DURATION_FILE, { METRIC_NAME: METRICS.deploymentDuration, STAGE_DIMENSION }) },
    Environment: { Variables: { METRIC_NAMESPACE: namespace } },
    LoggingConfig: { LogGroup: durationLogGroup.ref() },
  });
  const durationRule = t.resource(ID.durationRule, 'AWS::Events::Rule', {
    Name: standardName('events-rule', 'deploy-duration', s),
    Description: 'A deploy stage of one of the project pipelines finished: put its duration as a metric',
    State: 'ENABLED',
    EventPattern: pipelineEvents(s, [DETAIL_TYPES.stage], {
      stage: [{ prefix: DEPLOY_STAGE_PREFIX }],
      state: ['SUCCEEDED', 'FAILED'],
    }),
    Targets: [{ Id: 'DeploymentDuration', Arn: fn.getAtt('Arn') }],
  });
  t.resource(ID.durationPermission, 'AWS::Lambda::Permission', {
    FunctionName: fn.getAtt('Arn'),
    Action: 'lambda:InvokeFunction',
    Principal: 'events.amazonaws.com',
    SourceArn: durationRule.getAtt('Arn'),
  });
}

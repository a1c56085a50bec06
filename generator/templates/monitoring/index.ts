/**
 * monitoring.json: delivery monitoring for every pipeline of one project, deployed once
 * to the tools account with `aws cloudformation deploy`.
 *
 * One stack per project, not per pipeline: the project's pipelines are matched by their
 * name pattern `{project}-*-pipeline-{suffix}` (naming.ts), so a new service's pipeline is
 * monitored without a stack update, and the template has the same size whether the
 * project has two services or two hundred. Nothing in it is per service; per-environment
 * parts (dashboard lines, the production alarms) come from config.environments.
 *
 * CodePipeline publishes few metrics of its own, so most figures come from its
 * EventBridge events:
 * - every execution, stage and action event of the project's pipelines lands in a log
 *   group; metric filters count succeeded and failed executions, and succeeded and
 *   failed deployments per environment (stage `Deploy-{environment}`);
 * - a small function puts each deployment's duration (first action start to the stage's
 *   final event, read with codepipeline:ListActionExecutions) as a custom metric;
 * - a failed stage (which fails its execution) is sent, readable, to the alert topic;
 * - alarms on failed executions and on failed and successful production deployments
 *   notify the same topic; the dashboard's first row answers "is delivery healthy?".
 *
 * The dashboard's second row answers "how are we delivering?": the four DORA figures per
 * service and environment, which dora.json computes into the same namespace, each
 * against its DORA performance bands.
 */
import { sub } from '../../core/intrinsics';
import { Template, TemplateBuilder } from '../../core/template';
import { ResolvedConfig } from '../../config/types';
import type { ParameterFile } from '../../core/parameter-file';
import { deliveryNamespaceText } from '../../contracts/dora';
import { toolsStackParameterFile, toolsStackParameters } from '../../blocks/standard-parameters';
import { alertTopic, failureRule } from './alerts';
import { deliveryAlarms } from './alarms';
import { deliveryDashboard } from './dashboard';
import { deploymentDuration } from './duration';
import { pipelineEventsLog } from './events';
import { LOG_RETENTION_DAYS, MONITORING_IDS as ID, Scope, v } from './facts';

export { AWS_METRICS, DORA_BANDS, METRICS, MONITORING_IDS, STAGE_DIMENSION } from './facts';

export function buildMonitoringTemplate(config: ResolvedConfig): Template {
  const t = new TemplateBuilder(
    'Delivery monitoring for every CodePipeline of one project in the tools account: pipeline events to an encrypted SNS alert topic and a log group, metrics for executions and per-environment deployments, a deployment duration metric, alarms and a CloudWatch dashboard.',
  );
  const { project, suffix } = toolsStackParameters(t, 'Environment suffix of the tools account stacks; the pipelines monitored are named {project}-{service}-pipeline-{suffix}');
  const alertEmail = t.parameter(ID.alertEmail, {
    Type: 'String',
    Description: 'Email address that receives pipeline failures and production deployment alerts',
    AllowedPattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$',
    MinLength: 6,
    MaxLength: 254,
    ConstraintDescription: 'an email address',
  });
  const retention = t.parameter(ID.logRetentionInDays, {
    Type: 'Number',
    Description: 'Days the pipeline events and the function log are kept',
    Default: 90,
    AllowedValues: LOG_RETENTION_DAYS,
  });
  const s: Scope = { project, suffix };
  const namespaceText = deliveryNamespaceText(project, suffix);
  const namespace = sub(namespaceText);
  const environments = config.environments.map((e) => e.name);
  const production = environments[environments.length - 1];

  const { topic, topicPolicy } = alertTopic(t, s, alertEmail);
  failureRule(t, s, topic, topicPolicy);
  const eventsLogGroup = pipelineEventsLog(t, s, retention, namespace);
  deploymentDuration(t, s, retention, namespace);
  const alarms = deliveryAlarms(t, s, { namespace, topic, topicPolicy, production });
  const dashboardResource = deliveryDashboard(t, s, { ns: namespaceText, environments, alarms, eventsLogGroup });

  t.output('AlertTopicArn', { description: 'ARN of the delivery alert topic', value: topic.ref() });
  t.output('PipelineEventsLogGroupName', { description: 'Log group that keeps every event of the project pipelines', value: eventsLogGroup.ref() });
  t.output('MetricNamespace', { description: 'Namespace of the delivery metrics', value: namespace });
  t.output('DashboardUrl', {
    description: 'The delivery dashboard in the CloudWatch console',
    value: sub(`https://\${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=\${AWS::Region}#dashboards:name=${v(dashboardResource)}`),
  });
  return t.build();
}

/** The parameters of the one monitoring stack of the project (tools account). */
export function monitoringParameterFiles(config: ResolvedConfig): ParameterFile[] {
  return [toolsStackParameterFile(config, 'parameters/monitoring.json', { [ID.alertEmail]: config.notifications.alertEmail })];
}

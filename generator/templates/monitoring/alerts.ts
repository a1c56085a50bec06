/**
 * The alert topic of monitoring.json, encrypted with a key EventBridge and CloudWatch may
 * use, its email subscription, and the rule that sends a failed stage of a project
 * pipeline to it, readable.
 */
import { AWS, ref } from '../../core/intrinsics';
import { Statement, allow, policyDocument } from '../../core/iam';
import { physicalName, standardName } from '../../core/naming';
import { ParameterHandle, ResourceHandle, TemplateBuilder } from '../../core/template';
import { THIS_KEY, accountAdministersKey } from '../../blocks/kms';
import { DETAIL_TYPES, MONITORING_IDS as ID, Scope, arn, pipelineEvents, v } from './facts';

/** Only this project's alarms, in this account and region, may act through CloudWatch. */
function fromProjectAlarms(s: Scope): Record<string, Record<string, unknown>> {
  return {
    ArnLike: { 'aws:SourceArn': arn('cloudwatch', `alarm:${v(s.project)}-*-${v(s.suffix)}`) },
    StringEquals: { 'aws:SourceAccount': AWS.accountId },
  };
}

/** Key policy: the account administers the key; EventBridge and CloudWatch encrypt messages to the topic with it. */
function alertKeyPolicy(s: Scope): Statement[] {
  return [
    accountAdministersKey('AccountAdministersKey', ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias']),
    // SNS encrypts each message with a data key it asks for on the publisher's behalf.
    // EventBridge's request to KMS carries no aws:SourceArn or aws:SourceAccount, so its
    // statement cannot be conditioned on them; CloudWatch's can.
    allow('EventBridgePublishesEncrypted', ['kms:Decrypt', 'kms:GenerateDataKey'], THIS_KEY, {
      principal: { Service: 'events.amazonaws.com' },
    }),
    allow('CloudWatchAlarmsPublishEncrypted', ['kms:Decrypt', 'kms:GenerateDataKey'], THIS_KEY, {
      principal: { Service: 'cloudwatch.amazonaws.com' },
      condition: fromProjectAlarms(s),
    }),
  ];
}

/** The key, its alias, the topic, its subscription and its policy. */
export function alertTopic(t: TemplateBuilder, s: Scope, alertEmail: ParameterHandle<string>): { topic: ResourceHandle; topicPolicy: ResourceHandle } {
  const { project, suffix } = s;
  const key = t.resource(ID.alertKey, 'AWS::KMS::Key', {
    Description: 'Encrypts the delivery alert topic; EventBridge rules and CloudWatch alarms of this stack publish to it',
    EnableKeyRotation: true,
    PendingWindowInDays: 7,
    KeyPolicy: policyDocument(alertKeyPolicy(s)),
  });
  t.resource(ID.alertKeyAlias, 'AWS::KMS::Alias', {
    AliasName: physicalName('kms-alias', ['alias/', project, '-alerts-', suffix]),
    TargetKeyId: key.ref(),
  });
  const topic = t.resource(ID.alertTopic, 'AWS::SNS::Topic', {
    TopicName: standardName('sns-topic', 'alerts', s),
    DisplayName: 'Delivery alerts',
    KmsMasterKeyId: key.getAtt('Arn'),
  });
  t.resource(ID.alertSubscription, 'AWS::SNS::Subscription', {
    TopicArn: topic.ref(),
    Protocol: 'email',
    Endpoint: ref(alertEmail),
  });
  const topicPolicy = t.resource(ID.alertTopicPolicy, 'AWS::SNS::TopicPolicy', {
    Topics: [topic.ref()],
    PolicyDocument: policyDocument([
      allow('FailureRulePublishes', ['sns:Publish'], [topic.ref()], {
        principal: { Service: 'events.amazonaws.com' },
        condition: { ArnEquals: { 'aws:SourceArn': arn('events', `rule/${v(project)}-pipeline-failed-${v(suffix)}`) } },
      }),
      allow('AlarmsPublish', ['sns:Publish'], [topic.ref()], {
        principal: { Service: 'cloudwatch.amazonaws.com' },
        condition: fromProjectAlarms(s),
      }),
    ]),
  });
  return { topic, topicPolicy };
}

/** Failed executions, readable, to the alert topic. */
export function failureRule(t: TemplateBuilder, s: Scope, topic: ResourceHandle, topicPolicy: ResourceHandle): void {
  const failureRuleName = standardName('events-rule', 'pipeline-failed', s);
  // The pipeline-level FAILED event does not name the stage; the stage-level one does,
  // and a failed stage is what fails an execution, so this rule matches the stage event.
  t.resource(
    ID.failureRule,
    'AWS::Events::Rule',
    {
      Name: failureRuleName,
      Description: 'A stage of one of the project pipelines failed, so its execution failed: notify the alert topic',
      State: 'ENABLED',
      EventPattern: pipelineEvents(s, [DETAIL_TYPES.stage], { state: ['FAILED'] }),
      Targets: [
        {
          Id: 'AlertTopic',
          Arn: topic.ref(),
          InputTransformer: {
            InputPathsMap: {
              pipeline: '$.detail.pipeline',
              stage: '$.detail.stage',
              execution: '$.detail.execution-id',
              region: '$.region',
              time: '$.time',
            },
            InputTemplate:
              '"Pipeline <pipeline> failed at stage <stage> (execution <execution>, <time>). Execution details: https://<region>.console.aws.amazon.com/codesuite/codepipeline/pipelines/<pipeline>/executions/<execution>/timeline?region=<region>"',
          },
        },
      ],
    },
    { dependsOn: [topicPolicy] },
  );
}

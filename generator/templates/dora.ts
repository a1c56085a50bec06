/**
 * dora.json: the four DORA figures of every service of one project, deployed once to the
 * tools account (`{project}-dora-{suffix}`), beside monitoring.json, whose dashboard shows
 * them. A stack of its own because monitoring.json would otherwise outgrow a template body.
 *
 * One function (generator/functions/dora-metrics.js) puts the figures as metrics with the
 * dimensions Service and Environment, in monitoring's namespace, from two kinds of events:
 * - CodePipeline stage events of the deploy stages `Deploy-{environment}` (this account);
 * - ECS Deployment State Change events of the services (member accounts): each member
 *   account forwards them with dora-forwarding.json to this account's default event bus,
 *   whose policy here admits exactly those events from exactly the member accounts.
 * A DynamoDB table keeps the open outage of each service and environment between events.
 * No Athena, no third-party service; nothing in the stack is per service.
 */
import { Intrinsic, ref, sub } from '../core/intrinsics';
import { Statement, allow } from '../core/iam';
import { DEPLOY_STAGE_PREFIX, physicalName, pipelineNamePattern, standardName } from '../core/naming';
import { PATTERNS } from '../core/parameters';
import { ParameterHandle, ResourceHandle, Template, TemplateBuilder } from '../core/template';
import { LOG_RETENTION_PARAMETER } from '../blocks/log-group';
import { ruleInvokes, toolsFunction } from '../blocks/lambda-function';
import { toolsStackParameterFile, toolsStackParameters } from '../blocks/standard-parameters';
import { ResolvedConfig } from '../config/types';
import { ECS_DEPLOYMENT_EVENTS, deliveryNamespaceText } from '../contracts/dora';
import { DORA_METRICS_FILE, functionCode } from '../functions';
import type { ParameterFile } from '../core/parameter-file';
import { environmentParameterIds } from '../contracts/pipeline';

/** Logical IDs: a public contract (renaming one replaces the live resource). */
export const DORA_IDS = {
  projectName: 'ProjectName',
  environmentSuffix: 'EnvironmentSuffix',
  costCenter: 'CostCenter',
  logRetentionDays: 'LogRetentionDays',
  memberEventsPolicy: 'MemberDeploymentEventsPolicy',
  table: 'DoraStateTable',
  role: 'DoraMetricsRole',
  logGroup: 'DoraMetricsLogGroup',
  function: 'DoraMetricsFunction',
  pipelineRule: 'DoraPipelineRule',
  pipelinePermission: 'DoraPipelinePermission',
  serviceRule: 'DoraServiceRule',
  servicePermission: 'DoraServicePermission',
} as const;

const ID = DORA_IDS;

const STAGE_EVENT = 'CodePipeline Stage Execution State Change';

/** The stack's project and suffix parameters, which name everything in it. */
interface Scope {
  readonly project: ParameterHandle<string>;
  readonly suffix: ParameterHandle<string>;
}

interface Member {
  readonly name: string;
  readonly account: ParameterHandle<string>;
  readonly suffix: ParameterHandle<string>;
}

function v(p: { readonly logicalId: string }): string {
  return `\${${p.logicalId}}`;
}

/** ARN of a resource of this account and region. */
function arn(service: string, resource: string): Intrinsic<string> {
  return sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`);
}

/** The function's own permissions: read its pipelines' executions, keep outages in its table. */
function doraPermissions(pipelines: string, table: ResourceHandle): Statement[] {
  return [
    allow('ReadPipelineExecutions', ['codepipeline:GetPipelineExecution'], [arn('codepipeline', pipelines)]),
    allow('KeepOutages', ['dynamodb:GetItem', 'dynamodb:PutItem'], [table.getAtt('Arn')]),
  ];
}

export function buildDoraTemplate(config: ResolvedConfig): Template {
  const t = new TemplateBuilder(
    'DORA figures of every service of one project in the tools account: deployment frequency, lead time for changes, change failure rate and time to restore per service and environment, from CodePipeline events and the ECS deployment events the member accounts forward.',
  );
  const { project, suffix } = toolsStackParameters(t, 'Environment suffix of the tools account stacks; the pipelines are named {project}-{service}-pipeline-{suffix}');
  const retention = t.parameter(ID.logRetentionDays, LOG_RETENTION_PARAMETER);
  const members = memberParameters(t, config);
  const s: Scope = { project, suffix };
  const namespace = sub(deliveryNamespaceText(project, suffix));

  const memberEventsPolicy = memberEventsPolicyOf(t, s, members);
  const fn = doraFunction(t, s, { members, namespace, retention });
  doraRules(t, s, { fn, members, memberEventsPolicy });
  t.output('MetricNamespace', { description: 'Namespace of the DORA metrics (dimensions Service and Environment)', value: namespace });
  t.output('EventBusArn', { description: 'The event bus dora-forwarding.json sends the member accounts\' ECS deployment events to', value: arn('events', 'event-bus/default') });
  return t.build();
}

/** Per environment: the member account that forwards its ECS deployment events, and its suffix. */
function memberParameters(t: TemplateBuilder, config: ResolvedConfig): Member[] {
  return config.environments.map((e) => {
    const ids = environmentParameterIds(e.name);
    return {
      name: e.name,
      account: t.parameter(ids.accountId, {
        Type: 'String',
        Description: `Account ID of ${e.name}; it forwards its ECS deployment events here`,
        AllowedPattern: PATTERNS.accountId,
      }),
      suffix: t.parameter(ids.environmentSuffix, {
        Type: 'String',
        Description: `Name suffix of ${e.name}; its cluster is {project}-cluster-{suffix}`,
        AllowedPattern: PATTERNS.environmentSuffix,
      }),
    };
  });
}

/**
 * The member accounts may put their services' ECS deployment events on the default bus,
 * and nothing else (EventBridge User Guide, "Using IAM policy conditions in Amazon
 * EventBridge": PutEvents supplies the events:source and events:detail-type keys).
 */
function memberEventsPolicyOf(t: TemplateBuilder, s: Scope, members: readonly Member[]): ResourceHandle {
  const { project, suffix } = s;
  return t.resource(ID.memberEventsPolicy, 'AWS::Events::EventBusPolicy', {
    EventBusName: 'default',
    StatementId: physicalName('event-bus-statement', [project, '-member-deployments-', suffix]),
    Statement: {
      Sid: 'MemberAccountsForwardEcsDeployments',
      Effect: 'Allow',
      Principal: { AWS: members.map((m) => sub(`arn:\${AWS::Partition}:iam::${v(m.account)}:root`)) },
      Action: 'events:PutEvents',
      Resource: arn('events', 'event-bus/default'),
      Condition: {
        StringEquals: { 'events:source': ECS_DEPLOYMENT_EVENTS.source, 'events:detail-type': ECS_DEPLOYMENT_EVENTS.detailType },
      },
    },
  });
}

/** What cdk-nag finds in the function's role, and why it stands. */
const ROLE_FINDING = {
  id: 'AwsSolutions-IAM5',
  reason:
    'cloudwatch:PutMetricData has no resource-level permissions (the namespace condition scopes it); the pipeline pattern covers the project pipelines, one per service, present and future',
  appliesTo: ['Resource::*', 'Resource::arn:<AWS::Partition>:codepipeline:<AWS::Region>:<AWS::AccountId>:<ProjectName>-*-pipeline-<EnvironmentSuffix>'],
};

/** The outage table, the function's log group and role, and the function. */
function doraFunction(
  t: TemplateBuilder,
  s: Scope,
  p: { members: readonly Member[]; namespace: Intrinsic<string>; retention: ParameterHandle<number> },
): ResourceHandle {
  const { project, suffix } = s;
  const { members, namespace, retention } = p;
  const table = t.resource(ID.table, 'AWS::DynamoDB::Table', {
    TableName: standardName('dynamodb-table', 'dora', s),
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'Key', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'Key', KeyType: 'HASH' }],
    SSESpecification: { SSEEnabled: true },
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
  });
  return toolsFunction(t, {
    ids: { logGroup: ID.logGroup, role: ID.role, function: ID.function },
    scope: s,
    name: 'dora-metrics',
    retentionDays: ref(retention),
    description: 'Puts deployment frequency, lead time, change failure and time to restore per service and environment as metrics',
    role: {
      description: 'Runs the function that puts the DORA figures of the project services as metrics',
      policyName: 'dora-metrics',
      statements: doraPermissions(pipelineNamePattern(project, suffix), table),
      options: { metadata: { cdk_nag: { rules_to_suppress: [ROLE_FINDING] } } },
    },
    metrics: { sid: 'PutDoraMetrics', namespace },
    code: functionCode(DORA_METRICS_FILE),
    environment: {
      METRIC_NAMESPACE: namespace,
      TABLE_NAME: table.ref(),
      PROJECT_NAME: ref(project),
      ENVIRONMENT_SUFFIX: ref(suffix),
      // Environment name by member suffix: an ECS event names the cluster, which ends in the suffix.
      ENVIRONMENTS: sub(JSON.stringify(Object.fromEntries(members.map((m) => [v(m.suffix), m.name])))),
    },
    // One event at a time: an outage is read, then written.
    reservedConcurrency: 1,
  }).fn;
}

/** The two rules that invoke the function, a deploy stage ended or an ECS deployment of a member account, and their permissions. */
function doraRules(t: TemplateBuilder, s: Scope, p: { fn: ResourceHandle; members: readonly Member[]; memberEventsPolicy: ResourceHandle }): void {
  const { project, suffix } = s;
  const { fn, members, memberEventsPolicy } = p;
  const rules = [
    {
      rule: ID.pipelineRule,
      permission: ID.pipelinePermission,
      name: 'dora-pipeline',
      description: 'A deploy stage of one of the project pipelines finished: put its DORA figures',
      pattern: {
        source: ['aws.codepipeline'],
        'detail-type': [STAGE_EVENT],
        detail: {
          pipeline: [{ wildcard: sub(pipelineNamePattern(project, suffix)) }],
          stage: [{ prefix: DEPLOY_STAGE_PREFIX }],
          state: ['SUCCEEDED', 'FAILED'],
        },
      },
      dependsOn: [],
    },
    {
      rule: ID.serviceRule,
      permission: ID.servicePermission,
      name: 'dora-service',
      description: 'A deployment of a service in a member account completed or failed: put its DORA figures',
      pattern: {
        source: [ECS_DEPLOYMENT_EVENTS.source],
        'detail-type': [ECS_DEPLOYMENT_EVENTS.detailType],
        account: members.map((m) => ref(m.account)),
        detail: { eventName: [...ECS_DEPLOYMENT_EVENTS.eventNames] },
      },
      dependsOn: [memberEventsPolicy],
    },
  ];
  for (const r of rules) {
    ruleInvokes(t, fn, {
      ids: { rule: r.rule, permission: r.permission },
      name: standardName('events-rule', r.name, s),
      description: r.description,
      eventPattern: r.pattern,
      targetId: 'DoraMetrics',
      dependsOn: r.dependsOn,
    });
  }
}

/** The parameters of the one DORA stack of the project (tools account). */
export function doraParameterFiles(config: ResolvedConfig): ParameterFile[] {
  const members = Object.fromEntries(
    config.environments.flatMap((e) => {
      const ids = environmentParameterIds(e.name);
      return [
        [ids.accountId, e.accountId],
        [ids.environmentSuffix, e.environmentSuffix],
      ];
    }),
  );
  return [toolsStackParameterFile(config, 'parameters/dora.json', members)];
}

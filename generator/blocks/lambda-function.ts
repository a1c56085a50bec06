/**
 * A function of a stack that serves the whole project in the tools account and puts
 * metrics (monitoring's deployment duration, dora.json's figures), with what it needs of
 * its own: its log group `/aws/lambda/{project}-{name}-{suffix}` with the stack's
 * retention; its role `{project}-{name}-{suffix}-{region}`, which Lambda assumes for this
 * account only, may put metrics in the one namespace and write that log group; and the
 * function `{project}-{name}-{suffix}`: inline Node.js 24 code on arm64, 128 MB, 30 s,
 * logging to that group. Then the EventBridge rules that invoke it. (The services' check
 * functions run in a VPC with a workload role: generator/blocks/service/check-function.ts.)
 */
import { Value } from '../core/intrinsics';
import { Statement, allow, anyResource } from '../core/iam';
import { physicalName, standardName } from '../core/naming';
import { ParameterHandle, ResourceHandle, ResourceOptions, TemplateBuilder } from '../core/template';
import { logGroup } from './log-group';
import { role, serviceTrust } from './role';

export interface ToolsFunctionProps {
  /** Logical IDs of the log group, the role and the function. */
  readonly ids: { readonly logGroup: string; readonly role: string; readonly function: string };
  /** The stack's project and suffix parameters. */
  readonly scope: { readonly project: ParameterHandle<string>; readonly suffix: ParameterHandle<string> };
  /** The middle of every name, as in `{project}-dora-metrics-{suffix}`. */
  readonly name: string;
  readonly retentionDays: Value<number>;
  readonly description: string;
  readonly role: {
    readonly description: string;
    readonly policyName: string;
    /** The function's own permissions; putting its metrics and writing its log are added to them. */
    readonly statements: readonly Statement[];
    readonly options?: ResourceOptions;
  };
  /** The namespace the function puts its metrics in, and the Sid of that statement. */
  readonly metrics: { readonly sid: string; readonly namespace: Value<string> };
  /** The function's code (Code.ZipFile). */
  readonly code: string;
  readonly environment: Record<string, Value<string>>;
  /** ReservedConcurrentExecutions, when the function must run one event at a time. */
  readonly reservedConcurrency?: number;
}

export interface ToolsFunction {
  readonly logGroup: ResourceHandle;
  readonly role: ResourceHandle;
  readonly fn: ResourceHandle;
}

/** Declares the log group, the role and the function, in that order. */
export function toolsFunction(t: TemplateBuilder, p: ToolsFunctionProps): ToolsFunction {
  const { project, suffix } = p.scope;
  const group = logGroup(t, p.ids.logGroup, {
    logGroupName: physicalName('log-group', ['/aws/lambda/', project, `-${p.name}-`, suffix]),
    retentionDays: p.retentionDays,
  });
  const fnRole = role(
    t,
    p.ids.role,
    {
      roleName: physicalName('iam-role', [project, `-${p.name}-`, suffix, '-', 'AWS::Region']),
      description: p.role.description,
      assumedBy: { Service: 'lambda.amazonaws.com' },
      trustCondition: serviceTrust(),
      policyName: p.role.policyName,
      statements: [
        ...p.role.statements,
        allow(p.metrics.sid, ['cloudwatch:PutMetricData'], anyResource('cloudwatch:PutMetricData has no resource-level permissions; the namespace condition scopes it'), {
          condition: { StringEquals: { 'cloudwatch:namespace': p.metrics.namespace } },
        }),
        allow('WriteOwnLog', ['logs:CreateLogStream', 'logs:PutLogEvents'], [group.getAtt('Arn')]),
      ],
    },
    p.role.options,
  );
  const fn = t.resource(p.ids.function, 'AWS::Lambda::Function', {
    FunctionName: standardName('lambda-function', p.name, p.scope),
    Description: p.description,
    Runtime: 'nodejs24.x',
    Handler: 'index.handler',
    Architectures: ['arm64'],
    MemorySize: 128,
    Timeout: 30,
    ...(p.reservedConcurrency !== undefined ? { ReservedConcurrentExecutions: p.reservedConcurrency } : {}),
    Role: fnRole.getAtt('Arn'),
    Code: { ZipFile: p.code },
    Environment: { Variables: p.environment },
    LoggingConfig: { LogGroup: group.ref() },
  });
  return { logGroup: group, role: fnRole, fn };
}

export interface RuleInvokesProps {
  /** Logical IDs of the rule and of the function's permission for it. */
  readonly ids: { readonly rule: string; readonly permission: string };
  /** The rule's name (core/naming standardName 'events-rule'). */
  readonly name: Value<string>;
  readonly description: string;
  readonly eventPattern: Record<string, unknown>;
  /** The Id of the rule's one target, the function. */
  readonly targetId: string;
  readonly dependsOn?: ReadonlyArray<{ readonly logicalId: string }>;
}

/** An EventBridge rule whose one target is `fn`, and the permission that lets it invoke `fn`; returns the rule. */
export function ruleInvokes(t: TemplateBuilder, fn: ResourceHandle, p: RuleInvokesProps): ResourceHandle {
  const rule = t.resource(
    p.ids.rule,
    'AWS::Events::Rule',
    {
      Name: p.name,
      Description: p.description,
      State: 'ENABLED',
      EventPattern: p.eventPattern,
      Targets: [{ Id: p.targetId, Arn: fn.getAtt('Arn') }],
    },
    { dependsOn: p.dependsOn ?? [] },
  );
  t.resource(p.ids.permission, 'AWS::Lambda::Permission', {
    FunctionName: fn.getAtt('Arn'),
    Action: 'lambda:InvokeFunction',
    Principal: 'events.amazonaws.com',
    SourceArn: rule.getAtt('Arn'),
  });
  return rule;
}

/**
 * A daily EventBridge schedule that invokes a function in a VPC, so that Lambda never
 * finds it idle.
 *
 * Lambda reclaims the network interfaces of a VPC function that has not run for a long
 * time and makes it Inactive; the next invocation fails, and the function stays Pending
 * until the interfaces are back (Lambda Developer Guide, "Lambda function states",
 * https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html, and "Giving Lambda
 * functions access to resources in an Amazon VPC",
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html). A lifecycle-hook
 * check runs only during deployments, so in an environment that deploys rarely that
 * failing first invocation would be the deployment's own, and it would roll back.
 *
 * The schedule sends EventBridge's own "Scheduled Event" (no Input), which carries none
 * of the fields a deployment's hook event has: the function answers it at once, without
 * probing or reporting anything. A rule target that is a Lambda function needs the
 * function's resource-based policy to admit events.amazonaws.com (EventBridge User
 * Guide, "Using resource-based policies for Amazon EventBridge"): this permission admits
 * exactly this rule of this account.
 */
import { AWS, Value } from '../core/intrinsics';
import { ResourceHandle, TemplateBuilder } from '../core/template';

/** Once a day: far inside the idle time after which Lambda reclaims the interfaces. */
export const KEEP_WARM_SCHEDULE = 'rate(1 day)';
/** The rule's one target. */
export const KEEP_WARM_TARGET_ID = 'CheckFunction';

export interface KeepWarmProps {
  /** Logical IDs of the rule and of the function's permission for it. */
  readonly ids: { readonly rule: string; readonly permission: string };
  /** The rule's name (core/naming keepWarmRuleName). */
  readonly name: Value<string>;
  readonly description: string;
}

/** Adds the schedule and the permission that lets it invoke `fn`; returns the rule. */
export function keepWarmSchedule(t: TemplateBuilder, fn: ResourceHandle, p: KeepWarmProps): ResourceHandle {
  const rule = t.resource(p.ids.rule, 'AWS::Events::Rule', {
    Name: p.name,
    Description: p.description,
    State: 'ENABLED',
    ScheduleExpression: KEEP_WARM_SCHEDULE,
    Targets: [{ Id: KEEP_WARM_TARGET_ID, Arn: fn.getAtt('Arn') }],
  });
  t.resource(p.ids.permission, 'AWS::Lambda::Permission', {
    FunctionName: fn.getAtt('Arn'),
    Action: 'lambda:InvokeFunction',
    Principal: 'events.amazonaws.com',
    SourceArn: rule.getAtt('Arn'),
    SourceAccount: AWS.accountId,
  });
  return rule;
}

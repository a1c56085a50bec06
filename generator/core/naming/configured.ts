/** The names built from configured values, which the configuration check measures. */
import { MEMBER_ROLES, MemberRole, memberRoleNameParts, serviceDeployRoleNameParts } from './member-roles';
import { artifactBucketNameParts } from './pipelines';
import { NAME_RULES, NameKind, NamePart, describe, worstCase } from './rules';
import { accessLogBucketNameParts, canaryName, keepWarmRuleNameParts, loadBalancerNameParts, targetGroupNameParts } from './services';

// --- Names with the configured values ---------------------------------------------------
//
// What the configuration check (generator/config/load.ts) measures: the names built from
// configured values, from the same parts functions the templates use, so the two cannot
// drift. With the configuration schema's limits (project 12, service 16, suffix 10
// characters) every one of them fits, as physicalName proves for the templates; the
// check keeps it so when a name or a limit changes, and says which field is too long.

/** Where a name lives: once per environment, per service and environment, or per service in the tools account. */
export type NameScope = 'environment' | 'service-environment' | 'service-tools';

export interface NameShape {
  /** What the name is called in an error message. */
  readonly what: string;
  readonly kind: NameKind;
  readonly scope: NameScope;
  parts(v: { readonly project: NamePart; readonly service: NamePart; readonly suffix: NamePart }): NamePart[];
}

export const CONFIGURED_NAMES: readonly NameShape[] = [
  ...(Object.keys(MEMBER_ROLES) as MemberRole[]).map((r): NameShape => ({
    what: `IAM role ${MEMBER_ROLES[r]}`,
    kind: 'iam-role',
    scope: 'environment',
    parts: (v) => memberRoleNameParts(r, v.project, v.suffix),
  })),
  {
    what: 'IAM role deploy (per service)',
    kind: 'iam-role',
    scope: 'service-environment',
    parts: (v) => serviceDeployRoleNameParts(v.project, v.service, v.suffix),
  },
  { what: 'target group tg1', kind: 'target-group', scope: 'service-environment', parts: (v) => targetGroupNameParts(v.service, 1, v.suffix) },
  { what: 'target group tg2', kind: 'target-group', scope: 'service-environment', parts: (v) => targetGroupNameParts(v.service, 2, v.suffix) },
  { what: 'load balancer', kind: 'alb', scope: 'service-environment', parts: (v) => loadBalancerNameParts(v.service, v.suffix) },
  { what: 'EventBridge rule check-warm', kind: 'events-rule', scope: 'service-environment', parts: (v) => keepWarmRuleNameParts(v.project, v.service, v.suffix) },
  {
    what: 'artifact bucket',
    kind: 's3-bucket',
    scope: 'service-tools',
    parts: (v) => artifactBucketNameParts(v.project, v.service, v.suffix),
  },
  { what: 'access log bucket', kind: 's3-bucket', scope: 'environment', parts: (v) => accessLogBucketNameParts(v.project, v.suffix) },
  // canaryName shortens the service to fit 21 characters, so two services may collide.
  { what: 'Synthetics canary', kind: 'synthetics-canary', scope: 'service-environment', parts: (v) => [canaryName(String(v.service), String(v.suffix))] },
];

/**
 * A name built from literal values: its text (the region shown as `${AWS::Region}`),
 * its length (the region at its longest, an account ID at 12 digits) and, when it does
 * not fit its kind's rule, why.
 */
export function measureName(kind: NameKind, parts: readonly NamePart[]): { name: string; length: number; problem?: string } {
  const rule = NAME_RULES[kind];
  const { length, sample } = worstCase(parts);
  const name = describe(parts);
  const region = parts.includes('AWS::Region') ? ' with the longest region code' : '';
  if (length > rule.max) return { name, length, problem: `is ${length} characters long${region}; the limit is ${rule.max}` };
  if (!rule.pattern.test(sample)) return { name, length, problem: `must match ${rule.pattern.source}` };
  return { name, length };
}

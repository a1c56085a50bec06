/**
 * Scanner findings a template accepts, each with its reason, declared once and written
 * in the conventions of the scanners users run:
 *
 * - cdk-nag (`Metadata.cdk_nag.rules_to_suppress`: id, reason, optional appliesTo),
 * - cfn_nag (`Metadata.cfn_nag.rules_to_suppress`: id, reason),
 * - checkov (`Metadata.checkov.skip`: id, comment).
 *
 * `suppress(rule, reason)` refuses a suppression without a reason, so generation fails
 * on one. IAM wildcard resources (cdk-nag AwsSolutions-IAM5) need no declaration: every
 * `*` in a statement already carries its reason in the builder (anyResource(because) or
 * the statement's `because`), and `iamWildcardSuppressions` turns those into
 * suppressions naming exactly the wildcard resources (appliesTo). An ARN pattern without
 * a reason of its own gets PATTERN_REASON; a bare "*" must come from anyResource(because).
 */
import { Statement, wildcardReason } from './iam';
import type { ResourceDef } from './template';

/** The cdk-nag rules a template may suppress, and the same finding's ids in cfn_nag and checkov. */
export const SCANNER_RULES = {
  'AwsSolutions-IAM5': {
    what: 'wildcard permissions',
    cfnNag: { 'AWS::IAM::Role': ['W11'], 'AWS::IAM::ManagedPolicy': ['W13'], 'AWS::IAM::Policy': ['W12'] } as Record<string, string[]>,
    checkov: ['CKV_AWS_111'],
  },
  'AwsSolutions-S1': { what: 'S3 server access logs', cfnNag: { '*': ['W35'] } as Record<string, string[]>, checkov: ['CKV_AWS_18'] },
  'AwsSolutions-ELB2': { what: 'load balancer access logs', cfnNag: { '*': ['W52'] } as Record<string, string[]>, checkov: ['CKV_AWS_91'] },
  'AwsSolutions-EC23': { what: 'security group ingress from anywhere', cfnNag: { '*': ['W2', 'W9'] } as Record<string, string[]>, checkov: ['CKV_AWS_260'] },
} as const;

export type ScannerRule = keyof typeof SCANNER_RULES;

export interface Suppression {
  readonly rule: ScannerRule;
  readonly reason: string;
  /**
   * For IAM5: whether a statement grants on a bare "*" (cfn_nag W11/W12/W13 fire only
   * then) and whether it grants more than reads there (checkov CKV_AWS_111 fires only
   * for write access without constraints). Leave out for every scanner's finding.
   */
  readonly bareStar?: { readonly any: boolean; readonly write: boolean };
  /** cdk-nag findings the suppression covers (e.g. `Resource::*`); leave out for every finding of the rule on the resource. */
  readonly appliesTo?: readonly string[];
}

export class SuppressionError extends Error {}

export function suppress(rule: ScannerRule, reason: string, appliesTo?: readonly string[]): Suppression {
  if (!(rule in SCANNER_RULES)) throw new SuppressionError(`suppression of ${rule}: not a rule of SCANNER_RULES`);
  if (typeof reason !== 'string' || reason.trim().length < 10) {
    throw new SuppressionError(`suppression of ${rule} needs a reason (at least 10 characters) that says why the finding is accepted`);
  }
  if (appliesTo !== undefined && appliesTo.length === 0) throw new SuppressionError(`suppression of ${rule}: appliesTo is empty`);
  return { rule, reason, ...(appliesTo ? { appliesTo: [...appliesTo] } : {}) };
}

/** A resource value as cdk-nag names it in an IAM5 finding: `<Param>` for `${Param}`, `<Id.Arn>` for GetAtt. */
export function nagResourceText(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (v && typeof v === 'object') {
    if ('Fn::Sub' in v) {
      const text = Array.isArray(v['Fn::Sub']) ? (v['Fn::Sub'] as unknown[])[0] : v['Fn::Sub'];
      return String(text).replace(/\$\{([^}]+)\}/g, '<$1>');
    }
    if ('Fn::GetAtt' in v) {
      const [id, attribute] = v['Fn::GetAtt'] as [string, string];
      return `<${id}.${attribute}>`;
    }
    if ('Ref' in v) return `<${String(v.Ref)}>`;
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(nagResourceText).join(sep);
    }
  }
  return JSON.stringify(value);
}

function policyStatementsOf(value: unknown, out: Statement[] = []): Statement[] {
  if (Array.isArray(value)) value.forEach((v) => policyStatementsOf(v, out));
  else if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    if (Array.isArray(o.Statement) && o.Version === '2012-10-17') out.push(...(o.Statement as Statement[]));
    else Object.values(o).forEach((v) => policyStatementsOf(v, out));
  }
  return out;
}

/** The reason of an ARN pattern whose statement gives none of its own. */
export const PATTERN_REASON =
  'the ARN pattern is held to this account and region and to names the naming module derives for this project; its * stands only for names, IDs or object keys generated at deploy time';

/** Each Allow statement of an identity policy whose resources hold a wildcard, with the resources (as cdk-nag names them) and the reason. */
export function wildcardStatements(id: string, def: ResourceDef): Array<{ sid: string; actions: string[]; resources: string[]; reason: string }> {
  if (def.Type !== 'AWS::IAM::Role' && def.Type !== 'AWS::IAM::ManagedPolicy' && def.Type !== 'AWS::IAM::Policy') return [];
  const props = { ...(def.Properties ?? {}) };
  delete props.AssumeRolePolicyDocument;
  const found: Array<{ sid: string; actions: string[]; resources: string[]; reason: string }> = [];
  for (const s of policyStatementsOf(props)) {
    if (s.Effect !== 'Allow' || s.Resource === undefined) continue;
    const wild = (s.Resource === '*' ? ['*'] : s.Resource.map(nagResourceText)).filter((r) => r.includes('*'));
    if (wild.length === 0) continue;
    const reason = wildcardReason(s) ?? (s.Resource === '*' ? undefined : PATTERN_REASON);
    if (reason === undefined) {
      throw new SuppressionError(`${id}: statement ${s.Sid} grants on "*": build it with anyResource(because), which names the API that requires it`);
    }
    found.push({ sid: s.Sid, actions: [...s.Action], resources: wild, reason });
  }
  return found;
}

/**
 * The IAM5 suppression of an identity policy's wildcard resources (roles and managed
 * policies; resource policies grant to principals and are not IAM5's concern). One per
 * resource: the reason of each wildcard stands beside its statement in the builder and in
 * test/suppressions.test.ts's listing (the 51,200-byte template body leaves no room to
 * repeat every reason and ARN pattern in Metadata).
 */
export function iamWildcardSuppressions(id: string, def: ResourceDef): Suppression[] {
  const found = wildcardStatements(id, def);
  if (found.length === 0) return [];
  const bare = found.filter((f) => f.resources.includes('*'));
  const write = bare.some((f) => f.actions.some((a) => !/^[a-z0-9-]+:(Describe|Get|List|BatchGet)/.test(a)));
  return [{ ...suppress('AwsSolutions-IAM5', "each * names its API or this project's names"), bareStar: { any: bare.length > 0, write } }];
}

/** The Metadata keys of the three scanners for a resource's suppressions. */
export function suppressionMetadata(type: string, suppressions: readonly Suppression[]): Record<string, unknown> {
  if (suppressions.length === 0) return {};
  const cfnNag: Array<{ id: string; reason?: string }> = [];
  const checkov: Array<{ id: string; comment?: string }> = [];
  for (const rule of [...new Set(suppressions.map((s) => s.rule))]) {
    const bareStar = suppressions.find((s) => s.rule === rule)?.bareStar;
    // The reason is written once, in cdk_nag's entry of the same Metadata; cfn_nag's and
    // checkov's entries (whose reason and comment are optional) name the finding only: the
    // template body's 51,200 bytes leave no room to repeat every reason three times.
    const table = SCANNER_RULES[rule].cfnNag;
    if (bareStar === undefined || bareStar.any) for (const nagId of table[type] ?? table['*'] ?? []) cfnNag.push({ id: nagId });
    if (bareStar === undefined || bareStar.write) for (const checkovId of SCANNER_RULES[rule].checkov) checkov.push({ id: checkovId });
  }
  return {
    cdk_nag: {
      rules_to_suppress: suppressions.map((s) => ({ id: s.rule, reason: s.reason, ...(s.appliesTo ? { appliesTo: [...s.appliesTo] } : {}) })),
    },
    ...(cfnNag.length > 0 ? { cfn_nag: { rules_to_suppress: cfnNag } } : {}),
    ...(checkov.length > 0 ? { checkov: { skip: checkov } } : {}),
  };
}

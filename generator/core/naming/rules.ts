/**
 * The machinery of names: each kind's length limit and character set, and the builders
 * that check a name with every part at its longest.
 */
import { Value, sub } from '../intrinsics';
import { ParameterHandle } from '../template';

/** The longest region code (ap-southeast-7, us-isob-east-1 are 14) with room to spare. */
export const REGION_MAX_LENGTH = 16;
export const ACCOUNT_ID_LENGTH = 12;

/** Name length limits and character sets, from each service's API reference. */
export const NAME_RULES = {
  alb: { max: 32, pattern: /^[a-zA-Z0-9-]+$/ },
  'target-group': { max: 32, pattern: /^[a-zA-Z0-9-]+$/ },
  'iam-role': { max: 64, pattern: /^[\w+=,.@-]+$/ },
  'iam-policy': { max: 128, pattern: /^[\w+=,.@-]+$/ },
  'lambda-function': { max: 64, pattern: /^[a-zA-Z0-9-_]+$/ },
  's3-bucket': { max: 63, pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/ },
  'ecr-repository': { max: 256, pattern: /^[a-z0-9][a-z0-9._/-]*$/ },
  'codebuild-project': { max: 255, pattern: /^[A-Za-z0-9][A-Za-z0-9\-_]*$/ },
  'codebuild-report-group': { max: 128, pattern: /^[A-Za-z0-9][A-Za-z0-9\-_]*$/ },
  codepipeline: { max: 100, pattern: /^[A-Za-z0-9.@\-_]+$/ },
  'sns-topic': { max: 256, pattern: /^[A-Za-z0-9_-]+$/ },
  secret: { max: 512, pattern: /^[A-Za-z0-9/_+=.@-]+$/ },
  'log-group': { max: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/ },
  // CloudFormation's AWS::Logs::ResourcePolicy schema: slash-separated segments without ':' or '*'.
  'logs-resource-policy': { max: 255, pattern: /^[^:*/]+(\/[^:*/]+)*$/ },
  'ecs-cluster': { max: 255, pattern: /^[A-Za-z0-9_-]+$/ },
  'ecs-service': { max: 255, pattern: /^[A-Za-z0-9_-]+$/ },
  'events-rule': { max: 64, pattern: /^[.\-_A-Za-z0-9]+$/ },
  'dynamodb-table': { max: 255, pattern: /^[a-zA-Z0-9_.-]+$/ },
  'event-bus-statement': { max: 64, pattern: /^[a-zA-Z0-9-_]+$/ },
  'cloudwatch-alarm': { max: 255, pattern: /^[^\s]+$/ },
  // Application Auto Scaling PutScalingPolicy: 1 to 256 printable characters.
  'scaling-policy': { max: 256, pattern: /^[ -~]+$/ },
  'cloudwatch-dashboard': { max: 255, pattern: /^[A-Za-z0-9_-]+$/ },
  'kms-alias': { max: 256, pattern: /^alias\/[a-zA-Z0-9/_-]+$/ },
  'synthetics-canary': { max: 21, pattern: /^[0-9a-z_-]+$/ },
  'cloudformation-stack': { max: 128, pattern: /^[A-Za-z][A-Za-z0-9-]*$/ },
  'security-group': { max: 255, pattern: /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/ },
  'name-tag': { max: 256, pattern: /^[\w .:/=+\-@]+$/ },
  'ssm-parameter': { max: 1011, pattern: /^\/[a-zA-Z0-9_.\-/]+$/ },
} as const;

export type NameKind = keyof typeof NAME_RULES;

/** A piece of a name: literal text, a string parameter (its MaxLength bounds it), or a pseudo parameter. */
export type NamePart = string | ParameterHandle<string> | 'AWS::AccountId' | 'AWS::Region';

export class NameError extends Error {}

function isParameter(part: NamePart): part is ParameterHandle<string> {
  return typeof part === 'object';
}

/** The longest the name can become, and a sample of it with every part at that length. */
export function worstCase(parts: readonly NamePart[]): { length: number; sample: string } {
  let sample = '';
  for (const part of parts) {
    if (isParameter(part)) {
      const def = part.definition;
      const max = 'MaxLength' in def ? def.MaxLength : undefined;
      if (max === undefined) {
        throw new NameError(`parameter ${part.logicalId} is part of a resource name and needs a MaxLength`);
      }
      sample += 'a'.repeat(max);
    } else if (part === 'AWS::AccountId') {
      sample += '1'.repeat(ACCOUNT_ID_LENGTH);
    } else if (part === 'AWS::Region') {
      sample += 'a'.repeat(REGION_MAX_LENGTH);
    } else {
      sample += part;
    }
  }
  return { length: sample.length, sample };
}

/** Builds a physical name and checks that the longest allowed inputs still fit. */
export function physicalName(kind: NameKind, parts: readonly NamePart[]): Value<string> {
  const rule = NAME_RULES[kind];
  const { length, sample } = worstCase(parts);
  if (length > rule.max) {
    throw new NameError(`${kind} name ${describe(parts)} can reach ${length} characters with the longest allowed values; the limit is ${rule.max}`);
  }
  if (!rule.pattern.test(sample)) {
    throw new NameError(`${kind} name ${describe(parts)} does not match ${rule.pattern.source}`);
  }
  return nameValue(parts);
}

/** The name as a literal when every part is literal, else as Fn::Sub. */
export function nameValue(parts: readonly NamePart[]): Value<string> {
  if (parts.every((p) => typeof p === 'string' && !p.startsWith('AWS::'))) return parts.join('');
  return sub(describe(parts));
}

export function describe(parts: readonly NamePart[]): string {
  return parts.map((p) => (isParameter(p) ? `\${${p.logicalId}}` : p.startsWith('AWS::') ? `\${${p}}` : p)).join('');
}

/** `{project}-[{service}-]{type}-{suffix}`, the house pattern. */
export function standardName(
  kind: NameKind,
  resourceType: string,
  scope: { project: ParameterHandle<string>; service?: ParameterHandle<string>; suffix: ParameterHandle<string> },
  ...extra: NamePart[]
): Value<string> {
  const parts: NamePart[] = [scope.project, '-'];
  if (scope.service) parts.push(scope.service, '-');
  parts.push(resourceType, '-', scope.suffix);
  for (const e of extra) parts.push('-', e);
  return physicalName(kind, parts);
}

/** Fn::Sub text of a name built from parts (parameters as `${Id}`), for ARN patterns. */
export function nameText(parts: readonly NamePart[]): string {
  return describe(parts);
}

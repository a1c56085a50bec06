/**
 * Key policy statements shared by every customer-managed key the templates create.
 */
import { sub } from '../core/intrinsics';
import { Statement, allow, anyResource } from '../core/iam';

/** What the key's own account needs to administer the key (never to delete it at once). */
export const KEY_ADMINISTRATION_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateKeyDescription',
] as const;

/** In a key policy, "*" is the key the policy is attached to. */
export const THIS_KEY = anyResource('in a key policy, "*" is the key the policy is attached to');

/**
 * The account that owns the key administers it through IAM, with the actions named;
 * `extra` adds what the account's own principals use the key for (aliases, encryption).
 */
export function accountAdministersKey(sid: string, extra: readonly string[] = []): Statement {
  const actions = [...new Set([...KEY_ADMINISTRATION_ACTIONS, ...extra])].sort();
  return allow(sid, actions, THIS_KEY, { principal: { AWS: sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root') } });
}

/**
 * Load balancer access logs. The network stack owns the log bucket of its account,
 * region and environment and publishes its name in SSM; each service stack reads that
 * name as an `AWS::SSM::Parameter::Value<String>` parameter (the blue/green hook forbids
 * imports and dynamic references) and turns access logs on for its load balancer.
 *
 * What the bucket must allow, from the Elastic Load Balancing User Guide, "Enable access
 * logs for your Application Load Balancer", step 2 "Attach a policy to your S3 bucket"
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html):
 * the bucket is in the load balancer's Region, is encrypted with SSE-S3 (the only
 * server-side encryption ALB log delivery supports), and grants s3:PutObject on
 * `bucket/prefix/AWSLogs/{account}/*` to
 * - in the Regions available before August 2022, the Elastic Load Balancing account of
 *   the Region (`arn:aws:iam::{elb-account-id}:root`, table below);
 * - in the Regions available in August 2022 or later, the service principal
 *   `logdelivery.elasticloadbalancing.amazonaws.com`.
 * One template serves every Region: a Mappings table of the documented account IDs and a
 * condition that holds in exactly those Regions choose the principal when the stack is
 * deployed.
 */
import { AWS, ConditionExpr, Intrinsic, Value, equals, ifCond, or, ref, sub } from '../core/intrinsics';
import { Principal, Statement, allow } from '../core/iam';
import { NETWORK_PARAMETER_KEYS } from '../core/naming';
import { suppress } from '../core/suppressions';
import { ParameterHandle, ResourceHandle, TemplateBuilder } from '../core/template';
import { ELB_ACCOUNT_BY_REGION } from '../core/elb-accounts';

/** The principal of the Regions available in August 2022 or later. */
export const ELB_LOG_DELIVERY_SERVICE = 'logdelivery.elasticloadbalancing.amazonaws.com';

export const ACCESS_LOG_IDS = {
  /** network.json */
  elbAccountMapping: 'ElbLogDeliveryAccounts',
  elbAccountRegion: 'ElbAccountRegion',
  /** service templates: the bucket name, read from SSM. */
  bucketNameParameter: 'AccessLogBucketName',
} as const;

/** How the condition holds in the mapped Regions: Fn::Or takes at most ten conditions, so groups of ten under one Or. */
function inRegions(regions: readonly string[]): ConditionExpr {
  const each = regions.map((r) => equals(AWS.region, r));
  const groups: ConditionExpr[] = [];
  for (let i = 0; i < each.length; i += 10) {
    const group = each.slice(i, i + 10);
    groups.push(group.length === 1 ? group[0] : or(...group));
  }
  return groups.length === 1 ? groups[0] : or(...groups);
}

/**
 * Declares the mapping and the condition in the network template and returns the
 * statement that lets Elastic Load Balancing write the logs of this account under any
 * prefix (each service has its own).
 */
export function elbLogDeliveryStatement(t: TemplateBuilder, bucket: ResourceHandle): Statement {
  const regions = Object.keys(ELB_ACCOUNT_BY_REGION).sort();
  t.mapping(ACCESS_LOG_IDS.elbAccountMapping, Object.fromEntries(regions.map((r) => [r, { AccountId: ELB_ACCOUNT_BY_REGION[r] }])));
  const elbAccountRegion = t.condition(ACCESS_LOG_IDS.elbAccountRegion, inRegions(regions));
  const elbAccount: Intrinsic<string> = { 'Fn::FindInMap': [ACCESS_LOG_IDS.elbAccountMapping, AWS.region, 'AccountId'] } as unknown as Intrinsic<string>;
  const principal = ifCond<Principal>(
    elbAccountRegion,
    { AWS: sub('arn:${AWS::Partition}:iam::${ElbAccount}:root', { ElbAccount: elbAccount }) },
    { Service: ELB_LOG_DELIVERY_SERVICE },
  ) as unknown as Principal;
  return allow('ElbLogDelivery', ['s3:PutObject'], [sub(`\${${bucket.logicalId}.Arn}/*/AWSLogs/\${AWS::AccountId}/*`)], { principal });
}

/** Why the log bucket itself keeps no S3 server access logs. */
export const LOG_BUCKET_NO_ACCESS_LOGS = suppress(
  'AwsSolutions-S1',
  'the bucket holds load balancer access logs itself; logging its requests would need a further bucket, itself unlogged, and only Elastic Load Balancing writes here',
);

/** The service templates' parameter: the bucket name the network stack writes to SSM. */
export function accessLogBucketParameter(t: TemplateBuilder): ParameterHandle<string> {
  return t.parameter(ACCESS_LOG_IDS.bucketNameParameter, {
    Type: 'AWS::SSM::Parameter::Value<String>',
    Description: `SSM parameter holding the name of the load balancer access log bucket (written by the network stack: /{project}/network-{suffix}/${NETWORK_PARAMETER_KEYS.accessLogBucket})`,
  });
}

/**
 * The load balancer attributes that deliver its access logs to the network's bucket,
 * under `{service}/{suffix}/` (a prefix must not start or end with `/` nor contain AWSLogs).
 */
export function accessLogAttributes(
  bucketName: ParameterHandle<string>,
  service: ParameterHandle<string>,
  suffix: ParameterHandle<string>,
): Array<{ Key: string; Value: Value<string> }> {
  return [
    { Key: 'access_logs.s3.enabled', Value: 'true' },
    { Key: 'access_logs.s3.bucket', Value: ref(bucketName) },
    { Key: 'access_logs.s3.prefix', Value: sub(`\${${service.logicalId}}/\${${suffix.logicalId}}`) },
  ];
}

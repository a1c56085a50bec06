/**
 * The house S3 bucket: default encryption SSE-S3 (AES256), every public access block on
 * (object ownership stays at S3's default, bucket owner enforced), and a bucket policy that refuses requests without
 * TLS. Callers add lifecycle rules, versioning and the statements that grant access.
 */
import { Value, sub } from '../core/intrinsics';
import { Statement, denyEveryAction, policyDocument } from '../core/iam';
import { ResourceHandle, TemplateBuilder } from '../core/template';
import { Suppression, suppress } from '../core/suppressions';

export interface BucketProps {
  /** A name from the naming module. */
  readonly bucketName: Value<string>;
  readonly versioned?: boolean;
  readonly lifecycleRules: ReadonlyArray<Record<string, unknown>>;
  /** Why the bucket keeps no S3 server access logs, when NO_ACCESS_LOGS's reason does not fit. */
  readonly noAccessLogs?: Suppression;
}

/**
 * Why the house buckets keep no S3 server access logs: each would need a further bucket
 * (itself unlogged), and nobody but the project's roles can reach these.
 */
export const NO_ACCESS_LOGS = suppress('AwsSolutions-S1', "private; only this project's roles use it");

export function privateBucket(t: TemplateBuilder, id: string, props: BucketProps): ResourceHandle {
  return t.resource(
    id,
    'AWS::S3::Bucket',
    {
      BucketName: props.bucketName,
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      ...(props.versioned ? { VersioningConfiguration: { Status: 'Enabled' } } : {}),
      LifecycleConfiguration: { Rules: props.lifecycleRules },
    },
    { suppressions: [props.noAccessLogs ?? NO_ACCESS_LOGS] },
  );
}

/**
 * Every S3 request that does not use TLS is denied: `s3:*`, the form AWS documents
 * ("Enforce encryption of data in transit", S3 User Guide) and scanners recognise
 * (cdk-nag AwsSolutions-S10), which covers actions added to S3 later as well.
 */
export function denyInsecureTransport(bucket: ResourceHandle): Statement {
  return denyEveryAction('DenyInsecureTransport', 's3', [sub(`\${${bucket.logicalId}.Arn}`), sub(`\${${bucket.logicalId}.Arn}/*`)], {
    principal: '*',
    condition: { Bool: { 'aws:SecureTransport': 'false' } },
  });
}

/** The bucket policy: TLS only, plus the given grants. */
export function bucketPolicy(t: TemplateBuilder, id: string, bucket: ResourceHandle, grants: readonly Statement[] = []): ResourceHandle {
  return t.resource(id, 'AWS::S3::BucketPolicy', {
    Bucket: bucket.ref(),
    PolicyDocument: policyDocument([denyInsecureTransport(bucket), ...grants]),
  });
}

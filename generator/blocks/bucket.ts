/**
 * The house S3 bucket: default encryption SSE-S3 (AES256), every public access block on
 * (object ownership stays at S3's default, bucket owner enforced), and a bucket policy that refuses requests without
 * TLS. Callers add lifecycle rules, versioning and the statements that grant access.
 */
import { Value, sub } from '../core/intrinsics';
import { Statement, deny, policyDocument } from '../core/iam';
import { ResourceHandle, TemplateBuilder } from '../core/template';

export interface BucketProps {
  /** A name from the naming module. */
  readonly bucketName: Value<string>;
  readonly versioned?: boolean;
  readonly lifecycleRules: ReadonlyArray<Record<string, unknown>>;
}

export function privateBucket(t: TemplateBuilder, id: string, props: BucketProps): ResourceHandle {
  return t.resource(id, 'AWS::S3::Bucket', {
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
  });
}

/**
 * Every S3 request that does not use TLS is denied. The actions are the S3 action
 * families by prefix, so that a deny covers actions added to S3 later as well.
 */
export function denyInsecureTransport(bucket: ResourceHandle): Statement {
  return deny(
    'DenyInsecureTransport',
    ['s3:Abort*', 's3:Delete*', 's3:Get*', 's3:List*', 's3:Put*', 's3:Replicate*', 's3:Restore*'],
    [sub(`\${${bucket.logicalId}.Arn}`), sub(`\${${bucket.logicalId}.Arn}/*`)],
    { principal: { AWS: '*' }, condition: { Bool: { 'aws:SecureTransport': 'false' } } },
  );
}

/** The bucket policy: TLS only, plus the given grants. */
export function bucketPolicy(t: TemplateBuilder, id: string, bucket: ResourceHandle, grants: readonly Statement[] = []): ResourceHandle {
  return t.resource(id, 'AWS::S3::BucketPolicy', {
    Bucket: bucket.ref(),
    PolicyDocument: policyDocument([denyInsecureTransport(bucket), ...grants]),
  });
}

/** pipeline-build.json's artifact store and CodeBuild cache. */
import { THIS_KEY, accountAdministersKey } from '../../blocks/kms';
import { bucketPolicy, privateBucket } from '../../blocks/bucket';
import { allow } from '../../core/iam';
import { sub } from '../../core/intrinsics';
import { TemplateBuilder } from '../../core/template';
import { PIPELINE_IDS as ID } from './ids';
import { SharedNames, memberRole } from './names';
import { Common } from './parameters';
import { accountRoot, att, distinctAccounts, v } from './shared';

const CACHE_EXPIRY_DAYS = 7;
const NONCURRENT_EXPIRY_DAYS = 90;

/**
 * The artifact bucket and key, readable by the member accounts' deploy and execution
 * roles, and the CodeBuild cache bucket.
 */
export function artifactStore(t: TemplateBuilder, c: Common, names: SharedNames) {
  const envs = c.environments;
  const memberAccounts = distinctAccounts(envs);

  // --- Artifact store: the bucket (SSE-S3 by default) and the key the pipeline encrypts
  // artifacts with, which the member accounts' deploy and execution roles may use.
  const key = t.resource(ID.artifactKey, 'AWS::KMS::Key', {
    Description: sub(`Pipeline artifacts of ${v(c.project)}-${v(c.service)}`),
    EnableKeyRotation: true,
    PendingWindowInDays: 7,
    KeyPolicy: {
      Version: '2012-10-17',
      Statement: [
        accountAdministersKey('ToolsAccountAdministersKey', ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']),
        allow('MemberRolesReadArtifacts', ['kms:Decrypt', 'kms:DescribeKey'], THIS_KEY, {
          principal: { AWS: memberAccounts.map((e) => accountRoot(e.account)) },
          condition: {
            ArnEquals: { 'aws:PrincipalArn': envs.flatMap((e) => [memberRole(c, e, 'deploy'), memberRole(c, e, 'execution')]) },
            StringEquals: { 'kms:ViaService': sub('s3.${AWS::Region}.amazonaws.com') },
          },
        }),
      ],
    },
  });

  const artifacts = privateBucket(t, ID.artifactBucket, {
    bucketName: names.artifactBucket,
    versioned: true,
    lifecycleRules: [
      { Id: 'expire-noncurrent-versions', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: NONCURRENT_EXPIRY_DAYS } },
    ],
  });
  bucketPolicy(t, ID.artifactBucketPolicy, artifacts, [
    allow(
      'MemberDeployRolesReadArtifacts',
      ['s3:GetBucketLocation', 's3:GetObject', 's3:GetObjectVersion'],
      [att(artifacts, 'Arn'), sub(`\${${artifacts.logicalId}.Arn}/*`)],
      {
        principal: { AWS: memberAccounts.map((e) => accountRoot(e.account)) },
        condition: { ArnEquals: { 'aws:PrincipalArn': envs.map((e) => memberRole(c, e, 'deploy')) } },
      },
    ),
  ]);

  const cache = privateBucket(t, ID.cacheBucket, {
    bucketName: names.cacheBucket,
    lifecycleRules: [{ Id: 'expire-cache', Status: 'Enabled', ExpirationInDays: CACHE_EXPIRY_DAYS }],
  });
  bucketPolicy(t, ID.cacheBucketPolicy, cache);
  return { key, artifacts, cache };
}

export type ArtifactStore = ReturnType<typeof artifactStore>;

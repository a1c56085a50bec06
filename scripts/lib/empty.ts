/**
 * Emptying what CloudFormation cannot delete while it holds data: versioned S3 buckets
 * (every object version and delete marker) and ECR repositories (every image); and
 * removing what a stack's resources create outside the stack (canary log groups).
 */
import { BatchDeleteImageCommand, ECRClient, ImageIdentifier, ListImagesCommand } from '@aws-sdk/client-ecr';
import { CloudWatchLogsClient, DeleteLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteObjectsCommand, ListObjectVersionsCommand, ObjectIdentifier, S3Client } from '@aws-sdk/client-s3';
import { batches } from './destroy';

export interface Emptied {
  readonly versions: number;
  readonly deleteMarkers: number;
}

/** Deletes every version and delete marker; a bucket that is already gone counts as empty. */
export async function emptyBucket(s3: S3Client, bucket: string): Promise<Emptied> {
  let versions = 0;
  let deleteMarkers = 0;
  for (;;) {
    let page;
    try {
      page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1000 }));
    } catch (e) {
      if ((e as Error).name === 'NoSuchBucket') return { versions, deleteMarkers };
      throw e;
    }
    const ids: ObjectIdentifier[] = [
      ...(page.Versions ?? []).map((v) => ({ Key: v.Key!, VersionId: v.VersionId })),
      ...(page.DeleteMarkers ?? []).map((m) => ({ Key: m.Key!, VersionId: m.VersionId })),
    ];
    if (ids.length === 0) return { versions, deleteMarkers };
    for (const batch of batches(ids, 1000)) {
      const out = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }));
      if (out.Errors?.length) {
        const e = out.Errors[0];
        throw new Error(`cannot delete s3://${bucket}/${e.Key} (version ${e.VersionId}): ${e.Code} ${e.Message}`);
      }
    }
    versions += page.Versions?.length ?? 0;
    deleteMarkers += page.DeleteMarkers?.length ?? 0;
  }
}

/** Deletes every image of the repository; a repository that is already gone counts as empty. */
export async function emptyRepository(ecr: ECRClient, repository: string): Promise<number> {
  const ids: ImageIdentifier[] = [];
  const digests = new Set<string>();
  let token: string | undefined;
  try {
    do {
      const page = await ecr.send(new ListImagesCommand({ repositoryName: repository, nextToken: token, maxResults: 1000 }));
      for (const id of page.imageIds ?? []) {
        if (id.imageDigest && !digests.has(id.imageDigest)) {
          digests.add(id.imageDigest);
          ids.push({ imageDigest: id.imageDigest });
        }
      }
      token = page.nextToken;
    } while (token);
  } catch (e) {
    if ((e as Error).name === 'RepositoryNotFoundException') return 0;
    throw e;
  }
  for (const batch of batches(ids, 100)) {
    const out = await ecr.send(new BatchDeleteImageCommand({ repositoryName: repository, imageIds: batch }));
    const failure = out.failures?.find((f) => f.failureCode !== 'ImageNotFound');
    if (failure) throw new Error(`cannot delete image ${failure.imageId?.imageDigest} of ${repository}: ${failure.failureCode} ${failure.failureReason}`);
  }
  return ids.length;
}

/**
 * A Synthetics canary's Lambda function writes to `/aws/lambda/cwsyn-{canary}-{id}`, a
 * log group that Synthetics creates and no stack owns: deletes those of one canary.
 */
export async function deleteCanaryLogGroups(logs: CloudWatchLogsClient, canaryName: string): Promise<string[]> {
  const prefix = `/aws/lambda/cwsyn-${canaryName}-`;
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, nextToken: token }));
    for (const g of page.logGroups ?? []) if (g.logGroupName) names.push(g.logGroupName);
    token = page.nextToken;
  } while (token);
  for (const name of names) {
    try {
      await logs.send(new DeleteLogGroupCommand({ logGroupName: name }));
    } catch (e) {
      if ((e as Error).name !== 'ResourceNotFoundException') throw e;
    }
  }
  return names;
}

/**
 * destroy against moto_server: a stack owning a versioned bucket with object versions
 * and a delete marker, and an image repository with an image (test/fixtures), is torn
 * down with nothing left. moto does not apply VersioningConfiguration from a template,
 * so the test turns versioning on itself before writing the objects.
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeRepositoriesCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { DeleteObjectCommand, HeadBucketCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import * as path from 'node:path';
import { main as deploy } from '../../scripts/deploy';
import { main as destroy } from '../../scripts/destroy';
import { recordingTerminal } from '../../scripts/lib/terminal';
import { cfClient } from '../helpers/aws';
import { Moto, startMoto } from '../helpers/moto';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures');
const STACK = 'fixture-data';
const BUCKET = `${STACK}-data`;
const REPOSITORY = `${STACK}-images`;

let moto: Moto;

beforeAll(async () => {
  moto = await startMoto();
});

afterAll(async () => {
  await moto?.stop();
});

async function run(script: typeof deploy, argv: string[]) {
  const term = recordingTerminal();
  const code = await script([...argv, '--endpoint-url', moto.endpoint], term);
  return { code, out: term.lines.join('\n'), err: term.errors.join('\n') };
}

describe('destroy a stack that owns data', () => {
  test('empties the versioned bucket and the repository, then deletes the stack', async () => {
    const created = await run(deploy, ['versioned-bucket', '--templates-dir', FIXTURES, '--stack-name', STACK, '--yes']);
    expect(created.err).toBe('');
    expect(created.code).toBe(0);

    const s3 = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true });
    await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
    for (const body of ['one', 'two']) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'report.txt', Body: body }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'other.txt', Body: 'x' }));
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'report.txt' }));
    const ecr = new ECRClient({ endpoint: moto.endpoint, region: 'us-east-1' });
    const manifest = {
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 2, digest: `sha256:${'a'.repeat(64)}` },
      layers: [],
    };
    await ecr.send(new PutImageCommand({ repositoryName: REPOSITORY, imageTag: 'abc1234', imageManifest: JSON.stringify(manifest) }));

    const r = await run(destroy, [STACK, '--yes']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`empties ${BUCKET}, ${REPOSITORY}`);
    expect(r.out).toContain(`emptied bucket ${BUCKET}: 3 object version(s), 1 delete marker(s)`);
    expect(r.out).toContain(`emptied repository ${REPOSITORY}: 1 image(s)`);
    expect(r.out).toContain(`deleted ${STACK}`);

    await expect(cfClient(moto.endpoint).send(new DescribeStacksCommand({ StackName: STACK }))).rejects.toThrow(/does not exist/);
    await expect(s3.send(new HeadBucketCommand({ Bucket: BUCKET }))).rejects.toThrow();
    await expect(s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET }))).rejects.toThrow(/bucket does not exist/i);
    await expect(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [REPOSITORY] }))).rejects.toThrow(/does not exist/);
  });

  test('a stack that does not exist is skipped, saying so, and the others are still deleted', async () => {
    expect((await run(deploy, ['versioned-bucket', '--templates-dir', FIXTURES, '--stack-name', 'short-lived', '--yes'])).code).toBe(0);
    const r = await run(destroy, ['no-such-stack', 'short-lived', '--yes']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('stack no-such-stack does not exist (already deleted?); skipped');
    expect(r.out).toContain('deleted short-lived');
  });

  test('without --yes and without a terminal it deletes nothing', async () => {
    expect((await run(deploy, ['versioned-bucket', '--templates-dir', FIXTURES, '--stack-name', 'kept', '--yes'])).code).toBe(0);
    const r = await run(destroy, ['kept']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('refusing to delete without --yes');
    const stack = (await cfClient(moto.endpoint).send(new DescribeStacksCommand({ StackName: 'kept' }))).Stacks?.[0];
    expect(stack?.StackStatus).toBe('CREATE_COMPLETE');
  });
});

/** CodeBuild projects and what their roles may do with the build stack's resources. */
import { Statement, allow, anyResource } from '../../core/iam';
import { Intrinsic, Value, sub } from '../../core/intrinsics';
import { standardName } from '../../core/naming';
import { ResourceHandle, TemplateBuilder } from '../../core/template';
import { Image } from './parameters';
import { Scope, arn, att, v } from './shared';

const CODEBUILD_COMPUTE_TYPE = 'BUILD_GENERAL1_SMALL';

/**
 * What a CodeBuild project uses of the build stack: the artifact key, the artifact and
 * cache buckets, the log group. The build stack refers to its own resources; pipeline.json
 * (the deploy step) to the same ones by the names the naming module derives.
 */
export interface BuildResources {
  /** ARN of the artifact key. */
  readonly key: Value<string>;
  /** Fn::Sub texts of ARNs: the artifact bucket, the cache bucket (cached projects), the log group (`...:log-group:{name}:*`). */
  readonly artifacts: string;
  readonly cache?: string;
  readonly logs: string;
  /** Fn::Sub text of the cache bucket's name. */
  readonly cacheName?: string;
  readonly logGroup: Value<string>;
}

/** What the CodeBuild projects may do with logs, artifacts, cache and their build image. */
export function codeBuildStatements(p: Image, r: BuildResources, writesArtifacts: boolean): Statement[] {
  const artifacts = sub(`${r.artifacts}/*`);
  const cache = r.cache === undefined ? [] : [sub(`${r.cache}/*`)];
  return [
    allow('WriteLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [sub(r.logs)]),
    // Only the build writes pipeline artifacts (its output, the check's plan): the unit
    // tests run the application's code, which must not rewrite what a deploy reads.
    ...(writesArtifacts
      ? [allow('ArtifactsAndCache', ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'], [artifacts, ...cache])]
      : [
          allow('ReadArtifacts', ['s3:GetObject', 's3:GetObjectVersion'], [artifacts]),
          ...(cache.length ? [allow('Cache', ['s3:GetObject', 's3:PutObject'], cache)] : []),
        ]),
    allow('LocateBuckets', ['s3:GetBucketAcl', 's3:GetBucketLocation'], [sub(r.artifacts), ...(r.cache === undefined ? [] : [sub(r.cache)])]),
    allow('ArtifactKey', ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'], [r.key]),
    allow(
      'PullBuildImage',
      ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      [arn('ecr', `repository/${v(p.buildImageRepository)}`)],
    ),
    allow('EcrLogin', ['ecr:GetAuthorizationToken'], anyResource('ecr:GetAuthorizationToken has no resource-level permissions')),
  ];
}

/** Every CodeBuild project of the project: what the CodeBuild roles' trust names (aws:SourceArn). */
export function codeBuildProjectsOf(s: Scope): Intrinsic<string> {
  return arn('codebuild', `project/${v(s.project)}-*`);
}

interface ProjectProps {
  readonly name: string;
  readonly role: ResourceHandle;
  readonly buildSpec: Value<string>;
  readonly privileged?: boolean;
  /** Keep build spec cache paths in the cache bucket (the build and the unit tests). */
  readonly cached?: boolean;
  /** @default CodeBuild's 60 minutes */
  readonly timeoutMinutes?: number;
  readonly variables: ReadonlyArray<{ Name: string; Value: Value<string> }>;
}

export function codeBuildProject(t: TemplateBuilder, id: string, s: Scope, p: Image, r: BuildResources, props: ProjectProps): ResourceHandle {
  if (props.cached && r.cacheName === undefined) throw new Error(`${id}: a cached project needs the cache bucket`);
  return t.resource(id, 'AWS::CodeBuild::Project', {
    Name: standardName('codebuild-project', props.name, s),
    ServiceRole: att(props.role, 'Arn'),
    Source: { Type: 'CODEPIPELINE', BuildSpec: props.buildSpec },
    Artifacts: { Type: 'CODEPIPELINE' },
    Environment: {
      Type: 'LINUX_CONTAINER',
      ComputeType: CODEBUILD_COMPUTE_TYPE,
      Image: sub(`\${AWS::AccountId}.dkr.ecr.\${AWS::Region}.\${AWS::URLSuffix}/${v(p.buildImageRepository)}${v(p.buildImageReference)}`),
      ImagePullCredentialsType: 'SERVICE_ROLE',
      ...(props.privileged ? { PrivilegedMode: true } : {}),
      ...(props.variables.length ? { EnvironmentVariables: props.variables } : {}),
    },
    ...(props.timeoutMinutes ? { TimeoutInMinutes: props.timeoutMinutes } : {}),
    ...(props.cached ? { Cache: { Type: 'S3', Location: sub(`${r.cacheName}/${props.name}`) } } : {}),
    EncryptionKey: r.key,
    LogsConfig: { CloudWatchLogs: { Status: 'ENABLED', GroupName: r.logGroup, StreamName: props.name } },
  });
}

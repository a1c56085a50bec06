/**
 * The delivery pipeline of one containerized service, in the tools account, as two
 * templates deployed with `aws cloudformation deploy` once per service:
 *
 * - pipeline-build.json: artifact bucket and KMS key, CodeBuild cache, ECR repository,
 *   registry credentials secret, CodeBuild projects (build, unit tests, image scan, deploy
 *   check).
 * - pipeline.json: the pipeline itself with its deploy step (a CodeBuild project and the
 *   role the member deploy roles trust): Source, its own update (the two pipeline stacks,
 *   generator/blocks/pipeline-self-update.ts), Build (docker image tagged with the commit
 *   id, pushed to ECR), Test (unit tests and the image scan in parallel), then for each
 *   environment of the configuration, in order, a check, an optional manual approval and
 *   a Deploy stage whose CodeBuild step creates and executes change sets of the service
 *   stack in that environment's account, with the stack's alarms as rollback triggers
 *   (generator/blocks/pipeline-deploy-step.ts).
 *
 * One template would be simpler, but the whole pipeline serializes to more than the
 * 51,200 bytes of a template body even with a single environment. The split follows
 * the order of creation: pipeline.json refers to the build stack's resources by the
 * names the naming module derives and imports only the artifact key ARN. The deploy step
 * lives with the pipeline, as the pipeline role does: both run the deploys, both sit under
 * the pipeline role path, and the build stack keeps its headroom under the limit.
 *
 * The deploy actions take the service template and its parameter files from a second
 * source action on the repository that holds templates/, pinned to a branch; it never
 * starts the pipeline itself. Each run deploys the templates revision it fetched when it
 * started, in every environment.
 *
 * The stage list is generated from config.environments; everything that differs between
 * installations (accounts, source, e-mail, images) is a parameter.
 */
import { THIS_KEY, accountAdministersKey } from '../blocks/kms';
import { AWS, ConditionHandle, Intrinsic, Value, and, equals, ifCond, importValue, join, not, ref, sub } from '../core/intrinsics';
import { Statement, allow, anyResource, trust } from '../core/iam';
import { DEPLOY_TIMEOUT_MINUTES, deployStepBuildSpec, deployStepVariables } from '../blocks/pipeline-deploy-step';
import { SelfUpdateNames, selfUpdateStages, selfUpdateStatements, selfUpdateVariables } from '../blocks/pipeline-self-update';
import {
  NamePart,
  artifactBucketName,
  deployStepRoleNameParts,
  deployStageName,
  memberRoleArn,
  physicalName,
  pipelineRoleNameParts,
  pipelineStackNames,
  pipelineStacksRoleNameParts,
  pipelineRolePath,
  pipelineStackRoleNameParts,
  serviceDeployRoleArn,
  standardName,
} from '../core/naming';
import { COST_CENTER, ENVIRONMENT_NAME, ENVIRONMENT_SUFFIX, MAX_LENGTH, PATTERNS, PROJECT_NAME, SERVICE_NAME } from '../core/parameters';
import { ParameterHandle, ResourceHandle, ResourceOptions, StringParameter, Template, TemplateBuilder } from '../core/template';
import { role, serviceTrust } from '../blocks/role';
import { TOOLS_ENVIRONMENT_NAME } from '../blocks/standard-parameters';
import { bucketPolicy, privateBucket } from '../blocks/bucket';
import { buildSpec, withRetries } from '../blocks/buildspec';
import { CpuArchitecture, ResolvedConfig } from '../config/types';
import type { ParameterFile } from '../core/parameter-file';
import { environmentParameterIds } from '../contracts/pipeline';

/** Logical IDs: a public contract (renaming one replaces the live resource). */
export const PIPELINE_IDS = {
  projectName: 'ProjectName',
  serviceName: 'ServiceName',
  environmentName: 'EnvironmentName',
  environmentSuffix: 'EnvironmentSuffix',
  costCenter: 'CostCenter',
  sourceProvider: 'SourceProvider',
  connectionArn: 'ConnectionArn',
  sourceRepository: 'SourceRepository',
  sourceBranch: 'SourceBranch',
  sourceFilePaths: 'SourceFilePaths',
  templatesRepository: 'TemplatesRepository',
  templatesBranch: 'TemplatesBranch',
  approvalEmail: 'ApprovalEmail',
  buildImageRepository: 'BuildImageRepository',
  buildImageReference: 'BuildImageReference',
  unitTestCommand: 'UnitTestCommand',
  scanCriticalThreshold: 'ScanCriticalThreshold',
  scanAllowUnsupportedImage: 'ScanAllowUnsupportedImage',
  scanTimeoutMinutes: 'ScanTimeoutMinutes',
  imagePlatforms: 'ImagePlatforms',
  rotationFunctionArn: 'RotationFunctionArn',

  artifactKey: 'ArtifactKey',
  artifactBucket: 'ArtifactBucket',
  artifactBucketPolicy: 'ArtifactBucketPolicy',
  cacheBucket: 'CacheBucket',
  cacheBucketPolicy: 'CacheBucketPolicy',
  repository: 'Repository',
  registrySecret: 'RegistrySecret',
  registrySecretRotation: 'RegistrySecretRotation',
  buildLogGroup: 'BuildLogGroup',
  unitTestReports: 'UnitTestReports',
  scanReports: 'ScanReports',
  buildRole: 'CodeBuildBuildRole',
  testRole: 'CodeBuildTestRole',
  deployRole: 'CodeBuildDeployRole',
  deployProject: 'DeployProject',
  buildProject: 'BuildProject',
  unitTestProject: 'UnitTestProject',
  checkProject: 'CheckProject',
  scanProject: 'ScanProject',
  approvalTopic: 'ApprovalTopic',
  pipelineRole: 'PipelineRole',
  pipeline: 'Pipeline',
  sourceEventRole: 'SourceEventRole',
  sourceEventRule: 'SourceEventRule',
} as const;

const ID = PIPELINE_IDS;

/** Names inside the pipeline; the tests and the README refer to them. */
export const STAGES = { source: 'Source', build: 'Build', test: 'Test' } as const;
export const approvalStageName = (environment: string) => `Approve-${environment}`;
/** The check before each environment's deploy: its stage is also its variable namespace. */
export const checkStageName = (environment: string) => `Check-${environment}`;
/** The approval of a change that widens permissions, in environments without an Approve stage. */
export const confirmStageName = (environment: string) => `Confirm-${environment}`;
/** The Deploy stage's action: the updates the check decided, with rollback triggers (generator/blocks/pipeline-deploy-step.ts). */
export const DEPLOY_ACTION = 'Deploy';
/** The check's output artifact: the updates it decided, deploy.json and prepare.json with their configurations. */
export const planArtifact = (environment: string) => `Plan-${environment}`;
export const PLAN_SCRIPT = 'scripts/plan-deploy.js';
/** What the check exports (scripts/plan-deploy.js). */
export const PLAN_VARIABLES = ['STEPS', 'WIDENED', 'SUMMARY'] as const;
export const ARTIFACTS = { source: 'SourceOutput', templates: 'TemplatesOutput', build: 'BuildOutput' } as const;
export const SOURCE_NAMESPACE = 'SourceVariables';

/**
 * The build renders the service template of every environment with the new image
 * written into it (scripts/render-service-template.js, from the templates source) and
 * hands the deploy actions these files of its output artifact.
 */
export const RENDER_SCRIPT = 'scripts/render-service-template.js';
export const RENDERED_DIR = 'rendered';
export const renderedTemplatePath = (environment: string) => `${RENDERED_DIR}/${environment}.json`;
export const renderedConfigurationPath = (environment: string) => `${RENDERED_DIR}/${environment}.config.json`;
/** The file the build writes into its output artifact: the pushed image, for the scan. */
export const IMAGE_FILE = 'image.json';
export const IMAGE_FILE_KEY = 'ImageUri';
/** Capabilities of the service stack: it creates IAM roles and uses the blue/green transform. */
export const SERVICE_STACK_CAPABILITIES = 'CAPABILITY_IAM,CAPABILITY_AUTO_EXPAND';

/** The CodeBuild projects, by the name part the naming module puts into their names. */
export const CODEBUILD_PROJECTS = { build: 'build', unitTests: 'unit-tests', scan: 'image-scan', check: 'deploy-check', deploy: 'deploy' } as const;

/** The docker platform of each task CPU architecture, and both as one image index. */
export const ARCHITECTURE_PLATFORMS: Readonly<Record<CpuArchitecture, string>> = { X86_64: 'linux/amd64', ARM64: 'linux/arm64' };
export const IMAGE_PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/amd64,linux/arm64'] as const;

/** What the build builds for a service: both platforms, or the one its tasks run on. */
export function imagePlatforms(service: { readonly cpuArchitecture: CpuArchitecture; readonly multiArchitectureImage: boolean }): string {
  return service.multiArchitectureImage ? IMAGE_PLATFORMS[2] : ARCHITECTURE_PLATFORMS[service.cpuArchitecture];
}

/** Registers QEMU emulators in the build host's kernel, for platforms other than its own. */
const EMULATION_IMAGE = 'tonistiigi/binfmt';

const CODEBUILD_COMPUTE_TYPE = 'BUILD_GENERAL1_SMALL';
const LOG_RETENTION_DAYS = 30;
const CACHE_EXPIRY_DAYS = 7;
const NONCURRENT_EXPIRY_DAYS = 90;
const REPORT_DIRECTORY = 'reports';

interface Environment {
  readonly name: string;
  readonly requiresApproval: boolean;
  /** The rollback monitoring window of the deploy (environments[].rollbackMonitoringMinutes). */
  readonly monitoringMinutes: number;
  readonly account: ParameterHandle<string>;
  readonly suffix: ParameterHandle<string>;
}

interface Scope {
  readonly project: ParameterHandle<string>;
  readonly service: ParameterHandle<string>;
  readonly suffix: ParameterHandle<string>;
}

const v = (p: { logicalId: string }) => `\${${p.logicalId}}`;

/** `${Resource.Attribute}` as a one-line Fn::Sub (a GetAtt takes six lines in the template). */
function att(r: ResourceHandle, attribute: string): Intrinsic<string> {
  return sub(`\${${r.logicalId}.${attribute}}`);
}

function arn(service: string, resource: string): Intrinsic<string> {
  return sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`);
}

/** The text of a name that the naming module built as Fn::Sub, to use inside a longer Fn::Sub. */
function subText(name: Value<string>): string {
  const text = (name as { 'Fn::Sub'?: unknown })['Fn::Sub'];
  if (typeof text !== 'string') throw new Error(`expected a name as Fn::Sub, got ${JSON.stringify(name)}`);
  return text;
}

function accountRoot(account: ParameterHandle<string>): Intrinsic<string> {
  return sub(`arn:\${AWS::Partition}:iam::${v(account)}:root`);
}

function distinctAccounts(envs: readonly Environment[]): Environment[] {
  return envs.filter((e, i) => envs.findIndex((o) => o.account.logicalId === e.account.logicalId) === i);
}

/** A shared parameter definition with its own description and without the constraint text (the template must stay small). */
function brief(def: StringParameter, description: string): StringParameter {
  const { ConstraintDescription: _omitted, ...rest } = def;
  void _omitted;
  return { ...rest, Description: description };
}

/** The parameters both stacks of a service's pipeline take: names, tags and the member environments. */
function commonParameters(t: TemplateBuilder, config: ResolvedConfig) {
  const project = t.parameter(ID.projectName, brief(PROJECT_NAME, 'Project name'));
  const service = t.parameter(ID.serviceName, brief(SERVICE_NAME, 'Service name'));
  const environmentName = t.parameter(ID.environmentName, brief(ENVIRONMENT_NAME, 'Environment tag'));
  const suffix = t.parameter(ID.environmentSuffix, brief(ENVIRONMENT_SUFFIX, 'Name suffix (member-roles: ToolsEnvironmentSuffix)'));
  const costCenter = t.parameter(ID.costCenter, brief(COST_CENTER, 'CostCenter tag'));
  const environments: Environment[] = config.environments.map((e) => {
    const ids = environmentParameterIds(e.name);
    return {
      name: e.name,
      requiresApproval: e.requiresApproval,
      monitoringMinutes: e.rollbackMonitoringMinutes,
      account: t.parameter(ids.accountId, { Type: 'String', Description: `Account ID of ${e.name}`, AllowedPattern: PATTERNS.accountId }),
      suffix: t.parameter(ids.environmentSuffix, {
        Type: 'String',
        Description: `Name suffix of ${e.name}`,
        AllowedPattern: PATTERNS.environmentSuffix,
        MaxLength: MAX_LENGTH.environmentSuffix,
      }),
    };
  });
  t.standardTags({ Environment: ref(environmentName), Project: ref(project), CostCenter: ref(costCenter) });
  return { project, service, environmentName, suffix, costCenter, environments };
}

type Common = ReturnType<typeof commonParameters>;

function sourceParameters(t: TemplateBuilder) {
  const repository = (description: string) => ({
    Type: 'String' as const,
    Description: description,
    AllowedPattern: '^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)?$',
    MaxLength: 200,
  });
  const branch = { Type: 'String' as const, AllowedPattern: '^[A-Za-z0-9._/-]{1,255}$' };
  return {
    sourceProvider: t.parameter(ID.sourceProvider, {
      Type: 'String',
      Description: 'CodeStar connection (GitHub, Bitbucket, GitLab) or CodeCommit',
      AllowedValues: ['CodeStarSourceConnection', 'CodeCommit'],
      Default: 'CodeStarSourceConnection',
    }),
    connectionArn: t.parameter(ID.connectionArn, {
      Type: 'String',
      Description: 'CodeStar connection; empty with CodeCommit',
      AllowedPattern: '^$|^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:[0-9]{12}:connection/[a-f0-9-]{36}$',
    }),
    sourceRepository: t.parameter(ID.sourceRepository, repository('Application repository (owner/name, or CodeCommit name)')),
    sourceBranch: t.parameter(ID.sourceBranch, { ...branch, Description: 'Branch that starts the pipeline' }),
    sourceFilePaths: t.parameter(ID.sourceFilePaths, {
      Type: 'CommaDelimitedList',
      Description: 'Connection only: pushes must change one of these globs (empty: any)',
      Default: '',
    }),
    templatesRepository: t.parameter(ID.templatesRepository, repository('Repository holding templates/ (same provider)')),
    templatesBranch: t.parameter(ID.templatesBranch, { ...branch, Description: 'Branch of TemplatesRepository' }),
    approvalEmail: t.parameter(ID.approvalEmail, {
      Type: 'String',
      Description: 'Receives approval requests',
      AllowedPattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
      MaxLength: 254,
    }),
  };
}

/** The CodeBuild image, which both stacks' projects run on. */
function imageParameters(t: TemplateBuilder) {
  return {
    buildImageRepository: t.parameter(ID.buildImageRepository, {
      Type: 'String',
      Description: 'ECR repository here of the CodeBuild image (docker, AWS CLI, bash)',
      AllowedPattern: '^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$',
      MaxLength: 200,
    }),
    buildImageReference: t.parameter(ID.buildImageReference, {
      Type: 'String',
      Description: ':tag or @sha256:digest of the build image',
      AllowedPattern: '^(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}|@sha256:[a-f0-9]{64})$',
      Default: ':latest',
    }),
  };
}

function buildParameters(t: TemplateBuilder) {
  return {
    ...imageParameters(t),
    unitTestCommand: t.parameter(ID.unitTestCommand, {
      Type: 'String',
      Description: `Runs the unit tests, JUnit XML into ${REPORT_DIRECTORY}/`,
      AllowedPattern: '^[A-Za-z0-9 ._/=:+-]{1,200}$',
      Default: 'make test',
    }),
    scanCriticalThreshold: t.parameter(ID.scanCriticalThreshold, {
      Type: 'Number',
      Description: 'CRITICAL scan findings tolerated',
      MinValue: 0,
      MaxValue: 1000,
      Default: 0,
    }),
    scanAllowUnsupportedImage: t.parameter(ID.scanAllowUnsupportedImage, {
      Type: 'String',
      Description: 'true: unscannable images pass',
      AllowedValues: ['false', 'true'],
      Default: 'false',
    }),
    scanTimeoutMinutes: t.parameter(ID.scanTimeoutMinutes, {
      Type: 'Number',
      Description: 'Scan wait limit, minutes',
      MinValue: 1,
      MaxValue: 50,
      Default: 20,
    }),
    imagePlatforms: t.parameter(ID.imagePlatforms, {
      Type: 'String',
      Description: 'Image platforms; two make one image index',
      AllowedValues: IMAGE_PLATFORMS,
      Default: IMAGE_PLATFORMS[0],
    }),
    rotationFunctionArn: t.parameter(ID.rotationFunctionArn, {
      Type: 'String',
      Description: 'Rotates the registry secret; empty: none',
      AllowedPattern: '^$|^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}$',
      Default: '',
    }),
  };
}

type Source = ReturnType<typeof sourceParameters>;
type Image = ReturnType<typeof imageParameters>;

function sourceRules(t: TemplateBuilder, p: Source): void {
  t.rule('ConnectionSource', {
    RuleCondition: equals(ref(p.sourceProvider), 'CodeStarSourceConnection'),
    Assertions: [{ Assert: not(equals(ref(p.connectionArn), '')), AssertDescription: 'CodeStarSourceConnection needs ConnectionArn' }],
  });
  t.rule('CodeCommitSource', {
    RuleCondition: equals(ref(p.sourceProvider), 'CodeCommit'),
    Assertions: [{ Assert: equals(ref(p.connectionArn), ''), AssertDescription: 'CodeCommit takes no ConnectionArn' }],
  });
}

/** The last environment (production) never shares an account with another one. */
function accountRules(t: TemplateBuilder, c: Common): void {
  const envs = c.environments;
  if (envs.length < 2) return;
  const last = envs[envs.length - 1];
  t.rule('SeparateProductionAccount', {
    Assertions: envs.slice(0, -1).map((e) => ({
      Assert: not(equals(ref(last.account), ref(e.account))),
      AssertDescription: `${last.name} needs its own account, not ${e.name}'s`,
    })),
  });
}

/** Names both stacks derive the same way: the build stack creates, the pipeline stack refers. */
function sharedNames(c: Common) {
  const s: Scope = { project: c.project, service: c.service, suffix: c.suffix };
  return {
    scope: s,
    artifactBucket: artifactBucketName(c.project, c.service, c.suffix),
    cacheBucket: physicalName('s3-bucket', [c.project, '-', c.service, '-cache-', c.suffix, '-', 'AWS::AccountId']),
    /** The CodeBuild projects' log group. */
    logGroup: physicalName('log-group', ['/', c.project, '/', c.service, '/codebuild-', c.suffix]),
    project: (name: string) => standardName('codebuild-project', name, s),
    /** Export of the artifact key ARN (a key ARN cannot be derived from names). */
    artifactKeyExport: sub(`${v(c.project)}-${v(c.service)}-artifact-key-${v(c.suffix)}`),
    pipeline: standardName('codepipeline', 'pipeline', s),
    /** The change set of every update of the service stacks (scripts/deploy-stack.js). */
    changeSet: sub(`${v(c.project)}-${v(c.service)}-pipeline`),
  };
}

/** The member roles a pipeline uses: its own service's deploy role, and the shared execution role it passes. */
const memberRole = (c: Common, e: Environment, r: 'deploy' | 'execution') =>
  r === 'deploy' ? serviceDeployRoleArn(e.account, c.project, c.service, e.suffix) : memberRoleArn(r, e.account, c.project, e.suffix);

/**
 * A role under the pipeline role path: every role of the pipeline stacks is, so that
 * their CloudFormation role (pipeline-stacks-role.json) manages roles there and nowhere
 * else; the member accounts trust the deploy step's role by its ARN.
 */
function roleUnderPipelinePath(
  t: TemplateBuilder,
  id: string,
  c: Common,
  nameParts: (project: NamePart, service: NamePart, suffix: NamePart) => NamePart[],
  props: Omit<Parameters<typeof role>[2], 'roleName' | 'path'>,
  options: ResourceOptions = {},
): ResourceHandle {
  return role(t, id, { ...props, roleName: physicalName('iam-role', nameParts(c.project, c.service, c.suffix)), path: pipelineRolePath(c.project) }, options);
}

/**
 * What a CodeBuild project uses of the build stack: the artifact key, the artifact and
 * cache buckets, the log group. The build stack refers to its own resources; pipeline.json
 * (the deploy step) to the same ones by the names the naming module derives.
 */
interface BuildResources {
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
function codeBuildStatements(p: Image, r: BuildResources, writesArtifacts: boolean): Statement[] {
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
function codeBuildProjectsOf(s: Scope): Intrinsic<string> {
  return arn('codebuild', `project/${v(s.project)}-*`);
}

const SHELL = { shell: 'bash' };

/**
 * The build builds and pushes in one `docker buildx build --push` (an image index for two
 * platforms cannot go through the local image store). A retry runs it again only while
 * the tag is still missing: tags are immutable, and ECR writes the tag last, so a push
 * that failed after the tag landed is done. BuildKit's cache makes a retry a re-push.
 * Emulation is set up only for a platform other than the build host's.
 *
 * Layer cache: every build runs on a fresh CodeBuild host, so BuildKit's own cache is
 * empty. The build imports the layers of the last build from LAYER_CACHE and exports
 * this build's (mode=max: every stage) to a new directory that replaces it, which the
 * project's S3 cache keeps between builds (build spec `cache.paths`). Exporting a local
 * cache needs the docker-container builder (the docker driver cannot), for one platform
 * too. Docker's cache storage backends (docs.docker.com/build/cache/backends).
 */
function buildBuildSpec(secret: ResourceHandle, environments: readonly string[]) {
  const image = '"$REGISTRY_HOST/$REPOSITORY_NAME:$IMAGE_TAG"';
  const exists = 'aws ecr describe-images --repository-name "$REPOSITORY_NAME" --image-ids "imageTag=$IMAGE_TAG" >/dev/null 2>&1';
  const templates = `"$CODEBUILD_SRC_DIR_${ARTIFACTS.templates}"`;
  const render = [
    `for environment in ${environments.join(' ')}; do`,
    `node ${templates}/${RENDER_SCRIPT} --templates-dir ${templates}/templates --service "$SERVICE_NAME"`,
    `--environment "$environment" --image ${image} --region "$AWS_REGION" --out-dir ${RENDERED_DIR} || exit 1; done`,
  ].join(' ');
  return buildSpec({
    version: 0.2,
    env: {
      ...SHELL,
      variables: { LAYER_CACHE: LAYER_CACHE_DIR },
      'secrets-manager': {
        REGISTRY_USERNAME: `\${${secret.logicalId}}:username`,
        REGISTRY_PASSWORD: `\${${secret.logicalId}}:password`,
      },
    },
    phases: {
      install: {
        commands: [
          'docker info >/dev/null 2>&1 || (nohup dockerd --host=unix:///var/run/docker.sock >/tmp/dockerd.log 2>&1 &)',
          "timeout 60 bash -c 'until docker info >/dev/null 2>&1; do sleep 1; done'",
        ],
      },
      pre_build: {
        commands: [
          withRetries('aws ecr get-login-password | docker login --username AWS --password-stdin "$REGISTRY_HOST"'),
          `if [ -n "$REGISTRY_USERNAME" ]; then ${withRetries(
            'printf %s "$REGISTRY_PASSWORD" | docker login --username "$REGISTRY_USERNAME" --password-stdin',
          )}; fi`,
        ],
      },
      build: {
        commands: [
          `if ${exists}; then PUSH=no; echo "image $IMAGE_TAG exists already (tags are immutable)"; else PUSH=yes; fi`,
          `if [ "$PUSH" = yes ] && [ "$IMAGE_PLATFORMS" != "linux/$(uname -m | sed 's/x86_64/amd64/;s/aarch64/arm64/')" ]; then ${withRetries(
            `docker run --privileged --rm ${EMULATION_IMAGE} --install arm64,amd64`,
          )}; fi`,
          'if [ "$PUSH" = yes ]; then docker buildx create --use --driver docker-container; fi',
          `if [ "$PUSH" = yes ]; then ${withRetries(
            `{ ${exists} || docker buildx build --platform "$IMAGE_PLATFORMS" --provenance=false --pull ${LAYER_CACHE_OPTIONS} --tag ${image} --push .; }`,
          )}; fi`,
          'if [ -d "$LAYER_CACHE-new" ]; then rm -rf "$LAYER_CACHE"; mv "$LAYER_CACHE-new" "$LAYER_CACHE"; fi',
          `printf '{"${IMAGE_FILE_KEY}":"%s"}\\n' ${image} > ${IMAGE_FILE}`,
          render,
        ],
      },
    },
    artifacts: { files: [IMAGE_FILE, `${RENDERED_DIR}/**/*`] },
    cache: { paths: [`${LAYER_CACHE_DIR}/**/*`] },
  });
}

/**
 * The check before each environment's deploy (a CodeBuild action per environment, which
 * sets ENVIRONMENT): scripts/plan-deploy.js from the templates source compares what the
 * build rendered with what the pipeline deployed there last, writes the updates to run
 * and exports STEPS, WIDENED and SUMMARY for the approval and the deploy.
 */
function checkBuildSpec() {
  const script = `"$CODEBUILD_SRC_DIR_${ARTIFACTS.templates}/${PLAN_SCRIPT}"`;
  return buildSpec({
    version: 0.2,
    env: { ...SHELL, 'exported-variables': [...PLAN_VARIABLES] },
    phases: {
      build: {
        // CodeBuild sets CODEBUILD_INITIATOR to codepipeline/<pipeline name> for a pipeline's build.
        commands: [`out=$(node ${script} --pipeline "$(basename "$CODEBUILD_INITIATOR")" --environment "$ENVIRONMENT" --rendered-dir ${RENDERED_DIR} --out-dir .) && eval "$out"`],
      },
    },
    // deploy.json, deploy.config.json, prepare.json, prepare.config.json (and the build's image.json).
    artifacts: { files: ['*.json', 'widening.txt'] },
  });
}

/** Where the build keeps BuildKit's layer cache between builds (through the S3 cache). */
const LAYER_CACHE_DIR = '/root/.buildx-cache';
const LAYER_CACHE_OPTIONS = '--cache-from type=local,src="$LAYER_CACHE" --cache-to type=local,dest="$LAYER_CACHE-new",mode=max';

/**
 * The package managers' download caches the unit tests reuse through the S3 cache: npm,
 * pip, Go's build cache, Yarn and others under ~/.cache, Maven and Gradle.
 */
const PACKAGE_CACHES = ['/root/.npm/**/*', '/root/.cache/**/*', '/root/.m2/**/*', '/root/.gradle/caches/**/*'];

function unitTestBuildSpec(reports: ResourceHandle) {
  return buildSpec({
    version: 0.2,
    env: SHELL,
    phases: {
      build: { commands: [`mkdir -p ${REPORT_DIRECTORY}`, 'bash -c "$UNIT_TEST_COMMAND"'] },
    },
    reports: {
      [`\${${reports.logicalId}.Arn}`]: { files: ['**/*.xml'], 'base-directory': REPORT_DIRECTORY, 'file-format': 'JUNITXML' },
    },
    cache: { paths: PACKAGE_CACHES },
  });
}

/** Manifest types the scan reads: an image (Docker or OCI), or an image index of several. */
const MANIFEST_MEDIA_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
];

/**
 * Prints the images to scan, one `imageId platform` line each: every platform image of an
 * image index (ECR scans images, not indexes; attestations have the platform unknown/unknown),
 * or the tag itself for a single image.
 */
const LIST_IMAGES = [
  'const m = JSON.parse(require("fs").readFileSync("manifest.json", "utf8"));',
  'const l = (m.manifests || []).filter((x) => x.platform && x.platform.os !== "unknown")',
  '.map((x) => "imageDigest=" + x.digest + " " + x.platform.os + "/" + x.platform.architecture);',
  'console.log(l.join("\\n") || "imageTag=" + process.env.IMAGE_TAG);',
].join(' ');

/**
 * (The lines of this build spec avoid ": ", so that they stay plain YAML scalars: quoted
 * ones escape every double quote, and the template must stay small.)
 *
 * The scan polls ECR's scan of each pushed image (both of an image index) until it ends,
 * (PENDING, IN_PROGRESS, or not started yet), never longer than TIMEOUT_MINUTES in all,
 * and decides on the state it ends in (ImageScanStatus, ECR API reference):
 * - COMPLETE (basic scanning): the findings (`findings`);
 * - ACTIVE (enhanced scanning, Amazon Inspector: continuous, so never COMPLETE): the
 *   findings (`enhancedFindings`, named by vulnerability ID);
 * - FAILED with UnsupportedImageError (basic) or UNSUPPORTED_IMAGE (enhanced): the OS of
 *   the image is one ECR cannot scan (scratch, distroless); the step fails and says so,
 *   unless ALLOW_UNSUPPORTED (the service's scanAllowUnsupportedImage) is true;
 * - any other state (FINDINGS_UNAVAILABLE, LIMIT_EXCEEDED, ...) fails with ECR's description.
 * Every finding becomes a JUnit test case (CRITICAL ones failed, named with their platform
 * for an index), and the step fails when the CRITICAL findings of all images exceed the
 * threshold.
 */
function scanBuildSpec(reports: ResourceHandle) {
  const repository = '--repository-name "$REPOSITORY_NAME"';
  const image = `${repository} --image-id "$id"`;
  const clean = 'gsub(/[^A-Za-z0-9._-]/, "_", $1); gsub(/[^A-Za-z0-9._-]/, "_", $2); gsub(/[^a-z0-9\\/]/, "_", $3)';
  const toJUnit = [
    `awk -F '\\t' 'BEGIN { print "<testsuite name=\\"image-scan\\">" }`,
    `{ ${clean}; if ($3 != "") $2 = $2 " (" $3 ")"; failure = ""; if ($1 == "CRITICAL") failure = "<failure message=\\"CRITICAL finding\\"/>";`,
    'printf "<testcase classname=\\"%s\\" name=\\"%s\\">%s</testcase>\\n", $1, $2, failure }',
    `END { print "</testsuite>" }' findings.tsv > ${REPORT_DIRECTORY}/image-scan.xml`,
  ].join(' ');
  const unsupported =
    'ECR cannot scan this image (unsupported OS, as in scratch or distroless images).' +
    ' To pass it unscanned, set scanAllowUnsupportedImage to true for this service.';
  const scanEach = [
    'CRITICAL=0; while read -r id platform <&3; do',
    // Poll: a scan not started yet (ScanNotFoundException) counts as pending.
    `while true; do s=$(aws ecr describe-image-scan-findings ${image} --no-paginate --query '[imageScanStatus.status,imageScanStatus.description]' --output text 2>&1) || s="PENDING $s";`,
    'read -r state _ <<< "$s"; case "$state" in PENDING|IN_PROGRESS) ;; *) break ;; esac;',
    'if [ "$SECONDS" -ge "$deadline" ]; then echo "no scan result for $id $platform after $TIMEOUT_MINUTES minutes (last state $s)"; exit 1; fi;',
    'echo "$id $platform $state, waiting"; sleep 15; done;',
    `if [ "$state" = UNSUPPORTED_IMAGE ] || { [ "$state" = FAILED ] && [[ "$s" == *UnsupportedImageError* ]]; }; then echo "$id $platform was not scanned - $s";`,
    `if [ "$ALLOW_UNSUPPORTED" = true ]; then echo "passing it unscanned, as scanAllowUnsupportedImage allows"; continue; fi; echo "${unsupported}"; exit 1; fi;`,
    'if [ "$state" != COMPLETE ] && [ "$state" != ACTIVE ]; then echo "the scan of $id $platform ended in $s"; exit 1; fi;',
    `q='imageScanFindings.findings[].[severity,name]'; if [ "$state" = ACTIVE ]; then echo "enhanced scanning (Amazon Inspector)"; q='imageScanFindings.enhancedFindings[].[severity,packageVulnerabilityDetails.vulnerabilityId || title]'; fi;`,
    `aws ecr describe-image-scan-findings ${image} --query "$q" --output text > findings.txt || exit 1;`,
    `grep -v '^None$' findings.txt | sed "s|$|\\t$platform|" >> findings.tsv;`,
    `n=$(grep -c '^CRITICAL' findings.txt); if [ "$n" -gt 0 ]; then echo "$id $platform has $n CRITICAL"; CRITICAL=$((CRITICAL + n)); fi; done 3< images.txt`,
  ].join(' ');
  return buildSpec({
    version: 0.2,
    env: SHELL,
    phases: {
      build: {
        commands: [
          `mkdir -p ${REPORT_DIRECTORY}; printf '' > findings.tsv; deadline=$((SECONDS + TIMEOUT_MINUTES * 60))`,
          `aws ecr batch-get-image ${repository} --image-ids "imageTag=$IMAGE_TAG" --accepted-media-types ${MANIFEST_MEDIA_TYPES.join(' ')} --query 'images[0].imageManifest' --output text > manifest.json`,
          `node -e '${LIST_IMAGES}' > images.txt`,
          scanEach,
          toJUnit,
          'echo "CRITICAL findings $CRITICAL, tolerated $CRITICAL_THRESHOLD"',
          'if [ "$CRITICAL" -gt "$CRITICAL_THRESHOLD" ]; then echo "the image has more CRITICAL findings than tolerated"; exit 1; fi',
        ],
      },
    },
    reports: {
      [`\${${reports.logicalId}.Arn}`]: { files: ['image-scan.xml'], 'base-directory': REPORT_DIRECTORY, 'file-format': 'JUNITXML' },
    },
  });
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

function codeBuildProject(t: TemplateBuilder, id: string, s: Scope, p: Image, r: BuildResources, props: ProjectProps): ResourceHandle {
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

function action(
  name: string,
  category: 'Source' | 'Build' | 'Test' | 'Approval' | 'Deploy',
  provider: string,
  configuration: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const { RunOrder: runOrder = 1, ...rest } = extra as { RunOrder?: number };
  return {
    Name: name,
    ActionTypeId: { Category: category, Owner: 'AWS', Provider: provider, Version: '1' },
    Configuration: configuration,
    // RunOrder defaults to 1 (CodePipeline ActionDeclaration).
    ...(runOrder === 1 ? {} : { RunOrder: runOrder }),
    ...rest,
  };
}

/**
 * A stage entry condition that skips the stage unless a pipeline variable has a value
 * (CodePipeline V2 stage conditions, VariableCheck rule: a condition whose rules fail
 * engages its result).
 */
function skipUnless(variable: string, value: string): Record<string, unknown> {
  const rule = { Name: 'Go', RuleTypeId: { Category: 'Rule', Owner: 'AWS', Provider: 'VariableCheck', Version: '1' } };
  return { Conditions: [{ Result: 'SKIP', Rules: [{ ...rule, Configuration: { Variable: variable, Value: value, Operator: 'EQ' } }] }] };
}

/** A source action whose provider and configuration follow the SourceProvider parameter. */
function sourceAction(
  name: string,
  useConnection: ConditionHandle,
  p: Source,
  repository: ParameterHandle<string>,
  branch: ParameterHandle<string>,
  output: string,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  return {
    Name: name,
    ActionTypeId: {
      Category: 'Source',
      Owner: 'AWS',
      Provider: ifCond(useConnection, 'CodeStarSourceConnection', 'CodeCommit'),
      Version: '1',
    },
    Configuration: ifCond(
      useConnection,
      {
        ConnectionArn: ref(p.connectionArn),
        FullRepositoryId: ref(repository),
        BranchName: ref(branch),
        // Only the application source starts the pipeline (through the trigger).
        ...(name === 'App' ? {} : { DetectChanges: 'false' }),
      },
      { RepositoryName: ref(repository), BranchName: ref(branch), PollForSourceChanges: 'false' },
    ),
    OutputArtifacts: [{ Name: output }],
    ...extra,
  };
}

/**
 * pipeline-build.json: the build side of a service's pipeline. The artifact store (bucket
 * and KMS key, readable by the member accounts' deploy roles), the CodeBuild cache, the
 * ECR repository the member accounts pull from, the registry credentials secret and the
 * build, test, scan and check projects with their roles, logs and report groups. Deployed
 * before pipeline.json, which imports the artifact key ARN.
 */
export function buildPipelineBuildTemplate(config: ResolvedConfig): Template {
  const t = new TemplateBuilder(
    "Build side of one service's pipeline (tools account): artifact bucket and key, cache, ECR repository, registry secret, CodeBuild projects (build, unit tests, image scan, deploy check). Deploy before pipeline.json.",
  );
  const c = commonParameters(t, config);
  const p = buildParameters(t);
  accountRules(t, c);
  const names = sharedNames(c);
  const s = names.scope;
  const envs = c.environments;
  const memberAccounts = distinctAccounts(envs);
  const rotate = t.condition('RotateRegistrySecret', not(equals(ref(p.rotationFunctionArn), '')));

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

  // --- Image repository and registry credentials.
  const repository = t.resource(ID.repository, 'AWS::ECR::Repository', {
    RepositoryName: standardName('ecr-repository', 'images', s),
    ImageTagMutability: 'IMMUTABLE',
    ImageScanningConfiguration: { ScanOnPush: true },
    EmptyOnDelete: true,
    LifecyclePolicy: {
      LifecyclePolicyText: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: 'untagged images (failed pushes) after 1 day',
            selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 },
            action: { type: 'expire' },
          },
          {
            rulePriority: 2,
            description: 'keep the newest 200 images',
            selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 200 },
            action: { type: 'expire' },
          },
        ],
      }),
    },
    // ECS in the member accounts pulls with the task execution roles, which live under the
    // project's workload role path. A repository policy statement names no Resource.
    RepositoryPolicyText: {
      Version: '2012-10-17',
      Statement: [
        trust('MemberAccountsPull', { AWS: memberAccounts.map((e) => accountRoot(e.account)) }, {
          actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          condition: {
            ArnLike: {
              'aws:PrincipalArn': memberAccounts.map((e) => sub(`arn:\${AWS::Partition}:iam::${v(e.account)}:role/${v(c.project)}-workload/*`)),
            },
          },
        }),
      ],
    },
  });

  const secret = t.resource(ID.registrySecret, 'AWS::SecretsManager::Secret', {
    Name: standardName('secret', 'registry-credentials', s),
    Description: 'Docker Hub credentials for base image pulls; the build skips the login while username is empty',
    GenerateSecretString: {
      SecretStringTemplate: '{"username":""}',
      GenerateStringKey: 'password',
      PasswordLength: 32,
      ExcludePunctuation: true,
    },
  });
  t.resource(
    ID.registrySecretRotation,
    'AWS::SecretsManager::RotationSchedule',
    { SecretId: secret.ref(), RotationLambdaARN: ref(p.rotationFunctionArn), RotationRules: { ScheduleExpression: 'rate(30 days)' } },
    { condition: rotate },
  );

  // --- CodeBuild: one log group (the deploy step in pipeline.json logs there too), two report groups, two roles, four projects.
  const logs = t.resource(ID.buildLogGroup, 'AWS::Logs::LogGroup', {
    LogGroupName: names.logGroup,
    RetentionInDays: LOG_RETENTION_DAYS,
  });
  const reportGroup = (id: string, name: string) =>
    t.resource(id, 'AWS::CodeBuild::ReportGroup', {
      Name: standardName('codebuild-report-group', name, s),
      Type: 'TEST',
      ExportConfig: { ExportConfigType: 'NO_EXPORT' },
      DeleteReports: true,
    });
  const unitTestReports = reportGroup(ID.unitTestReports, 'unit-tests');
  const scanReports = reportGroup(ID.scanReports, 'image-scan');

  const buildResources: BuildResources = {
    key: att(key, 'Arn'),
    artifacts: `\${${artifacts.logicalId}.Arn}`,
    cache: `\${${cache.logicalId}.Arn}`,
    logs: `\${${logs.logicalId}.Arn}`,
    cacheName: `\${${cache.logicalId}}`,
    logGroup: logs.ref(),
  };
  // Two roles: the build pushes images and reads the registry credentials; the unit tests
  // (which run the application's code with the role's credentials) and the scan may only
  // read scan results and write reports.
  const codeBuildProjects = codeBuildProjectsOf(s);
  const buildRole = roleUnderPipelinePath(t, ID.buildRole, c, (...n) => pipelineStackRoleNameParts(...n, 'builder'), {
    description: 'CodeBuild: builds and pushes the image, renders the service templates',
    assumedBy: { Service: 'codebuild.amazonaws.com' },
    // CodeBuild sets the build project's ARN (CodeBuild User Guide, "Cross-service confused deputy prevention").
    trustCondition: serviceTrust(codeBuildProjects),
    policyName: 'codebuild-build',
    statements: [
      ...codeBuildStatements(p, buildResources, true),
      // The deploy check reads what the pipeline deployed last (scripts/plan-deploy.js).
      allow('ReadDeployHistory', ['codepipeline:ListActionExecutions'], [arn('codepipeline', subText(names.pipeline))]),
      allow(
        'PushImage',
        [
          'ecr:BatchCheckLayerAvailability',
          // BuildKit asks for each manifest before it pushes it.
          'ecr:BatchGetImage',
          'ecr:CompleteLayerUpload',
          'ecr:DescribeImages',
          'ecr:InitiateLayerUpload',
          'ecr:PutImage',
          'ecr:UploadLayerPart',
        ],
        [att(repository, 'Arn')],
      ),
      allow('RegistryCredentials', ['secretsmanager:GetSecretValue'], [secret.ref()]),
    ],
  });
  const testRole = roleUnderPipelinePath(t, ID.testRole, c, (...n) => pipelineStackRoleNameParts(...n, 'tester'), {
    description: 'CodeBuild: unit tests and image scan',
    assumedBy: { Service: 'codebuild.amazonaws.com' },
    trustCondition: serviceTrust(codeBuildProjects),
    policyName: 'codebuild-test',
    statements: [
      ...codeBuildStatements(p, buildResources, false),
      // BatchGetImage: the manifest of the tag, to scan each image of an image index.
      allow('ReadScanFindings', ['ecr:BatchGetImage', 'ecr:DescribeImageScanFindings', 'ecr:DescribeImages'], [att(repository, 'Arn')]),
      allow(
        'WriteReports',
        ['codebuild:BatchPutTestCases', 'codebuild:CreateReport', 'codebuild:UpdateReport'],
        [att(unitTestReports, 'Arn'), att(scanReports, 'Arn')],
      ),
    ],
  });

  const repositoryName = { Name: 'REPOSITORY_NAME', Value: repository.ref() };
  codeBuildProject(t, ID.buildProject, s, p, buildResources, {
    name: CODEBUILD_PROJECTS.build,
    role: buildRole,
    buildSpec: buildBuildSpec(
      secret,
      envs.map((e) => e.name),
    ),
    privileged: true,
    cached: true,
    variables: [
      repositoryName,
      { Name: 'REGISTRY_HOST', Value: sub('${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}') },
      { Name: 'SERVICE_NAME', Value: ref(c.service) },
      { Name: 'IMAGE_PLATFORMS', Value: ref(p.imagePlatforms) },
    ],
  });
  codeBuildProject(t, ID.checkProject, s, p, buildResources, {
    name: CODEBUILD_PROJECTS.check,
    role: buildRole,
    buildSpec: checkBuildSpec(),
    variables: [],
  });
  codeBuildProject(t, ID.unitTestProject, s, p, buildResources, {
    name: CODEBUILD_PROJECTS.unitTests,
    role: testRole,
    buildSpec: unitTestBuildSpec(unitTestReports),
    cached: true,
    variables: [{ Name: 'UNIT_TEST_COMMAND', Value: ref(p.unitTestCommand) }],
  });
  codeBuildProject(t, ID.scanProject, s, p, buildResources, {
    name: CODEBUILD_PROJECTS.scan,
    role: testRole,
    buildSpec: scanBuildSpec(scanReports),
    variables: [
      repositoryName,
      { Name: 'CRITICAL_THRESHOLD', Value: sub(v(p.scanCriticalThreshold)) },
      { Name: 'ALLOW_UNSUPPORTED', Value: ref(p.scanAllowUnsupportedImage) },
      { Name: 'TIMEOUT_MINUTES', Value: sub(v(p.scanTimeoutMinutes)) },
    ],
  });

  t.output('ArtifactKeyArn', { description: 'KMS key of the pipeline artifacts', value: att(key, 'Arn'), exportName: names.artifactKeyExport });
  t.output('ArtifactBucketName', { description: 'Artifact bucket', value: artifacts.ref() });
  t.output('RepositoryUri', { description: 'ECR repository of the service images', value: att(repository, 'RepositoryUri') });
  t.output('RegistrySecretArn', { description: 'Docker registry credentials', value: secret.ref() });
  return t.build();
}

/**
 * The deploy step (pipeline.json): its CodeBuild project and the role the member deploy
 * roles trust (under the pipeline role path), which assumes them and reads the plan and
 * the templates source. It uses the build stack's key, artifact bucket and log group by
 * their names (the key by import); it caches nothing.
 */
function deployStep(t: TemplateBuilder, c: Common, image: Image, keyArn: Value<string>): ResourceHandle {
  const names = sharedNames(c);
  const s = names.scope;
  const r: BuildResources = {
    key: keyArn,
    artifacts: `arn:\${AWS::Partition}:s3:::${subText(names.artifactBucket)}`,
    logs: `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${subText(names.logGroup)}:*`,
    logGroup: names.logGroup,
  };
  const deployRole = roleUnderPipelinePath(t, ID.deployRole, c, deployStepRoleNameParts, {
    description: 'CodeBuild: deploys the service stacks through the member deploy roles, with rollback triggers',
    assumedBy: { Service: 'codebuild.amazonaws.com' },
    trustCondition: serviceTrust(codeBuildProjectsOf(s)),
    policyName: 'codebuild-deploy',
    statements: [
      ...codeBuildStatements(image, r, false),
      allow('AssumeMemberDeployRoles', ['sts:AssumeRole'], c.environments.map((e) => memberRole(c, e, 'deploy'))),
    ],
  });
  return codeBuildProject(t, ID.deployProject, s, image, r, {
    name: CODEBUILD_PROJECTS.deploy,
    role: deployRole,
    buildSpec: deployStepBuildSpec(ARTIFACTS.templates),
    timeoutMinutes: DEPLOY_TIMEOUT_MINUTES,
    variables: [
      { Name: 'CHANGE_SET_NAME', Value: names.changeSet },
      { Name: 'CAPABILITIES', Value: SERVICE_STACK_CAPABILITIES },
    ],
  });
}

/**
 * pipeline.json: the pipeline of one service, its service role, the deploy step, the
 * approval topic and, for CodeCommit, the EventBridge trigger. Its CodeBuild projects, artifact bucket and
 * key come from pipeline-build.json of the same service (names from the naming module,
 * the key ARN by import).
 */
export function buildPipelineTemplate(config: ResolvedConfig): Template {
  const t = new TemplateBuilder(
    "One service's pipeline (tools account): build, tests, scan, then per environment a check, approval and the deploy step's change sets. Deploy after pipeline-build.json.",
  );
  const c = commonParameters(t, config);
  const p = sourceParameters(t);
  const image = imageParameters(t);
  sourceRules(t, p);
  accountRules(t, c);
  const names = sharedNames(c);
  const s = names.scope;
  const envs = c.environments;

  const useConnection = t.condition('UseConnection', equals(ref(p.sourceProvider), 'CodeStarSourceConnection'));
  const useCodeCommit = t.condition('UseCodeCommit', not(useConnection));
  const filterFilePaths = t.condition('FilterFilePaths', and(useConnection, not(equals(join('', ref(p.sourceFilePaths)), ''))));

  const keyArn = importValue(names.artifactKeyExport);
  const deployProject = deployStep(t, c, image, keyArn);
  const bucketArn = sub(`arn:\${AWS::Partition}:s3:::${subText(names.artifactBucket)}`);
  const projectArn = (name: string) => arn('codebuild', `project/${subText(names.project(name))}`);

  const topic = t.resource(ID.approvalTopic, 'AWS::SNS::Topic', {
    TopicName: standardName('sns-topic', 'approvals', s),
    KmsMasterKeyId: 'alias/aws/sns',
    Subscription: [{ Protocol: 'email', Endpoint: ref(p.approvalEmail) }],
  });

  // The role lives under the project's pipeline role path: the member accounts' deploy
  // roles trust exactly the roles under that path.
  const pipelineName = subText(standardName('codepipeline', 'pipeline', s));
  const pipelineArn = arn('codepipeline', pipelineName);
  const codeCommitArn = (repo: ParameterHandle<string>) => arn('codecommit', v(repo));
  const artifactObjects = sub(`arn:\${AWS::Partition}:s3:::${subText(names.artifactBucket)}/*`);
  const ownStacks = pipelineStackNames(c.project, c.service, c.suffix);
  const self: SelfUpdateNames = {
    service: v(c.service),
    buildStack: subText(ownStacks.build),
    pipelineStack: subText(ownStacks.pipeline),
    pipeline: pipelineName,
    stacksRoleArn: `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${subText(physicalName('iam-role', pipelineStacksRoleNameParts(c.project, c.suffix)))}`,
  };
  const pipelineRole = roleUnderPipelinePath(t, ID.pipelineRole, c, pipelineRoleNameParts, {
    description: 'CodePipeline: runs the pipeline',
    assumedBy: { Service: 'codepipeline.amazonaws.com' },
    trustCondition: serviceTrust(),
    policyName: 'pipeline',
    statements: [
      allow(
        'Artifacts',
        ['s3:GetBucketLocation', 's3:GetBucketVersioning', 's3:GetObject', 's3:GetObjectVersion', 's3:PutObject'],
        [bucketArn, artifactObjects],
      ),
      allow('ArtifactKey', ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'], [keyArn]),
      // One statement for either source provider: its resources are the connection or the
      // two CodeCommit repositories, as SourceProvider chooses.
      allow(
        'ReadSource',
        [
          'codecommit:CancelUploadArchive',
          'codecommit:GetBranch',
          'codecommit:GetCommit',
          'codecommit:GetRepository',
          'codecommit:GetUploadArchiveStatus',
          'codecommit:UploadArchive',
          'codeconnections:UseConnection',
          'codestar-connections:UseConnection',
        ],
        [
          ifCond(useConnection, ref(p.connectionArn), codeCommitArn(p.sourceRepository)),
          ifCond(useConnection, ref(p.connectionArn), codeCommitArn(p.templatesRepository)),
        ],
      ),
      allow('RunBuilds', ['codebuild:BatchGetBuilds', 'codebuild:StartBuild'], Object.values(CODEBUILD_PROJECTS).map(projectArn)),
      allow('NotifyApprovers', ['sns:Publish'], [topic.ref()]),
      ...selfUpdateStatements(self, pipelineArn),
    ],
  });

  const commitId = `#{${SOURCE_NAMESPACE}.CommitId}`;
  const imageTagVariable = JSON.stringify([{ name: 'IMAGE_TAG', value: commitId, type: 'PLAINTEXT' }]);
  const codeBuild = (name: string, project: string, input: string, extra: Record<string, unknown> = {}, config: Record<string, unknown> = {}) =>
    action(name, name === 'Image' ? 'Build' : 'Test', 'CodeBuild', { ProjectName: names.project(project), ...config }, {
      InputArtifacts: [{ Name: input }],
      ...extra,
    });
  const stages: Array<Record<string, unknown>> = [
    {
      Name: STAGES.source,
      Actions: [
        sourceAction('App', useConnection, p, p.sourceRepository, p.sourceBranch, ARTIFACTS.source, { Namespace: SOURCE_NAMESPACE }),
        sourceAction('Templates', useConnection, p, p.templatesRepository, p.templatesBranch, ARTIFACTS.templates, {}),
      ],
    },
    {
      Name: STAGES.build,
      Actions: [
        codeBuild(
          'Image',
          CODEBUILD_PROJECTS.build,
          ARTIFACTS.source,
          { InputArtifacts: [{ Name: ARTIFACTS.source }, { Name: ARTIFACTS.templates }], OutputArtifacts: [{ Name: ARTIFACTS.build }] },
          { PrimarySource: ARTIFACTS.source, EnvironmentVariables: imageTagVariable },
        ),
      ],
    },
    {
      Name: STAGES.test,
      Actions: [
        codeBuild('UnitTests', CODEBUILD_PROJECTS.unitTests, ARTIFACTS.source),
        codeBuild('ImageScan', CODEBUILD_PROJECTS.scan, ARTIFACTS.build, {}, { EnvironmentVariables: imageTagVariable }),
      ],
    },
  ];

  const approval = (message: Intrinsic<string>, link: boolean) =>
    action('Approve', 'Approval', 'Manual', {
      NotificationArn: topic.ref(),
      CustomData: message,
      ...(link
        ? {
            ExternalEntityLink: sub(
              `https://\${AWS::Region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${pipelineName}/executions/#{codepipeline.PipelineExecutionId}/timeline`,
            ),
          }
        : {}),
    });
  // The pipeline's update of itself, before anything is built (generator/blocks/pipeline-self-update.ts).
  stages.splice(1, 0, ...selfUpdateStages(self, ARTIFACTS.templates, commitId, (message) => approval(message, true), skipUnless));
  for (const e of envs) {
    const check = checkStageName(e.name);
    const plan = planArtifact(e.name);
    const stackName = physicalName('cloudformation-stack', [c.project, '-', c.service, '-', e.suffix]);
    // The check: what the rendered template changes against the last deploy here, in how
    // many updates, and what it widens (scripts/plan-deploy.js from the templates source).
    const planAction = action(
      'Plan',
      'Build',
      'CodeBuild',
      {
        ProjectName: names.project(CODEBUILD_PROJECTS.check),
        PrimarySource: ARTIFACTS.build,
        EnvironmentVariables: JSON.stringify([{ name: 'ENVIRONMENT', value: e.name }]),
      },
      { InputArtifacts: [{ Name: ARTIFACTS.build }, { Name: ARTIFACTS.templates }], OutputArtifacts: [{ Name: plan }], Namespace: check },
    );
    const summary = `#{${check}.SUMMARY}`;
    if (e.requiresApproval) {
      // The environment's approval, after the check, says what the change widens.
      stages.push({
        Name: approvalStageName(e.name),
        Actions: [planAction, { ...approval(sub(`Deploy ${v(c.service)} ${commitId} to ${e.name}? The change ${summary}. Mind tests, scan, earlier stages.`), true), RunOrder: 2 }],
      });
    } else {
      // No approval here unless the change widens permissions: the check needs a stage of
      // its own, whose variables the next stage's entry condition reads.
      stages.push({ Name: check, Actions: [planAction] });
      stages.push({
        Name: confirmStageName(e.name),
        BeforeEntry: skipUnless(`#{${check}.WIDENED}`, 'yes'),
        // The summary says what widened; widening.txt in the check's output lists all of it.
        Actions: [approval(sub(`Deploy ${v(c.service)} ${commitId} to ${e.name}? The change ${summary}.`), false)],
      });
    }
    // The updates the check decided (STEPS: prepare.json then deploy.json, or deploy.json),
    // each a change set with the service stack's alarms as rollback triggers.
    stages.push({
      Name: deployStageName(e.name),
      Actions: [
        action(
          DEPLOY_ACTION,
          'Build',
          'CodeBuild',
          {
            ProjectName: names.project(CODEBUILD_PROJECTS.deploy),
            PrimarySource: plan,
            EnvironmentVariables: deployStepVariables({
              STACK_NAME: subText(stackName),
              DEPLOY_ROLE_ARN: subText(memberRole(c, e, 'deploy')),
              EXECUTION_ROLE_ARN: subText(memberRole(c, e, 'execution')),
              STEPS: `#{${check}.STEPS}`,
              MONITORING_MINUTES: String(e.monitoringMinutes),
            }),
          },
          { InputArtifacts: [{ Name: plan }, { Name: ARTIFACTS.templates }] },
        ),
      ],
    });
  }

  t.resource(ID.pipeline, 'AWS::CodePipeline::Pipeline', {
    Name: sub(pipelineName),
    RoleArn: att(pipelineRole, 'Arn'),
    PipelineType: 'V2',
    // The self-update restarts the execution itself, once (scripts/self-update.js).
    RestartExecutionOnUpdate: false,
    ArtifactStore: { Type: 'S3', Location: names.artifactBucket, EncryptionKey: { Type: 'KMS', Id: keyArn } },
    Triggers: ifCond(
      useConnection,
      [
        {
          ProviderType: 'CodeStarSourceConnection',
          GitConfiguration: {
            SourceActionName: 'App',
            Push: [
              {
                Branches: { Includes: [ref(p.sourceBranch)] },
                FilePaths: ifCond(filterFilePaths, { Includes: ref(p.sourceFilePaths) }, AWS.noValue),
              },
            ],
          },
        },
      ],
      AWS.noValue,
    ),
    Stages: stages,
    Variables: selfUpdateVariables(),
    // The deploy step's project is in this stack and named in the Deploy stages: it exists first.
  }, { dependsOn: [deployProject] });

  // --- CodeCommit: pushes to the branch start the pipeline through EventBridge.
  const eventRole = roleUnderPipelinePath(
    t,
    ID.sourceEventRole,
    c,
    (...n) => pipelineStackRoleNameParts(...n, 'events'),
    {
      description: 'EventBridge: starts the pipeline on a push to the CodeCommit branch',
      assumedBy: { Service: 'events.amazonaws.com' },
      // EventBridge sets the rule's account and ARN (EventBridge User Guide, "Using IAM policy conditions").
      trustCondition: serviceTrust(sub(`arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/\${${s.project.logicalId}}-*`)),
      policyName: 'start-pipeline',
      statements: [allow('StartPipeline', ['codepipeline:StartPipelineExecution'], [pipelineArn])],
    },
    { condition: useCodeCommit },
  );
  t.resource(
    ID.sourceEventRule,
    'AWS::Events::Rule',
    {
      Name: standardName('events-rule', 'source', s),
      State: 'ENABLED',
      EventPattern: {
        source: ['aws.codecommit'],
        'detail-type': ['CodeCommit Repository State Change'],
        resources: [codeCommitArn(p.sourceRepository)],
        detail: {
          event: ['referenceCreated', 'referenceUpdated'],
          referenceType: ['branch'],
          referenceName: [ref(p.sourceBranch)],
        },
      },
      Targets: [{ Id: 'pipeline', Arn: pipelineArn, RoleArn: att(eventRole, 'Arn') }],
    },
    { condition: useCodeCommit },
  );

  t.output('PipelineArn', { description: 'ARN of the pipeline', value: pipelineArn });
  t.output('PipelineRoleArn', { description: 'Pipeline role (member deploy roles trust it)', value: att(pipelineRole, 'Arn') });
  t.output('ArtifactBucketName', { description: 'Artifact bucket', value: names.artifactBucket });
  t.output('RepositoryUri', {
    description: 'ECR repository of the service images',
    value: sub(`\${AWS::AccountId}.dkr.ecr.\${AWS::Region}.\${AWS::URLSuffix}/${subText(standardName('ecr-repository', 'images', s))}`),
  });
  return t.build();
}

/** Both stacks of a service's pipeline, in deploy order: what pipeline-stacks-role.json's permissions are built from. */
export function pipelineStackTemplates(config: ResolvedConfig): Template[] {
  return [buildPipelineBuildTemplate(config), buildPipelineTemplate(config)];
}

/** Splits a config build image URI into the repository name and the tag or digest reference. */
export function buildImageParameters(config: ResolvedConfig): { repository: string; reference: string } {
  const image = config.build.buildImage;
  if (image === undefined) return { repository: `${config.project.name}-build-image`, reference: ':latest' };
  const m = /^([0-9]{12})\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\/([a-z0-9._/-]+?)((?::[A-Za-z0-9._-]+)|(?:@sha256:[a-f0-9]{64}))$/.exec(image);
  if (!m) throw new Error(`build.buildImage: ${JSON.stringify(image)} is not an ECR image URI with a tag or digest`);
  if (m[1] !== config.tools.accountId) {
    throw new Error(`build.buildImage: ${JSON.stringify(image)} must be in the tools account ${config.tools.accountId}`);
  }
  return { repository: m[2], reference: m[3] };
}

const TOOLS_ENVIRONMENT = TOOLS_ENVIRONMENT_NAME;

function commonValues(config: ResolvedConfig, service: string): Record<string, string> {
  return {
    [ID.projectName]: config.project.name,
    [ID.serviceName]: service,
    [ID.environmentName]: TOOLS_ENVIRONMENT,
    [ID.environmentSuffix]: config.tools.environmentSuffix,
    [ID.costCenter]: config.project.costCenter,
    ...Object.fromEntries(
      config.environments.flatMap((e) => {
        const ids = environmentParameterIds(e.name);
        return [
          [ids.accountId, e.accountId],
          [ids.environmentSuffix, e.environmentSuffix],
        ];
      }),
    ),
  };
}

function tags(config: ResolvedConfig) {
  return { Environment: TOOLS_ENVIRONMENT, Project: config.project.name, CostCenter: config.project.costCenter };
}

/** One parameter file per service for pipeline-build.json. */
export function pipelineBuildParameterFiles(config: ResolvedConfig): ParameterFile[] {
  const image = buildImageParameters(config);
  return config.services.map((service) => ({
    path: `parameters/pipeline-build/${service.name}.json`,
    parameters: {
      ...commonValues(config, service.name),
      [ID.buildImageRepository]: image.repository,
      [ID.buildImageReference]: image.reference,
      [ID.scanCriticalThreshold]: String(service.scanCriticalThreshold),
      [ID.scanAllowUnsupportedImage]: String(service.scanAllowUnsupportedImage),
      [ID.scanTimeoutMinutes]: String(service.scanTimeoutMinutes),
      [ID.imagePlatforms]: imagePlatforms(service),
    },
    tags: tags(config),
  }));
}

/** One parameter file per service for pipeline.json. */
export function pipelineParameterFiles(config: ResolvedConfig): ParameterFile[] {
  const { source } = config;
  const image = buildImageParameters(config);
  return config.services.map((service) => ({
    path: `parameters/pipeline/${service.name}.json`,
    parameters: {
      ...commonValues(config, service.name),
      [ID.sourceProvider]: source.provider,
      [ID.connectionArn]: source.connectionArn ?? '',
      [ID.sourceRepository]: source.repository,
      [ID.sourceBranch]: source.branch,
      [ID.sourceFilePaths]: source.filePaths.join(','),
      [ID.templatesRepository]: source.templatesRepository,
      [ID.templatesBranch]: source.templatesBranch,
      [ID.approvalEmail]: config.notifications.approvalEmail,
      [ID.buildImageRepository]: image.repository,
      [ID.buildImageReference]: image.reference,
    },
    tags: tags(config),
  }));
}

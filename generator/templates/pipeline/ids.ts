/** The pipeline's public names: logical IDs, stage, action and artifact names, files and scripts. */
import { CpuArchitecture } from '../../config/types';

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

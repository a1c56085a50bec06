/** The parameter files of the pipeline stacks, one per service each. */
import { TOOLS_ENVIRONMENT_NAME } from '../../blocks/standard-parameters';
import { ResolvedConfig } from '../../config/types';
import { environmentParameterIds } from '../../contracts/pipeline';
import type { ParameterFile } from '../../core/parameter-file';
import { PIPELINE_IDS as ID, imagePlatforms } from './ids';

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

/**
 * The values every pipeline parameter file starts with, for a service: the per-environment
 * pairs are made once per configuration, and each file's members assigned in order.
 */
function commonValues(config: ResolvedConfig): (service: string) => Record<string, string> {
  const environments: [string, string][] = config.environments.flatMap((e) => {
    const ids = environmentParameterIds(e.name);
    return [
      [ids.accountId, e.accountId],
      [ids.environmentSuffix, e.environmentSuffix],
    ];
  });
  return (service) => {
    const values: Record<string, string> = {
      [ID.projectName]: config.project.name,
      [ID.serviceName]: service,
      [ID.environmentName]: TOOLS_ENVIRONMENT,
      [ID.environmentSuffix]: config.tools.environmentSuffix,
      [ID.costCenter]: config.project.costCenter,
    };
    for (const [id, value] of environments) values[id] = value;
    return values;
  };
}

function tags(config: ResolvedConfig) {
  return { Environment: TOOLS_ENVIRONMENT, Project: config.project.name, CostCenter: config.project.costCenter };
}

/** One parameter file per service for pipeline-build.json. */
export function pipelineBuildParameterFiles(config: ResolvedConfig): ParameterFile[] {
  const image = buildImageParameters(config);
  const common = commonValues(config);
  return config.services.map((service) => ({
    path: `parameters/pipeline-build/${service.name}.json`,
    parameters: {
      ...common(service.name),
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
  const common = commonValues(config);
  return config.services.map((service) => ({
    path: `parameters/pipeline/${service.name}.json`,
    parameters: {
      ...common(service.name),
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

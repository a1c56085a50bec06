/**
 * The parameter files of the service templates (CodePipeline template configurations),
 * one per service and environment, in a folder named after the template the environment's
 * deployment strategy uses.
 */
import { ServiceSettings, serviceSettings } from '../app-settings';
import { ACCESS_LOG_IDS } from '../access-logs';
import { autoScalingParameterValues } from '../autoscaling';
import { HARDENING_IDS } from '../container-hardening';
import { HEALTH_CHECK_IDS } from '../container-health-check';
import { HTTPS_IDS } from '../https';
import { standardParameterValues, standardTagValues } from '../standard-parameters';
import { TRACKS_REQUESTS } from '../../config/autoscaling';
import { DeploymentStrategy, ResolvedConfig } from '../../config/types';
import type { ParameterFile } from '../../core/parameter-file';
import { ECS_SERVICE_IDS as ID } from './facts';
import { networkParameterPaths } from './network';

export const ECS_SERVICE_TEMPLATE_FILES: Readonly<Record<DeploymentStrategy, string>> = {
  'blue-green': 'ecs-service.json',
  'ecs-blue-green': 'ecs-service-native.json',
  rolling: 'ecs-service-rolling.json',
};

/**
 * One parameter file per service and environment (CodePipeline template configuration):
 * every environment-specific value, the network's SSM parameter names, and no ImageUri,
 * which the pipeline's deploy action supplies as a parameter override. The file's
 * parameters match the template of the environment's deployment strategy.
 */
export function ecsServiceParameterFiles(config: ResolvedConfig, strategy: DeploymentStrategy): ParameterFile[] {
  const files: ParameterFile[] = [];
  for (const svc of config.services) {
    for (const env of config.environments) {
      const settings = svc.environments[env.name];
      if (settings.deploymentStrategy !== strategy) continue;
      const network = networkParameterPaths(config.project.name, env.environmentSuffix);
      files.push({
        path: ecsServiceParameterFilePath(svc.name, env.name, strategy),
        parameters: {
          ...standardParameterValues(config, env),
          [ID.serviceName]: svc.name,
          [ID.toolsAccountId]: config.tools.accountId,
          [ID.containerPort]: String(svc.containerPort),
          [ID.healthCheckPath]: svc.healthCheckPath,
          [ID.taskCpu]: String(svc.cpu),
          [ID.taskMemory]: String(svc.memoryMiB),
          [ID.cpuArchitecture]: svc.cpuArchitecture,
          [ID.desiredCount]: String(settings.desiredCount),
          ...autoScalingParameterValues(settings.autoScaling, TRACKS_REQUESTS[strategy]),
          ...(settings.certificateArn ? { [HTTPS_IDS.certificateArn]: settings.certificateArn } : {}),
          [HARDENING_IDS.readonlyRootFilesystem]: String(svc.readOnlyRootFilesystem),
          [HARDENING_IDS.dropLinuxCapabilities]: String(svc.dropLinuxCapabilities),
          [HEALTH_CHECK_IDS.command]: svc.containerHealthCheck,
          [ID.vpcId]: network.vpcId,
          [ID.publicSubnetIds]: network.publicSubnetIds,
          [ID.privateSubnetIds]: network.privateSubnetIds,
          [ACCESS_LOG_IDS.bucketNameParameter]: network.accessLogBucket,
          ...(strategy === 'blue-green' ? { [ID.natPublicIps]: network.natPublicIps, [ID.trafficRouting]: settings.trafficRouting } : {}),
        },
        tags: standardTagValues(config, env),
        suppliedAtDeploy: [ID.imageUri],
        ...withSettings(serviceSettings(settings.appSettings, svc.taskRoleStatements)),
      });
    }
  }
  return files;
}

/** The settings section, left out when there is nothing to write in. */
function withSettings(s: ServiceSettings): { settings?: ServiceSettings } {
  return s.Environment.length + s.Secrets.length + s.ExecutionRoleStatements.length + s.TaskRoleStatements.length ? { settings: s } : {};
}

/**
 * Where the parameter file of a service's environment is generated. The folder names the
 * template (parameters/ecs-service/ or parameters/ecs-service-rolling/), so the pipeline's
 * render step (scripts/render-service-template.js) knows which template to deploy.
 */
export function ecsServiceParameterFilePath(service: string, environment: string, strategy: DeploymentStrategy): string {
  return `parameters/${ECS_SERVICE_TEMPLATE_FILES[strategy].replace(/\.json$/, '')}/${service}/${environment}.json`;
}

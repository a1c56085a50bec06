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
  // What an environment gives every service, computed once per environment.
  const perEnv = config.environments.map((env) => ({
    env,
    standard: standardParameterValues(config, env),
    network: networkParameterPaths(config.project.name, env.environmentSuffix),
    tags: standardTagValues(config, env),
  }));
  for (const svc of config.services) {
    for (const { env, standard, network, tags } of perEnv) {
      const settings = svc.environments[env.name];
      if (settings.deploymentStrategy !== strategy) continue;
      // Members assigned one by one, in the file's order: no intermediate objects per file.
      const parameters: Record<string, string> = {};
      for (const key in standard) parameters[key] = standard[key];
      parameters[ID.serviceName] = svc.name;
      parameters[ID.toolsAccountId] = config.tools.accountId;
      parameters[ID.containerPort] = String(svc.containerPort);
      parameters[ID.healthCheckPath] = svc.healthCheckPath;
      parameters[ID.taskCpu] = String(svc.cpu);
      parameters[ID.taskMemory] = String(svc.memoryMiB);
      parameters[ID.cpuArchitecture] = svc.cpuArchitecture;
      parameters[ID.desiredCount] = String(settings.desiredCount);
      if (settings.autoScaling) Object.assign(parameters, autoScalingParameterValues(settings.autoScaling, TRACKS_REQUESTS[strategy]));
      if (settings.certificateArn) parameters[HTTPS_IDS.certificateArn] = settings.certificateArn;
      parameters[HARDENING_IDS.readonlyRootFilesystem] = String(svc.readOnlyRootFilesystem);
      parameters[HARDENING_IDS.dropLinuxCapabilities] = String(svc.dropLinuxCapabilities);
      parameters[HEALTH_CHECK_IDS.command] = svc.containerHealthCheck;
      parameters[ID.vpcId] = network.vpcId;
      parameters[ID.publicSubnetIds] = network.publicSubnetIds;
      parameters[ID.privateSubnetIds] = network.privateSubnetIds;
      parameters[ACCESS_LOG_IDS.bucketNameParameter] = network.accessLogBucket;
      if (strategy === 'blue-green') {
        parameters[ID.natPublicIps] = network.natPublicIps;
        parameters[ID.trafficRouting] = settings.trafficRouting;
      }
      const file: { -readonly [K in keyof ParameterFile]: ParameterFile[K] } = {
        path: ecsServiceParameterFilePath(svc.name, env.name, strategy),
        parameters,
        tags: { ...tags },
        suppliedAtDeploy: SUPPLIED_AT_DEPLOY,
      };
      const s = serviceSettings(settings.appSettings, svc.taskRoleStatements);
      if (hasSettings(s)) file.settings = s;
      files.push(file);
    }
  }
  return files;
}

/** ImageUri, which the pipeline's deploy action supplies as a parameter override. */
const SUPPLIED_AT_DEPLOY: readonly string[] = [ID.imageUri];

/** Whether the settings section has anything to write in (it is left out otherwise). */
function hasSettings(s: ServiceSettings): boolean {
  return s.Environment.length + s.Secrets.length + s.ExecutionRoleStatements.length + s.TaskRoleStatements.length > 0;
}

/**
 * Where the parameter file of a service's environment is generated. The folder names the
 * template (parameters/ecs-service/ or parameters/ecs-service-rolling/), so the pipeline's
 * render step (scripts/render-service-template.js) knows which template to deploy.
 */
export function ecsServiceParameterFilePath(service: string, environment: string, strategy: DeploymentStrategy): string {
  return `parameters/${ECS_SERVICE_TEMPLATE_FILES[strategy].slice(0, -'.json'.length)}/${service}/${environment}.json`;
}

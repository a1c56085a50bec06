/**
 * The project configuration: one JSON file, checked against schemas/config.schema.json
 * (see load.ts), from which every template and parameter file is generated.
 *
 * Optional fields say what happens when they are left out; `resolveConfig` applies every
 * default (declared in defaults.ts) in one place, so builders only ever see `ResolvedConfig`.
 */
import { resolveAutoScaling } from './autoscaling';
import {
  AppSettingsConfig,
  ContainerHealthCheckConfig,
  HealthCheckCommand,
  ResolvedAppSettings,
  TaskRoleStatementConfig,
  resolveAppSettings,
  resolveHealthCheck,
} from './app-settings';
import { ENVIRONMENT_DEFAULTS, SERVICE_DEFAULTS, SERVICE_ENVIRONMENT_DEFAULTS, SOURCE_DEFAULTS, TOOLS_DEFAULTS, NATIVE_DEFAULTS, defaultTrafficRouting } from './defaults';

/**
 * How a service's environment deploys: `blue-green` through the CodeDeploy hook
 * (ecs-service.json), `ecs-blue-green` with ECS's own blue/green, canary or linear
 * traffic shifting (ecs-service-native.json), `rolling` in place (ecs-service-rolling.json).
 */
export type DeploymentStrategy = 'blue-green' | 'ecs-blue-green' | 'rolling';
export type TrafficRouting = 'AllAtOnce' | 'TimeBasedCanary' | 'TimeBasedLinear';
export type SourceProvider = 'CodeStarSourceConnection' | 'CodeCommit';
/** The CPU architecture Fargate runs a service's tasks on (the task definition's RuntimePlatform). */
export type CpuArchitecture = 'X86_64' | 'ARM64';

export interface ProjectConfig {
  readonly project: {
    /** Lower-case, 2 to 12 characters; the first part of every resource name. */
    readonly name: string;
    /** Value of the CostCenter tag. */
    readonly costCenter: string;
  };
  readonly tools: AccountConfig;
  /** The member environments in promotion order, for example dev, staging, prod. */
  readonly environments: readonly EnvironmentConfig[];
  readonly source: SourceConfig;
  readonly notifications: {
    /** Receives the manual-approval requests. */
    readonly approvalEmail: string;
    /** Receives pipeline failures and production deployment alerts. */
    readonly alertEmail: string;
  };
  readonly build?: {
    /**
     * ECR image CodeBuild runs in (repository URI with tag or digest).
     * @default the tools account's `{project}-build-image:latest` repository image
     */
    readonly buildImage?: string;
  };
  readonly services: readonly ServiceConfig[];
}

export interface AccountConfig {
  readonly accountId: string;
  /**
   * Ends every resource name in this account's stacks.
   * @default "tools" for the tools account
   */
  readonly environmentSuffix?: string;
}

export interface EnvironmentConfig {
  /** dev, staging, prod or another lower-case name; the Environment tag. */
  readonly name: string;
  readonly accountId: string;
  /**
   * Ends every resource name in this environment.
   * @default the environment name
   */
  readonly environmentSuffix?: string;
  /**
   * Whether a manual approval precedes the deployment to this environment.
   * @default false for the first environment, true for every later one
   */
  readonly requiresApproval?: boolean;
  /**
   * Minutes CloudFormation keeps watching the service stack's alarms after the pipeline's
   * update of it, rolling the update back if one goes to ALARM (0 to 180).
   * @default 10
   */
  readonly rollbackMonitoringMinutes?: number;
  /** Network of the environment: the CIDR block of its VPC. @default "10.0.0.0/16" */
  readonly vpcCidr?: string;
}

export interface SourceConfig {
  /** @default "CodeStarSourceConnection" */
  readonly provider?: SourceProvider;
  /** ARN of the CodeStar connection (GitHub, Bitbucket, GitLab); required for CodeStarSourceConnection. */
  readonly connectionArn?: string;
  /** "owner/name" for a connection, the CodeCommit repository name otherwise. */
  readonly repository: string;
  /** @default "main" */
  readonly branch?: string;
  /** Glob patterns; a push that changes none of these files does not start the pipeline. @default [] (every push) */
  readonly filePaths?: readonly string[];
  /**
   * Repository and branch that hold templates/ (the service template and its parameter
   * files) for the deploy actions.
   * @default the application repository and branch
   */
  readonly templatesRepository?: string;
  readonly templatesBranch?: string;
}

export interface ServiceEnvironmentConfig extends AppSettingsConfig {
  /** @default "blue-green" */
  readonly deploymentStrategy?: DeploymentStrategy;
  /** @default "AllAtOnce" for the first environment, "TimeBasedCanary" for the others */
  readonly trafficRouting?: TrafficRouting;
  /** @default the service's desiredCount */
  readonly desiredCount?: number;
  /**
   * ACM certificate of the production listener (the environment's account): HTTPS on
   * 443 and a redirect from 80. @default none: HTTP on 80
   */
  readonly certificateArn?: string;
  /**
   * ecs-blue-green only: percent of production traffic in the canary step, or in each
   * linear step; a multiple of 0.1 (canary 0.1 to 100, linear 3 to 100). @default 10
   */
  readonly trafficStepPercent?: number;
  /** ecs-blue-green only: minutes after the canary step or between linear steps. @default 5 */
  readonly trafficStepBakeTimeMinutes?: number;
  /** ecs-blue-green only: minutes both revisions stay up after the full shift. @default 10 */
  readonly bakeTimeMinutes?: number;
  /** Application Auto Scaling of the task count (config/autoscaling.ts). @default none: desiredCount tasks */
  readonly autoScaling?: AutoScalingConfig;
  /**
   * The host name users reach the service by (a DNS record of yours pointing at the load
   * balancer); the canary requests it, over HTTPS with certificateArn. @default none: the
   * canary requests the load balancer's own DNS name
   */
  readonly publicHostname?: string;
}

/** Target tracking of one environment's task count; see config/autoscaling.ts for the limits. */
export interface AutoScalingConfig {
  readonly minCount: number;
  readonly maxCount: number;
  /** Average CPU utilization of the service's tasks to hold, in percent. */
  readonly cpuTargetPercent?: number;
  /** Load balancer requests per task and minute to hold (rolling only). */
  readonly requestsPerTarget?: number;
  /** @default 300 */
  readonly scaleInCooldownSeconds?: number;
  /** @default 60 */
  readonly scaleOutCooldownSeconds?: number;
  /** The policies only add tasks; none are removed. @default false */
  readonly disableScaleIn?: boolean;
}

/** AutoScalingConfig with its defaults applied. */
export interface ResolvedAutoScaling {
  readonly minCount: number;
  readonly maxCount: number;
  readonly cpuTargetPercent: number | undefined;
  readonly requestsPerTarget: number | undefined;
  readonly scaleInCooldownSeconds: number;
  readonly scaleOutCooldownSeconds: number;
  readonly disableScaleIn: boolean;
}

/** ECS-native traffic shifting of one environment (used by ecs-blue-green). */
export interface NativeTrafficSettings {
  readonly trafficStepPercent: number;
  readonly trafficStepBakeTimeMinutes: number;
  readonly bakeTimeMinutes: number;
}

export interface ServiceConfig extends AppSettingsConfig {
  /** Lower-case, at most 16 characters. */
  readonly name: string;
  readonly containerPort: number;
  /** @default "/health" */
  readonly healthCheckPath?: string;
  /** Fargate CPU units. @default 256 */
  readonly cpu?: 256 | 512 | 1024 | 2048 | 4096;
  /** Fargate memory in MiB (must suit the CPU). @default 512 */
  readonly memoryMiB?: number;
  /** @default 2 */
  readonly desiredCount?: number;
  /** CRITICAL findings the image scan tolerates. @default 0 */
  readonly scanCriticalThreshold?: number;
  /**
   * Let an image pass the scan unscanned when ECR cannot scan it (basic scanning ends in
   * UnsupportedImageError for scratch and distroless images; enhanced scanning in
   * UNSUPPORTED_IMAGE). @default false
   */
  readonly scanAllowUnsupportedImage?: boolean;
  /** The longest the scan step waits for ECR's scan results, in minutes (1 to 50). @default 20 */
  readonly scanTimeoutMinutes?: number;
  /**
   * What the Fargate tasks run on; the image is built for this platform (linux/amd64 or
   * linux/arm64) unless multiArchitectureImage builds both. @default "X86_64"
   */
  readonly cpuArchitecture?: CpuArchitecture;
  /**
   * Build one image index for linux/amd64 and linux/arm64 (the scan checks both images),
   * instead of the cpuArchitecture image alone. @default false
   */
  readonly multiArchitectureImage?: boolean;
  /** Run the container with a read-only root file system; `/tmp` stays writable. @default true */
  readonly readOnlyRootFilesystem?: boolean;
  /** Drop every Linux capability of the container. @default true */
  readonly dropLinuxCapabilities?: boolean;
  /** Extra statements of the task role (config/app-settings.ts). @default [] */
  readonly taskRoleStatements?: readonly TaskRoleStatementConfig[];
  /** The container health check. @default curl against containerPort and healthCheckPath */
  readonly containerHealthCheck?: ContainerHealthCheckConfig;
  /** Per-environment settings, keyed by environment name. @default {} */
  readonly environments?: Readonly<Record<string, ServiceEnvironmentConfig>>;
}

/** The configuration with every default applied. */
export interface ResolvedConfig {
  readonly project: { readonly name: string; readonly costCenter: string };
  readonly tools: { readonly accountId: string; readonly environmentSuffix: string };
  readonly environments: ReadonlyArray<{
    readonly name: string;
    readonly accountId: string;
    readonly environmentSuffix: string;
    readonly requiresApproval: boolean;
    readonly rollbackMonitoringMinutes: number;
    readonly vpcCidr: string;
  }>;
  readonly source: {
    readonly provider: SourceProvider;
    readonly connectionArn: string | undefined;
    readonly repository: string;
    readonly branch: string;
    readonly filePaths: readonly string[];
    readonly templatesRepository: string;
    readonly templatesBranch: string;
  };
  readonly notifications: { readonly approvalEmail: string; readonly alertEmail: string };
  readonly build: { readonly buildImage: string | undefined };
  readonly services: ReadonlyArray<{
    readonly name: string;
    readonly containerPort: number;
    readonly healthCheckPath: string;
    readonly cpu: number;
    readonly memoryMiB: number;
    readonly desiredCount: number;
    readonly scanCriticalThreshold: number;
    readonly scanAllowUnsupportedImage: boolean;
    readonly scanTimeoutMinutes: number;
    readonly cpuArchitecture: CpuArchitecture;
    readonly multiArchitectureImage: boolean;
    readonly readOnlyRootFilesystem: boolean;
    readonly dropLinuxCapabilities: boolean;
    readonly taskRoleStatements: readonly TaskRoleStatementConfig[];
    readonly containerHealthCheck: HealthCheckCommand;
    readonly environments: Readonly<
      Record<
        string,
        {
          readonly deploymentStrategy: DeploymentStrategy;
          readonly trafficRouting: TrafficRouting;
          readonly desiredCount: number;
          readonly certificateArn: string | undefined;
          readonly native: NativeTrafficSettings;
          readonly autoScaling: ResolvedAutoScaling | undefined;
          readonly publicHostname: string | undefined;
          readonly appSettings: ResolvedAppSettings;
        }
      >
    >;
  }>;
}

/** The default of environments[].rollbackMonitoringMinutes, as `npm run deploy` watches (scripts/lib/rollback-triggers.js). */
export const ROLLBACK_MONITORING_DEFAULT_MINUTES = ENVIRONMENT_DEFAULTS.rollbackMonitoringMinutes;
export function resolveConfig(c: ProjectConfig): ResolvedConfig {
  const environments = c.environments.map((e, i) => ({
    name: e.name,
    accountId: e.accountId,
    environmentSuffix: e.environmentSuffix ?? e.name,
    requiresApproval: e.requiresApproval ?? ENVIRONMENT_DEFAULTS.requiresApproval(i),
    rollbackMonitoringMinutes: e.rollbackMonitoringMinutes ?? ENVIRONMENT_DEFAULTS.rollbackMonitoringMinutes,
    vpcCidr: e.vpcCidr ?? ENVIRONMENT_DEFAULTS.vpcCidr,
  }));
  const source = c.source;
  return {
    project: { ...c.project },
    tools: { accountId: c.tools.accountId, environmentSuffix: c.tools.environmentSuffix ?? TOOLS_DEFAULTS.environmentSuffix },
    environments,
    source: {
      provider: source.provider ?? SOURCE_DEFAULTS.provider,
      connectionArn: source.connectionArn,
      repository: source.repository,
      branch: source.branch ?? SOURCE_DEFAULTS.branch,
      filePaths: source.filePaths ?? [],
      templatesRepository: source.templatesRepository ?? source.repository,
      templatesBranch: source.templatesBranch ?? source.branch ?? SOURCE_DEFAULTS.branch,
    },
    notifications: { ...c.notifications },
    build: { buildImage: c.build?.buildImage },
    services: c.services.map((s) => {
      const d = SERVICE_DEFAULTS;
      const desiredCount = s.desiredCount ?? d.desiredCount;
      return {
        name: s.name,
        containerPort: s.containerPort,
        healthCheckPath: s.healthCheckPath ?? d.healthCheckPath,
        cpu: s.cpu ?? d.cpu,
        memoryMiB: s.memoryMiB ?? d.memoryMiB,
        desiredCount,
        scanCriticalThreshold: s.scanCriticalThreshold ?? d.scanCriticalThreshold,
        scanAllowUnsupportedImage: s.scanAllowUnsupportedImage ?? d.scanAllowUnsupportedImage,
        scanTimeoutMinutes: s.scanTimeoutMinutes ?? d.scanTimeoutMinutes,
        cpuArchitecture: s.cpuArchitecture ?? d.cpuArchitecture,
        multiArchitectureImage: s.multiArchitectureImage ?? d.multiArchitectureImage,
        readOnlyRootFilesystem: s.readOnlyRootFilesystem ?? d.readOnlyRootFilesystem,
        dropLinuxCapabilities: s.dropLinuxCapabilities ?? d.dropLinuxCapabilities,
        taskRoleStatements: s.taskRoleStatements ?? [],
        containerHealthCheck: resolveHealthCheck(s.containerHealthCheck, s.containerPort, s.healthCheckPath ?? d.healthCheckPath),
        environments: Object.fromEntries(
          environments.map((e, i) => {
            const own = s.environments?.[e.name] ?? {};
            return [
              e.name,
              {
                deploymentStrategy: own.deploymentStrategy ?? SERVICE_ENVIRONMENT_DEFAULTS.deploymentStrategy,
                trafficRouting: own.trafficRouting ?? defaultTrafficRouting(i),
                desiredCount: own.desiredCount ?? desiredCount,
                certificateArn: own.certificateArn,
                native: {
                  trafficStepPercent: own.trafficStepPercent ?? NATIVE_DEFAULTS.trafficStepPercent,
                  trafficStepBakeTimeMinutes: own.trafficStepBakeTimeMinutes ?? NATIVE_DEFAULTS.trafficStepBakeTimeMinutes,
                  bakeTimeMinutes: own.bakeTimeMinutes ?? NATIVE_DEFAULTS.bakeTimeMinutes,
                },
                autoScaling: resolveAutoScaling(own.autoScaling),
                publicHostname: own.publicHostname,
                appSettings: resolveAppSettings(s, e.name),
              },
            ];
          }),
        ),
      };
    }),
  };
}

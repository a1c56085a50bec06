/**
 * The value of every optional configuration field left out, declared once: resolveConfig
 * (types.ts) fills them in, the loader's cross-field checks (load.ts) assume them, the
 * service templates take them as parameter defaults, and test/config.defaults.test.ts
 * holds the schema's descriptions ("Default ...") to them.
 */
import type { DeploymentStrategy, NativeTrafficSettings, ResolvedConfig, TrafficRouting } from './types';

export const TOOLS_DEFAULTS = { environmentSuffix: 'tools' } as const;

export const ENVIRONMENT_DEFAULTS = {
  vpcCidr: '10.0.0.0/16',
  /** Minutes CloudFormation keeps watching the rollback alarms after an update (0 to 180). */
  rollbackMonitoringMinutes: 10,
  /** The first environment deploys without approval, every later one after it. */
  requiresApproval: (index: number): boolean => index > 0,
} as const;

export const SOURCE_DEFAULTS = { provider: 'CodeStarSourceConnection', branch: 'main' } as const;

/** The service fields whose default is a constant (the health check command and task role statements derive from others). */
type ServiceDefaultFields =
  | 'healthCheckPath'
  | 'memoryMiB'
  | 'desiredCount'
  | 'scanCriticalThreshold'
  | 'scanAllowUnsupportedImage'
  | 'scanTimeoutMinutes'
  | 'cpuArchitecture'
  | 'multiArchitectureImage'
  | 'readOnlyRootFilesystem'
  | 'dropLinuxCapabilities';

export const SERVICE_DEFAULTS: Pick<ResolvedConfig['services'][number], ServiceDefaultFields> & { readonly cpu: 256 } = {
  healthCheckPath: '/health',
  cpu: 256,
  memoryMiB: 512,
  desiredCount: 2,
  scanCriticalThreshold: 0,
  scanAllowUnsupportedImage: false,
  scanTimeoutMinutes: 20,
  cpuArchitecture: 'X86_64',
  multiArchitectureImage: false,
  readOnlyRootFilesystem: true,
  dropLinuxCapabilities: true,
};

export const SERVICE_ENVIRONMENT_DEFAULTS: { readonly deploymentStrategy: DeploymentStrategy } = { deploymentStrategy: 'blue-green' };

/** All at once in the first environment, a canary in every later one. */
export function defaultTrafficRouting(environmentIndex: number): TrafficRouting {
  return environmentIndex === 0 ? 'AllAtOnce' : 'TimeBasedCanary';
}

export const NATIVE_DEFAULTS: NativeTrafficSettings = { trafficStepPercent: 10, trafficStepBakeTimeMinutes: 5, bakeTimeMinutes: 10 };

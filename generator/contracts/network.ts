/**
 * What the network stack (templates/network.ts) hands to the service stacks: the SSM
 * parameters it writes and the service templates and parameter files read.
 */
import { NetworkParameterKey, networkParameterPath } from '../core/naming';

/** The SSM parameter names a service stack reads in one environment (see ecs-service.ts). */
export function networkParameterPaths(project: string, suffix: string): Record<NetworkParameterKey, string> {
  return {
    vpcId: networkParameterPath(project, suffix, 'vpcId'),
    publicSubnetIds: networkParameterPath(project, suffix, 'publicSubnetIds'),
    privateSubnetIds: networkParameterPath(project, suffix, 'privateSubnetIds'),
    natPublicIps: networkParameterPath(project, suffix, 'natPublicIps'),
    accessLogBucket: networkParameterPath(project, suffix, 'accessLogBucket'),
  };
}

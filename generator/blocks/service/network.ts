/**
 * What the network stack (templates/network.ts) hands to the service stacks: the SSM
 * parameters it writes, which the service templates declare as parameters and their
 * parameter files name.
 */
import { NetworkParameterKey, networkParameterPath } from '../../core/naming';

/** The SSM parameter names a service stack reads in one environment. */
export function networkParameterPaths(project: string, suffix: string): Record<NetworkParameterKey, string> {
  return {
    vpcId: networkParameterPath(project, suffix, 'vpcId'),
    publicSubnetIds: networkParameterPath(project, suffix, 'publicSubnetIds'),
    privateSubnetIds: networkParameterPath(project, suffix, 'privateSubnetIds'),
    natPublicIps: networkParameterPath(project, suffix, 'natPublicIps'),
    accessLogBucket: networkParameterPath(project, suffix, 'accessLogBucket'),
  };
}

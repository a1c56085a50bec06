/**
 * What the network stack (templates/network.ts) hands to the service stacks: the SSM
 * parameters it writes and the service templates and parameter files read (declared in
 * blocks/service/network.ts, beside the service sections that read them).
 */
export { networkParameterPaths } from '../blocks/service/network';

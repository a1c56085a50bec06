/**
 * The templates whose stacks CloudFormation deploys with the member accounts' execution
 * role. member-roles.ts builds that role's permissions and the workload boundary from what
 * these templates contain; render passes them in, so no template reads a sibling. A new
 * member-account template belongs here (test/templates/member-roles.iam.test.ts fails for
 * a member template whose resource types the role does not cover).
 */
import { MemberStack } from './core/member-stack';
import { buildNetworkTemplate } from './templates/network';
import { buildEcsServiceTemplate } from './templates/ecs-service';
import { buildEcsServiceNativeTemplate } from './templates/ecs-service-native';
import { buildServiceCanaryTemplate } from './templates/service-canary';
import { buildDoraForwardingTemplate } from './templates/dora-forwarding';

export function memberStackTemplates(): readonly MemberStack[] {
  return [
    { file: 'network.json', template: buildNetworkTemplate() },
    { file: 'ecs-service.json', template: buildEcsServiceTemplate('blue-green') },
    { file: 'ecs-service-rolling.json', template: buildEcsServiceTemplate('rolling') },
    { file: 'ecs-service-native.json', template: buildEcsServiceNativeTemplate() },
    { file: 'service-canary.json', template: buildServiceCanaryTemplate() },
    { file: 'dora-forwarding.json', template: buildDoraForwardingTemplate() },
  ];
}

/**
 * The templates whose stacks CloudFormation deploys with the execution role: the
 * execution role's permissions (execution-role.json) and the workload boundary
 * (member-roles.json) are built from what these templates contain. A new member-account
 * template belongs here (test/templates/member-roles.iam.test.ts fails for a member
 * template whose resource types the role does not cover). Not a template itself: the one
 * list both role templates read.
 */
import { Template } from '../core/template';
import { buildNetworkTemplate } from './network';
import { buildEcsServiceTemplate } from './ecs-service';
import { buildEcsServiceNativeTemplate } from './ecs-service-native';
import { buildServiceCanaryTemplate } from './service-canary';
import { buildDoraForwardingTemplate } from './dora-forwarding';

export interface MemberStackTemplate {
  readonly file: string;
  readonly template: Template;
}

export function memberStackTemplates(): readonly MemberStackTemplate[] {
  return [
    { file: 'network.json', template: buildNetworkTemplate() },
    { file: 'ecs-service.json', template: buildEcsServiceTemplate('blue-green') },
    { file: 'ecs-service-rolling.json', template: buildEcsServiceTemplate('rolling') },
    { file: 'ecs-service-native.json', template: buildEcsServiceNativeTemplate() },
    { file: 'service-canary.json', template: buildServiceCanaryTemplate() },
    { file: 'dora-forwarding.json', template: buildDoraForwardingTemplate() },
  ];
}

export function resourceTypesOf(templates: ReadonlyArray<{ readonly template: Template }>): string[] {
  return [...new Set(templates.flatMap((t) => Object.values(t.template.Resources).map((r) => r.Type)))].sort();
}

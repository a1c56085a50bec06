/**
 * A template whose stacks CloudFormation deploys with the member accounts' execution role.
 * The execution role's permissions (execution-role.json) and the workload boundary
 * (member-roles.json) are built from what these templates contain; render passes the list
 * (generator/member-stacks.ts) in, so no template reads a sibling.
 */
import { Template } from './template';

export interface MemberStack {
  readonly file: string;
  readonly template: Template;
}

/** The resource types the templates contain, sorted. */
export function resourceTypesIn(templates: readonly Template[]): string[] {
  return [...new Set(templates.flatMap((t) => Object.values(t.Resources).map((r) => r.Type)))].sort();
}

/** The resource types the member stacks contain, sorted. */
export function resourceTypesOf(stacks: readonly MemberStack[]): string[] {
  return resourceTypesIn(stacks.map((s) => s.template));
}

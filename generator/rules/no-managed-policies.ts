import { Rule } from './rule';

/**
 * Roles carry least-privilege policies of their own template only: inline policies, or a
 * customer-managed policy of the same template attached through its Roles (when inline
 * policies would pass IAM's size limit), or serving as a permissions boundary. Never a
 * managed policy by ARN (AdministratorAccess, PowerUserAccess, ...), never to users or
 * groups.
 */
export const noManagedPolicies: Rule = {
  id: 'CD004',
  description: 'roles carry inline least-privilege policies only: no managed policies such as AdministratorAccess or PowerUserAccess; customer-managed policies only from the same template, attached to its roles or serving as a boundary',
  source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html',
  check(template) {
    const problems: string[] = [];
    for (const [id, resource] of Object.entries(template.Resources)) {
      if (resource.Type === 'AWS::IAM::ManagedPolicy') {
        for (const key of ['Users', 'Groups']) {
          if (resource.Properties?.[key] !== undefined) problems.push(`Resources.${id}: a managed policy attaches to roles of its own template only; ${key} is not allowed`);
        }
        const roles = (resource.Properties?.Roles ?? []) as unknown[];
        for (const r of roles) {
          const target = typeof r === 'object' && r !== null ? (r as { Ref?: unknown }).Ref : undefined;
          if (typeof target !== 'string' || template.Resources[target]?.Type !== 'AWS::IAM::Role') {
            problems.push(`Resources.${id}: Roles entry ${JSON.stringify(r)} is not a Ref to a role of this template`);
          }
        }
      }
      const arns = resource.Properties?.ManagedPolicyArns;
      if (arns !== undefined) problems.push(`Resources.${id}: ManagedPolicyArns ${JSON.stringify(arns)} is not allowed`);
    }
    return problems;
  },
};

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
  description:
    'roles carry inline least-privilege policies only: no managed policies such as AdministratorAccess or PowerUserAccess; customer-managed policies only from the same template, attached to its roles or serving as a boundary',
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
      // Only this project's customer-managed policies in this account (the naming module's
      // `arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/${ProjectName}-...`).
      for (const arn of (resource.Properties?.ManagedPolicyArns ?? []) as unknown[]) {
        const text = typeof arn === 'object' && arn !== null ? (arn as { 'Fn::Sub'?: unknown })['Fn::Sub'] : undefined;
        if (typeof text !== 'string' || !text.startsWith('arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/${ProjectName}-')) {
          problems.push(`Resources.${id}: ManagedPolicyArns entry ${JSON.stringify(arn)} is not a policy of this project`);
        }
      }
    }
    return problems;
  },
};

import { Rule } from './rule';

export const noManagedPolicies: Rule = {
  id: 'CD004',
  description: 'roles carry inline least-privilege policies only: no managed policies such as AdministratorAccess or PowerUserAccess',
  source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html',
  check(template) {
    const problems: string[] = [];
    for (const [id, resource] of Object.entries(template.Resources)) {
      if (resource.Type === 'AWS::IAM::ManagedPolicy') problems.push(`Resources.${id}: managed policies are not used`);
      const arns = resource.Properties?.ManagedPolicyArns;
      if (arns !== undefined) problems.push(`Resources.${id}: ManagedPolicyArns ${JSON.stringify(arns)} is not allowed`);
    }
    return problems;
  },
};

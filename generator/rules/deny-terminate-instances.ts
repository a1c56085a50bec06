import { Rule, asList, walk } from './rule';

export const denyTerminateInstances: Rule = {
  id: 'CD003',
  description: 'every IAM role carries an explicit Deny of ec2:TerminateInstances on every resource, inline or in a managed policy of the template attached to it',
  source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html',
  check(template) {
    const problems: string[] = [];
    for (const [id, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== 'AWS::IAM::Role') continue;
      let denied = false;
      const attached = Object.values(template.Resources)
        .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy' && asList(r.Properties?.Roles).some((x) => (x as { Ref?: string }).Ref === id))
        .map((r) => r.Properties?.PolicyDocument);
      walk([resource.Properties?.Policies, attached], '', (obj) => {
        if (obj.Effect === 'Deny' && asList(obj.Action).includes('ec2:TerminateInstances') && asList(obj.Resource).includes('*') && obj.Condition === undefined) {
          denied = true;
        }
      });
      if (!denied) problems.push(`Resources.${id}: role has no unconditional Deny of ec2:TerminateInstances`);
    }
    return problems;
  },
};

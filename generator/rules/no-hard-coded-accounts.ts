import { Rule, walkStrings } from './rule';

const ACCOUNT_ID = /(^|[^0-9])[0-9]{12}([^0-9]|$)/;

export const noHardCodedAccounts: Rule = {
  id: 'CD005',
  description: 'no account ID is written into a template: accounts are parameters or pseudo parameters',
  source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html',
  check(template) {
    const problems: string[] = [];
    const { Parameters, ...rest } = template;
    const params = Object.fromEntries(
      Object.entries(Parameters ?? {}).map(([id, p]) => {
        const { AllowedPattern: _pattern, ...others } = p as unknown as Record<string, unknown>;
        void _pattern;
        return [id, others];
      }),
    );
    walkStrings({ ...rest, Parameters: params }, '', (s, path) => {
      if (ACCOUNT_ID.test(s)) problems.push(`${path}: "${s}" looks like a hard-coded account ID`);
    });
    return problems;
  },
};

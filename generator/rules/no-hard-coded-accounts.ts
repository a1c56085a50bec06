import { Rule, walkStrings } from './rule';
import { ELB_ACCOUNT_BY_REGION } from '../core/elb-accounts';

/**
 * Accounts that belong to AWS, not to a user, and that AWS documents by number: the
 * Elastic Load Balancing log delivery accounts (core/elb-accounts.ts). Accepted in
 * Mappings only, as the table of their Region.
 */
const AWS_SERVICE_ACCOUNTS = new Set(Object.values(ELB_ACCOUNT_BY_REGION));

const ACCOUNT_ID = /(^|[^0-9])[0-9]{12}([^0-9]|$)/;

export const noHardCodedAccounts: Rule = {
  id: 'CD005',
  description: 'no account ID is written into a template: accounts are parameters or pseudo parameters (AWS service accounts AWS documents by Region excepted, in Mappings)',
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
      if (path.startsWith('Mappings.') && AWS_SERVICE_ACCOUNTS.has(s)) return;
      if (ACCOUNT_ID.test(s)) problems.push(`${path}: "${s}" looks like a hard-coded account ID`);
    });
    return problems;
  },
};

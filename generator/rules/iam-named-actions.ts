import { Rule, asList, statements } from './rule';

export const iamNamedActions: Rule = {
  id: 'CD002',
  description: 'every IAM statement names its actions: no "*", no "service:*", no NotAction',
  source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
  check(template) {
    const problems: string[] = [];
    for (const { path, statement } of statements(template)) {
      if (statement.NotAction !== undefined) problems.push(`${path}: NotAction grants everything else`);
      const actions = asList(statement.Action);
      if (actions.length === 0 && statement.NotAction === undefined) problems.push(`${path}: names no action`);
      for (const a of actions) {
        if (a === '*' || (typeof a === 'string' && /:\*$/.test(a))) problems.push(`${path}: action ${a} is a wildcard`);
      }
      if (statement.NotResource !== undefined) problems.push(`${path}: NotResource grants everything else`);
    }
    return problems;
  },
};

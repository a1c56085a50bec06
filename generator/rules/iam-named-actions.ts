import { Rule, asList, statements } from './rule';

export const iamNamedActions: Rule = {
  id: 'CD002',
  description: 'every IAM statement names its actions: no "*", no "service:*" (except in a deny), no NotAction',
  source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
  check(template) {
    const problems: string[] = [];
    for (const { path, statement } of statements(template)) {
      if (statement.NotAction !== undefined) problems.push(`${path}: NotAction grants everything else`);
      const actions = asList(statement.Action);
      if (actions.length === 0 && statement.NotAction === undefined) problems.push(`${path}: names no action`);
      for (const a of actions) {
        // A deny of a whole service (the TLS-only bucket statement, s3:*) grants nothing.
        const serviceWideDeny = statement.Effect === 'Deny' && typeof a === 'string' && /^[a-z0-9-]+:\*$/.test(a);
        if (a === '*' || (typeof a === 'string' && /:\*$/.test(a) && !serviceWideDeny)) problems.push(`${path}: action ${a} is a wildcard`);
      }
      if (statement.NotResource !== undefined) problems.push(`${path}: NotResource grants everything else`);
    }
    return problems;
  },
};

import { GITHUB_OIDC_IDS as ID, GITHUB_OIDC_URL } from '../../generator/templates/github-oidc';
import { exampleConfig, loadTemplate, policyStatements, resolve, resource } from '../helpers/template';

const template = loadTemplate('github-oidc.json');
const config = exampleConfig();
const params = {
  [ID.projectName]: config.project.name,
  [ID.environmentSuffix]: config.tools.environmentSuffix,
  [ID.repository]: config.source.repository,
  [ID.branch]: config.source.branch,
  'AWS::Partition': 'aws',
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': config.tools.accountId,
};

describe('github-oidc.json', () => {
  test('creates the GitHub OIDC provider only when the account has none', () => {
    const provider = resource(template, ID.provider);
    expect(provider.Condition).toBe(ID.createProvider);
    expect(provider.Properties).toMatchObject({ Url: GITHUB_OIDC_URL, ClientIdList: ['sts.amazonaws.com'] });
    expect(template.Conditions?.[ID.createProvider]).toEqual({ 'Fn::Equals': [{ Ref: ID.existingProviderArn }, ''] });
  });

  test('only workflows of the repository\'s branch and its pull requests can assume the role', () => {
    const trust = (resource(template, ID.role).Properties?.AssumeRolePolicyDocument as { Statement: Array<Record<string, any>> }).Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0].Action).toEqual(['sts:AssumeRoleWithWebIdentity']);
    expect(trust[0].Condition.StringEquals).toEqual({ 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' });
    const subjects = (trust[0].Condition.StringLike['token.actions.githubusercontent.com:sub'] as unknown[]).map((s) => resolve(s, params));
    expect(subjects).toEqual([`repo:${config.source.repository}:ref:refs/heads/${config.source.branch}`, `repo:${config.source.repository}:pull_request`]);
  });

  test('the role only reads this project\'s stacks and pipelines', () => {
    const allows = policyStatements(resource(template, ID.role)).filter((s) => s.Effect === 'Allow' && s.Principal === undefined);
    expect(allows.map((s) => s.Sid)).toEqual(['ReadProjectStacks', 'ReadProjectPipelines']);
    for (const s of allows) {
      for (const a of s.Action as string[]) expect(a).toMatch(/^(cloudformation:(Describe|Get|List)|codepipeline:(Get|List))/);
      for (const r of s.Resource as unknown[]) expect(resolve(r, params)).toMatch(/:(stack\/)?shop-\*/);
    }
  });
});

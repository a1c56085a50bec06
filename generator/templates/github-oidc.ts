/**
 * github-oidc.json: lets GitHub Actions workflows of the application repository read
 * this project's deployed stacks and pipelines without long-lived keys, so that a pull
 * request can show the semantic diff between the committed templates and what runs
 * (`npm run diff -- --stack ...`) and the state of the pipelines.
 *
 * Deployed once per account that a workflow reads (usually the tools account).
 * An account has one OIDC provider per URL: the template creates it unless the ARN of
 * an existing one is given.
 */
import { equals, ifCond, ref, sub } from '../core/intrinsics';
import { allow } from '../core/iam';
import { standardName } from '../core/naming';
import { Template, TemplateBuilder } from '../core/template';
import { role } from '../blocks/role';
import { standardParameters } from '../blocks/standard-parameters';
import { ResolvedConfig } from '../config/types';
import type { ParameterFile } from '../core/parameter-file';

export const GITHUB_OIDC_IDS = {
  projectName: 'ProjectName',
  environmentName: 'EnvironmentName',
  environmentSuffix: 'EnvironmentSuffix',
  costCenter: 'CostCenter',
  repository: 'GitHubRepository',
  branch: 'GitHubBranch',
  existingProviderArn: 'ExistingOidcProviderArn',
  createProvider: 'CreateOidcProvider',
  provider: 'GitHubOidcProvider',
  role: 'GitHubActionsRole',
} as const;
const ID = GITHUB_OIDC_IDS;

export const GITHUB_OIDC_URL = 'https://token.actions.githubusercontent.com';
const TOKEN = 'token.actions.githubusercontent.com';

export function buildGitHubOidcTemplate(): Template {
  const t = new TemplateBuilder(
    'GitHub Actions OIDC provider and a read-only role with which the repository\'s workflows compare the committed templates with the deployed stacks.',
  );
  const { project, suffix } = standardParameters(t);
  const repository = t.parameter(ID.repository, {
    Type: 'String',
    Description: 'GitHub repository whose workflows may assume the role, as owner/name',
    AllowedPattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$',
    MaxLength: 200,
    ConstraintDescription: 'owner/name',
  });
  const branch = t.parameter(ID.branch, {
    Type: 'String',
    Description: 'Branch whose workflows may assume the role (pull requests to the repository may too)',
    Default: 'main',
    AllowedPattern: '^[A-Za-z0-9._/-]{1,255}$',
    ConstraintDescription: 'a branch name',
  });
  const existing = t.parameter(ID.existingProviderArn, {
    Type: 'String',
    Description: 'ARN of the account\'s existing GitHub OIDC provider; leave empty to create one',
    Default: '',
    AllowedPattern: '^$|^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$',
    ConstraintDescription: 'empty, or arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com',
  });

  const create = t.condition(ID.createProvider, equals(ref(existing), ''));
  const provider = t.resource(
    ID.provider,
    'AWS::IAM::OIDCProvider',
    // No ThumbprintList: IAM trusts GitHub's OIDC endpoint through its library of root CAs.
    { Url: GITHUB_OIDC_URL, ClientIdList: ['sts.amazonaws.com'] },
    { condition: create },
  );

  const stacks = sub(`arn:\${AWS::Partition}:cloudformation:\${AWS::Region}:\${AWS::AccountId}:stack/\${${project.logicalId}}-*/*`);
  const pipelines = sub(`arn:\${AWS::Partition}:codepipeline:\${AWS::Region}:\${AWS::AccountId}:\${${project.logicalId}}-*`);
  const githubRole = role(t, ID.role, {
    roleName: standardName('iam-role', 'github-actions', { project, suffix }),
    description: 'Read-only role for the GitHub Actions workflows of the application repository',
    assumedBy: { Federated: ifCond(create, provider.ref(), ref(existing)) },
    trustActions: ['sts:AssumeRoleWithWebIdentity'],
    trustCondition: {
      StringEquals: { [`${TOKEN}:aud`]: 'sts.amazonaws.com' },
      StringLike: {
        [`${TOKEN}:sub`]: [
          sub(`repo:\${${repository.logicalId}}:ref:refs/heads/\${${branch.logicalId}}`),
          sub(`repo:\${${repository.logicalId}}:pull_request`),
        ],
      },
    },
    policyName: 'read-project-stacks-and-pipelines',
    statements: [
      allow(
        'ReadProjectStacks',
        ['cloudformation:DescribeStackEvents', 'cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:ListStackResources'],
        [stacks],
      ),
      allow('ReadProjectPipelines', ['codepipeline:GetPipeline', 'codepipeline:GetPipelineState', 'codepipeline:ListPipelineExecutions'], [pipelines]),
    ],
    maxSessionDurationSeconds: 3600,
  });

  t.output('GitHubActionsRoleArn', { description: 'Role ARN for aws-actions/configure-aws-credentials (role-to-assume)', value: githubRole.getAtt('Arn') });
  t.output('OidcProviderArn', { description: 'ARN of the GitHub OIDC provider the role trusts', value: ifCond(create, provider.ref(), ref(existing)) });
  return t.build();
}

export function gitHubOidcParameterFiles(config: ResolvedConfig): ParameterFile[] {
  if (!config.source.repository.includes('/')) return [];
  return [
    {
      path: 'parameters/github-oidc.json',
      parameters: {
        [ID.projectName]: config.project.name,
        [ID.environmentName]: 'tools',
        [ID.environmentSuffix]: config.tools.environmentSuffix,
        [ID.costCenter]: config.project.costCenter,
        [ID.repository]: config.source.repository,
        [ID.branch]: config.source.branch,
      },
      tags: { Environment: 'tools', Project: config.project.name, CostCenter: config.project.costCenter },
    },
  ];
}

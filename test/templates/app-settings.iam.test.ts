/**
 * The roles of rendered service templates, evaluated with IAM's policy logic
 * (test/helpers/iam-sim.ts): the execution role reads exactly the configured secrets and
 * parameters and decrypts only through Secrets Manager, the task role does what its
 * configured statements say, and the workload boundary lets both through.
 */
import * as fs from 'node:fs';
import { Template } from '../../generator/core/template';
import { ECS_SERVICE_IDS } from '../../generator/contracts/service';
import { Decision, Policy, decide, identityPolicies, resolvePolicy } from '../helpers/iam-sim';
import { TEMPLATES_DIR, exampleConfig, loadTemplate, resource } from '../helpers/template';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const renderer = require('../../scripts/render-service-template.js') as {
  renderServiceTemplate(t: Template, file: unknown, image: string, pseudo: Record<string, string>): { template: Template };
  locate(dir: string, service: string, environment: string): { templateFile: string; parameterFile: string };
};

const config = exampleConfig();
const REGION = 'eu-west-1';

function rendered(service: string, env: string) {
  const account = config.environments.find((e) => e.name === env)!.accountId;
  const where = renderer.locate(TEMPLATES_DIR, service, env);
  const file = JSON.parse(fs.readFileSync(where.parameterFile, 'utf8'));
  const pseudo = { 'AWS::Region': REGION, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' };
  const { template } = renderer.renderServiceTemplate(JSON.parse(fs.readFileSync(where.templateFile, 'utf8')), file, `111111111111.dkr.ecr.${REGION}.amazonaws.com/shop-${service}:1`, pseudo);
  const values = { ...file.Parameters, ...pseudo, 'AWS::AccountId': account, 'ServiceLogGroup.Arn': `arn:aws:logs:${REGION}:${account}:log-group:shop-${service}` };
  const memberValues = { ...JSON.parse(fs.readFileSync(`${TEMPLATES_DIR}/parameters/member-roles/${env}.json`, 'utf8')).Parameters, ...pseudo, 'AWS::AccountId': account };
  const boundary = resolvePolicy(resource(loadTemplate('member-roles.json'), 'WorkloadBoundary').Properties!.PolicyDocument, memberValues) as Policy;
  // A KMS key's policy must let IAM decide: the default key policy, which delegates to the account.
  const keyPolicy: Policy = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'EnableIamPolicies', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }],
  };
  const ask = (roleId: string) => (action: string, res: string, context?: Record<string, string>): Promise<Decision> =>
    decide({
      principal: `arn:aws:iam::${account}:role/shop-workload/${roleId}`,
      action,
      resource: res,
      context,
      identity: identityPolicies(template, roleId, values),
      boundary,
      ...(action.startsWith('kms:') ? { resourcePolicy: keyPolicy } : {}),
    });
  return { account, execution: ask(ECS_SERVICE_IDS.executionRole), task: ask(ECS_SERVICE_IDS.taskRole) };
}

describe('web in prod: the execution role and its secrets', () => {
  const { account, execution } = rendered('web', 'prod');
  const secret = (name: string) => `arn:aws:secretsmanager:${REGION}:${account}:secret:${name}`;
  const parameter = (name: string) => `arn:aws:ssm:${REGION}:${account}:parameter/${name}`;
  const KEY = `arn:aws:kms:${REGION}:${account}:key/1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b`;

  test.each([
    ['the secret given by name, with its random suffix', 'secretsmanager:GetSecretValue', secret('shop/web/session-signing-key-AbC123'), 'Allowed'],
    ['a longer name that starts alike', 'secretsmanager:GetSecretValue', secret('shop/web/session-signing-key-old-AbC123'), 'ImplicitlyDenied'],
    ['the secret given by ARN', 'secretsmanager:GetSecretValue', secret('shop/prod/web-db-Xy12Ab'), 'Allowed'],
    ['another secret of the account', 'secretsmanager:GetSecretValue', secret('shop/prod/orders-db-Xy12Ab'), 'ImplicitlyDenied'],
    ['the parameter given by name', 'ssm:GetParameters', parameter('shop/web/payment-api-token'), 'Allowed'],
    ['a parameter below it', 'ssm:GetParameters', parameter('shop/web/payment-api-token/old'), 'ImplicitlyDenied'],
    ['a secret changed, not read', 'secretsmanager:PutSecretValue', secret('shop/prod/web-db-Xy12Ab'), 'ImplicitlyDenied'],
  ])('%s: %s', async (_name, action, res, expected) => {
    expect(await execution(action, res)).toBe(expected);
  });

  test('decrypts with the configured key through Secrets Manager only', async () => {
    expect(await execution('kms:Decrypt', KEY, { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` })).toBe('Allowed');
    expect(await execution('kms:Decrypt', KEY)).toBe('ImplicitlyDenied');
    expect(await execution('kms:Decrypt', KEY, { 'kms:ViaService': `s3.${REGION}.amazonaws.com` })).toBe('ImplicitlyDenied');
    expect(await execution('kms:Decrypt', KEY.replace('1f2e3d4c', '00000000'), { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` })).toBe('ImplicitlyDenied');
  });
});

describe('orders in dev: the configured task role statement', () => {
  const { account, task } = rendered('orders', 'dev');
  const table = (name: string) => `arn:aws:dynamodb:${REGION}:${account}:table/${name}`;

  test.each([
    ['dynamodb:GetItem', table('shop-orders'), 'Allowed'],
    ['dynamodb:Query', table('shop-orders'), 'Allowed'],
    ['dynamodb:DeleteItem', table('shop-orders'), 'ImplicitlyDenied'],
    ['dynamodb:GetItem', table('shop-customers'), 'ImplicitlyDenied'],
    ['dynamodb:GetItem', `arn:aws:dynamodb:${REGION}:999999999999:table/shop-orders`, 'ImplicitlyDenied'],
  ])('%s on %s: %s', async (action, res, expected) => {
    expect(await task(action, res)).toBe(expected);
  });
});

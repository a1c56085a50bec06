/**
 * member-roles.json: the roles a StackSet rolls out to every member account.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MEMBER_ROLES_IDS as ID } from '../../generator/templates/member-roles';
import { TEMPLATES_DIR, asList, exampleConfig, loadTemplate, policyStatements, resolve, resource, resourcesOfType } from '../helpers/template';

const template = loadTemplate('member-roles.json');
const ROLES = [ID.deployRole, ID.executionRole, ID.codeDeployRole, ID.ecsInfrastructureRole];
const config = exampleConfig();

function paramsFor(env: string): Record<string, string> {
  const file = path.join(TEMPLATES_DIR, 'parameters', 'member-roles', `${env}.json`);
  return {
    ...(JSON.parse(fs.readFileSync(file, 'utf8')).Parameters as Record<string, string>),
    'AWS::Partition': 'aws',
    'AWS::Region': 'eu-west-1',
    'AWS::AccountId': '222222222222',
  };
}

describe('member-roles.json', () => {
  test('creates exactly the four roles, and only roles', () => {
    expect(Object.keys(template.Resources).sort()).toEqual([...ROLES].sort());
    expect(resourcesOfType(template, 'AWS::IAM::Role')).toHaveLength(4);
  });

  test('has the parameters a StackSet passes per account, each constrained', () => {
    expect(Object.keys(template.Parameters ?? {}).sort()).toEqual(
      [ID.toolsAccountId, ID.environmentName, ID.environmentSuffix, ID.projectName, ID.costCenter, ID.toolsEnvironmentSuffix].sort(),
    );
    for (const [name, p] of Object.entries(template.Parameters ?? {})) {
      expect([name, 'AllowedPattern' in p || 'AllowedValues' in p]).toEqual([name, true]);
    }
    expect(template.Parameters?.[ID.toolsAccountId]).toMatchObject({ AllowedPattern: '^[0-9]{12}$' });
  });

  test('is a StackSet template: no transform, no account IDs or regions written in', () => {
    expect(template.Transform).toBeUndefined();
    const text = JSON.stringify(template);
    expect(text).not.toMatch(/\d{12}/);
    expect(text).not.toMatch(/(us|eu|ap|sa|ca|me|af)-(east|west|north|south|central|northeast|southeast)-\d/);
  });

  test('role names carry the region, so two regions of one account cannot collide', () => {
    for (const id of ROLES) {
      const name = resolve(resource(template, id).Properties?.RoleName, paramsFor('dev'));
      expect(name).toMatch(/-eu-west-1$/);
      expect(name.length).toBeLessThanOrEqual(64);
    }
  });

  test('only this project\'s pipeline roles in the tools account can assume the deploy role', () => {
    const trust = (resource(template, ID.deployRole).Properties?.AssumeRolePolicyDocument as { Statement: Array<Record<string, any>> }).Statement;
    expect(trust).toHaveLength(1);
    const p = paramsFor('dev');
    expect(resolve(trust[0].Principal.AWS, p)).toBe(`arn:aws:iam::${config.tools.accountId}:root`);
    expect(resolve(trust[0].Condition.ArnLike['aws:PrincipalArn'], p)).toBe(`arn:aws:iam::${config.tools.accountId}:role/shop/*`);
    expect(trust[0].Action).toEqual(['sts:AssumeRole']);
  });

  test('the execution role is for CloudFormation and the CodeDeploy role for CodeDeploy', () => {
    const principal = (id: string) =>
      (resource(template, id).Properties?.AssumeRolePolicyDocument as { Statement: Array<Record<string, any>> }).Statement.map((s) => s.Principal);
    expect(principal(ID.executionRole)).toEqual([{ Service: 'cloudformation.amazonaws.com' }]);
    expect(principal(ID.codeDeployRole)).toEqual([{ Service: 'codedeploy.amazonaws.com' }]);
  });

  test.each(ROLES)('%s denies ec2:TerminateInstances explicitly', (id) => {
    const denies = policyStatements(resource(template, id)).filter((s) => s.Effect === 'Deny');
    expect(denies).toContainEqual({ Sid: 'DenyTerminateInstances', Effect: 'Deny', Action: ['ec2:TerminateInstances'], Resource: '*' });
  });

  test.each(ROLES)('%s has no "*" action, no service-wide action and no managed policy', (id) => {
    const r = resource(template, id);
    expect(r.Properties?.ManagedPolicyArns).toBeUndefined();
    for (const s of policyStatements(r)) {
      for (const a of asList(s.Action as string | string[])) {
        expect(a).not.toBe('*');
        expect(a).not.toMatch(/:\*$/);
      }
    }
  });

  test('the deploy role can change only this project\'s stacks and pass only the execution role', () => {
    const statements = policyStatements(resource(template, ID.deployRole));
    const p = paramsFor('staging');
    const changeSets = statements.find((s) => s.Sid === 'ChangeSetsOnProjectStacks')!;
    expect((changeSets.Resource as unknown[]).map((r) => resolve(r, p))).toEqual([
      'arn:aws:cloudformation:eu-west-1:222222222222:stack/shop-*/*',
      'arn:aws:cloudformation:eu-west-1:222222222222:changeSet/shop-*/*',
    ]);
    const pass = statements.find((s) => s.Sid === 'PassExecutionRole')!;
    expect((pass.Resource as unknown[]).map((r) => resolve(r, p))).toEqual([
      `arn:aws:iam::222222222222:role/${resolve(resource(template, ID.executionRole).Properties?.RoleName, p)}`,
    ]);
    expect(pass.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } });
  });

  test('the deploy role reads the project\'s artifact buckets and decrypts only through S3', () => {
    const statements = policyStatements(resource(template, ID.deployRole));
    const p = paramsFor('prod');
    const read = statements.find((s) => s.Sid === 'ReadPipelineArtifacts')!;
    expect(read.Action).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    expect((read.Resource as unknown[]).map((r) => resolve(r, p))).toEqual([
      `arn:aws:s3:::shop-*-artifacts-tools-${config.tools.accountId}/*`,
    ]);
    const decrypt = statements.find((s) => s.Sid === 'DecryptPipelineArtifacts')!;
    expect(resolve((decrypt.Condition as any).StringEquals['kms:ViaService'], p)).toBe('s3.eu-west-1.amazonaws.com');
  });

  test('the deploy role reads only the project\'s SSM parameters, which the service stacks take as parameter types', () => {
    const statements = policyStatements(resource(template, ID.deployRole));
    const ssm = statements.filter((s) => asList(s.Action as string[]).some((a) => a.startsWith('ssm:')));
    expect(ssm.map((s) => s.Action)).toEqual([['ssm:GetParameters']]);
    expect((ssm[0].Resource as unknown[]).map((r) => resolve(r, paramsFor('dev')))).toEqual([
      'arn:aws:ssm:eu-west-1:222222222222:parameter/shop/*',
    ]);
  });

  test('outputs each role\'s ARN', () => {
    expect(template.Outputs).toEqual({
      DeployRoleArn: expect.objectContaining({ Value: { 'Fn::GetAtt': [ID.deployRole, 'Arn'] } }),
      ExecutionRoleArn: expect.objectContaining({ Value: { 'Fn::GetAtt': [ID.executionRole, 'Arn'] } }),
      CodeDeployRoleArn: expect.objectContaining({ Value: { 'Fn::GetAtt': [ID.codeDeployRole, 'Arn'] } }),
      EcsInfrastructureRoleArn: expect.objectContaining({ Value: { 'Fn::GetAtt': [ID.ecsInfrastructureRole, 'Arn'] } }),
    });
  });

  test('has a parameter file per environment with that environment\'s values', () => {
    for (const env of config.environments) {
      const p = paramsFor(env.name);
      expect(p[ID.environmentName]).toBe(env.name);
      expect(p[ID.environmentSuffix]).toBe(env.environmentSuffix);
      expect(p[ID.toolsAccountId]).toBe(config.tools.accountId);
    }
  });
});

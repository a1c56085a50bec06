/**
 * member-roles.json: the roles a StackSet rolls out to every member account.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MEMBER_ROLES_IDS as ID } from '../../generator/templates/member-roles';
import { EXECUTION_ROLE_IDS } from '../../generator/templates/execution-role';
import { TEMPLATES_DIR, asList, memberParameterValues, exampleConfig, loadTemplate, policyStatements, resolve, resource, resourcesOfType, roleStatements } from '../helpers/template';

const template = loadTemplate('member-roles.json');
const config = exampleConfig();
const ROLES = [ID.codeDeployRole, ID.ecsInfrastructureRole];
const executionRoleTemplate = loadTemplate('execution-role.json');
const deployRoleTemplate = loadTemplate('service-deploy-role.json');

const paramsFor = (env: string) => memberParameterValues(`member-roles/${env}.json`);

describe('member-roles.json', () => {
  test('creates the CodeDeploy and ECS infrastructure roles, the deploy policy and the boundary; the execution role is in execution-role.json', () => {
    expect(resourcesOfType(template, 'AWS::IAM::Role').map(([id]) => id).sort()).toEqual([...ROLES].sort());
    const policies = resourcesOfType(template, 'AWS::IAM::ManagedPolicy').map(([id]) => id);
    expect(policies.sort()).toEqual([ID.deployPolicy, ID.workloadBoundary]);
    expect(Object.keys(template.Resources).sort()).toEqual([...ROLES, ...policies].sort());
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

  test.each(['member-roles.json', 'execution-role.json'])('%s is a StackSet template: no transform, no account IDs or regions written in', (file) => {
    const t = loadTemplate(file);
    expect(t.Transform).toBeUndefined();
    const text = JSON.stringify(t);
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

  test.each(config.services.map((svc) => svc.name))("only the %s pipeline's deploy step role in the tools account can assume that service's deploy role", (svc) => {
    const r = resource(deployRoleTemplate, 'DeployRole');
    const trust = (r.Properties?.AssumeRolePolicyDocument as { Statement: Array<Record<string, any>> }).Statement;
    expect(trust).toHaveLength(1);
    const p = { ...JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, 'parameters', 'service-deploy-role', svc, 'dev.json'), 'utf8')).Parameters, 'AWS::Partition': 'aws', 'AWS::Region': 'eu-west-1', 'AWS::AccountId': '222222222222' };
    expect(resolve(trust[0].Principal.AWS, p)).toBe(`arn:aws:iam::${config.tools.accountId}:root`);
    expect(resolve(trust[0].Condition.ArnEquals['aws:PrincipalArn'], p)).toBe(`arn:aws:iam::${config.tools.accountId}:role/shop/shop-${svc}-pipeline-deploy-tools`);
    expect(trust[0].Action).toEqual(['sts:AssumeRole']);
    expect(resolve(resource(deployRoleTemplate, 'DeployRole').Properties?.RoleName, p)).toBe(`shop-${svc}-deploy-dev-eu-west-1`);
    expect((r.Properties?.Tags as Array<{ Key: string; Value: unknown }>).find((x) => x.Key === 'Service')!.Value).toEqual({ Ref: 'ServiceName' });
    expect((r.Properties?.ManagedPolicyArns as unknown[]).map((x) => resolve(x, p))).toEqual([
      `arn:aws:iam::222222222222:policy/${resolve(resource(template, ID.deployPolicy).Properties?.ManagedPolicyName, p)}`,
    ]);
  });

  test('the CodeDeploy role is for CodeDeploy, in this account', () => {
    const principal = (id: string) =>
      (resource(template, id).Properties?.AssumeRolePolicyDocument as { Statement: Array<Record<string, any>> }).Statement.map((s) => s.Principal);
    expect(principal(ID.codeDeployRole)).toEqual([{ Service: 'codedeploy.amazonaws.com' }]);
    const codeDeployTrust = (resource(template, ID.codeDeployRole).Properties?.AssumeRolePolicyDocument as { Statement: Array<Record<string, any>> }).Statement[0];
    expect(resolve(codeDeployTrust.Condition.StringEquals['aws:SourceAccount'], paramsFor('dev'))).toBe('222222222222');
    expect(resolve(codeDeployTrust.Condition.ArnLike['aws:SourceArn'], paramsFor('dev'))).toBe('arn:aws:cloudformation:eu-west-1:222222222222:stack/shop-*/*');
  });

  test.each([...ROLES, ID.workloadBoundary])('%s denies ec2:TerminateInstances explicitly', (id) => {
    // Inline, or in a managed policy of this template attached to the role (the deploy roles').
    const denies = (id === ID.workloadBoundary ? policyStatements(resource(template, id)) : roleStatements(template, id)).filter((s) => s.Effect === 'Deny');
    expect(denies).toContainEqual({ Sid: 'DenyTerminateInstances', Effect: 'Deny', Action: ['ec2:TerminateInstances'], Resource: '*' });
  });

  test.each(ROLES)('%s has no "*" action, no service-wide action and no managed policy by ARN', (id) => {
    const r = resource(template, id);
    expect(r.Properties?.ManagedPolicyArns).toBeUndefined();
    for (const s of roleStatements(template, id)) {
      for (const a of asList(s.Action as string | string[])) {
        expect(a).not.toBe('*');
        expect(a).not.toMatch(/:\*$/);
      }
    }
  });

  test('the deploy policy changes only the stacks of the role\'s own service and pass only the execution role', () => {
    const statements = policyStatements(resource(template, ID.deployPolicy));
    const p = paramsFor('staging');
    const changeSets = statements.find((s) => s.Sid === 'ChangeSetsOnServiceStacks')!;
    expect((changeSets.Resource as unknown[]).map((r) => resolve(r, p))).toEqual([
      'arn:aws:cloudformation:eu-west-1:222222222222:stack/shop-${!aws:PrincipalTag/Service}-staging/*', // Fn::Sub's escape: IAM reads ${aws:PrincipalTag/Service}
      'arn:aws:cloudformation:eu-west-1:222222222222:stack/shop-${!aws:PrincipalTag/Service}-canary-staging/*',
    ]);
    const pass = statements.find((s) => s.Sid === 'PassExecutionRole')!;
    expect((pass.Resource as unknown[]).map((r) => resolve(r, p))).toEqual([
      `arn:aws:iam::222222222222:role/${resolve(resource(executionRoleTemplate, EXECUTION_ROLE_IDS.executionRole).Properties?.RoleName, p)}`,
    ]);
    expect(pass.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } });
  });

  test('the deploy role reads the project\'s artifact buckets and decrypts only through S3', () => {
    const statements = policyStatements(resource(template, ID.deployPolicy));
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
    const statements = policyStatements(resource(template, ID.deployPolicy));
    const ssm = statements.filter((s) => asList(s.Action as string[]).some((a) => a.startsWith('ssm:')));
    expect(ssm.map((s) => s.Action)).toEqual([['ssm:GetParameters']]);
    expect((ssm[0].Resource as unknown[]).map((r) => resolve(r, paramsFor('dev')))).toEqual([
      'arn:aws:ssm:eu-west-1:222222222222:parameter/shop/*',
    ]);
  });

  test('outputs the CodeDeploy and ECS infrastructure role ARNs and the boundary\'s (deploy role ARNs come from the naming module)', () => {
    expect(template.Outputs).toEqual({
      CodeDeployRoleArn: expect.objectContaining({ Value: { 'Fn::GetAtt': [ID.codeDeployRole, 'Arn'] } }),
      WorkloadBoundaryArn: expect.objectContaining({ Value: { Ref: ID.workloadBoundary } }),
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

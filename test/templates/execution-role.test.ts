/**
 * execution-role.json: the CloudFormation execution role of the member stacks, split from
 * member-roles.json so that its handler-derived policies can grow.
 */
import { STANDARD_PARAMETER_IDS } from '../../generator/blocks/standard-parameters';
import { EXECUTION_ROLE_IDS as ID } from '../../generator/templates/execution-role';
import { asList, memberParameterValues, exampleConfig, loadTemplate, resolve, resource, resourcesOfType, roleStatements } from '../helpers/template';

const template = loadTemplate('execution-role.json');
const config = exampleConfig();

const paramsFor = (env: string) => memberParameterValues(`execution-role/${env}.json`);

const policyIds = () => resourcesOfType(template, 'AWS::IAM::ManagedPolicy').map(([id]) => id);

describe('execution-role.json', () => {
  test('creates the execution role and its numbered policies, nothing else', () => {
    expect(resourcesOfType(template, 'AWS::IAM::Role').map(([id]) => id)).toEqual([ID.executionRole]);
    const policies = policyIds();
    expect(policies.length).toBeGreaterThan(1);
    expect(policies).toEqual(policies.map((_, i) => `${ID.executionPolicy}${i + 1}`));
    expect(Object.keys(template.Resources).sort()).toEqual([ID.executionRole, ...policies].sort());
    for (const id of policies) expect(resource(template, id).Properties?.Roles).toEqual([{ Ref: ID.executionRole }]);
  });

  test('takes only the standard parameters, each constrained', () => {
    expect(Object.keys(template.Parameters ?? {}).sort()).toEqual(Object.values(STANDARD_PARAMETER_IDS).sort());
    for (const [name, p] of Object.entries(template.Parameters ?? {})) {
      expect([name, 'AllowedPattern' in p || 'AllowedValues' in p]).toEqual([name, true]);
    }
  });

  test('keeps the role name of member-roles.json; the policies are named after it, with the region', () => {
    const p = paramsFor('dev');
    expect(resolve(resource(template, ID.executionRole).Properties?.RoleName, p)).toBe('shop-cfn-exec-dev-eu-west-1');
    expect(policyIds().map((id) => resolve(resource(template, id).Properties?.ManagedPolicyName, p))).toEqual(
      policyIds().map((_, i) => `shop-cfn-exec-dev-eu-west-1-${i + 1}`),
    );
  });

  test('is for CloudFormation only', () => {
    const trust = (resource(template, ID.executionRole).Properties?.AssumeRolePolicyDocument as { Statement: Array<Record<string, any>> }).Statement;
    expect(trust.map((s) => s.Principal)).toEqual([{ Service: 'cloudformation.amazonaws.com' }]);
  });

  test('has no "*" action, no service-wide action and no managed policy by ARN; denies terminating instances', () => {
    expect(resource(template, ID.executionRole).Properties?.ManagedPolicyArns).toBeUndefined();
    const statements = roleStatements(template, ID.executionRole);
    for (const s of statements) {
      for (const a of asList(s.Action as string | string[])) {
        expect(a).not.toBe('*');
        expect(a).not.toMatch(/:\*$/);
      }
    }
    expect(statements).toContainEqual({ Sid: 'DenyTerminateInstances', Effect: 'Deny', Action: ['ec2:TerminateInstances'], Resource: '*' });
  });

  test('its guard names itself, its own policies, the member roles, the deploy roles and policy and the boundary', () => {
    const guard = roleStatements(template, ID.executionRole).find((s) => s.Sid === 'DenyChangingMemberRolesAndBoundary')!;
    expect(guard.Effect).toBe('Deny');
    const a = 'arn:aws:iam::222222222222';
    expect((guard.Resource as unknown[]).map((r) => resolve(r, paramsFor('dev'))).sort()).toEqual(
      [
        `${a}:role/shop-cfn-exec-dev-eu-west-1`,
        `${a}:policy/shop-cfn-exec-dev-eu-west-1-*`,
        `${a}:role/shop-codedeploy-dev-eu-west-1`,
        `${a}:role/shop-ecs-infra-dev-eu-west-1`,
        `${a}:role/shop-*-deploy-dev-eu-west-1`,
        `${a}:policy/shop-service-deploy-dev-eu-west-1`,
        `${a}:policy/shop-workload-boundary-dev-eu-west-1`,
      ].sort(),
    );
  });

  test('outputs the role ARN', () => {
    expect(template.Outputs).toEqual({ ExecutionRoleArn: expect.objectContaining({ Value: { 'Fn::GetAtt': [ID.executionRole, 'Arn'] } }) });
  });

  test('has a parameter file per environment with that environment\'s values', () => {
    for (const env of config.environments) {
      const p = paramsFor(env.name);
      expect(p[STANDARD_PARAMETER_IDS.environmentName]).toBe(env.name);
      expect(p[STANDARD_PARAMETER_IDS.environmentSuffix]).toBe(env.environmentSuffix);
    }
  });
});

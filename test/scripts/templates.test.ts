import * as path from 'node:path';
import { UsageError } from '../../scripts/lib/args';
import {
  DEFAULT_TEMPLATES_DIR,
  hasTransform,
  loadParameterFile,
  loadTemplate,
  parameterProblems,
  parseParameterFile,
  requiredCapabilities,
  TemplateJson,
  templateName,
} from '../../scripts/lib/templates';

const role = (props: Record<string, unknown> = {}) => ({ Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {}, ...props } });

describe('requiredCapabilities', () => {
  test.each<[string, TemplateJson, string[]]>([
    ['no IAM', { Resources: { T: { Type: 'AWS::SNS::Topic' } } }, []],
    ['an unnamed role', { Resources: { R: role() } }, ['CAPABILITY_IAM']],
    ['a named role', { Resources: { R: role({ RoleName: 'x' }) } }, ['CAPABILITY_NAMED_IAM']],
    [
      'a named managed policy beside an unnamed role',
      { Resources: { R: role(), P: { Type: 'AWS::IAM::ManagedPolicy', Properties: { ManagedPolicyName: 'p' } } } },
      ['CAPABILITY_NAMED_IAM'],
    ],
    ['an inline policy resource', { Resources: { P: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p' } } } }, ['CAPABILITY_IAM']],
    ['a named user (a type the generator never emits)', { Resources: { U: { Type: 'AWS::IAM::User', Properties: { UserName: 'u' } } } }, ['CAPABILITY_NAMED_IAM']],
    ['an unnamed instance profile', { Resources: { I: { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: ['r'] } } } }, ['CAPABILITY_IAM']],
    ['a transform', { Transform: 'AWS::CodeDeployBlueGreen', Resources: { T: { Type: 'AWS::SNS::Topic' } } }, ['CAPABILITY_AUTO_EXPAND']],
    [
      'a named role and a transform list',
      { Transform: ['AWS::Serverless-2016-10-31'], Resources: { R: role({ RoleName: 'x' }) } },
      ['CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
    ],
  ])('%s', (_name, template, expected) => {
    expect(requiredCapabilities(template)).toEqual(expected);
  });

  test('the committed member-roles.json needs CAPABILITY_NAMED_IAM', () => {
    expect(requiredCapabilities(loadTemplate(DEFAULT_TEMPLATES_DIR, 'member-roles').json)).toEqual(['CAPABILITY_NAMED_IAM']);
  });

  test('hasTransform ignores an empty list', () => {
    expect(hasTransform({ Transform: [] })).toBe(false);
    expect(hasTransform({})).toBe(false);
  });
});

describe('templates and parameter files', () => {
  test.each([['member-roles'], ['member-roles.json'], ['templates/member-roles.json']])('%s names member-roles', (arg) => {
    expect(templateName(arg)).toBe('member-roles');
    expect(loadTemplate(DEFAULT_TEMPLATES_DIR, arg).file).toBe(path.join(DEFAULT_TEMPLATES_DIR, 'member-roles.json'));
  });

  test('a template that is not in templates/ is an error that lists the ones there', () => {
    expect(() => loadTemplate(DEFAULT_TEMPLATES_DIR, 'nope')).toThrow(/template "nope" does not exist in templates\/; templates there: .*member-roles/);
    expect(() => loadTemplate(DEFAULT_TEMPLATES_DIR, '../package')).toThrow(UsageError);
  });

  test('a missing parameter file is an error', () => {
    expect(() => loadParameterFile('/nonexistent/dev.json')).toThrow('parameter file /nonexistent/dev.json does not exist');
  });

  test.each([
    ['a list', [], 'f.json: expected {"Parameters": {...}, "Tags": {...}}'],
    ['an unknown key', { Parameters: {}, Params: {} }, 'f.json: Params: unknown key; allowed: Parameters, Tags, StackPolicy, ServiceSettings'],
    ['a number value', { Parameters: { A: 1 } }, 'f.json: Parameters.A: 1 must be a string'],
    ['tags as a list', { Tags: [] }, 'f.json: Tags: must be an object of strings'],
    ['a __proto__ parameter (as JSON.parse reads it)', JSON.parse('{"Parameters": {"__proto__": "x"}}'), 'f.json: Parameters.__proto__: not a name this file may use'],
    ['a parameter name CloudFormation cannot have', { Parameters: { 'Vpc-Id': 'x' } }, 'f.json: Parameters.Vpc-Id: parameter names are alphanumeric'],
  ])('parseParameterFile rejects %s', (_name, data, message) => {
    expect(() => parseParameterFile('f.json', data)).toThrow(new UsageError(message));
  });

  test('parseParameterFile reads the generated dev file', () => {
    const pf = loadParameterFile(path.join(DEFAULT_TEMPLATES_DIR, 'parameters', 'member-roles', 'dev.json'));
    expect(pf.parameters.EnvironmentName).toBe('dev');
    expect(pf.tags.Environment).toBe('dev');
  });

  test('parameterProblems names undeclared parameters and required ones without a value', () => {
    const t: TemplateJson = { Parameters: { A: { Type: 'String' }, B: { Type: 'String', Default: 'x' } }, Resources: {} };
    expect(parameterProblems(t, { A: '1' })).toEqual([]);
    expect(parameterProblems(t, { C: '1' })).toEqual(['parameter C is not declared by the template', 'parameter A has no default and no value']);
  });
});

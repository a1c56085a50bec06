/**
 * Every generated template against the three schemas: template anatomy, the resource
 * provider schemas of its resource types, and the project policy rules. A deliberately
 * broken template must fail each of them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Template } from '../generator/core/template';
import { templateChecks } from '../generator/validate';
import { loadTemplate, templateFiles } from './helpers/template';

const checks = templateChecks();
const broken = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'broken-template.json'), 'utf8')) as Template;

describe.each(templateFiles())('%s', (file) => {
  const template = loadTemplate(file);

  test('matches the template anatomy schema', () => {
    const ok = checks.anatomy(template);
    expect(checks.anatomy.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('every resource matches its provider schema', () => {
    expect(checks.providers.validate(template)).toEqual([]);
  });

  test('meets the project policy rules (Delete policies, no protection, standard tags)', () => {
    const ok = checks.policy(template);
    expect(checks.policy.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });
});

describe('a broken template', () => {
  test('fails the anatomy schema (unknown section)', () => {
    expect(checks.anatomy({ ...broken, Outputz: {} })).toBe(false);
  });

  test('fails the provider schema on a misspelt property', () => {
    const found = checks.providers.validate(broken);
    expect(found).toContainEqual({ resource: 'Bucket', type: 'AWS::S3::Bucket', message: 'Properties: unknown property BucketNme' });
  });

  test('fails the provider schema on a missing required property', () => {
    const found = checks.providers.validate(broken);
    expect(found.map((f) => `${f.resource}: ${f.message}`)).toContain("Role: Properties: must have required property 'AssumeRolePolicyDocument'");
  });

  test('fails the provider schema on a wrong enum value and a read-only property', () => {
    const t: Template = {
      ...broken,
      Resources: {
        Repo: {
          Type: 'AWS::ECR::Repository',
          DeletionPolicy: 'Delete',
          UpdateReplacePolicy: 'Delete',
          Properties: { ImageTagMutability: 'SOMETIMES', Arn: 'arn:aws:ecr:us-east-1:111111111111:repository/x' },
        },
      },
    };
    const messages = checks.providers.validate(t).map((f) => f.message);
    expect(messages.some((m) => m.startsWith('Properties.ImageTagMutability: must be equal to one of the allowed values'))).toBe(true);
    expect(messages).toContain('Properties: sets a read-only property');
  });

  test('accepts intrinsic functions where a value may be computed', () => {
    const t: Template = {
      ...broken,
      Resources: {
        Repo: {
          Type: 'AWS::ECR::Repository',
          DeletionPolicy: 'Delete',
          UpdateReplacePolicy: 'Delete',
          Properties: { RepositoryName: { 'Fn::Sub': '${AWS::StackName}-repo' }, ImageTagMutability: { Ref: 'Mutability' } },
        },
      },
    };
    expect(checks.providers.validate(t)).toEqual([]);
  });

  test('fails the policy rules on a Retain policy', () => {
    expect(checks.policy(broken)).toBe(false);
    expect((checks.policy.errors ?? []).map((e) => e.instancePath)).toEqual(expect.arrayContaining(['/Resources/Bucket/DeletionPolicy', '/Resources/Bucket/UpdateReplacePolicy']));
  });

  test('fails the policy rules on deletion protection and on missing tags', () => {
    const t = {
      ...broken,
      Resources: {
        Alb: {
          Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
          DeletionPolicy: 'Delete',
          UpdateReplacePolicy: 'Delete',
          Properties: { LoadBalancerAttributes: [{ Key: 'deletion_protection.enabled', Value: 'true' }] },
        },
      },
    };
    expect(checks.policy(t)).toBe(false);
    const paths = (checks.policy.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`);
    expect(paths).toEqual(expect.arrayContaining(['/Resources/Alb/Properties/LoadBalancerAttributes not', '/Resources/Alb/Properties required']));
  });

  test('fails the complete check that generation runs', () => {
    const findings = checks.check(broken, JSON.stringify(broken));
    const kinds = new Set(findings.map((f) => f.check));
    expect([...kinds]).toEqual(expect.arrayContaining(['policy', 'provider-schema', 'CD003']));
  });
});

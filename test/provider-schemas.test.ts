/**
 * Provider-schema validation as generation uses it: every stored schema compiles, and
 * compiling only the properties a resource sets finds the same problems as the whole
 * schema would.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { SCHEMA_DIR } from '../generator/core/paths';
import { ResourceDef, Template } from '../generator/core/template';
import { ProviderSchemas, acceptIntrinsics } from '../generator/validate/provider-schemas';

const DIR = path.join(SCHEMA_DIR, 'providers');
const TYPES = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, '').replace(/-/g, '::'));

function templateOf(resources: Record<string, Omit<ResourceDef, 'DeletionPolicy' | 'UpdateReplacePolicy'>>): Template {
  const withPolicies = Object.fromEntries(
    Object.entries(resources).map(([id, r]) => [id, { ...r, DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' }]),
  );
  return { AWSTemplateFormatVersion: '2010-09-09', Description: 'test', Resources: withPolicies } as unknown as Template;
}

const RESOURCES = {
  Bucket: {
    Type: 'AWS::S3::Bucket',
    Properties: {
      BucketName: 'shop-web-artifacts-tools-111111111111',
      VersioningConfiguration: { Status: 'Sometimes' },
      LifecycleConfiguration: { Rules: [{ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: '90' } }] },
      Bogus: true,
    },
  },
  Project: {
    Type: 'AWS::CodeBuild::Project',
    Properties: {
      Artifacts: { Type: 'CODEPIPELINE' },
      Environment: { ComputeType: 'BUILD_GENERAL1_SMALL', Image: { 'Fn::Sub': '${AWS::AccountId}.dkr.ecr' }, Type: 'LINUX_CONTAINER', EnvironmentVariables: [{ Name: 'A' }] },
      ServiceRole: { Ref: 'Role' },
      Source: { Type: 'CODEPIPELINE' },
    },
  },
  Cluster: { Type: 'AWS::ECS::Cluster', Properties: { ClusterName: 7 } },
} as const;

describe('provider schemas', () => {
  test.each(TYPES)('%s compiles and validates a resource', (type) => {
    const schemas = new ProviderSchemas(DIR);
    expect(() => schemas.validate(templateOf({ R: { Type: type, Properties: {} } }))).not.toThrow();
  });

  test('validating with only the properties a resource sets finds what the whole schema finds', () => {
    const template = templateOf(RESOURCES);
    const pruned = new ProviderSchemas(DIR).validate(template);

    // The whole schema of each type, compiled as it is published (widened for intrinsics).
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp: Object.assign((s: string, f: string) => new RegExp(s, f.replace('u', '')), { code: 'new RegExp' }) } });
    const whole = Object.entries(RESOURCES).flatMap(([id, r]) => {
      const { $schema: _s, ...raw } = JSON.parse(fs.readFileSync(path.join(DIR, `${r.Type.replace(/::/g, '-')}.json`), 'utf8')) as Record<string, unknown>;
      void _s;
      const validate = ajv.compile(acceptIntrinsics(raw) as object);
      validate(r.Properties);
      return (validate.errors ?? [])
        .filter((e) => !(e.keyword === 'anyOf' && e.message?.includes('anyOf')))
        .map((e) => ({ id, path: e.instancePath, keyword: e.keyword }));
    });
    expect(whole.length).toBeGreaterThan(0);
    // Every problem the whole schema reports is reported, at the same place.
    for (const w of whole) {
      const where = w.path ? `Properties${w.path.replace(/\//g, '.')}` : 'Properties';
      expect(pruned.some((p) => p.resource === w.id && p.message.startsWith(`${where}:`))).toBe(true);
    }
    expect(pruned.map((p) => `${p.resource} ${p.message}`)).toEqual(
      expect.arrayContaining([
        'Bucket Properties: unknown property Bogus',
        'Bucket Properties.VersioningConfiguration.Status: must be equal to one of the allowed values',
        'Project Properties.Environment.EnvironmentVariables.0: must have required property \'Value\'',
        'Cluster Properties.ClusterName: must be string',
      ]),
    );
  });
});

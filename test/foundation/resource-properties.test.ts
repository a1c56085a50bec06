/**
 * `TemplateBuilder.resource` takes, per resource type, only the property names its
 * provider schema lets a template set (generator/core/resource-properties.ts): a misspelt
 * name fails `tsc`, which `npm test` runs over this file, whether it is written in the
 * literal or brought in by a spread. The generated file is what the committed schemas give.
 */
import * as fs from 'node:fs';
import { TemplateBuilder } from '../../generator/core/template';
import { AWS, equals, ifCond } from '../../generator/core/intrinsics';
import { RESOURCE_TYPES } from '../../generator/core/resource-types';
import type { ResourcePropertiesOf, S3BucketProperties } from '../../generator/core/resource-properties';
import { RESOURCE_PROPERTIES_FILE, propertiesInterfaceName, readProviderSchemas, renderResourceProperties } from '../../scripts/lib/resource-properties';

const FIX = 'generator/core/resource-properties.ts is stale: run `npm run schemas:refresh` and commit the result';

function builder(): TemplateBuilder {
  const t = new TemplateBuilder('properties');
  t.standardTags({ Environment: 'dev', Project: 'shop', CostCenter: 'cc' });
  return t;
}

describe('resource properties are typed per resource type', () => {
  test('a misspelt property name fails to compile', () => {
    const t = builder();
    const versioned = t.condition('Versioned', equals('a', 'b'));
    // @ts-expect-error VersioningConfiguration is misspelt
    t.resource('Bucket', 'AWS::S3::Bucket', { VersioningConfigurtion: { Status: 'Enabled' } });
    // @ts-expect-error Cluster is misspelt
    t.resource('Service', 'AWS::ECS::Service', { Clustr: 'c', DesiredCount: 1 });
    // @ts-expect-error a name from a conditional spread is checked too
    t.resource('Bucket2', 'AWS::S3::Bucket', { BucketName: 'b', ...(Math.random() > 2 ? { VersioningConfigurtion: {} } : {}) });
    const common = { DesiredCount: 1, LaunchTyp: 'FARGATE' };
    // @ts-expect-error a name from a spread object is checked too
    t.resource('Service2', 'AWS::ECS::Service', { ...common, Cluster: 'c' });
    // @ts-expect-error Scale is a property of AWS::ECS::TaskSet, not of AWS::ECS::Service
    t.resource('Service3', 'AWS::ECS::Service', { Cluster: 'c', Scale: { Unit: 'PERCENT', Value: 100 } });
    // @ts-expect-error a read-only property (an attribute) is not one a template sets
    t.resource('Bucket3', 'AWS::S3::Bucket', { Arn: 'arn:aws:s3:::b' });
    // @ts-expect-error AssumeRolePolicyDocument is required
    t.resource('Role', 'AWS::IAM::Role', { Path: '/' });
    const unknownNames: Record<string, unknown> = { BucketName: 'b' };
    // @ts-expect-error an object whose names the compiler cannot see is refused
    t.resource('Bucket4', 'AWS::S3::Bucket', unknownNames);
    // @ts-expect-error one level down: VersioningConfiguration's Status is misspelt
    t.resource('Bucket7', 'AWS::S3::Bucket', { VersioningConfiguration: { Stauts: 'Enabled' } });
    // @ts-expect-error one level down: a service spells it AwsvpcConfiguration (a task set AwsVpcConfiguration)
    t.resource('Service4', 'AWS::ECS::Service', { Cluster: 'c', NetworkConfiguration: { AwsVpcConfiguration: { Subnets: [] } } });
    // @ts-expect-error one level down, in a list: a container definition's Image is misspelt
    t.resource('Task', 'AWS::ECS::TaskDefinition', { ContainerDefinitions: [{ Name: 'app', Imge: 'nginx' }] });
    // What compiles: the schema's names, any value an intrinsic may stand in for.
    t.resource('Bucket5', 'AWS::S3::Bucket', {
      BucketName: ifCond(versioned, 'a', 'b'),
      VersioningConfiguration: ifCond(versioned, { Status: 'Enabled' }, AWS.noValue),
      ...(Math.random() > 2 ? { Tags: [{ Key: 'Name', Value: 'b' }] } : {}),
    });
    t.resource('Task2', 'AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [{ Name: 'app', Image: 'nginx' }, ifCond(versioned, { Name: 'sidecar', Image: 'busybox' }, AWS.noValue)],
      NetworkMode: 'awsvpc',
    });
    const typed: Partial<S3BucketProperties> = { BucketName: 'c' };
    t.resource('Bucket6', 'AWS::S3::Bucket', { ...typed });
    expect(Object.keys(t.build().Resources)).toContain('Bucket6');
  });

  test('every resource type has its properties type', () => {
    type Every = { [K in keyof typeof RESOURCE_TYPES]: ResourcePropertiesOf<K> };
    const names: Array<keyof Every> = Object.keys(RESOURCE_TYPES) as Array<keyof Every>;
    const text = fs.readFileSync(RESOURCE_PROPERTIES_FILE, 'utf8');
    for (const type of names) expect(text).toContain(`export type ${propertiesInterfaceName(type)} = {`);
  });
});

describe('generator/core/resource-properties.ts is fresh', () => {
  test('it is byte for byte what the committed provider schemas give', () => {
    const committed = fs.existsSync(RESOURCE_PROPERTIES_FILE) ? fs.readFileSync(RESOURCE_PROPERTIES_FILE, 'utf8') : '';
    if (committed !== renderResourceProperties(readProviderSchemas())) throw new Error(FIX);
  });

  test('rendering is deterministic and independent of the order of the schemas', () => {
    const schemas = readProviderSchemas();
    expect(renderResourceProperties([...schemas].reverse())).toBe(renderResourceProperties(schemas));
  });

  test('names are the schema properties less the read-only ones; required ones are not optional', () => {
    const text = renderResourceProperties([
      {
        typeName: 'AWS::Demo::Thing',
        properties: { Name: {}, Arn: {}, Size: {}, 'Odd-Name': {} },
        required: ['Name'],
        readOnlyProperties: ['/properties/Arn', '/properties/Size/Nested'],
      },
    ]);
    expect(text).toContain('export type DemoThingProperties = {\n  readonly Name: unknown;\n  readonly "Odd-Name"?: unknown;\n  readonly Size?: unknown;\n};');
    expect(text).not.toContain('Arn');
  });

  test('an object or list of objects whose schema closes its names gets them one level down', () => {
    const closed = { type: 'object', additionalProperties: false, properties: { B: {}, A: {} }, required: ['B'] };
    const text = renderResourceProperties([
      {
        typeName: 'AWS::Demo::Nested',
        properties: {
          One: { $ref: '#/definitions/Closed' },
          Many: { type: 'array', items: { $ref: '#/definitions/Closed' } },
          Open: { type: 'object', properties: { A: {} } },
          Text: { type: 'string' },
        },
        definitions: { Closed: closed },
      },
    ]);
    const nested = '{ readonly A?: unknown; readonly B: unknown; }';
    expect(text).toContain(`  readonly One?: Value<${nested}>;`);
    expect(text).toContain(`  readonly Many?: Value<ReadonlyArray<Value<${nested}>>>;`);
    expect(text).toContain('  readonly Open?: unknown;');
    expect(text).toContain('  readonly Text?: unknown;');
  });

  test('two types that would share an interface name are refused', () => {
    const thing = { properties: {} };
    expect(() =>
      renderResourceProperties([
        { typeName: 'AWS::Ab::C', ...thing },
        { typeName: 'Custom::Ab::C', ...thing },
      ]),
    ).toThrow('AWS::Ab::C and Custom::Ab::C would both be AbCProperties');
  });
});

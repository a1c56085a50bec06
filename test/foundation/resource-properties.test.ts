/**
 * `TemplateBuilder.resource` takes, per resource type, only the property names its
 * provider schema lets a template set (generator/core/resource-properties.ts): a misspelt
 * name fails `tsc`, which `npm test` runs over this file, whether it is written in the
 * literal or brought in by a spread. The generated file is what the committed schemas give.
 */
import * as fs from 'node:fs';
import { RESOURCE_PROPERTIES_FILE, readProviderSchemas, renderResourceProperties } from '../../scripts/lib/resource-properties';

const FIX = 'generator/core/resource-properties.ts is stale: run `npm run schemas:refresh` and commit the result';

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

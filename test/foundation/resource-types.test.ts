/**
 * The table of resource types agrees with the provider schemas: a type takes tags in
 * the table exactly when its schema says it is taggable through a Tags property.
 */
import { RESOURCE_TYPES } from '../../generator/core/resource-types';
import { ProviderSchemas } from '../../generator/validate/provider-schemas';

const schemas = new ProviderSchemas();

describe.each(Object.entries(RESOURCE_TYPES))('%s', (type, { tags }) => {
  test('has a provider schema in schemas/providers', () => {
    expect(schemas.raw(type)?.typeName).toBe(type);
  });

  test(`takes tags as ${String(tags)}`, () => {
    const schema = schemas.raw(type)!;
    const tagging = schema.tagging as { taggable?: boolean; tagProperty?: string } | undefined;
    const props = schema.properties as Record<string, { type?: string; items?: unknown }>;
    const taggable = tagging ? tagging.taggable === true && tagging.tagProperty === '/properties/Tags' : 'Tags' in props;
    const style = !taggable ? null : props.Tags?.type === 'array' || props.Tags?.items ? 'list' : 'map';
    expect(style).toBe(tags);
  });
});

describe('the policy-rules schema', () => {
  test('requires the standard tags on exactly the types that take tags', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const policy = require('../../schemas/policy-rules.schema.json');
    const required: string[] = policy.definitions.resource.allOf[0].if.properties.Type.enum;
    const taggable = Object.entries(RESOURCE_TYPES)
      .filter(([, v]) => v.tags !== null)
      .map(([k]) => k)
      .sort();
    expect([...required].sort()).toEqual(taggable);
  });
});

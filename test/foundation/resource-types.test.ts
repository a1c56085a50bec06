/**
 * The registry of resource types agrees with the provider schemas and the generated
 * templates: a type takes tags in the registry exactly when its schema says it is
 * taggable through a Tags property; a type's name property exists in its schema, its
 * rule fits the schema's limit, and every name the templates set fits its rule.
 */
import { AWS_SERVICES } from '../../generator/core/aws-services';
import { NAME_RULES } from '../../generator/core/naming';
import { RESOURCE_TYPES, ResourceTypeEntry, checkResourceTypes } from '../../generator/core/resource-types';
import { ProviderSchemas } from '../../generator/validate/provider-schemas';
import { longestValues, nameViolations, resolvedNames } from '../helpers/names';
import { loadTemplate, templateFiles } from '../helpers/template';

const schemas = new ProviderSchemas();
const ENTRIES: ReadonlyArray<[string, ResourceTypeEntry]> = Object.entries(RESOURCE_TYPES);

describe.each(ENTRIES)('%s', (type, { tags, name }) => {
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

  test(`its name (${name === null ? 'none' : `${name.property}, ${name.rule}`}) is a property of its schema, within the schema's limit`, () => {
    if (name === null) return;
    const property = (schemas.raw(type)!.properties as Record<string, { type?: string; maxLength?: number }>)[name.property];
    expect(property).toBeDefined();
    expect(property.type ?? 'string').toBe('string');
    expect(NAME_RULES[name.rule].max).toBeLessThanOrEqual(property.maxLength ?? Infinity);
  });

  test('its service has a row in AWS_SERVICES', () => {
    const namespace = type.split('::')[1];
    expect(Object.values(AWS_SERVICES).filter((s) => s.namespace === namespace)).toHaveLength(1);
  });
});

describe('every name the generated templates set fits the rule its registry entry names', () => {
  test.each(templateFiles())('%s', (file) => {
    const t = loadTemplate(file);
    expect(nameViolations(resolvedNames(t, longestValues(t)))).toEqual([]);
  });

  test('the check sees names: the member stacks, pipelines and roles set them', () => {
    const kinds = new Set(templateFiles().flatMap((f) => resolvedNames(loadTemplate(f), longestValues(loadTemplate(f))).map((n) => n.kind)));
    for (const kind of ['alb', 'iam-role', 's3-bucket', 'log-group', 'scaling-policy', 'logs-resource-policy', 'synthetics-canary'] as const) expect(kinds).toContain(kind);
  });
});

describe('an entry without a required field fails, naming the field to add', () => {
  const full = { tags: null, name: null, scopes: {} };
  test.each([
    ['tags', /RESOURCE_TYPES\['AWS::Example::Thing'\] has no "tags": add 'list'/],
    ['name', /RESOURCE_TYPES\['AWS::Example::Thing'\] has no "name": add the property that holds the physical name .* or null/],
    ['scopes', /RESOURCE_TYPES\['AWS::Example::Thing'\] has no "scopes": add per role that deploys it, the scopes its handler actions go to .* or \{\}/],
  ])('without %s', (field, message) => {
    const entry: Record<string, unknown> = { ...full };
    delete entry[field];
    expect(() => checkResourceTypes({ 'AWS::Example::Thing': entry })).toThrow(message);
  });

  test('fields of the wrong shape name the field', () => {
    expect(() => checkResourceTypes({ 'AWS::Example::Thing': { ...full, tags: 'array' } })).toThrow(/\.tags must be/);
    expect(() => checkResourceTypes({ 'AWS::Example::Thing': { ...full, name: { property: 'Name' } } })).toThrow(/\.name must be/);
    expect(() => checkResourceTypes({ 'AWS::Example::Thing': { ...full, scopes: { build: ['X'] } } })).toThrow(/\.scopes\.build: not a role/);
    expect(() => checkResourceTypes({ 'AWS::Example::Thing': { ...full, scopes: { execution: [] } } })).toThrow(/\.scopes\.execution must list the scopes/);
    expect(() => checkResourceTypes({ 'AWS::Example::Thing': { ...full, passesRoleTo: 'lambda' } })).toThrow(/\.passesRoleTo must be a service principal/);
    expect(() => checkResourceTypes({ 'AWS::Example::Thing': { ...full, arn: 'thing/*' } })).toThrow(/\.arn must hold \{name\}/);
  });

  test('the registry itself passes', () => {
    expect(() => checkResourceTypes(RESOURCE_TYPES)).not.toThrow();
  });
});

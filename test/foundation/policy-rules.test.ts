/**
 * schemas/policy-rules.schema.json requires the standard tags on the types the registry
 * says take tags: that list is rendered from the registry (scripts/lib/policy-rules.ts,
 * written by `npm run schemas:refresh`), and the committed schema must be what it renders.
 */
import * as fs from 'node:fs';
import { RESOURCE_TYPES, ResourceTypeEntry } from '../../generator/core/resource-types';
import { POLICY_RULES_FILE, renderPolicyRules } from '../../scripts/lib/policy-rules';

const FIX = 'schemas/policy-rules.schema.json is stale: run `npm run schemas:refresh` and commit the result';
const committed = fs.readFileSync(POLICY_RULES_FILE, 'utf8');
const registry: Readonly<Record<string, ResourceTypeEntry>> = RESOURCE_TYPES;

type Schema = {
  definitions: { resource: { allOf: Array<{ if: { properties: { Type: { enum: string[] } } } }> }; standardTags: { description: string } };
};
const taggedTypes = (text: string): string[] => (JSON.parse(text) as Schema).definitions.resource.allOf[0].if.properties.Type.enum;

describe('schemas/policy-rules.schema.json is fresh', () => {
  test('it is byte for byte what the registry renders into it', () => {
    if (renderPolicyRules(committed) !== committed) throw new Error(FIX);
  });

  test('it requires the standard tags on exactly the types whose entries take tags', () => {
    const taggable = Object.keys(registry)
      .filter((type) => registry[type].tags !== null)
      .sort();
    expect(taggedTypes(committed)).toEqual(taggable);
    expect(taggable).toEqual(expect.arrayContaining(['AWS::S3::Bucket', 'AWS::SSM::Parameter']));
  });

  test('a new entry that takes tags makes the committed schema stale, and rendering adds it', () => {
    const added = { ...registry, 'AWS::Example::Thing': { tags: 'map', name: null, scopes: {} } } as const;
    const rendered = renderPolicyRules(committed, added);
    expect(rendered).not.toBe(committed);
    expect(taggedTypes(rendered)).toEqual([...taggedTypes(committed), 'AWS::Example::Thing'].sort());
    expect((JSON.parse(rendered) as Schema).definitions.standardTags.description).toMatch(/\(AWS::Example::Thing, AWS::SSM::Parameter\)$/);
  });

  test('a new entry without tags leaves it as it is', () => {
    expect(renderPolicyRules(committed, { ...registry, 'AWS::Example::Thing': { tags: null, name: null, scopes: {} } })).toBe(committed);
  });

  test('rendering keeps the hand-written rest of the schema', () => {
    const edited = committed.replace('"const": "Delete"', '"const": "Retain"');
    expect(renderPolicyRules(edited)).toBe(edited);
  });

  test('a schema without the place for the types is refused, naming the path', () => {
    const schema = JSON.parse(committed) as { definitions: { resource: { allOf?: unknown } } };
    delete schema.definitions.resource.allOf;
    expect(() => renderPolicyRules(JSON.stringify(schema))).toThrow(/has no definitions\.resource\.allOf: the registry's types go there/);
  });
});

/**
 * Provider-schema validation as generation uses it: every stored schema compiles, and a
 * schema specialised to a resource's properties accepts and refuses as the whole schema
 * does, and so does the validator compiled ahead of time, for every resource the
 * generator writes and for broken variants of each.
 */
import Ajv, { ErrorObject } from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SCHEMA_DIR } from '../generator/core/paths';
import { ResourceDef, Template } from '../generator/core/template';
import { buildAll } from '../generator/render';
import { compiledValidators } from '../generator/core/compiled-validators';
import { ProviderSchemas, providerSchemaAjv } from '../generator/validate/provider-schemas';
import { exampleConfig } from './helpers/template';

const DIR = path.join(SCHEMA_DIR, 'providers');
const TYPES = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, '').replace(/-/g, '::'));

function templateOf(resources: Record<string, Pick<ResourceDef, 'Type' | 'Properties'>>): Template {
  const withPolicies = Object.fromEntries(Object.entries(resources).map(([id, r]) => [id, { ...r, DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' }]));
  return { AWSTemplateFormatVersion: '2010-09-09', Description: 'test', Resources: withPolicies } as unknown as Template;
}

type Props = Record<string, unknown>;

/** Variants of a resource's properties with a problem at the top and deep inside. */
function broken(props: Props): Array<[string, Props]> {
  const out: Array<[string, Props]> = [['an unknown property', { ...props, NoSuchProperty: 'x' }]];
  const copy = JSON.parse(JSON.stringify(props)) as Props;
  // The deepest object with a literal string in it: the string becomes a number, and the
  // object gets a key no schema has.
  let target: Props | undefined;
  let key: string | undefined;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) {
      for (const [k, v] of Object.entries(node as Props)) {
        if (typeof v === 'string' && !k.startsWith('Fn::') && k !== 'Ref') {
          target = node as Props;
          key = k;
        }
        walk(v);
      }
    }
  };
  walk(copy);
  if (target && key) {
    target[key] = 12345;
    target.NoSuchKey = true;
    out.push([`a number for ${key} and an unknown key beside it`, copy]);
  }
  return out;
}

function errorSet(errors: ErrorObject[] | null | undefined): string[] {
  return [...new Set((errors ?? []).map((e) => `${e.instancePath} ${e.keyword} ${e.message ?? ''} ${JSON.stringify(e.params)}`))].sort();
}

describe('provider schemas', () => {
  test.each(TYPES)('%s compiles and validates a resource', (type) => {
    const schemas = new ProviderSchemas(DIR);
    expect(() => schemas.validate(templateOf({ R: { Type: type, Properties: {} } }))).not.toThrow();
  });

  describe('a specialised schema finds what the whole schema finds', () => {
    const schemas = new ProviderSchemas(DIR);
    const ajv = providerSchemaAjv();
    const whole = new Map<string, ReturnType<Ajv['compile']>>();
    const resources = buildAll(exampleConfig()).templates.flatMap((t) =>
      Object.entries(t.template.Resources).flatMap(([id, r]) => {
        const props = (r.Properties ?? {}) as Props;
        return [[`${t.path} ${id}`, r.Type, props, true] as const, ...broken(props).map(([what, p]) => [`${t.path} ${id} with ${what}`, r.Type, p, false] as const)];
      }),
    );

    test('there are resources to compare', () => {
      expect(resources.length).toBeGreaterThan(0);
    });

    const wholeValidator = (type: string) => {
      let full = whole.get(type);
      if (!full) whole.set(type, (full = ajv.compile(schemas.schemaOf(type))));
      return full;
    };

    test('broken variants that the whole schema refuses are among them', () => {
      const refused = resources.filter(([, type, props, generated]) => !generated && !wholeValidator(type)(props));
      expect(refused.length).toBeGreaterThan(0);
    });

    test.each(resources)('%s', (_name, type, props, generated) => {
      const full = wholeValidator(type);
      const specialised = ajv.compile(schemas.specialized(type, props));
      const fullOk = full(props);
      const fullErrors = errorSet(full.errors);
      // What the generator writes is valid; a broken variant may still be (a policy
      // document is free-form), and then both must say so.
      if (generated) expect(fullOk).toBe(true);
      expect(specialised(props)).toBe(fullOk);
      // The validator compiled ahead of time (the whole schema, first error only) agrees.
      expect(compiledValidators('providers')[type](props)).toBe(fullOk);
      // The specialised errors are among the whole schema's (without the intrinsic branch's
      // "must be object" for a literal), and every place the whole schema finds a problem
      // has one at it or below it.
      const specialisedErrors = errorSet(specialised.errors);
      expect(fullErrors).toEqual(expect.arrayContaining(specialisedErrors));
      const paths = (specialised.errors ?? []).map((e) => e.instancePath);
      for (const e of full.errors ?? []) expect(paths.some((p) => p === e.instancePath || p.startsWith(`${e.instancePath}/`))).toBe(true);
    });
  });

  test('findings name the resource, the property path and the problem', () => {
    const found = new ProviderSchemas(DIR).validate(
      templateOf({
        Bucket: { Type: 'AWS::S3::Bucket', Properties: { VersioningConfiguration: { Status: 'Sometimes' }, Bogus: true } },
        Cluster: { Type: 'AWS::ECS::Cluster', Properties: { ClusterName: 7 } },
      }),
    );
    expect(found.map((p) => `${p.resource} ${p.message}`)).toEqual(
      expect.arrayContaining([
        'Bucket Properties: unknown property Bogus',
        'Bucket Properties.VersioningConfiguration.Status: must be equal to one of the allowed values',
        'Cluster Properties.ClusterName: must be string',
      ]),
    );
  });
});

/**
 * Validates each resource's Properties against its type's CloudFormation resource
 * provider schema (schemas/providers, exported from cfn-lint).
 *
 * Provider schemas describe literal values. A template may compute any value with an
 * intrinsic function, so before compiling, every place a value can stand in the schema
 * (a property, an array item, a map value) is widened to "the original, or an intrinsic
 * function call". Everything else, property names, required properties, enums,
 * patterns and lengths, is checked as AWS publishes it.
 */
import Ajv, { ValidateFunction } from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SCHEMA_DIR } from '../core/paths';
import { Template } from '../core/template';

export function providerSchemaFile(type: string): string {
  return `${type.replace(/::/g, '-')}.json`;
}

const INTRINSIC = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  propertyNames: { pattern: '^(Ref|Fn::[A-Za-z0-9]+|Condition)$' },
};

type Schema = Record<string, unknown>;

/** Widens every value position of a provider schema to accept an intrinsic function. */
export function acceptIntrinsics(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(acceptIntrinsics);
  if (typeof node !== 'object' || node === null) return node;
  const schema = node as Schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if ((key === 'properties' || key === 'patternProperties' || key === 'definitions') && isObject(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, key === 'definitions' ? acceptIntrinsics(v) : widen(v)]),
      );
    } else if ((key === 'items' || key === 'additionalProperties') && isObject(value)) {
      out[key] = widen(value);
    } else if (key === 'oneOf' || key === 'anyOf' || key === 'allOf') {
      out[key] = (value as unknown[]).map(acceptIntrinsics);
    } else if (key === 'then' || key === 'else' || key === 'if' || key === 'not') {
      out[key] = acceptIntrinsics(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function widen(value: unknown): unknown {
  return { anyOf: [INTRINSIC, acceptIntrinsics(value)] };
}

function isObject(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface SchemaFinding {
  readonly resource: string;
  readonly type: string;
  readonly message: string;
}

/**
 * Patterns are compiled as Unicode regular expressions, as AWS evaluates them; the few
 * published patterns that are not valid in Unicode mode (an escaped `-` outside a
 * character class, as in AWS::Events::Rule's Targets.InputTransformer paths) are
 * compiled without the `u` flag instead of failing the whole schema.
 */
function providerRegExp(pattern: string, flags: string): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch {
    return new RegExp(pattern, flags.replace('u', ''));
  }
}
providerRegExp.code = 'new RegExp';

/** Compiles provider schemas on first use and validates templates against them. */
export class ProviderSchemas {
  // Compiling is the expensive part of generation (the S3 bucket, CodeBuild project and
  // CodePipeline schemas take hundreds of milliseconds each with ajv's defaults), so:
  // - each schema is compiled at most once per process for each set of top-level
  //   properties the templates set on that type; the properties a resource does not set
  //   are replaced by `true` before compiling. For a resource with exactly those
  //   properties the result is the same (a subschema of an absent property never runs),
  //   and the definitions only those properties use are never compiled;
  // - referenced definitions are compiled once as functions, not inlined at every use
  //   (`inlineRefs: false`), and ajv's code optimisation pass, which costs more than it
  //   saves for code that runs a few times, is off;
  // - the schemas are not checked against a meta-schema first (AWS publishes them, and
  //   the tests compile every stored one).
  private readonly ajv = new Ajv({
    strict: false,
    allErrors: true,
    unicodeRegExp: true,
    validateFormats: false,
    validateSchema: false,
    inlineRefs: false,
    code: { optimize: false, regExp: providerRegExp },
  });
  private readonly widened = new Map<string, Schema>();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly dir: string = path.join(SCHEMA_DIR, 'providers')) {}

  /** The provider schema of a type as published, or undefined when none is stored. */
  raw(type: string): Schema | undefined {
    const file = path.join(this.dir, providerSchemaFile(type));
    if (!fs.existsSync(file)) return undefined;
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Schema;
  }

  /** The type's schema, widened to accept intrinsics, with the read-only properties refused. */
  private schemaOf(type: string): Schema {
    let schema = this.widened.get(type);
    if (!schema) {
      const raw = this.raw(type);
      if (!raw) throw new Error(`no provider schema for ${type} in schemas/providers: run \`npm run schemas:refresh\``);
      const { $schema: _schema, $id: _id, ...rest } = raw;
      void _schema;
      void _id;
      const widened = acceptIntrinsics(rest) as Schema;
      // Read-only properties are attributes, not inputs: a template may not set them.
      const readOnly = ((raw.readOnlyProperties as string[] | undefined) ?? []).map((p) => p.replace('/properties/', ''));
      const topLevel = readOnly.filter((p) => !p.includes('/'));
      schema = {
        ...widened,
        ...(topLevel.length ? { not: { anyOf: topLevel.map((p) => ({ required: [p] })) } } : {}),
      };
      this.widened.set(type, schema);
    }
    return schema;
  }

  /** A validator for resources of `type` that set exactly the top-level properties `present`. */
  private validator(type: string, present: readonly string[]): ValidateFunction {
    const key = `${type}|${present.join(',')}`;
    let v = this.compiled.get(key);
    if (!v) {
      const schema = this.schemaOf(type);
      const properties = isObject(schema.properties) ? schema.properties : {};
      const set = new Set(present);
      v = this.ajv.compile({
        ...schema,
        properties: Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, set.has(k) ? s : true])),
      });
      this.compiled.set(key, v);
    }
    return v;
  }

  validate(template: Template): SchemaFinding[] {
    const findings: SchemaFinding[] = [];
    for (const [id, resource] of Object.entries(template.Resources)) {
      const properties = resource.Properties ?? {};
      const validate = this.validator(resource.Type, Object.keys(properties).sort());
      if (!validate(properties)) {
        for (const e of validate.errors ?? []) {
          if (e.keyword === 'anyOf' && e.message?.includes('anyOf')) continue;
          const where = e.instancePath ? `Properties${e.instancePath.replace(/\//g, '.')}` : 'Properties';
          const detail =
            e.keyword === 'additionalProperties'
              ? `unknown property ${(e.params as { additionalProperty: string }).additionalProperty}`
              : e.keyword === 'not'
                ? 'sets a read-only property'
                : e.message ?? e.keyword;
          findings.push({ resource: id, type: resource.Type, message: `${where}: ${detail}` });
        }
      }
    }
    return dedupe(findings);
  }
}

function dedupe(findings: SchemaFinding[]): SchemaFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.resource}|${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

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
import type { default as AjvClass, Options, ValidateFunction } from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SCHEMA_DIR } from '../core/paths';
import { Template } from '../core/template';
import { compiledValidators } from '../core/compiled-validators';

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
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, key === 'definitions' ? acceptIntrinsics(v) : widen(v)]));
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

/**
 * Where the intrinsic-function schema lives in a widened schema: one definition that every
 * value position refers to, so ajv compiles it once per schema instead of at every place.
 */
const INTRINSIC_NAME = 'CfnIntrinsicFunction';
const INTRINSIC_REF = `#/definitions/${INTRINSIC_NAME}`;

function widen(value: unknown): unknown {
  return { anyOf: [{ $ref: INTRINSIC_REF }, acceptIntrinsics(value)] };
}

function isObject(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keywords that only annotate: a `$ref` with nothing else beside it is just the reference. */
const ANNOTATIONS = new Set(['description', 'title', '$comment', 'examples', 'default', 'markdownDescription']);

/**
 * The part of `schema` that can run on these instances: every subschema at a place where
 * none of the instances has a value becomes `true` (it would never run), every `$ref` is
 * replaced by the specialised definition it points to, definitions go, and a widened
 * position keeps only the branch its values can take (an intrinsic call, or a literal).
 * Validating the same instances against the result accepts and refuses exactly as the
 * whole schema does, with the errors of the branch that applies (not also "must be
 * object" from the intrinsic branch for a literal), while ajv compiles only what the
 * templates use instead of whole provider schemas (an Events rule target alone has some
 * twenty parameter blocks a template never sets).
 */
export function specialize(schema: unknown, instances: readonly unknown[], root: Schema, refs: ReadonlySet<string> = new Set()): unknown {
  if (instances.length === 0) return true;
  if (!isObject(schema)) return schema;
  // A widened position holding only intrinsic calls, or only literals, needs one branch.
  if (isWidened(schema)) {
    const calls = instances.filter(isIntrinsicCall).length;
    if (calls === instances.length) return schema.anyOf[0];
    if (calls === 0) return specialize(schema.anyOf[1], instances, root, refs);
  }
  if (typeof schema.$ref === 'string') return specializeRef(schema, schema.$ref, instances, root, refs);
  const node: SchemaNode = {
    schema,
    objects: instances.filter(isObject),
    arrays: instances.filter((i): i is unknown[] => Array.isArray(i)),
    deeper: (sub, values) => specialize(sub, values, root),
    same: (sub) => specialize(sub, instances, root, refs),
  };
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'definitions') continue;
    out[key] = specializeKeyword(key, value, node);
  }
  return out;
}

/** A `$ref`: the definition it points to, specialised, with any other keywords beside it. */
function specializeRef(schema: Schema, ref: string, instances: readonly unknown[], root: Schema, refs: ReadonlySet<string>): unknown {
  // A reference back to itself without going deeper into the data would never end; a
  // schema of that shape would not terminate in ajv either, so it is left to ajv.
  if (refs.has(ref) || ref === INTRINSIC_REF) return schema;
  const target = specialize(resolvePointer(root, ref), instances, root, new Set([...refs, ref]));
  const { $ref: _ref, ...rest } = schema;
  void _ref;
  const siblings = Object.keys(rest).filter((k) => !ANNOTATIONS.has(k));
  return siblings.length ? { allOf: [target, specialize(rest, instances, root, refs)] } : target;
}

/**
 * A schema object being specialised: its instances that are objects and arrays, and how
 * to specialise a subschema on the values one level down (`deeper`) or on the same
 * instances (`same`, for the applicators that apply to the value itself).
 */
interface SchemaNode {
  readonly schema: Schema;
  readonly objects: readonly Schema[];
  readonly arrays: readonly unknown[][];
  readonly deeper: (sub: unknown, values: unknown[]) => unknown;
  readonly same: (sub: unknown) => unknown;
}

/** One keyword of a schema object, specialised to the values its subschemas apply to. */
function specializeKeyword(key: string, value: unknown, { schema, objects, arrays, deeper, same }: SchemaNode): unknown {
  if (key === 'properties' && isObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, sub]) => [
        k,
        deeper(
          sub,
          objects.filter((o) => Object.prototype.hasOwnProperty.call(o, k)).map((o) => o[k]),
        ),
      ]),
    );
  } else if (key === 'patternProperties' && isObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([p, sub]) => {
        const re = providerRegExp(p, 'u');
        return [
          p,
          deeper(
            sub,
            objects.flatMap((o) =>
              Object.keys(o)
                .filter((k) => re.test(k))
                .map((k) => o[k]),
            ),
          ),
        ];
      }),
    );
  } else if (key === 'additionalProperties' && isObject(value)) {
    const named = new Set(Object.keys(isObject(schema.properties) ? schema.properties : {}));
    const patterns = Object.keys(isObject(schema.patternProperties) ? schema.patternProperties : {}).map((p) => providerRegExp(p, 'u'));
    const extra = objects.flatMap((o) =>
      Object.keys(o)
        .filter((k) => !named.has(k) && !patterns.some((re) => re.test(k)))
        .map((k) => o[k]),
    );
    return deeper(value, extra);
  } else if (key === 'items' && Array.isArray(value)) {
    return value.map((sub, i) =>
      deeper(
        sub,
        arrays.filter((a) => a.length > i).map((a) => a[i]),
      ),
    );
  } else if ((key === 'items' || key === 'contains') && isObject(value)) {
    return deeper(value, arrays.flat());
  } else if (key === 'additionalItems' && isObject(value)) {
    const tuple = Array.isArray(schema.items) ? schema.items.length : 0;
    return deeper(
      value,
      arrays.flatMap((a) => a.slice(tuple)),
    );
  } else if ((key === 'allOf' || key === 'anyOf' || key === 'oneOf') && Array.isArray(value)) {
    return value.map(same);
  } else if (key === 'not' || key === 'if' || key === 'then' || key === 'else') {
    return same(value);
  } else if (key === 'dependencies' && isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, d]) => [k, Array.isArray(d) ? d : same(d)]));
  }
  return value;
}

const INTRINSIC_KEY = /^(Ref|Fn::[A-Za-z0-9]+|Condition)$/;

function isIntrinsicCall(v: unknown): boolean {
  if (!isObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && INTRINSIC_KEY.test(keys[0]);
}

/** `{ anyOf: [intrinsic, original] }` as `widen` writes it. */
function isWidened(schema: Schema): schema is Schema & { anyOf: [Schema, unknown] } {
  const branches = schema.anyOf;
  return Object.keys(schema).length === 1 && Array.isArray(branches) && branches.length === 2 && isObject(branches[0]) && branches[0].$ref === INTRINSIC_REF;
}

function resolvePointer(root: Schema, ref: string): unknown {
  if (!ref.startsWith('#')) throw new Error(`provider schema reference ${ref} is not local`);
  let node: unknown = root;
  for (const part of ref.slice(1).split('/').filter(Boolean)) {
    node = isObject(node) ? node[decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  if (node === undefined) throw new Error(`provider schema reference ${ref} points nowhere`);
  return node;
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
export function providerRegExp(pattern: string, flags: string): RegExp {
  // Java's POSIX class \p{Print} (AWS::ApplicationAutoScaling::ScalingPolicy's PolicyName),
  // printable ASCII, which JavaScript does not know.
  const source = pattern.split('\\p{Print}').join('[\\x20-\\x7E]');
  try {
    return new RegExp(source, flags);
  } catch {
    return new RegExp(source, flags.replace('u', ''));
  }
}
// Standalone code (generator/validate/aot.ts) writes this function out as its `code`,
// since `new RegExp` alone would throw on those patterns when the module loads. The text
// is fixed, not the function's own source, so the generated code is the same whichever
// compiler built this module.
providerRegExp.code =
  '((pattern, flags) => { const source = pattern.split("\\\\p{Print}").join("[\\\\x20-\\\\x7E]"); try { return new RegExp(source, flags); } catch { return new RegExp(source, flags.replace("u", "")); } })';

/**
 * The options provider schemas are compiled with: every error, Unicode patterns (with the
 * fallback above), no format checks; no meta-schema check first (AWS publishes the
 * schemas, and the tests compile every stored one); the intrinsic-function definition
 * compiled once, not inlined; and no optimisation pass, which costs more than it saves
 * for code that runs a few times.
 */
export const PROVIDER_AJV_OPTIONS: Options = {
  strict: false,
  allErrors: true,
  unicodeRegExp: true,
  validateFormats: false,
  validateSchema: false,
  inlineRefs: false,
  code: { optimize: false, regExp: providerRegExp },
};

/** The ajv that compiles provider schemas (PROVIDER_AJV_OPTIONS). */
export function providerSchemaAjv(): AjvClass {
  // Loaded here, not at the top: generation only compiles a provider schema to explain a
  // resource the compiled validators refused.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: Ajv } = require('ajv') as typeof import('ajv');
  return new Ajv(PROVIDER_AJV_OPTIONS);
}

/** Compiles provider schemas on first use and validates templates against them. */
export class ProviderSchemas {
  // Compiling is the expensive part of generation (the S3 bucket, CodeBuild project and
  // CodePipeline schemas take hundreds of milliseconds each with ajv's defaults), so:
  // - each resource is validated against its schema specialised to its own properties
  //   (`specialize`): only the subschemas that can run on them are compiled, and a
  //   specialised schema seen before reuses its compiled validator;
  // - the options of `providerSchemaAjv`.
  // - properties the whole schema accepts, as the validators compiled ahead of time say
  //   (generator/core/compiled-validators.ts), are not compiled for at all: only a resource they
  //   refuse is compiled for, to say why.
  private ajvInstance: AjvClass | undefined;
  private readonly stored: boolean;
  private readonly widened = new Map<string, Schema>();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly dir: string = path.join(SCHEMA_DIR, 'providers')) {
    this.stored = path.resolve(dir) === path.join(SCHEMA_DIR, 'providers');
  }

  private get ajv(): AjvClass {
    this.ajvInstance ??= providerSchemaAjv();
    return this.ajvInstance;
  }

  /** The compiled whole-schema validator of a type, for the stored schemas only. */
  private ahead(type: string): ValidateFunction | undefined {
    if (!this.stored) return undefined;
    return compiledValidators('providers')[type];
  }

  /** The provider schema of a type as published, or undefined when none is stored. */
  raw(type: string): Schema | undefined {
    const file = path.join(this.dir, providerSchemaFile(type));
    if (!fs.existsSync(file)) return undefined;
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Schema;
  }

  /** The type's whole schema, widened to accept intrinsics, with the read-only properties refused. */
  schemaOf(type: string): Schema {
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
        definitions: { ...(isObject(widened.definitions) ? widened.definitions : {}), [INTRINSIC_NAME]: INTRINSIC },
        ...(topLevel.length ? { not: { anyOf: topLevel.map((p) => ({ required: [p] })) } } : {}),
      };
      this.widened.set(type, schema);
    }
    return schema;
  }

  /** The part of the type's schema that can run on these properties (see `specialize`). */
  specialized(type: string, properties: Schema): Schema {
    const whole = this.schemaOf(type);
    return { ...(specialize(whole, [properties], whole) as Schema), definitions: { [INTRINSIC_NAME]: INTRINSIC } };
  }

  private validator(type: string, properties: Schema): ValidateFunction {
    const schema = this.specialized(type, properties);
    const key = `${type}|${JSON.stringify(schema)}`;
    let v = this.compiled.get(key);
    if (!v) {
      v = this.ajv.compile(schema as Schema);
      this.compiled.set(key, v);
    }
    return v;
  }

  validate(template: Template): SchemaFinding[] {
    const findings: SchemaFinding[] = [];
    for (const [id, resource] of Object.entries(template.Resources)) {
      const properties = resource.Properties ?? {};
      if (this.ahead(resource.Type)?.(properties)) continue;
      const validate = this.validator(resource.Type, properties);
      if (!validate(properties)) {
        for (const e of validate.errors ?? []) {
          if (e.keyword === 'anyOf' && e.message?.includes('anyOf')) continue;
          const where = e.instancePath ? `Properties${e.instancePath.replace(/\//g, '.')}` : 'Properties';
          const detail =
            e.keyword === 'additionalProperties'
              ? `unknown property ${(e.params as { additionalProperty: string }).additionalProperty}`
              : e.keyword === 'not'
                ? 'sets a read-only property'
                : (e.message ?? e.keyword);
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

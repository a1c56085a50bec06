/**
 * The template model and the one path through which templates are assembled.
 *
 * A builder function creates a `TemplateBuilder`, declares parameters, conditions,
 * resources and outputs through it (each declaration returns a handle for Ref/GetAtt),
 * and calls `build()`. Every resource gets DeletionPolicy and UpdateReplacePolicy
 * `Delete` and, when its type takes tags, the Environment, Project and CostCenter tags.
 * `build()` checks that every Ref, GetAtt, Sub variable, condition name and DependsOn
 * points at something the template declares, and throws otherwise.
 */
import {
  AWS,
  ConditionExpr,
  ConditionHandle,
  Intrinsic,
  PSEUDO,
  Referable,
  Value,
  getAtt,
  ref,
} from './intrinsics';
import type { CheckedProperties, ResourcePropertiesOf } from './resource-properties';
import { RESOURCE_TYPES, ResourceType } from './resource-types';
import { Suppression, iamWildcardSuppressions, suppressionMetadata } from './suppressions';

export const TEMPLATE_FORMAT_VERSION = '2010-09-09';

/** The sections of a template, in the order CloudFormation documents them. */
export const SECTION_ORDER = [
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Hooks',
  'Outputs',
] as const;

/** The attributes of a resource, in the order the serializer writes them. */
export const RESOURCE_ATTRIBUTE_ORDER = [
  'Type',
  'Condition',
  'DependsOn',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Metadata',
  'Properties',
] as const;

export const LOGICAL_ID_PATTERN = /^[A-Za-z0-9]+$/;
export const LOGICAL_ID_MAX_LENGTH = 255;

export type StringParameterType =
  | 'String'
  | 'AWS::EC2::VPC::Id'
  | 'AWS::EC2::Subnet::Id'
  | 'AWS::EC2::SecurityGroup::Id'
  | 'AWS::EC2::AvailabilityZone::Name'
  | 'AWS::SSM::Parameter::Value<AWS::EC2::VPC::Id>'
  | 'AWS::SSM::Parameter::Value<String>';
export type ListParameterType =
  | 'CommaDelimitedList'
  | 'List<AWS::EC2::Subnet::Id>'
  | 'List<AWS::EC2::SecurityGroup::Id>'
  | 'List<AWS::EC2::AvailabilityZone::Name>'
  | 'AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>'
  | 'AWS::SSM::Parameter::Value<List<String>>';
export type ParameterType = StringParameterType | ListParameterType | 'Number';

interface ParameterBase {
  readonly Description: string;
  readonly ConstraintDescription?: string;
  /** Blue/green stacks may not have NoEcho parameters; nothing secret is ever a parameter here. */
  readonly NoEcho?: never;
}

export interface StringParameter extends ParameterBase {
  readonly Type: StringParameterType;
  readonly Default?: string;
  readonly AllowedPattern?: string;
  readonly AllowedValues?: readonly string[];
  readonly MinLength?: number;
  readonly MaxLength?: number;
}

export interface ListParameter extends ParameterBase {
  readonly Type: ListParameterType;
  readonly Default?: string;
  readonly AllowedPattern?: string;
  readonly AllowedValues?: readonly string[];
}

export interface NumberParameter extends ParameterBase {
  readonly Type: 'Number';
  readonly Default?: number;
  readonly MinValue?: number;
  readonly MaxValue?: number;
  readonly AllowedValues?: readonly number[];
}

export type ParameterDef = StringParameter | ListParameter | NumberParameter;

/** A declared parameter; `ref(p)` yields its value with the right type. */
export interface ParameterHandle<T> extends Referable<T> {
  readonly definition: ParameterDef;
}

export type DeletionPolicy = 'Delete';

export interface ResourceDef {
  readonly Type: string;
  readonly Condition?: string;
  readonly DependsOn?: string | string[];
  readonly DeletionPolicy: DeletionPolicy;
  readonly UpdateReplacePolicy: DeletionPolicy;
  readonly Metadata?: Record<string, unknown>;
  readonly Properties?: Record<string, unknown>;
}

export interface OutputDef {
  readonly Description: string;
  readonly Value: Value<string>;
  readonly Condition?: string;
  readonly Export?: { readonly Name: Value<string> };
}

export interface RuleDef {
  readonly RuleCondition?: ConditionExpr;
  readonly Assertions: ReadonlyArray<{ readonly Assert: ConditionExpr; readonly AssertDescription: string }>;
}

export interface HookDef {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
}

export interface Template {
  readonly AWSTemplateFormatVersion: typeof TEMPLATE_FORMAT_VERSION;
  readonly Description: string;
  readonly Metadata?: Record<string, unknown>;
  readonly Parameters?: Record<string, ParameterDef>;
  readonly Rules?: Record<string, RuleDef>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  readonly Conditions?: Record<string, ConditionExpr>;
  readonly Transform?: string | readonly string[];
  readonly Resources: Record<string, ResourceDef>;
  readonly Hooks?: Record<string, HookDef>;
  readonly Outputs?: Record<string, OutputDef>;
}

/** The tags every taggable resource carries (requirement 10). */
export interface StandardTags {
  readonly Environment: Value<string>;
  readonly Project: Value<string>;
  readonly CostCenter: Value<string>;
}
export const STANDARD_TAG_KEYS = ['Environment', 'Project', 'CostCenter'] as const;

export interface ResourceHandle extends Referable<string> {
  readonly type: ResourceType;
  ref(): Intrinsic<string>;
  getAtt<T = string>(attribute: string): Intrinsic<T>;
}

export interface ResourceOptions {
  readonly condition?: ConditionHandle;
  readonly dependsOn?: ReadonlyArray<{ readonly logicalId: string }>;
  readonly metadata?: Record<string, unknown>;
  /** Scanner findings the resource accepts, each with its reason (core/suppressions.ts `suppress`). */
  readonly suppressions?: readonly Suppression[];
}

export type Properties = Record<string, unknown>;

export class TemplateError extends Error {}

export class TemplateBuilder {
  private readonly parameters = new Map<string, ParameterDef>();
  private readonly rules = new Map<string, RuleDef>();
  private readonly mappings = new Map<string, Record<string, Record<string, unknown>>>();
  private readonly conditions = new Map<string, ConditionExpr>();
  private readonly resources = new Map<string, ResourceDef>();
  private readonly hooks = new Map<string, HookDef>();
  private readonly outputs = new Map<string, OutputDef>();
  private readonly transforms: string[] = [];
  private metadata: Record<string, unknown> | undefined;
  private tags: StandardTags | undefined;
  private readonly suppressions = new Map<string, readonly Suppression[]>();

  constructor(private readonly description: string) {
    if (description.length > 1024) throw new TemplateError('a template description is at most 1024 bytes');
  }

  /** The standard tags; call once, before `build()`, when the template has taggable resources. */
  standardTags(tags: StandardTags): void {
    this.tags = tags;
  }

  setMetadata(metadata: Record<string, unknown>): void {
    this.metadata = metadata;
  }

  parameter(id: string, def: StringParameter): ParameterHandle<string>;
  parameter(id: string, def: ListParameter): ParameterHandle<string[]>;
  parameter(id: string, def: NumberParameter): ParameterHandle<number>;
  parameter(id: string, def: ParameterDef): ParameterHandle<unknown> {
    this.claim(id, 'parameter');
    this.parameters.set(id, def);
    return { logicalId: id, definition: def };
  }

  rule(id: string, def: RuleDef): void {
    this.claimIn(this.rules, id, 'rule');
    this.rules.set(id, def);
  }

  mapping(id: string, map: Record<string, Record<string, unknown>>): void {
    this.claimIn(this.mappings, id, 'mapping');
    this.mappings.set(id, map);
  }

  condition(id: string, expr: ConditionExpr): ConditionHandle {
    this.claimIn(this.conditions, id, 'condition');
    this.conditions.set(id, expr);
    return { conditionId: id };
  }

  transform(name: string): void {
    if (!this.transforms.includes(name)) this.transforms.push(name);
  }

  resource<T extends ResourceType, P extends ResourcePropertiesOf<T>>(id: string, type: T, properties: CheckedProperties<T, P>, options: ResourceOptions = {}): ResourceHandle {
    this.claim(id, 'resource');
    const def: ResourceDef = {
      Type: type,
      ...(options.condition ? { Condition: options.condition.conditionId } : {}),
      ...(options.dependsOn && options.dependsOn.length > 0
        ? { DependsOn: dependsOnValue(options.dependsOn.map((d) => d.logicalId)) }
        : {}),
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      ...(options.metadata ? { Metadata: options.metadata } : {}),
      Properties: properties,
    };
    this.resources.set(id, def);
    if (options.suppressions) this.suppressions.set(id, options.suppressions);
    const handle: ResourceHandle = {
      logicalId: id,
      type,
      ref: () => ref(handle),
      getAtt: <T = string>(attribute: string) => getAtt<T>(handle, attribute),
    };
    return handle;
  }

  hook(id: string, type: string, properties: Properties): void {
    this.claimIn(this.hooks, id, 'hook');
    this.hooks.set(id, { Type: type, Properties: properties });
  }

  output(id: string, def: { description: string; value: Value<string>; condition?: ConditionHandle; exportName?: Value<string> }): void {
    this.claimIn(this.outputs, id, 'output');
    this.outputs.set(id, {
      Description: def.description,
      Value: def.value,
      ...(def.condition ? { Condition: def.condition.conditionId } : {}),
      ...(def.exportName !== undefined ? { Export: { Name: def.exportName } } : {}),
    });
  }

  /** Assembles the template and checks every reference in it. */
  build(): Template {
    const resources: Record<string, ResourceDef> = {};
    for (const [id, def] of this.resources) {
      resources[id] = this.withSuppressions(id, this.withStandardTags(id, def));
    }
    const template: Template = {
      AWSTemplateFormatVersion: TEMPLATE_FORMAT_VERSION,
      Description: this.description,
      ...(this.metadata ? { Metadata: this.metadata } : {}),
      ...(this.parameters.size ? { Parameters: Object.fromEntries(this.parameters) } : {}),
      ...(this.rules.size ? { Rules: Object.fromEntries(this.rules) } : {}),
      ...(this.mappings.size ? { Mappings: Object.fromEntries(this.mappings) } : {}),
      ...(this.conditions.size ? { Conditions: Object.fromEntries(this.conditions) } : {}),
      ...(this.transforms.length
        ? { Transform: this.transforms.length === 1 ? this.transforms[0] : [...this.transforms] }
        : {}),
      Resources: resources,
      ...(this.hooks.size ? { Hooks: Object.fromEntries(this.hooks) } : {}),
      ...(this.outputs.size ? { Outputs: Object.fromEntries(this.outputs) } : {}),
    };
    checkReferences(template);
    return template;
  }

  /** The scanners' suppressions in Metadata: the declared ones and those of the IAM wildcards, which carry their reasons. */
  private withSuppressions(id: string, def: ResourceDef): ResourceDef {
    const all = [...(this.suppressions.get(id) ?? []), ...iamWildcardSuppressions(id, def)];
    if (all.length === 0) return def;
    const { Properties, ...head } = def;
    return { ...head, Metadata: { ...(def.Metadata ?? {}), ...suppressionMetadata(def.Type, all) }, ...(Properties ? { Properties } : {}) };
  }

  private withStandardTags(id: string, def: ResourceDef): ResourceDef {
    const style = RESOURCE_TYPES[def.Type as ResourceType].tags;
    if (style === null) return def;
    if (!this.tags) {
      throw new TemplateError(`resource ${id} (${def.Type}) takes tags, but the template declares no standard tags`);
    }
    const props = def.Properties ?? {};
    const standard = STANDARD_TAG_KEYS.map((key) => ({ Key: key, Value: this.tags![key] }));
    let tags: unknown;
    if (style === 'list') {
      const own = (props.Tags as Array<{ Key: string; Value: unknown }> | undefined) ?? [];
      for (const t of own) {
        if ((STANDARD_TAG_KEYS as readonly string[]).includes(t.Key)) {
          throw new TemplateError(`resource ${id} sets the standard tag ${t.Key} itself; it is applied for every resource`);
        }
      }
      tags = [...own, ...standard];
    } else {
      const own = (props.Tags as Record<string, unknown> | undefined) ?? {};
      tags = { ...own, ...Object.fromEntries(standard.map((t) => [t.Key, t.Value])) };
    }
    return { ...def, Properties: { ...props, Tags: tags } };
  }

  private claim(id: string, kind: string): void {
    checkLogicalId(id, kind);
    if (this.parameters.has(id) || this.resources.has(id)) {
      throw new TemplateError(`logical ID ${id} is declared twice (parameters and resources share one namespace)`);
    }
  }

  private claimIn(map: Map<string, unknown>, id: string, kind: string): void {
    checkLogicalId(id, kind);
    if (map.has(id)) throw new TemplateError(`${kind} ${id} is declared twice`);
  }
}

function dependsOnValue(ids: string[]): string | string[] {
  return ids.length === 1 ? ids[0] : ids;
}

function checkLogicalId(id: string, kind: string): void {
  if (!LOGICAL_ID_PATTERN.test(id) || id.length > LOGICAL_ID_MAX_LENGTH) {
    throw new TemplateError(`${kind} logical ID "${id}" must match ${LOGICAL_ID_PATTERN.source} (at most ${LOGICAL_ID_MAX_LENGTH} characters)`);
  }
}

const PSEUDO_NAMES = new Set<string>(Object.values(PSEUDO));
const SUB_VARIABLE = /\$\{([^}!][^}]*)\}/g;

/**
 * Checks that every reference in the template resolves: Ref to a parameter, resource or
 * pseudo parameter; GetAtt to a resource; `${Var}` in Fn::Sub to one of those, a
 * `Resource.Attribute`, or a key of the Sub's own variable map; condition names; DependsOn.
 */
export function checkReferences(template: Template): void {
  const params = new Set(Object.keys(template.Parameters ?? {}));
  const resources = new Set(Object.keys(template.Resources));
  const conditions = new Set(Object.keys(template.Conditions ?? {}));
  const problems: string[] = [];

  const refOk = (name: string) => params.has(name) || resources.has(name) || PSEUDO_NAMES.has(name);

  const walk = (value: unknown, where: string, inRules: boolean): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${where}[${i}]`, inRules));
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1) {
      const [key] = keys;
      const arg = obj[key];
      if (key === 'Ref') {
        if (typeof arg !== 'string' || !(inRules ? params.has(arg) || PSEUDO_NAMES.has(arg) : refOk(arg))) {
          problems.push(`${where}: Ref to undeclared ${JSON.stringify(arg)}`);
        }
        return;
      }
      if (key === 'Fn::GetAtt') {
        const target = Array.isArray(arg) ? arg[0] : typeof arg === 'string' ? arg.split('.')[0] : undefined;
        if (typeof target !== 'string' || !resources.has(target)) {
          problems.push(`${where}: Fn::GetAtt to undeclared resource ${JSON.stringify(target)}`);
        }
        return;
      }
      if (key === 'Fn::Sub') {
        const [text, vars] = Array.isArray(arg) ? [arg[0], (arg[1] ?? {}) as Record<string, unknown>] : [arg, {}];
        if (typeof text !== 'string') {
          problems.push(`${where}: Fn::Sub needs a string`);
          return;
        }
        for (const m of text.matchAll(SUB_VARIABLE)) {
          const name = m[1];
          const base = name.includes('.') ? name.split('.')[0] : name;
          const ok = name in vars || PSEUDO_NAMES.has(name) || (name.includes('.') ? resources.has(base) : refOk(name));
          if (!ok) problems.push(`${where}: Fn::Sub variable \${${name}} is not declared`);
        }
        walk(vars, `${where}.Fn::Sub`, inRules);
        return;
      }
      if (key === 'Fn::If') {
        const name = Array.isArray(arg) ? arg[0] : undefined;
        if (typeof name !== 'string' || !conditions.has(name)) {
          problems.push(`${where}: Fn::If names undeclared condition ${JSON.stringify(name)}`);
        }
        walk(Array.isArray(arg) ? arg.slice(1) : arg, `${where}.Fn::If`, inRules);
        return;
      }
      if (key === 'Condition' && !where.endsWith('.Resources') && typeof arg === 'string') {
        if (!conditions.has(arg)) problems.push(`${where}: Condition ${JSON.stringify(arg)} is not declared`);
        return;
      }
    }
    for (const k of keys) walk(obj[k], `${where}.${k}`, inRules);
  };

  for (const [id, res] of Object.entries(template.Resources)) {
    if (res.Condition !== undefined && !conditions.has(res.Condition)) {
      problems.push(`Resources.${id}: Condition ${res.Condition} is not declared`);
    }
    const deps = res.DependsOn === undefined ? [] : Array.isArray(res.DependsOn) ? res.DependsOn : [res.DependsOn];
    for (const d of deps) if (!resources.has(d)) problems.push(`Resources.${id}: DependsOn undeclared resource ${d}`);
    walk(res.Properties, `Resources.${id}.Properties`, false);
    walk(res.Metadata, `Resources.${id}.Metadata`, false);
  }
  for (const [id, out] of Object.entries(template.Outputs ?? {})) {
    if (out.Condition !== undefined && !conditions.has(out.Condition)) {
      problems.push(`Outputs.${id}: Condition ${out.Condition} is not declared`);
    }
    walk(out.Value, `Outputs.${id}.Value`, false);
    walk(out.Export, `Outputs.${id}.Export`, false);
  }
  for (const [id, c] of Object.entries(template.Conditions ?? {})) walk(c, `Conditions.${id}`, false);
  for (const [id, r] of Object.entries(template.Rules ?? {})) walk(r, `Rules.${id}`, true);
  for (const [id, h] of Object.entries(template.Hooks ?? {})) {
    for (const [k, v] of Object.entries(h.Properties)) {
      walk(v, `Hooks.${id}.Properties.${k}`, false);
    }
  }
  if (problems.length > 0) {
    throw new TemplateError(`template "${template.Description}" has unresolved references:\n  ${problems.join('\n  ')}`);
  }
}

/** Re-exported so builders import the whole model from one place. */
export { AWS };

/**
 * TemplateBuilder: the one path through which templates are assembled (see index.ts).
 */
import { ConditionExpr, ConditionHandle, Value, getAtt, ref } from '../intrinsics';
import type { CheckedProperties, ResourcePropertiesOf } from '../resource-properties';
import { RESOURCE_TYPES, ResourceType } from '../resource-types';
import { Suppression, iamWildcardSuppressions, suppressionMetadata } from '../suppressions';
import {
  HookDef,
  LOGICAL_ID_MAX_LENGTH,
  LOGICAL_ID_PATTERN,
  ListParameter,
  NumberParameter,
  OutputDef,
  ParameterDef,
  ParameterHandle,
  Properties,
  ResourceDef,
  ResourceHandle,
  ResourceOptions,
  RuleDef,
  STANDARD_TAG_KEYS,
  StandardTags,
  StringParameter,
  TEMPLATE_FORMAT_VERSION,
  Template,
  TemplateError,
} from './model';
import { checkReferences } from './references';

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
      ...(options.dependsOn && options.dependsOn.length > 0 ? { DependsOn: dependsOnValue(options.dependsOn.map((d) => d.logicalId)) } : {}),
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
      ...(this.transforms.length ? { Transform: this.transforms.length === 1 ? this.transforms[0] : [...this.transforms] } : {}),
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

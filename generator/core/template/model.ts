/**
 * The template model: its sections and their order, parameters, resources, outputs, rules
 * and hooks as CloudFormation reads them, and the handles a builder returns.
 */
import { ConditionExpr, ConditionHandle, Intrinsic, Referable, Value } from '../intrinsics';
import { ResourceType } from '../resource-types';
import { Suppression } from '../suppressions';

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
export const RESOURCE_ATTRIBUTE_ORDER = ['Type', 'Condition', 'DependsOn', 'DeletionPolicy', 'UpdateReplacePolicy', 'Metadata', 'Properties'] as const;

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

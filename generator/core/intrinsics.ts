/**
 * Typed CloudFormation intrinsic functions.
 *
 * Every intrinsic is a plain JSON object (so the serializer needs no special case) that
 * carries a phantom type: `Value<number>` accepts `3` or an intrinsic that yields a
 * number, never one that yields a list. Which logical IDs and `${Var}` names exist is
 * checked when the template is assembled (see template.ts), because only the template
 * knows what it declares.
 */

declare const yields: unique symbol;

/** An intrinsic function call whose result has type T. */
export interface Intrinsic<T> {
  readonly [yields]?: T;
}

/** A property value: a literal of type T or an intrinsic that yields T. */
export type Value<T> = T | Intrinsic<T>;

/** Anything the template can refer to with Ref. */
export interface Referable<T = string> {
  readonly logicalId: string;
  readonly __refType?: T;
}

/** A condition declared in the Conditions section. */
export interface ConditionHandle {
  readonly conditionId: string;
}

function make<T>(body: Record<string, unknown>): Intrinsic<T> {
  return body as Intrinsic<T>;
}

export const PSEUDO = {
  AccountId: 'AWS::AccountId',
  NotificationARNs: 'AWS::NotificationARNs',
  NoValue: 'AWS::NoValue',
  Partition: 'AWS::Partition',
  Region: 'AWS::Region',
  StackId: 'AWS::StackId',
  StackName: 'AWS::StackName',
  URLSuffix: 'AWS::URLSuffix',
} as const;
export type PseudoName = (typeof PSEUDO)[keyof typeof PSEUDO];

/** Pseudo parameters as typed references. */
export const AWS = {
  accountId: make<string>({ Ref: PSEUDO.AccountId }),
  notificationArns: make<string[]>({ Ref: PSEUDO.NotificationARNs }),
  partition: make<string>({ Ref: PSEUDO.Partition }),
  region: make<string>({ Ref: PSEUDO.Region }),
  stackId: make<string>({ Ref: PSEUDO.StackId }),
  stackName: make<string>({ Ref: PSEUDO.StackName }),
  urlSuffix: make<string>({ Ref: PSEUDO.URLSuffix }),
  /** Removes the property it stands in for (use inside `ifCond`). */
  noValue: make<never>({ Ref: PSEUDO.NoValue }),
} as const;

export function ref<T>(target: Referable<T>): Intrinsic<T> {
  return make<T>({ Ref: target.logicalId });
}

export function getAtt<T = string>(target: { readonly logicalId: string }, attribute: string): Intrinsic<T> {
  return make<T>({ 'Fn::GetAtt': [target.logicalId, attribute] });
}

/**
 * Fn::Sub. Every `${Name}` in the string must be a key of `vars`, a pseudo parameter,
 * or a logical ID (optionally `.Attribute`) declared in the same template; the template
 * assembler throws otherwise. `${!Literal}` is left alone.
 */
export function sub(text: string, vars?: Record<string, Value<string>>): Intrinsic<string> {
  if (vars && Object.keys(vars).length > 0) {
    return make<string>({ 'Fn::Sub': [text, vars] });
  }
  return make<string>({ 'Fn::Sub': text });
}

export function join(delimiter: string, parts: ReadonlyArray<Value<string>> | Intrinsic<string[]>): Intrinsic<string> {
  return make<string>({ 'Fn::Join': [delimiter, parts] });
}

export function select<T>(index: Value<number>, list: ReadonlyArray<Value<T>> | Intrinsic<T[]>): Intrinsic<T> {
  return make<T>({ 'Fn::Select': [index, list] });
}

export function split(delimiter: string, source: Value<string>): Intrinsic<string[]> {
  return make<string[]>({ 'Fn::Split': [delimiter, source] });
}

export function getAZs(region: Value<string> = ''): Intrinsic<string[]> {
  return make<string[]>({ 'Fn::GetAZs': region });
}

export function importValue(exportName: Value<string>): Intrinsic<string> {
  return make<string>({ 'Fn::ImportValue': exportName });
}

export function base64(text: Value<string>): Intrinsic<string> {
  return make<string>({ 'Fn::Base64': text });
}

export function cidr(block: Value<string>, count: Value<number>, cidrBits: Value<number>): Intrinsic<string[]> {
  return make<string[]>({ 'Fn::Cidr': [block, count, cidrBits] });
}

/** Fn::If: `whenTrue` if the condition holds, else `whenFalse` (AWS.noValue drops the property). */
export function ifCond<T>(condition: ConditionHandle, whenTrue: Value<T>, whenFalse: Value<T>): Intrinsic<T> {
  return make<T>({ 'Fn::If': [condition.conditionId, whenTrue, whenFalse] });
}

/** A condition expression (the value of a Conditions entry or an argument of And/Or/Not). */
export interface ConditionExpr {
  readonly __condition?: true;
}

function cond(body: Record<string, unknown>): ConditionExpr {
  return body as ConditionExpr;
}

export function equals(a: Value<string> | Value<number>, b: Value<string> | Value<number>): ConditionExpr {
  return cond({ 'Fn::Equals': [a, b] });
}

export function not(c: ConditionExpr | ConditionHandle): ConditionExpr {
  return cond({ 'Fn::Not': [conditionArg(c)] });
}

export function and(...cs: Array<ConditionExpr | ConditionHandle>): ConditionExpr {
  if (cs.length < 2 || cs.length > 10) throw new Error(`Fn::And takes 2 to 10 conditions, got ${cs.length}`);
  return cond({ 'Fn::And': cs.map(conditionArg) });
}

export function or(...cs: Array<ConditionExpr | ConditionHandle>): ConditionExpr {
  if (cs.length < 2 || cs.length > 10) throw new Error(`Fn::Or takes 2 to 10 conditions, got ${cs.length}`);
  return cond({ 'Fn::Or': cs.map(conditionArg) });
}

function conditionArg(c: ConditionExpr | ConditionHandle): unknown {
  if (typeof c === 'object' && c !== null && 'conditionId' in c) return { Condition: c.conditionId };
  return c;
}

/** True when a value is an intrinsic function call rather than a literal. */
export function isIntrinsic(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition');
}

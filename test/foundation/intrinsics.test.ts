import { AWS, and, equals, getAtt, ifCond, join, not, or, ref, select, split, sub, getAZs, base64, importValue, isIntrinsic } from '../../generator/core/intrinsics';
import { TemplateBuilder, TemplateError } from '../../generator/core/template';

function builder() {
  const t = new TemplateBuilder('test template');
  t.standardTags({ Environment: 'dev', Project: 'shop', CostCenter: 'cc' });
  return t;
}

describe('intrinsics', () => {
  test('produce the CloudFormation JSON shapes', () => {
    const t = builder();
    const p = t.parameter('Name', { Type: 'String', Description: 'a name' });
    const c = t.condition('IsProd', equals(ref(p), 'prod'));
    expect(ref(p)).toEqual({ Ref: 'Name' });
    expect(sub('${Name}-x')).toEqual({ 'Fn::Sub': '${Name}-x' });
    expect(sub('${A}-x', { A: ref(p) })).toEqual({ 'Fn::Sub': ['${A}-x', { A: { Ref: 'Name' } }] });
    expect(join('-', ['a', ref(p)])).toEqual({ 'Fn::Join': ['-', ['a', { Ref: 'Name' }]] });
    expect(select(0, getAZs())).toEqual({ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] });
    expect(split(',', 'a,b')).toEqual({ 'Fn::Split': [',', 'a,b'] });
    expect(ifCond(c, 'a', AWS.noValue)).toEqual({ 'Fn::If': ['IsProd', 'a', { Ref: 'AWS::NoValue' }] });
    expect(not(c)).toEqual({ 'Fn::Not': [{ Condition: 'IsProd' }] });
    expect(and(c, equals('a', 'b'))).toEqual({ 'Fn::And': [{ Condition: 'IsProd' }, { 'Fn::Equals': ['a', 'b'] }] });
    expect(or(c, c)).toEqual({ 'Fn::Or': [{ Condition: 'IsProd' }, { Condition: 'IsProd' }] });
    expect(base64('x')).toEqual({ 'Fn::Base64': 'x' });
    expect(importValue('x')).toEqual({ 'Fn::ImportValue': 'x' });
    expect(getAtt({ logicalId: 'Role' }, 'Arn')).toEqual({ 'Fn::GetAtt': ['Role', 'Arn'] });
    expect(AWS.accountId).toEqual({ Ref: 'AWS::AccountId' });
    expect(isIntrinsic({ Ref: 'x' })).toBe(true);
    expect(isIntrinsic({ Ref: 'x', Other: 1 })).toBe(false);
  });

  test('and/or take 2 to 10 conditions', () => {
    const c = equals('a', 'b');
    expect(() => and(c)).toThrow('Fn::And takes 2 to 10 conditions, got 1');
    expect(() => or(...Array(11).fill(c))).toThrow('Fn::Or takes 2 to 10 conditions, got 11');
  });

  test('a wrong shape fails to compile', () => {
    const t = builder();
    const list = t.parameter('Subnets', { Type: 'List<AWS::EC2::Subnet::Id>', Description: 'subnets' });
    const name = t.parameter('Name', { Type: 'String', Description: 'a name' });
    // @ts-expect-error a list is not a string
    const s: import('../../generator/core/intrinsics').Value<string> = ref(list);
    // @ts-expect-error a string is not a list
    const l: import('../../generator/core/intrinsics').Value<string[]> = ref(name);
    // @ts-expect-error Fn::Join takes strings, not numbers
    join('-', [1, 2]);
    // @ts-expect-error NoEcho parameters are not allowed
    t.parameter('Secret', { Type: 'String', Description: 'x', NoEcho: true });
    void s;
    void l;
  });
});

describe('reference checks when the template is built', () => {
  test('an unknown ${Var} in Fn::Sub throws', () => {
    const t = builder();
    t.resource('Topic', 'AWS::SNS::Topic', { TopicName: sub('${Missing}-topic') });
    expect(() => t.build()).toThrow('Resources.Topic.Properties.TopicName: Fn::Sub variable ${Missing} is not declared');
  });

  test('pseudo parameters, declared IDs, attributes and the Sub map resolve', () => {
    const t = builder();
    const p = t.parameter('Name', { Type: 'String', Description: 'a name' });
    const topic = t.resource('Topic', 'AWS::SNS::Topic', { TopicName: sub('${Name}-${AWS::Region}-${X}', { X: ref(p) }) });
    t.resource('Topic2', 'AWS::SNS::Topic', { TopicName: sub('${Topic.TopicName}-${!Literal}') });
    t.output('Arn', { description: 'arn', value: topic.ref() });
    expect(() => t.build()).not.toThrow();
  });

  test.each([
    ['Ref to an undeclared ID', { Ref: 'Nope' }, 'Ref to undeclared "Nope"'],
    ['GetAtt to an undeclared resource', { 'Fn::GetAtt': ['Nope', 'Arn'] }, 'Fn::GetAtt to undeclared resource "Nope"'],
    ['Fn::If on an undeclared condition', { 'Fn::If': ['Nope', 'a', 'b'] }, 'Fn::If names undeclared condition "Nope"'],
    ['Sub of an attribute of an undeclared resource', { 'Fn::Sub': '${Nope.Arn}' }, 'Fn::Sub variable ${Nope.Arn} is not declared'],
  ])('%s throws', (_name, value, message) => {
    const t = builder();
    t.resource('Topic', 'AWS::SNS::Topic', { TopicName: value });
    expect(() => t.build()).toThrow(message);
  });

  test('logical IDs are checked and unique', () => {
    const t = builder();
    expect(() => t.parameter('bad-id', { Type: 'String', Description: 'x' })).toThrow('must match ^[A-Za-z0-9]+$');
    t.parameter('Name', { Type: 'String', Description: 'x' });
    expect(() => t.resource('Name', 'AWS::SNS::Topic', {})).toThrow('logical ID Name is declared twice');
    expect(() => t.condition('C', equals('a', 'b')) && t.condition('C', equals('a', 'b'))).toThrow('condition C is declared twice');
  });

  test('DependsOn and resource conditions must be declared', () => {
    const t = builder();
    t.resource('Topic', 'AWS::SNS::Topic', {}, { dependsOn: [{ logicalId: 'Ghost' }] });
    expect(() => t.build()).toThrow(TemplateError);
    expect(() => t.build()).toThrow('DependsOn undeclared resource Ghost');
  });
});

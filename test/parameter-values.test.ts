/**
 * The parameter-file check: good and bad values for each kind of parameter constraint,
 * and every generated parameter file against its template.
 */
import { ParameterDef, Template } from '../generator/core/template';
import { SETTINGS_KEY } from '../generator/blocks/app-settings';
import { GenerationError, TEMPLATES, parameterFileContent, renderAll } from '../generator/render';
import { configFieldOf } from '../generator/config/field-of';
import { checkParameterValues, checkTags } from '../generator/validate/parameter-values';
import { exampleConfig } from './helpers/template';

function templateWith(def: ParameterDef): Template {
  return { AWSTemplateFormatVersion: '2010-09-09', Description: 'test', Parameters: { P: def }, Resources: {} } as unknown as Template;
}

const D = 'a parameter';

/** [constraint, definition, value, expected problems] */
const CASES: ReadonlyArray<readonly [string, ParameterDef, unknown, readonly string[]]> = [
  ['AllowedPattern, matching', { Type: 'String', Description: D, AllowedPattern: '[a-z]+' }, 'abc', []],
  ['AllowedPattern, matching only a part', { Type: 'String', Description: D, AllowedPattern: '[a-z]+' }, 'abc1', ['P: "abc1" does not match AllowedPattern [a-z]+']],
  ['AllowedPattern with an alternation, anchored as a whole', { Type: 'String', Description: D, AllowedPattern: 'a|b' }, 'ab', ['P: "ab" does not match AllowedPattern a|b']],
  ['AllowedPattern already anchored', { Type: 'String', Description: D, AllowedPattern: '^[0-9]{12}$' }, '123456789012', []],
  ['AllowedValues, allowed', { Type: 'String', Description: D, AllowedValues: ['dev', 'prod'] }, 'prod', []],
  ['AllowedValues, not allowed', { Type: 'String', Description: D, AllowedValues: ['dev', 'prod'] }, 'Prod', ['P: "Prod" is not one of dev, prod']],
  ['MinLength, at the limit', { Type: 'String', Description: D, MinLength: 2 }, 'ab', []],
  ['MinLength, below', { Type: 'String', Description: D, MinLength: 2 }, 'a', ['P: "a" is shorter than MinLength 2']],
  ['MaxLength, at the limit', { Type: 'String', Description: D, MaxLength: 3 }, 'abc', []],
  ['MaxLength, above', { Type: 'String', Description: D, MaxLength: 3 }, 'abcd', ['P: "abcd" is longer than MaxLength 3']],
  ['an empty string with no constraint', { Type: 'String', Description: D }, '', []],
  [
    'several constraints broken at once',
    { Type: 'String', Description: D, AllowedPattern: '[a-z]+', MaxLength: 2 },
    'ABC',
    ['P: "ABC" does not match AllowedPattern [a-z]+', 'P: "ABC" is longer than MaxLength 2'],
  ],
  ['Number, in range', { Type: 'Number', Description: D, MinValue: 1, MaxValue: 10 }, '10', []],
  ['Number, a decimal', { Type: 'Number', Description: D, MinValue: 0 }, '0.5', []],
  ['Number, a negative', { Type: 'Number', Description: D }, '-3', []],
  ['Number, below MinValue', { Type: 'Number', Description: D, MinValue: 1 }, '0', ['P: "0" is below MinValue 1']],
  ['Number, above MaxValue', { Type: 'Number', Description: D, MaxValue: 10 }, '11', ['P: "11" is above MaxValue 10']],
  ['Number, not a number', { Type: 'Number', Description: D }, 'ten', ['P: "ten" is not a number']],
  ['Number, empty', { Type: 'Number', Description: D }, '', ['P: "" is not a number']],
  ['Number, hexadecimal', { Type: 'Number', Description: D }, '0x10', ['P: "0x10" is not a number']],
  ['Number, with blanks', { Type: 'Number', Description: D }, ' 5', ['P: " 5" is not a number']],
  ['Number, AllowedValues compared as numbers', { Type: 'Number', Description: D, AllowedValues: [1, 3, 5] }, '3.0', []],
  ['Number, not an allowed value', { Type: 'Number', Description: D, AllowedValues: [1, 3, 5] }, '2', ['P: "2" is not one of 1, 3, 5']],
  ['CommaDelimitedList, every item matches', { Type: 'CommaDelimitedList', Description: D, AllowedPattern: '[a-z]+' }, 'a,b,c', []],
  [
    'CommaDelimitedList, one item does not',
    { Type: 'CommaDelimitedList', Description: D, AllowedPattern: '[a-z]+' },
    'a,B,c',
    ['P: item "B" does not match AllowedPattern [a-z]+'],
  ],
  ['CommaDelimitedList, AllowedValues per item', { Type: 'CommaDelimitedList', Description: D, AllowedValues: ['x', 'y'] }, 'x,z', ['P: item "z" is not one of x, y']],
  ['VPC ID, valid', { Type: 'AWS::EC2::VPC::Id', Description: D }, 'vpc-0a1b2c3d4e5f60718', []],
  ['VPC ID, a subnet ID instead', { Type: 'AWS::EC2::VPC::Id', Description: D }, 'subnet-0a1b2c3d', ['P: "subnet-0a1b2c3d" is not a valid AWS::EC2::VPC::Id']],
  ['subnet list, valid', { Type: 'List<AWS::EC2::Subnet::Id>', Description: D }, 'subnet-0a1b2c3d,subnet-1a2b3c4d', []],
  [
    'subnet list, one bad item',
    { Type: 'List<AWS::EC2::Subnet::Id>', Description: D },
    'subnet-0a1b2c3d,sg-1a2b3c4d',
    ['P: item "sg-1a2b3c4d" is not a valid AWS::EC2::Subnet::Id'],
  ],
  ['availability zone, valid', { Type: 'AWS::EC2::AvailabilityZone::Name', Description: D }, 'eu-west-1a', []],
  [
    'availability zone, a region instead',
    { Type: 'AWS::EC2::AvailabilityZone::Name', Description: D },
    'eu-west-1',
    ['P: "eu-west-1" is not a valid AWS::EC2::AvailabilityZone::Name'],
  ],
  ['a value that is not a string', { Type: 'Number', Description: D }, 3, ['P: 3 must be a string in a template configuration file']],
];

describe('parameter values against their constraints', () => {
  test.each(CASES)('%s', (_name, def, value, expected) => {
    expect(checkParameterValues(templateWith(def), { P: value })).toEqual(expected);
  });

  test('a parameter without a Default must be given', () => {
    expect(checkParameterValues(templateWith({ Type: 'String', Description: D }), {})).toEqual(['P: is required (no default)']);
  });

  test('a parameter with a Default may be left out', () => {
    expect(checkParameterValues(templateWith({ Type: 'String', Description: D, Default: 'x' }), {})).toEqual([]);
  });

  test('a name the template does not declare is refused', () => {
    expect(checkParameterValues(templateWith({ Type: 'String', Description: D }), { P: 'x', Q: 'y' })).toEqual(['Q: the template has no such parameter']);
  });

  test('a parameter the deploy action supplies may be left out, and must be', () => {
    const t = templateWith({ Type: 'String', Description: D });
    expect(checkParameterValues(t, {}, ['P'])).toEqual([]);
    expect(checkParameterValues(t, { P: 'x' }, ['P'])).toEqual(['P: is supplied at deploy time and must not be in the file']);
    expect(checkParameterValues(t, { P: 'x' }, ['Q'])).toEqual(['Q: is supplied at deploy time, but the template has no such parameter']);
  });

  test('a name of an object prototype property is not mistaken for a parameter', () => {
    expect(checkParameterValues(templateWith({ Type: 'String', Description: D }), { P: 'x', constructor: 'y' })).toEqual(['constructor: the template has no such parameter']);
  });
});

describe('stack tags in a template configuration', () => {
  test.each([
    ['valid tags', { Environment: 'dev', Project: 'shop' }, []],
    ['a reserved key', { 'aws:cloudformation:stack-name': 'x' }, ['Tags.aws:cloudformation:stack-name: keys starting with "aws:" are reserved']],
    ['a value too long', { Project: 'x'.repeat(257) }, ['Tags.Project: the value has 257 characters; at most 256 are allowed']],
    ['a key too long', { ['k'.repeat(129)]: 'v' }, [`Tags.${'k'.repeat(129)}: the key must have 1 to 128 characters`]],
    ['a value that is not a string', { Count: 3 }, ['Tags.Count: 3 must be a string']],
    ['too many tags', Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, 'v'])), ['Tags: 51 tags; a stack may have at most 50']],
  ] as const)('%s', (_name, tags, expected) => {
    expect(checkTags(tags)).toEqual(expected);
  });
});

describe('every generated parameter file deploys its template', () => {
  const config = exampleConfig();
  const written = new Map(renderAll(config).map((f) => [f.path, f.content]));
  const cases = TEMPLATES.flatMap((entry) => {
    const template = entry.build(config);
    return (entry.parameterFiles?.(config) ?? []).map((pf) => [pf.path, entry.file, template, pf] as const);
  });

  test('the example configuration yields parameter files', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  test('member-roles has one parameter file per environment', () => {
    const paths = cases.filter(([, file]) => file === 'member-roles.json').map(([p]) => p);
    expect(paths.sort()).toEqual(config.environments.map((e) => `parameters/member-roles/${e.name}.json`).sort());
  });

  test.each(cases)('%s (for %s)', (file, _template, template, pf) => {
    expect(checkParameterValues(template, pf.parameters, pf.suppliedAtDeploy)).toEqual([]);
    expect(checkTags(pf.tags ?? {})).toEqual([]);
    // Written as CodePipeline's template configuration: Parameters and Tags, nothing else,
    // but for a service environment's settings, which the render step takes out.
    const content = written.get(file);
    expect(content).toBe(parameterFileContent(pf));
    const parsed = JSON.parse(content ?? '{}') as Record<string, unknown>;
    const settingsAllowed = file.startsWith('parameters/ecs-service') ? [SETTINGS_KEY] : [];
    expect(Object.keys(parsed).filter((k) => k !== 'Parameters' && k !== 'Tags' && !settingsAllowed.includes(k))).toEqual([]);
    expect(parsed.Parameters).toEqual(pf.parameters);
  });
});

describe('a parameter value the templates refuse is reported by its configuration field', () => {
  test('a VPC CIDR block that passed no configuration check names environments[0].vpcCidr', () => {
    const config = exampleConfig();
    const bad = { ...config, environments: config.environments.map((e, i) => (i === 0 ? { ...e, vpcCidr: '10.010.0.0/16' } : e)) };
    let thrown: unknown;
    try {
      renderAll(bad);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(GenerationError);
    const problems = (thrown as GenerationError).problems.filter((p) => p.includes('VpcCidr'));
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p).toMatch(/^environments\[0\]\.vpcCidr \(in parameters\/network\/dev\.json\): VpcCidr: /);
  });

  test('a value the generator derives keeps the file as its place', () => {
    expect(configFieldOf(exampleConfig(), 'VpcId', 'vpc-123', 'parameters/ecs-service/web/dev.json')).toBeUndefined();
    expect(configFieldOf(exampleConfig(), 'EnvironmentSuffix', 'staging', 'parameters/network/staging.json')).toBe('environments[1].environmentSuffix');
    expect(configFieldOf(exampleConfig(), 'ContainerPort', '3000', 'parameters/ecs-service/orders/dev.json')).toBe('services[1].containerPort');
  });
});

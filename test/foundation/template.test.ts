import { serializeTemplate, toJson } from '../../generator/core/serialize';
import { SECTION_ORDER, TemplateBuilder } from '../../generator/core/template';
import { equals, ref } from '../../generator/core/intrinsics';

describe('TemplateBuilder', () => {
  test('every resource gets Delete policies; taggable ones get the standard tags after their own', () => {
    const t = new TemplateBuilder('tags');
    const env = t.parameter('EnvironmentName', { Type: 'String', Description: 'env' });
    t.standardTags({ Environment: ref(env), Project: 'shop', CostCenter: 'cc-1' });
    t.resource('Topic', 'AWS::SNS::Topic', { Tags: [{ Key: 'Name', Value: 'alerts' }] });
    t.resource('Policy', 'AWS::SNS::TopicPolicy', { Topics: [], PolicyDocument: {} });
    const built = t.build();
    expect(built.Resources.Topic).toEqual({
      Type: 'AWS::SNS::Topic',
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Properties: {
        Tags: [
          { Key: 'Name', Value: 'alerts' },
          { Key: 'Environment', Value: { Ref: 'EnvironmentName' } },
          { Key: 'Project', Value: 'shop' },
          { Key: 'CostCenter', Value: 'cc-1' },
        ],
      },
    });
    expect(built.Resources.Policy.Properties).not.toHaveProperty('Tags');
    expect(built.Resources.Policy.DeletionPolicy).toBe('Delete');
  });

  test('a taggable resource without standard tags is refused', () => {
    const t = new TemplateBuilder('no tags');
    t.resource('Topic', 'AWS::SNS::Topic', {});
    expect(() => t.build()).toThrow('resource Topic (AWS::SNS::Topic) takes tags, but the template declares no standard tags');
  });

  test('a builder may not set a standard tag itself', () => {
    const t = new TemplateBuilder('own tag');
    t.standardTags({ Environment: 'dev', Project: 'shop', CostCenter: 'cc' });
    t.resource('Topic', 'AWS::SNS::Topic', { Tags: [{ Key: 'Project', Value: 'other' }] });
    expect(() => t.build()).toThrow('sets the standard tag Project itself');
  });
});

describe('serializer', () => {
  function sample(order: 'forward' | 'reverse') {
    const t = new TemplateBuilder('order');
    t.standardTags({ Environment: 'dev', Project: 'shop', CostCenter: 'cc' });
    const steps = [
      () => t.output('TopicArn', { description: 'arn', value: { Ref: 'Topic' } as never }),
      () => t.parameter('Name', { Type: 'String', Description: 'n', MaxLength: 5, AllowedPattern: '^[a-z]+$' }),
      () => t.condition('IsDev', equals('a', 'b')),
      () => t.transform('AWS::CodeDeployBlueGreen'),
      () => t.setMetadata({ note: 'x' }),
    ];
    for (const s of order === 'forward' ? steps : [...steps].reverse()) s();
    t.resource('Topic', 'AWS::SNS::Topic', {});
    return serializeTemplate(t.build());
  }

  test('sections and attributes come out in the fixed order whatever order they were declared in', () => {
    const forward = sample('forward');
    expect(sample('reverse')).toBe(forward);
    const keys = Object.keys(JSON.parse(forward));
    expect(keys).toEqual(SECTION_ORDER.filter((s) => keys.includes(s)));
    expect(keys).toEqual(['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Conditions', 'Transform', 'Resources', 'Outputs']);
    const param = JSON.parse(forward).Parameters.Name;
    expect(Object.keys(param)).toEqual(['Type', 'Description', 'AllowedPattern', 'MaxLength']);
    expect(Object.keys(JSON.parse(forward).Resources.Topic)).toEqual(['Type', 'DeletionPolicy', 'UpdateReplacePolicy', 'Properties']);
  });

  test('two-space indentation and a final newline', () => {
    const out = sample('forward');
    expect(out.endsWith('}\n')).toBe(true);
    expect(out.split('\n')[1]).toBe('  "AWSTemplateFormatVersion": "2010-09-09",');
  });
});

describe('toJson', () => {
  test('a document that is not plain JSON is written as JSON.stringify reads it', () => {
    const doc = { a: undefined, b: [undefined, NaN, () => 1], c: { toJSON: () => 'x' }, d: new Date(0), e: 1 };
    expect(toJson(doc)).toBe(toJson(JSON.parse(JSON.stringify(doc))));
    expect(toJson(doc)).toBe('{\n  "b": [null, null, null],\n  "c": "x",\n  "d": "1970-01-01T00:00:00.000Z",\n  "e": 1\n}\n');
  });

  test('maps of scalars: two members fold onto one line, more take one a line at their depth', () => {
    expect(toJson({ P: { a: 'x', b: 'y' }, Q: 1, R: 2 })).toBe('{\n  "P": { "a": "x", "b": "y" },\n  "Q": 1,\n  "R": 2\n}\n');
    expect(toJson({ P: { a: 'x', b: 2, c: null } })).toBe('{\n  "P": {\n    "a": "x",\n    "b": 2,\n    "c": null\n  }\n}\n');
    expect(toJson({ a: '\n"', b: true, c: 'z' })).toBe('{\n  "a": "\\n\\"",\n  "b": true,\n  "c": "z"\n}\n');
  });

  test('sections of more than two scalars (a parameter file) take one member a line; a smaller section still folds', () => {
    const parameters = { A: 'x', 'B"': 'a\u2028\\b', C: 'é', D: 1.5 };
    const tags = { Environment: 'dev', Project: 'shop', CostCenter: 'cc-1' };
    expect(toJson({ Parameters: parameters, Tags: tags })).toBe(
      '{\n  "Parameters": {\n    "A": "x",\n    "B\\"": "a\u2028\\\\b",\n    "C": "é",\n    "D": 1.5\n  },\n' +
        '  "Tags": {\n    "Environment": "dev",\n    "Project": "shop",\n    "CostCenter": "cc-1"\n  }\n}\n',
    );
    expect(toJson({ Parameters: parameters })).toBe('{\n  "Parameters": {\n    "A": "x",\n    "B\\"": "a\u2028\\\\b",\n    "C": "é",\n    "D": 1.5\n  }\n}\n');
    expect(toJson({ Parameters: parameters, Tags: { Project: 'shop' } })).toBe(
      '{\n  "Parameters": {\n    "A": "x",\n    "B\\"": "a\u2028\\\\b",\n    "C": "é",\n    "D": 1.5\n  },\n  "Tags": { "Project": "shop" }\n}\n',
    );
    expect(toJson({ Parameters: { ...parameters, E: undefined } })).toBe(toJson({ Parameters: parameters }));
  });
});

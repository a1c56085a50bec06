import { painter } from '../../scripts/lib/color';
import { formatDiff, statementWidens, summarizeDiff, valueDeltas } from '../../scripts/lib/diff';

const plain = painter(false);

const roleWith = (statements: object[]) => ({
  Type: 'AWS::IAM::Role',
  Properties: {
    AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    Policies: [{ PolicyName: 'app', PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
  },
});

const BEFORE = {
  Resources: {
    Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'shop-data-dev' } },
    Role: roleWith([
      { Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::shop-data-dev/*' },
      { Sid: 'NoTerminate', Effect: 'Deny', Action: 'ec2:TerminateInstances', Resource: '*' },
    ]),
    Group: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { GroupDescription: 'web', VpcId: 'vpc-1', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' }] },
    },
    Old: { Type: 'AWS::SNS::Topic' },
  },
};

const AFTER = {
  Resources: {
    Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'shop-data-dev-2' } },
    Role: roleWith([{ Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::shop-data-dev/*' }]),
    Group: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { GroupDescription: 'web', VpcId: 'vpc-1', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }] },
    },
    Queue: { Type: 'AWS::SQS::Queue' },
  },
  Outputs: { QueueUrl: { Value: { Ref: 'Queue' } } },
};

describe('summarizeDiff', () => {
  const s = summarizeDiff(BEFORE, AFTER);

  test('classifies resources: added, removed, modified, replaced (from the resource specification)', () => {
    expect(s.resources.map((r) => [r.logicalId, r.kind])).toEqual([
      ['Bucket', 'replaced'],
      ['Group', 'modified'],
      ['Old', 'removed'],
      ['Queue', 'added'],
      ['Role', 'modified'],
    ]);
    const bucket = s.resources.find((r) => r.logicalId === 'Bucket')!;
    expect(bucket.properties).toEqual([{ name: 'BucketName', replacement: 'always', deltas: [{ path: '', before: 'shop-data-dev', after: 'shop-data-dev-2' }] }]);
  });

  test('IAM statements: the new Allow and the removed Deny widen, the old Allow narrows', () => {
    const rows = s.iamStatements.filter((r) => r[3] !== 'sts:AssumeRole');
    const seen = rows.map((r) => [r[0], r[2], r[3].split('\n').join(','), statementWidens(r)]);
    expect(seen).toHaveLength(3);
    expect(seen).toEqual(
      expect.arrayContaining([
        ['+', 'Allow', 's3:GetObject,s3:PutObject', true],
        ['-', 'Allow', 's3:GetObject', false],
        ['-', 'Deny', 'ec2:TerminateInstances', true],
      ]),
    );
    expect(s.permissionsBroadened).toBe(true);
  });

  test('security group rules: 0.0.0.0/0 added, 10.0.0.0/16 removed', () => {
    expect(s.securityGroupRules.map((r) => [r[0], r[4]])).toEqual([
      ['+', 'Everyone (IPv4)'],
      ['-', '10.0.0.0/16'],
    ]);
  });

  test('other sections', () => {
    expect(s.sections).toEqual([{ section: 'output', name: 'QueueUrl', marker: '+' }]);
  });

  test('identical templates are empty and read "no changes"', () => {
    const same = summarizeDiff(BEFORE, JSON.parse(JSON.stringify(BEFORE)));
    expect(same.empty).toBe(true);
    expect(formatDiff('x.json', same, plain)).toEqual(['x.json: no changes']);
  });

  test('adding only a Deny narrows: permissions are not widened', () => {
    const before = { Resources: { Role: roleWith([{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]) } };
    const after = {
      Resources: {
        Role: roleWith([
          { Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
          { Sid: 'NoTerminate', Effect: 'Deny', Action: 'ec2:TerminateInstances', Resource: '*' },
        ]),
      },
    };
    expect(summarizeDiff(before, after).permissionsBroadened).toBe(false);
  });
});

describe('formatDiff', () => {
  const lines = formatDiff('app.json', summarizeDiff(BEFORE, AFTER), plain);

  test.each([
    '  ~ modify  Bucket (AWS::S3::Bucket)  replacement: True',
    '      ~ BucketName (requires replacement)',
    '          "shop-data-dev" -> "shop-data-dev-2"',
    '  - remove  Old (AWS::SNS::Topic)',
    '  + add     Queue (AWS::SQS::Queue)',
    '          [PolicyName=app].PolicyDocument.Statement[Sid=Read].Action: "s3:GetObject" -> ["s3:GetObject", "s3:PutObject"]',
    '          - [PolicyName=app].PolicyDocument.Statement[Sid=NoTerminate]: {Sid: "NoTerminate", Effect: "Deny", Action: "ec2:TerminateInstances", Resource: "*"}',
    '  + output QueueUrl',
    '  IAM statements (+ added, - removed)  permissions widened',
    '    - widens   Deny  AWS:${Role}',
    '        actions:   ec2:TerminateInstances',
    '  security group rules (+ added, - removed)',
    '    + widens   ${Group.GroupId} In TCP 443 Everyone (IPv4)',
    '    - narrows  ${Group.GroupId} In TCP 443 10.0.0.0/16',
    '  1 added, 2 modified, 1 replaced, 0 maybe replaced, 1 removed',
  ])('shows %j', (line) => {
    expect(lines).toContain(line);
  });
});

describe('valueDeltas', () => {
  test('lists of tags are matched by Key, so an insertion is one addition', () => {
    const before = [
      { Key: 'A', Value: '1' },
      { Key: 'C', Value: '3' },
    ];
    const after = [
      { Key: 'A', Value: '1' },
      { Key: 'B', Value: '2' },
      { Key: 'C', Value: '3' },
    ];
    expect(valueDeltas(before, after)).toEqual([{ path: '[Key=B]', after: { Key: 'B', Value: '2' } }]);
  });

  test('plain lists are compared by position; the number of deltas is capped', () => {
    expect(valueDeltas(['a', 'b'], ['a', 'c'])).toEqual([{ path: '[1]', before: 'b', after: 'c' }]);
    expect(
      valueDeltas(
        Array.from({ length: 50 }, (_, i) => i),
        Array.from({ length: 50 }, (_, i) => i + 1),
        5,
      ),
    ).toHaveLength(5);
  });
});

import { allow, anyResource, deny, policyDocument, trust } from '../../generator/core/iam';
import { scopedStatements } from '../../generator/core/handler-permissions';

describe('IAM statements', () => {
  test.each([
    ['"*"', ['*'], 'action "*" is not allowed'],
    ['a whole service', ['s3:*'], 'action "s3:*" is not allowed'],
    ['no actions', [], 'names no actions'],
    ['a malformed action', ['GetObject'], 'action "GetObject" is not allowed'],
    ['a repeated action', ['s3:GetObject', 's3:GetObject'], 'names an action twice'],
  ])('refuses %s', (_name, actions, message) => {
    expect(() => allow('Sid1', actions, ['arn:aws:s3:::b/*'])).toThrow(message);
  });

  test('a "*" resource needs the reason', () => {
    expect(() => allow('Sid1', ['ecr:GetAuthorizationToken'], ['*'])).toThrow('use anyResource(because)');
    expect(() => anyResource('')).toThrow('which AWS API requires "*"');
    expect(allow('Token', ['ecr:GetAuthorizationToken'], anyResource('ecr:GetAuthorizationToken has no resource-level permissions'))).toEqual({
      Sid: 'Token',
      Effect: 'Allow',
      Action: ['ecr:GetAuthorizationToken'],
      Resource: '*',
    });
    expect(() => allow('Sid1', ['s3:GetObject'], [])).toThrow('names no resources');
  });

  test('deny, trust and documents', () => {
    expect(deny('No', ['ec2:TerminateInstances'], anyResource('every instance, known or not')).Effect).toBe('Deny');
    expect(trust('T', { Service: 'lambda.amazonaws.com' })).toEqual({
      Sid: 'T',
      Effect: 'Allow',
      Principal: { Service: 'lambda.amazonaws.com' },
      Action: ['sts:AssumeRole'],
    });
    const s = allow('A', ['s3:GetObject'], ['arn:aws:s3:::b/*']);
    expect(() => policyDocument([s, s])).toThrow('two statements with Sid A');
  });
});

describe('handler actions placed in scopes', () => {
  const logs = { sid: 'LogBucket', actions: /^s3:\w+$/, resources: ['arn:aws:s3:::logs'], shared: true };
  const canary = { sid: 'CanaryBuckets', actions: /^s3:(?!ListAllMyBuckets)\w+$/, resources: ['arn:aws:s3:::shop-*-canary'] };
  const list = { sid: 'ListBuckets', actions: /^s3:ListAllMyBuckets$/, resources: anyResource('s3:ListAllMyBuckets has no resource-level permissions') };

  test('each action goes to the first scope that matches it, and no further', () => {
    const statements = scopedStatements('role', ['s3:CreateBucket'], [canary, { ...canary, sid: 'Never' }]);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ Sid: 'CanaryBuckets', Action: ['s3:CreateBucket'] });
  });

  test('a shared scope grants on its own resources and passes the action on to the next matching scope', () => {
    const statements = scopedStatements('role', ['s3:CreateBucket', 's3:ListAllMyBuckets', 's3:PutBucketPolicy'], [logs, canary, list]);
    expect(statements.map((s) => [s.Sid, s.Action, s.Resource])).toEqual([
      ['LogBucket', ['s3:CreateBucket', 's3:ListAllMyBuckets', 's3:PutBucketPolicy'], ['arn:aws:s3:::logs']],
      ['CanaryBuckets', ['s3:CreateBucket', 's3:PutBucketPolicy'], ['arn:aws:s3:::shop-*-canary']],
      ['ListBuckets', ['s3:ListAllMyBuckets'], '*'],
    ]);
  });

  test('an action no scope takes is an error naming it', () => {
    expect(() => scopedStatements('role', ['sqs:SendMessage'], [logs, canary])).toThrow('role: no scope takes sqs:SendMessage');
  });
});

import { allow, anyResource, deny, policyDocument, trust } from '../../generator/core/iam';

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

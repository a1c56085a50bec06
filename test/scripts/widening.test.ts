/**
 * scripts/lib/widening.js: what a template change grants that the template before it did
 * not, on template pairs that widen and pairs that do not.
 */
import { loadTemplate } from '../helpers/template';

interface Finding {
  logicalId: string;
  resourceType: string;
  kind: string;
  actions?: string[];
  principals?: string[];
  resources?: string[];
  cidr?: string;
  ports?: string;
  boundary?: string;
  managedPolicy?: string;
  summary: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { widening, describe: describeFindings } = require('../../scripts/lib/widening.js') as {
  widening(oldTemplate: unknown, newTemplate: unknown): { widened: Finding[]; narrowed: Finding[] };
  describe(findings: Finding[], maxChars?: number): string;
};

type Json = Record<string, any>;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function role(statements: Json[], extra: Json = {}): Json {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [{ PolicyName: 'app', PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
      ...extra,
    },
  };
}
const template = (resources: Json): Json => ({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources });
const read = { Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::data/*' };
const base = template({ TaskRole: role([read]) });

/** The template after `edit`, applied to a copy of `base`. */
function edited(edit: (t: Json) => void, from: Json = base): Json {
  const t = clone(from);
  edit(t);
  return t;
}

describe('changes that widen nothing', () => {
  test('the same template, and the same template with keys in another order', () => {
    expect(widening(base, base)).toEqual({ widened: [], narrowed: [] });
    const reordered = edited((t) => {
      t.Resources.TaskRole.Properties.Policies[0].PolicyDocument.Statement = [{ Resource: read.Resource, Action: read.Action, Effect: 'Allow' }];
    });
    expect(widening(base, reordered)).toEqual({ widened: [], narrowed: [] });
  });

  test.each(['ecs-service.json', 'ecs-service-rolling.json', 'member-roles.json', 'pipeline-build.json', 'pipeline.json'])('generated %s compared with itself', (file) => {
    const t = loadTemplate(file);
    expect(widening(t, clone(t))).toEqual({ widened: [], narrowed: [] });
  });

  test('a new image, a new alarm threshold and a new description change no grant', () => {
    const service = loadTemplate('ecs-service.json');
    const next = edited((t) => {
      t.Parameters.ImageUri.Default = '111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-web-tools:new';
      t.Resources.LoadBalancerSecurityGroup.Properties.SecurityGroupIngress[0].Description = 'reworded';
      t.Description = 'another description';
    }, service);
    expect(widening(service, next)).toEqual({ widened: [], narrowed: [] });
  });

  test('removing an action, a resource, an ingress rule or a role only narrows', () => {
    const wide = template({
      TaskRole: role([{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: ['arn:aws:s3:::data/*', 'arn:aws:s3:::logs/*'] }]),
      Other: role([read]),
      Group: { Type: 'AWS::EC2::SecurityGroup', Properties: { SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '10.0.0.0/8' }] } },
    });
    const { widened, narrowed } = widening(wide, base);
    expect(widened).toEqual([]);
    expect(narrowed.map((f) => f.logicalId).sort()).toEqual(['Group', 'Other', 'Other', 'TaskRole', 'TaskRole']);
  });

  test('a wildcard replaced by what it matches, a condition added, a port range made smaller: narrowed only', () => {
    const wide = edited((t) => {
      t.Resources.TaskRole.Properties.Policies[0].PolicyDocument.Statement = [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::*' }];
    });
    expect(widening(wide, base).widened).toEqual([]);
    const conditioned = edited((t) => {
      t.Resources.TaskRole.Properties.Policies[0].PolicyDocument.Statement[0].Condition = { Bool: { 'aws:SecureTransport': 'true' } };
    });
    expect(widening(base, conditioned).widened).toEqual([]);
    expect(widening(base, conditioned).narrowed).toHaveLength(1);
    const ports = (from: number, to: number) =>
      template({ G: { Type: 'AWS::EC2::SecurityGroup', Properties: { SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: from, ToPort: to, CidrIp: '10.0.0.0/8' }] } } });
    expect(widening(ports(8000, 8100), ports(8080, 8080)).widened).toEqual([]);
  });

  test('a boundary added narrows', () => {
    const bounded = edited((t) => {
      t.Resources.TaskRole.Properties.PermissionsBoundary = { Ref: 'Boundary' };
    });
    const r = widening(base, bounded);
    expect(r.widened).toEqual([]);
    expect(r.narrowed).toEqual([expect.objectContaining({ logicalId: 'TaskRole', kind: 'boundary', boundary: '${Boundary}' })]);
  });
});

describe('changes that widen', () => {
  test('an action added to an identity policy: the finding names the role, the kind and the action', () => {
    const next = edited((t) => t.Resources.TaskRole.Properties.Policies[0].PolicyDocument.Statement[0].Action.push('s3:DeleteObject'));
    const { widened, narrowed } = widening(base, next);
    expect(narrowed).toEqual([]);
    expect(widened).toEqual([
      expect.objectContaining({ logicalId: 'TaskRole', resourceType: 'AWS::IAM::Role', kind: 'identity policy', actions: ['s3:DeleteObject'], resources: ['arn:aws:s3:::data/*'] }),
    ]);
    expect(widened[0].summary).toBe('TaskRole (identity policy app): allows s3:DeleteObject on arn:aws:s3:::data/*');
  });

  test('a narrower action replaced by a wildcard, and a condition removed', () => {
    const star = edited((t) => {
      t.Resources.TaskRole.Properties.Policies[0].PolicyDocument.Statement[0].Action = ['s3:Get*'];
    });
    expect(widening(base, star).widened).toEqual([expect.objectContaining({ actions: ['s3:Get*'] })]);
    const conditioned = edited((t) => {
      t.Resources.TaskRole.Properties.Policies[0].PolicyDocument.Statement[0].Condition = { Bool: { 'aws:SecureTransport': 'true' } };
    });
    expect(widening(conditioned, base).widened).toEqual([expect.objectContaining({ logicalId: 'TaskRole', actions: ['s3:GetObject'] })]);
  });

  test('another principal in a trust policy', () => {
    const next = edited((t) => {
      t.Resources.TaskRole.Properties.AssumeRolePolicyDocument.Statement.push({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' });
    });
    expect(widening(base, next).widened).toEqual([
      expect.objectContaining({ logicalId: 'TaskRole', kind: 'trust', actions: ['sts:AssumeRole'], principals: ['AWS:arn:aws:iam::999999999999:root'] }),
    ]);
  });

  test('a boundary removed or replaced, a managed policy attached', () => {
    const bounded = edited((t) => {
      t.Resources.TaskRole.Properties.PermissionsBoundary = 'arn:aws:iam::123456789012:policy/boundary';
    });
    expect(widening(bounded, base).widened).toEqual([expect.objectContaining({ kind: 'boundary', boundary: 'arn:aws:iam::123456789012:policy/boundary' })]);
    const other = edited((t) => {
      t.Resources.TaskRole.Properties.PermissionsBoundary = 'arn:aws:iam::123456789012:policy/other';
    });
    expect(widening(bounded, other).widened.map((f) => f.kind)).toEqual(['boundary']);
    const admin = edited((t) => {
      t.Resources.TaskRole.Properties.ManagedPolicyArns = ['arn:aws:iam::aws:policy/AdministratorAccess'];
    });
    expect(widening(base, admin).widened).toEqual([expect.objectContaining({ kind: 'identity policy', managedPolicy: 'arn:aws:iam::aws:policy/AdministratorAccess' })]);
  });

  test('a deny removed widens', () => {
    const denied = edited((t) => {
      t.Resources.TaskRole.Properties.Policies[0].PolicyDocument.Statement.push({ Effect: 'Deny', Action: 'ec2:TerminateInstances', Resource: '*' });
    });
    const { widened, narrowed } = widening(denied, base);
    expect(widened).toEqual([expect.objectContaining({ effect: 'Deny', actions: ['ec2:TerminateInstances'] })]);
    expect(widened[0].summary).toContain('no longer denies ec2:TerminateInstances');
    expect(narrowed).toEqual([]);
  });

  test('a standalone policy attached to another role', () => {
    const policy = (roles: string[]) =>
      template({ P: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p', Roles: roles.map((r) => ({ Ref: r })), PolicyDocument: { Statement: [read] } } } });
    expect(widening(policy(['A']), policy(['A', 'B'])).widened).toEqual([expect.objectContaining({ logicalId: 'P', attachedTo: 'Role:${B}' })]);
  });

  test('resource policies: a bucket policy open to everyone, a key policy grant, a Lambda permission, an ECR policy as text', () => {
    const before = template({
      BucketPolicy: { Type: 'AWS::S3::BucketPolicy', Properties: { Bucket: { Ref: 'B' }, PolicyDocument: { Statement: [] } } },
      Key: {
        Type: 'AWS::KMS::Key',
        Properties: { KeyPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' }] } },
      },
      Repo: { Type: 'AWS::ECR::Repository', Properties: { RepositoryPolicyText: JSON.stringify({ Statement: [] }) } },
    });
    const after = edited((t) => {
      t.Resources.BucketPolicy.Properties.PolicyDocument.Statement.push({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
      t.Resources.Key.Properties.KeyPolicy.Statement.push({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'kms:Decrypt', Resource: '*' });
      t.Resources.Invoke = { Type: 'AWS::Lambda::Permission', Properties: { FunctionName: { Ref: 'F' }, Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com' } };
      t.Resources.Repo.Properties.RepositoryPolicyText = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'ecr:BatchGetImage' }] });
    }, before);
    const widened = widening(before, after).widened;
    expect(widened.map((f) => [f.logicalId, f.kind, f.actions, f.principals])).toEqual([
      ['BucketPolicy', 'resource policy', ['s3:GetObject'], ['*']],
      ['Invoke', 'resource policy', ['lambda:InvokeFunction'], ['Service:events.amazonaws.com']],
      ['Key', 'resource policy', ['kms:Decrypt'], ['AWS:arn:aws:iam::222222222222:root']],
      ['Repo', 'resource policy', ['ecr:BatchGetImage'], ['*']],
    ]);
  });

  test('security-group ingress: a new rule, a wider port range, another source; in the group or as its own resource', () => {
    const group = (rules: Json[]) => template({ G: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'g', SecurityGroupIngress: rules } } });
    const http = { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '10.0.0.0/8' };
    expect(widening(group([http]), group([http, { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }])).widened).toEqual([
      expect.objectContaining({ logicalId: 'G', kind: 'security-group ingress', cidr: '0.0.0.0/0', ports: '22' }),
    ]);
    expect(widening(group([http]), group([{ ...http, ToPort: 90 }])).widened).toEqual([expect.objectContaining({ ports: '80-90' })]);
    expect(widening(group([http]), group([{ ...http, CidrIp: '0.0.0.0/0' }])).widened).toEqual([expect.objectContaining({ cidr: '0.0.0.0/0' })]);
    expect(widening(group([http]), group([{ ...http, IpProtocol: '-1' }])).widened).toEqual([expect.objectContaining({ ports: 'all' })]);
    const standalone = edited(
      (t) => {
        t.Resources.Extra = {
          Type: 'AWS::EC2::SecurityGroupIngress',
          Properties: { GroupId: { Ref: 'G' }, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: 'sg-1' },
        };
      },
      group([http]),
    );
    expect(widening(group([http]), standalone).widened).toEqual([expect.objectContaining({ logicalId: 'Extra', source: 'SourceSecurityGroupId sg-1' })]);
  });

  test('the backdoor role: trusts everyone and allows everything', () => {
    const backdoor = edited((t) => {
      t.Resources.Backdoor = {
        Type: 'AWS::IAM::Role',
        Properties: {
          Path: '/shop-workload/',
          AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] },
          Policies: [{ PolicyName: 'admin', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }],
        },
      };
    });
    const widened = widening(base, backdoor).widened;
    expect(widened.map((f) => f.summary)).toEqual(['Backdoor (trust): allows sts:AssumeRole to *', 'Backdoor (identity policy admin): allows * on *']);
  });

  test('on the generated service template: one statement more for the task role is the one finding', () => {
    const service = loadTemplate('ecs-service.json');
    const next = edited((t) => {
      t.Resources.TaskRole.Properties.Policies.push({
        PolicyName: 'extra',
        PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: 'arn:aws:sqs:eu-west-1:222222222222:orders' }] },
      });
    }, service);
    expect(widening(service, next)).toEqual({
      widened: [expect.objectContaining({ logicalId: 'TaskRole', kind: 'identity policy', actions: ['sqs:SendMessage'] })],
      narrowed: [],
    });
  });

  test('a stack not created yet: every grant of the new template is new', () => {
    const service = loadTemplate('ecs-service.json');
    const widened = widening(null, service).widened;
    expect(new Set(widened.map((f) => f.logicalId))).toEqual(
      new Set(['CheckFunctionKeepWarmPermission', 'CheckFunctionRole', 'TaskExecutionRole', 'TaskRole', 'LoadBalancerSecurityGroup', 'ServiceIngressFromLoadBalancer']),
    );
    expect(widened.find((f) => f.cidr === '0.0.0.0/0')).toMatchObject({ logicalId: 'LoadBalancerSecurityGroup', ports: '80' });
  });
});

test('describe: the summaries in a bounded length, the rest counted', () => {
  const widened = widening(null, loadTemplate('ecs-service.json')).widened;
  const text = describeFindings(widened, 300);
  expect(text.length).toBeLessThanOrEqual(300);
  expect(text).toMatch(/\.\.\. and \d+ more$/);
  expect(describeFindings(widened)).toBe(widened.map((f) => f.summary).join('; '));
});

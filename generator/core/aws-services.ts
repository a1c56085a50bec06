/**
 * The per-service half of the resource type registry (resource-types.ts holds the
 * per-type half): for each service whose actions a resource handler calls, keyed by its
 * IAM action prefix, the CloudFormation namespace of its resource types, the shape of its
 * ARNs, and its handler actions that have no resource-level permissions.
 *
 * The roles' scopes read these facts instead of holding them (core/role-scopes.ts): the
 * `WithoutResourceTypes` statement of a role is made of the rows its actions touch, and a
 * scope that holds a type's resources by name builds their ARNs from its row.
 */
import { Intrinsic, sub } from './intrinsics';

/**
 * Which parts an ARN of the service holds: `region` arn:{partition}:{service}:{region}:{account}:...,
 * `account` (IAM: global) arn:{partition}:{service}::{account}:..., `partition` (S3
 * buckets: global names) arn:{partition}:{service}:::...
 */
export type ArnScope = 'region' | 'account' | 'partition';

/**
 * Handler actions of a service that have no resource-level permissions (Service
 * Authorization Reference: no resource types): a role grants them on "*".
 */
export interface WithoutResourceTypes {
  /** The actions, as the body of a regular expression (`ec2:Describe\w+`). */
  readonly actions: string;
  /** How a reason names them ("EC2 Describe* calls"). */
  readonly calls: string;
  /** Wildcards standing for the read-only actions above, to keep the policies small. */
  readonly collapse?: readonly string[];
}

export interface AwsService {
  /** The CloudFormation namespace whose resource types the service serves (`AWS::{namespace}::*`). */
  readonly namespace?: string;
  readonly arn: ArnScope;
  readonly withoutResourceTypes?: WithoutResourceTypes;
}

/** Every service a role's handler actions may name, by IAM action prefix, sorted. */
export const AWS_SERVICES: Readonly<Record<string, AwsService>> = {
  'application-autoscaling': { namespace: 'ApplicationAutoScaling', arn: 'region' },
  autoscaling: { arn: 'region', withoutResourceTypes: { actions: 'autoscaling:DescribeTags', calls: 'autoscaling:DescribeTags' } },
  cloudwatch: { namespace: 'CloudWatch', arn: 'region' },
  codebuild: { namespace: 'CodeBuild', arn: 'region' },
  codepipeline: { namespace: 'CodePipeline', arn: 'region', withoutResourceTypes: { actions: 'codepipeline:ListPipelines', calls: 'codepipeline:ListPipelines' } },
  'codestar-connections': { arn: 'region' },
  dynamodb: { namespace: 'DynamoDB', arn: 'region' },
  ec2: { namespace: 'EC2', arn: 'region', withoutResourceTypes: { actions: 'ec2:Describe\\w+', calls: 'EC2 Describe* calls', collapse: ['ec2:Describe*'] } },
  ecr: { namespace: 'ECR', arn: 'region' },
  ecs: {
    namespace: 'ECS',
    arn: 'region',
    withoutResourceTypes: {
      actions: 'ecs:(DeregisterTaskDefinition|DescribeTaskDefinition|ListClusters|ListServices|ListTaskDefinitions)',
      calls: 'ecs:DeregisterTaskDefinition, DescribeTaskDefinition and the List* calls',
    },
  },
  elasticloadbalancing: {
    namespace: 'ElasticLoadBalancingV2',
    arn: 'region',
    withoutResourceTypes: { actions: 'elasticloadbalancing:Describe\\w+', calls: 'Elastic Load Balancing Describe* calls', collapse: ['elasticloadbalancing:Describe*'] },
  },
  events: { namespace: 'Events', arn: 'region', withoutResourceTypes: { actions: 'events:ListRules', calls: 'events:ListRules' } },
  iam: { namespace: 'IAM', arn: 'account', withoutResourceTypes: { actions: 'iam:ListRoles', calls: 'iam:ListRoles' } },
  kms: { namespace: 'KMS', arn: 'region', withoutResourceTypes: { actions: 'kms:ListKeys', calls: 'kms:ListKeys' } },
  lambda: { namespace: 'Lambda', arn: 'region', withoutResourceTypes: { actions: 'lambda:ListFunctions', calls: 'lambda:ListFunctions' } },
  logs: {
    namespace: 'Logs',
    arn: 'region',
    withoutResourceTypes: {
      actions: 'logs:(DescribeIndexPolicies|DescribeLogGroups|DescribeResourcePolicies)',
      calls: 'logs:DescribeLogGroups, DescribeIndexPolicies and DescribeResourcePolicies',
    },
  },
  s3: { namespace: 'S3', arn: 'partition', withoutResourceTypes: { actions: 's3:ListAllMyBuckets', calls: 's3:ListAllMyBuckets' } },
  secretsmanager: {
    namespace: 'SecretsManager',
    arn: 'region',
    withoutResourceTypes: { actions: 'secretsmanager:(GetRandomPassword|ListSecrets)', calls: 'secretsmanager:GetRandomPassword and ListSecrets' },
  },
  sns: { namespace: 'SNS', arn: 'region', withoutResourceTypes: { actions: 'sns:ListTopics', calls: 'sns:ListTopics' } },
  ssm: { namespace: 'SSM', arn: 'region', withoutResourceTypes: { actions: 'ssm:DescribeParameters', calls: 'ssm:DescribeParameters' } },
  synthetics: { namespace: 'Synthetics', arn: 'region', withoutResourceTypes: { actions: 'synthetics:DescribeCanaries', calls: 'synthetics:DescribeCanaries' } },
};

/** The service prefix of an action (`logs` of `logs:PutRetentionPolicy`). */
export function prefixOf(action: string): string {
  return action.slice(0, action.indexOf(':'));
}

/** The IAM prefix of the service whose namespace holds `type` (`logs` for AWS::Logs::LogGroup); throws naming the row to add. */
export function serviceOfType(type: string, services: Readonly<Record<string, AwsService>> = AWS_SERVICES): string {
  const namespace = type.split('::')[1];
  const found = Object.entries(services).find(([, s]) => s.namespace === namespace);
  if (!found) throw new Error(`${type}: no row of AWS_SERVICES (generator/core/aws-services.ts) has namespace "${namespace}": add the service's row`);
  return found[0];
}

/** The ARN of a resource of service `prefix`, `resource` being the part after the account (`log-group:/shop/*`). */
export function serviceArn(prefix: string, resource: string, services: Readonly<Record<string, AwsService>> = AWS_SERVICES): Intrinsic<string> {
  const service = services[prefix];
  if (service === undefined) throw new Error(`service ${prefix} has no row in AWS_SERVICES (generator/core/aws-services.ts)`);
  const region = service.arn === 'region' ? '${AWS::Region}' : '';
  const account = service.arn === 'partition' ? '' : '${AWS::AccountId}';
  return sub(`arn:\${AWS::Partition}:${prefix}:${region}:${account}:${resource}`);
}

/** The rows whose actions without resource types take at least one of `actions`, in the table's order. */
export function withoutResourceTypesOf(actions: Iterable<string>, services: Readonly<Record<string, AwsService>> = AWS_SERVICES): WithoutResourceTypes[] {
  const list = [...actions];
  return Object.values(services)
    .map((s) => s.withoutResourceTypes)
    .filter((w): w is WithoutResourceTypes => w !== undefined && list.some((a) => new RegExp(`^(${w.actions})$`).test(a)));
}

/**
 * The permissions of the pipeline stacks' CloudFormation role (pipeline-stacks-role.json):
 * the resource handlers' actions of exactly the resource types of pipeline-build.json and
 * pipeline.json (generator/aws-data/handler-permissions.json, or the registry entry's
 * handlerActions), minus PIPELINE_STACKS_EXCLUSIONS, each placed into the first scope
 * below that matches it, where the type's registry entry lets it go (core/role-scopes.ts). Every scope holds its actions to
 * this account and region and to this project's names (`{project}-*-{suffix}`, the log
 * group `/{project}/*` and roles under the pipeline role path `/{project}/`) or to its
 * Project tag; every `*` says which API requires it. An action no scope takes fails
 * generation (core/handler-permissions.ts scopedStatements).
 */
import { Intrinsic, sub } from '../core/intrinsics';
import { Statement, anyResource } from '../core/iam';
import { Exclusion, Scope, actionsOfType, exclude } from '../core/handler-permissions';
import { serviceArn } from '../core/aws-services';
import { RolePermissions, held, passedToServices, rolePermissions, roleStatements, withoutResourceTypesScope } from '../core/role-scopes';
import { LOG_GROUP_EXCLUSIONS } from './log-group-exclusions';

/** Fn::Sub texts of the project and tools-account suffix, e.g. `${ProjectName}`. */
export interface PipelineStacksScope {
  readonly project: string;
  readonly suffix: string;
}

/** Excludes every handler action of `type` that `pattern` matches (at least one). */
function excludeMatching(type: string, pattern: RegExp, reason: string): Exclusion {
  const actions = actionsOfType(type).filter((a) => pattern.test(a));
  if (actions.length === 0) throw new Error(`exclusion ${pattern} for ${type} matches no handler action`);
  return exclude(type, actions, reason);
}

/** The handler actions the role does not get, each with the reason. One table: the permissions test lists it. */
export const PIPELINE_STACKS_EXCLUSIONS: readonly Exclusion[] = [
  ...LOG_GROUP_EXCLUSIONS,
  // Not IAM actions: names in the registry schemas that IAM does not know.
  exclude('AWS::S3::Bucket', ['S3:GetBucketWebsite'], 'not an IAM action (a mis-capitalised s3:GetBucketWebsite in the registry schema); no bucket is a website'),
  exclude(
    'AWS::S3::Bucket',
    ['s3:DeleteBucketEncryption', 's3:DeleteBucketLifecycle'],
    'not IAM actions (s3:PutEncryptionConfiguration and s3:PutLifecycleConfiguration authorize them); every bucket keeps both anyway',
  ),
  // IAM escalation paths the pipeline roles never need.
  exclude(
    'AWS::IAM::Role',
    ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
    'no pipeline role has ManagedPolicyArns (project rule CD004): no managed policy may be attached, so none is ever detached',
  ),
  exclude('AWS::IAM::Role', ['iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary'], 'called only for PermissionsBoundary, which no pipeline role sets'),
  exclude('AWS::S3::Bucket', ['iam:PassRole'], 'called only for ReplicationConfiguration.Role, which is never set'),
  exclude('AWS::SNS::Topic', ['iam:PassRole'], 'called only for delivery status logging roles, which the approval topic never sets'),
  exclude('AWS::SecretsManager::RotationSchedule', ['iam:PassRole'], 'called only for HostedRotationLambda; the schedule names an existing function (RotationLambdaARN)'),
  // Properties the templates never set.
  exclude('AWS::ECR::Repository', ['kms:CreateGrant', 'kms:DescribeKey', 'kms:RetireGrant'], 'called only for EncryptionConfiguration with KMS; the repository uses AES256'),
  exclude(
    'AWS::SecretsManager::Secret',
    ['secretsmanager:ReplicateSecretToRegions', 'secretsmanager:RemoveRegionsFromReplication'],
    'called only for ReplicaRegions, which is never set',
  ),
  exclude('AWS::SNS::Topic', ['sns:PutDataProtectionPolicy'], 'called only for DataProtectionPolicy, which is never set'),
  excludeMatching(
    'AWS::S3::Bucket',
    /^(s3tables:\w+|s3:\w+BucketMetadata\w*Configuration)$/,
    'called only for MetadataConfiguration / MetadataTableConfiguration, which is never set',
  ),
  excludeMatching(
    'AWS::S3::Bucket',
    /^s3:(Delete|Put)\w*(Abac|Accelerate|Analytics|Cors|CORS|IntelligentTiering|Inventory|Metrics|Notification|Replication|Website)\w*$/,
    'called only for acceleration, analytics, ABAC, CORS, notification, replication, website, tiering, inventory or metrics configurations, which the artifact and cache buckets never set',
  ),
  exclude(
    'AWS::S3::Bucket',
    ['s3:PutBucketAcl', 's3:PutObjectAcl', 's3:PutBucketLogging'],
    "called only for AccessControl and LoggingConfiguration; the buckets keep S3's defaults (ACLs disabled) and log nothing",
  ),
  exclude(
    'AWS::S3::Bucket',
    ['s3:PutBucketObjectLockConfiguration', 's3:PutObjectLockConfiguration'],
    'called only for ObjectLockEnabled / ObjectLockConfiguration, which are never set',
  ),
];

/** Roles under the pipeline role path, `/{project}/`: every role the pipeline stacks create. */
export function pipelineRolesArn(s: PipelineStacksScope): Intrinsic<string> {
  return serviceArn('iam', `role/${s.project}/*`);
}

/** The names a scope the role does not define holds, when a registry entry names it: this project's, `{project}-*-{suffix}`. */
export function pipelineStacksDefaultNames(s: PipelineStacksScope): string[] {
  return [`${s.project}-*-${s.suffix}`];
}

/**
 * Where each granted action goes: the first scope whose pattern matches it (a `shared`
 * scope passes its actions on to the next matching one as well).
 */
export function pipelineStacksScopes(s: PipelineStacksScope, permissions: RolePermissions): Scope[] {
  const { project, suffix } = s;
  const named = `${project}-*-${suffix}`;
  const projectTag = { StringEquals: { 'aws:ResourceTag/Project': sub(project) } };
  const requestTag = { 'aws:RequestTag/Project': sub(project) };
  const keysBecause = 'KMS assigns key IDs; only keys tagged with this project qualify';
  return [
    withoutResourceTypesScope(permissions),
    // Only a key tagged with this project.
    {
      sid: 'CreateKeys',
      actions: /^kms:CreateKey$/,
      resources: anyResource('kms:CreateKey has no resource-level permissions'),
      options: { condition: { StringEquals: requestTag } },
    },
    // Tagging a key as it is created needs kms:TagResource on every key of the account and
    // region (KMS Developer Guide, "Controlling access to tags"): the request must tag it
    // with this project, and a key that has a Project tag already must have this project's.
    held('TagNewKeys', 'AWS::KMS::Key', ['*'], {
      actions: /^kms:TagResource$/,
      condition: { StringEquals: requestTag, StringEqualsIfExists: { 'aws:ResourceTag/Project': sub(project) } },
      because:
        "tagging a key as it is created needs kms:TagResource on every key of the account and region; only a request that tags the key with this project, on a key without another project's tag, qualifies",
      shared: true,
    }),
    held('Keys', 'AWS::KMS::Key', ['*'], { condition: projectTag, because: keysBecause }),
    // The artifact and cache buckets, `{project}-{service}-{artifacts|cache}-{suffix}-{account}`.
    held('Buckets', 'AWS::S3::Bucket', [`${named}-\${AWS::AccountId}`, `${named}-\${AWS::AccountId}/*`], { collapse: ['s3:Get*Configuration', 's3:GetBucket*'] }),
    held('Repositories', 'AWS::ECR::Repository', [named]),
    held('Secrets', 'AWS::SecretsManager::Secret', [named]),
    // The registry secret's rotation function (RotationFunctionArn) is the operator's own: it qualifies by its Project tag.
    held('RotationFunctions', 'AWS::Lambda::Function', ['*'], {
      actions: /^lambda:InvokeFunction$/,
      condition: projectTag,
      because: "the rotation function is the operator's, named freely (RotationFunctionArn); only functions tagged with this project qualify",
    }),
    held('LogGroups', 'AWS::Logs::LogGroup', [`/${project}/*`, `/${project}/*:*`]),
    // Roles: only under the pipeline role path, and only handed to the services the stacks
    // configure (the registry's passesRoleTo of their types).
    {
      sid: 'PassPipelineRoles',
      actions: /^iam:PassRole$/,
      resources: [pipelineRolesArn(s)],
      options: { condition: { StringEquals: { 'iam:PassedToService': passedToServices(permissions) } } },
      basis: 'passesRoleTo',
    },
    held('PipelineRoles', 'AWS::IAM::Role', [`${project}/*`]),
    held('CodeBuild', ['AWS::CodeBuild::Project', 'AWS::CodeBuild::ReportGroup'], [named]),
    held('Topics', 'AWS::SNS::Topic', [named]),
    // The pipelines and their stages (`{pipeline}/{stage}`, for the stage transitions).
    held('Pipelines', 'AWS::CodePipeline::Pipeline', [`${named}*`]),
    // The source connection (ConnectionArn) has a generated ID; it is only handed to CodePipeline.
    {
      sid: 'PassConnections',
      actions: /^codestar-connections:PassConnection$/,
      resources: [serviceArn('codestar-connections', 'connection/*')],
      options: {
        condition: { StringEquals: { 'codestar-connections:PassedToService': 'codepipeline.amazonaws.com' } },
        because: 'connections have generated IDs and belong to no project; a pipeline stack only hands its source connection to CodePipeline',
      },
    },
    held('EventRules', 'AWS::Events::Rule', [named]),
  ];
}

/** The role's permissions for the resource types of the pipeline stacks: their handler actions, minus the exclusions. */
export function pipelineStacksPermissions(types: readonly string[]): RolePermissions {
  return rolePermissions('pipeline stacks role', 'pipelineStacks', types, PIPELINE_STACKS_EXCLUSIONS);
}

/** The role's statements for the resource types of the pipeline stacks; throws on an action no scope takes. */
export function pipelineStacksStatements(types: readonly string[], s: PipelineStacksScope): Statement[] {
  const permissions = pipelineStacksPermissions(types);
  return roleStatements(permissions, pipelineStacksScopes(s, permissions), pipelineStacksDefaultNames(s));
}

/**
 * The permissions of the pipeline stacks' CloudFormation role (pipeline-stacks-role.json):
 * the resource handlers' actions of exactly the resource types of pipeline-build.json and
 * pipeline.json (generator/aws-data/handler-permissions.json), minus PIPELINE_STACKS_EXCLUSIONS,
 * each placed into the first scope below that matches it. Every scope holds its actions to
 * this account and region and to this project's names (`{project}-*-{suffix}`, the log
 * group `/{project}/*` and roles under the pipeline role path `/{project}/`) or to its
 * Project tag; every `*` says which API requires it. An action no scope takes fails
 * generation (core/handler-permissions.ts scopedStatements).
 */
import { Intrinsic, sub } from '../core/intrinsics';
import { Statement, anyResource } from '../core/iam';
import { Exclusion, Scope, actionsOfType, exclude, requiredActions, scopedStatements } from '../core/handler-permissions';
import { LOG_GROUP_EXCLUSIONS } from './log-group-exclusions';

/** Fn::Sub texts of the project and tools-account suffix, e.g. `${ProjectName}`. */
export interface PipelineStacksScope {
  readonly project: string;
  readonly suffix: string;
}

/**
 * Resource types whose registry schema has no handlers (handler-permissions.json holds
 * them empty): CloudFormation manages CodeBuild projects and report groups through the
 * CodeBuild API (CodeBuild API Reference: CreateProject, UpdateProject, DeleteProject,
 * BatchGetProjects and their report group counterparts). CreateProject and UpdateProject
 * pass the project's service role (CodeBuild User Guide, "Create a CodeBuild service role").
 */
export const WITHOUT_HANDLER_DATA: Readonly<Record<string, readonly string[]>> = {
  'AWS::CodeBuild::Project': ['codebuild:BatchGetProjects', 'codebuild:CreateProject', 'codebuild:DeleteProject', 'codebuild:UpdateProject', 'iam:PassRole'],
  'AWS::CodeBuild::ReportGroup': ['codebuild:BatchGetReportGroups', 'codebuild:CreateReportGroup', 'codebuild:DeleteReportGroup', 'codebuild:UpdateReportGroup'],
};

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

/** The handler actions without resource-level permissions (Service Authorization Reference: no resource types). */
const WITHOUT_RESOURCE_TYPES: ReadonlyArray<{ readonly actions: RegExp; readonly calls: string }> = [
  { actions: /kms:ListKeys/, calls: 'kms:ListKeys' },
  { actions: /s3:ListAllMyBuckets/, calls: 's3:ListAllMyBuckets' },
  { actions: /iam:ListRoles/, calls: 'iam:ListRoles' },
  { actions: /logs:(DescribeIndexPolicies|DescribeLogGroups|DescribeResourcePolicies)/, calls: 'logs:DescribeLogGroups, DescribeIndexPolicies and DescribeResourcePolicies' },
  { actions: /secretsmanager:(GetRandomPassword|ListSecrets)/, calls: 'secretsmanager:GetRandomPassword and ListSecrets' },
  { actions: /sns:ListTopics/, calls: 'sns:ListTopics' },
  { actions: /codepipeline:ListPipelines/, calls: 'codepipeline:ListPipelines' },
  { actions: /events:ListRules/, calls: 'events:ListRules' },
];

/** The services a pipeline stack hands a role of its own to. */
export const PASSED_TO_SERVICES = ['codebuild.amazonaws.com', 'codepipeline.amazonaws.com', 'events.amazonaws.com'] as const;

function arn(service: string, resource: string): Intrinsic<string> {
  return sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`);
}

/** Roles under the pipeline role path, `/{project}/`: every role the pipeline stacks create. */
export function pipelineRolesArn(s: PipelineStacksScope): Intrinsic<string> {
  return sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${s.project}/*`);
}

/**
 * Where each granted action goes: the first scope whose pattern matches it (a `shared`
 * scope passes its actions on to the next matching one as well).
 */
export function pipelineStacksScopes(s: PipelineStacksScope): Scope[] {
  const { project, suffix } = s;
  const named = `${project}-*-${suffix}`;
  const projectTag = { StringEquals: { 'aws:ResourceTag/Project': sub(project) } };
  const requestTag = { 'aws:RequestTag/Project': sub(project) };
  const keys = [arn('kms', 'key/*')];
  const keysBecause = 'KMS assigns key IDs; only keys tagged with this project qualify';
  return [
    {
      sid: 'WithoutResourceTypes',
      actions: new RegExp(`^(${WITHOUT_RESOURCE_TYPES.map((w) => w.actions.source).join('|')})$`),
      resources: anyResource(`${WITHOUT_RESOURCE_TYPES.map((w) => w.calls).join('; ')}: no resource-level permissions`),
    },
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
    {
      sid: 'TagNewKeys',
      actions: /^kms:TagResource$/,
      resources: keys,
      options: {
        condition: { StringEquals: requestTag, StringEqualsIfExists: { 'aws:ResourceTag/Project': sub(project) } },
        because:
          "tagging a key as it is created needs kms:TagResource on every key of the account and region; only a request that tags the key with this project, on a key without another project's tag, qualifies",
      },
      shared: true,
    },
    { sid: 'Keys', actions: /^kms:\w+$/, resources: keys, options: { condition: projectTag, because: keysBecause } },
    // The artifact and cache buckets, `{project}-{service}-{artifacts|cache}-{suffix}-{account}`.
    {
      sid: 'Buckets',
      actions: /^s3:\w+$/,
      resources: [sub(`arn:\${AWS::Partition}:s3:::${named}-\${AWS::AccountId}`), sub(`arn:\${AWS::Partition}:s3:::${named}-\${AWS::AccountId}/*`)],
      collapse: ['s3:Get*Configuration', 's3:GetBucket*'],
    },
    { sid: 'Repositories', actions: /^ecr:\w+$/, resources: [arn('ecr', `repository/${named}`)] },
    // Secrets Manager appends six random characters to a secret's name in its ARN.
    { sid: 'Secrets', actions: /^secretsmanager:\w+$/, resources: [arn('secretsmanager', `secret:${named}-??????`)] },
    // The registry secret's rotation function (RotationFunctionArn) is the operator's own: it qualifies by its Project tag.
    {
      sid: 'RotationFunctions',
      actions: /^lambda:InvokeFunction$/,
      resources: [arn('lambda', 'function:*')],
      options: { condition: projectTag, because: "the rotation function is the operator's, named freely (RotationFunctionArn); only functions tagged with this project qualify" },
    },
    { sid: 'LogGroups', actions: /^logs:\w+$/, resources: [arn('logs', `log-group:/${project}/*`), arn('logs', `log-group:/${project}/*:*`)] },
    // Roles: only under the pipeline role path, and only handed to the services the stacks configure.
    {
      sid: 'PassPipelineRoles',
      actions: /^iam:PassRole$/,
      resources: [pipelineRolesArn(s)],
      options: { condition: { StringEquals: { 'iam:PassedToService': [...PASSED_TO_SERVICES] } } },
    },
    { sid: 'PipelineRoles', actions: /^iam:\w+$/, resources: [pipelineRolesArn(s)] },
    { sid: 'CodeBuild', actions: /^codebuild:\w+$/, resources: [arn('codebuild', `project/${named}`), arn('codebuild', `report-group/${named}`)] },
    { sid: 'Topics', actions: /^sns:\w+$/, resources: [arn('sns', named)] },
    // The pipelines and their stages (`{pipeline}/{stage}`, for the stage transitions).
    { sid: 'Pipelines', actions: /^codepipeline:\w+$/, resources: [arn('codepipeline', `${named}*`)] },
    // The source connection (ConnectionArn) has a generated ID; it is only handed to CodePipeline.
    {
      sid: 'PassConnections',
      actions: /^codestar-connections:PassConnection$/,
      resources: [arn('codestar-connections', 'connection/*')],
      options: {
        condition: { StringEquals: { 'codestar-connections:PassedToService': 'codepipeline.amazonaws.com' } },
        because: 'connections have generated IDs and belong to no project; a pipeline stack only hands its source connection to CodePipeline',
      },
    },
    { sid: 'EventRules', actions: /^events:\w+$/, resources: [arn('events', `rule/${named}`)] },
  ];
}

/** Every action the role needs for `types`: the handlers' (minus the exclusions) and the CodeBuild API's. */
export function pipelineStacksActions(types: readonly string[]): string[] {
  const { granted } = requiredActions(types, PIPELINE_STACKS_EXCLUSIONS);
  const extra = types.flatMap((t) => WITHOUT_HANDLER_DATA[t] ?? []);
  return [...new Set([...granted.keys(), ...extra])].sort();
}

/** The role's statements for the resource types of the pipeline stacks; throws on an action no scope takes. */
export function pipelineStacksStatements(types: readonly string[], s: PipelineStacksScope): Statement[] {
  return scopedStatements('pipeline stacks role', pipelineStacksActions(types), pipelineStacksScopes(s));
}

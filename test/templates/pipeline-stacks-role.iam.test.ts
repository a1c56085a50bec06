/**
 * pipeline-stacks-role.json evaluated by a real IAM policy evaluator on the example
 * configuration's values (the tools account, the names resolved from the generated
 * pipeline templates and their parameter files):
 *
 * - the role allows every action the resource handlers call for every resource type of
 *   pipeline-build.json and pipeline.json (and the CodeBuild API's for CodeBuild's types,
 *   which have no handler data), except what its one exclusions table leaves out;
 * - the same actions on another project's resources are denied;
 * - it creates and changes roles only under the pipeline role path, never itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { actionsOfType } from '../../generator/core/handler-permissions';
import { PIPELINE_STACKS_EXCLUSIONS, pipelineStacksStatements } from '../../generator/blocks/pipeline-stacks-scopes';
import { resourceTypesIn as resourceTypesOf } from '../../generator/core/member-stack';
import { PIPELINE_STACKS_ROLE_IDS as ID } from '../../generator/templates/pipeline-stacks-role';
import { pipelineStackTemplates } from '../../generator/templates/pipeline';
import { ActionInfo, Decision, Policy, actionInfo, arnFormat, decide, expandAction, identityPolicies, resolvePolicy, trustPolicy } from '../helpers/iam-sim';
import { TEMPLATES_DIR, asList, exampleConfig, loadTemplate, resolve, resource } from '../helpers/template';
import { RESOURCE_TYPES, ResourceTypeEntry } from '../../generator/core/resource-types';

jest.setTimeout(120_000);

const REGION = 'eu-west-1';
const config = exampleConfig();
const ACCOUNT = config.tools.accountId;
const stacksRole = loadTemplate('pipeline-stacks-role.json');
const build = loadTemplate('pipeline-build.json');
const pipeline = loadTemplate('pipeline.json');

function parameterFile(rel: string): Record<string, string> {
  return (JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, 'parameters', rel), 'utf8')) as { Parameters: Record<string, string> }).Parameters;
}

const pseudo = { 'AWS::Partition': 'aws', 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, 'AWS::URLSuffix': 'amazonaws.com' };
const roleValues = { ...parameterFile('pipeline-stacks-role.json'), ...pseudo };
const buildValues = { ...parameterFile('pipeline-build/web.json'), ...pseudo };
const pipelineValues = { ...parameterFile('pipeline/web.json'), ...pseudo };
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${resolve(resource(stacksRole, ID.role).Properties!.RoleName, roleValues)}`;
const identity = identityPolicies(stacksRole, ID.role, roleValues);

const prop = (t: typeof build, id: string, key: string, values: Record<string, string>) => resolve(resource(t, id).Properties![key], values);
const buildProp = (id: string, key: string) => prop(build, id, key, buildValues);
const pipelineProp = (id: string, key: string) => prop(pipeline, id, key, pipelineValues);

/** Concrete values of the ARN formats, from this project's generated names. */
const VALUES: Record<string, string> = {
  Partition: 'aws',
  Region: REGION,
  Account: ACCOUNT,
  BucketName: buildProp('ArtifactBucket', 'BucketName'),
  ObjectName: 'artifact.zip',
  KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
  RepositoryName: buildProp('Repository', 'RepositoryName'),
  SecretId: `${buildProp('RegistrySecret', 'Name')}-AbCdEf`,
  // The operator's rotation function (RotationFunctionArn), tagged with the project.
  FunctionName: 'registry-rotation',
  LogGroupName: buildProp('BuildLogGroup', 'LogGroupName'),
  LogStreamName: 'build',
  RoleNameWithPath: `${buildProp('CodeBuildBuildRole', 'Path').slice(1)}${buildProp('CodeBuildBuildRole', 'RoleName')}`,
  ProjectName: buildProp('BuildProject', 'Name'),
  ReportGroupName: buildProp('UnitTestReports', 'Name'),
  TopicName: pipelineProp('ApprovalTopic', 'TopicName'),
  PipelineName: pipelineProp('Pipeline', 'Name'),
  StageName: 'Source',
  RuleName: pipelineProp('SourceEventRule', 'Name'),
  ConnectionId: '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d',
};

/** The same names in another project of the account. */
const OTHER: Record<string, string> = Object.fromEntries(
  Object.entries(VALUES).map(([k, v]) => [k, v.replace(/(^|\/)shop(?=[-/])/g, '$1other')]),
);

/** The resource type each action names, where the reference lists several. */
const PREFERRED = ['rule-on-default-event-bus', 'bucket', 'object', 'key', 'repository', 'Secret', 'function', 'log-group', 'role', 'project', 'report-group', 'topic', 'pipeline', 'stage', 'Connection'];


/** Where a type's handlers pass a role, the service they pass it to: the registry's passesRoleTo. */
const PASSED_TO = (type: string): string | undefined => (RESOURCE_TYPES as Readonly<Record<string, ResourceTypeEntry>>)[type]?.passesRoleTo;

async function arnFor(action: string, info: ActionInfo, values: Record<string, string>): Promise<string> {
  if (info.wildcardOnly || info.resourceTypes.length === 0) return '*';
  const required = info.resourceTypes.filter((r) => r.required).map((r) => r.name);
  const candidates = required.length > 0 ? required : info.resourceTypes.map((r) => r.name);
  const name = PREFERRED.find((p) => candidates.includes(p)) ?? candidates[0];
  const format = await arnFormat(action.split(':')[0].toLowerCase(), name);
  return format.replace(/\$\{([A-Za-z]+)\}/g, (_m, key: string) => {
    if (!(key in values)) throw new Error(`${action} acts on ${name}: add a value for \${${key}} (${format})`);
    return values[key];
  });
}

function context(type: string, action: string, project: string): Record<string, string> {
  return {
    'aws:RequestTag/Project': project,
    // A key being created has no tags yet.
    ...(action === 'kms:CreateKey' ? {} : { 'aws:ResourceTag/Project': project }),
    ...(PASSED_TO(type) ? { 'iam:PassedToService': PASSED_TO(type) } : {}),
    'codestar-connections:PassedToService': 'codepipeline.amazonaws.com',
  };
}

/** KMS needs the key policy's allow too: the artifact key's, which leaves the key's administration to IAM. */
const keyPolicy = resolvePolicy(resource(build, 'ArtifactKey').Properties!.KeyPolicy, buildValues) as Policy;

const asStacksRole = (action: string, resourceArn: string, ctx: Record<string, string> = {}): Promise<Decision> =>
  decide({
    principal: ROLE_ARN,
    action,
    resource: resourceArn,
    context: ctx,
    identity,
    ...(resourceArn.startsWith('arn:aws:kms:') ? { resourcePolicy: keyPolicy } : {}),
  });

const types = resourceTypesOf([build, pipeline]);

function grantedActions(type: string): string[] {
  const excluded = new Set(PIPELINE_STACKS_EXCLUSIONS.filter((e) => e.resourceType === type).flatMap((e) => e.actions));
  return actionsOfType(type).filter((a) => !excluded.has(a));
}

/** Actions that reach every resource of their kind in the account, each for a reason the builder states. */
const ACCOUNT_WIDE = new Set(['codestar-connections:PassConnection']);

describe('the pipeline stacks role is built from exactly the pipeline stacks', () => {
  test('its resource types are those of pipeline-build.json and pipeline.json', () => {
    expect(resourceTypesOf(pipelineStackTemplates(config))).toEqual(types);
    expect(types).toContain('AWS::CodeBuild::Project');
  });

  test('a type whose registry entry names no scope of this role fails generation', () => {
    expect(() => pipelineStacksStatements([...types, 'AWS::Lambda::Function'], { project: '${ProjectName}', suffix: '${EnvironmentSuffix}' })).toThrow(
      /AWS::Lambda::Function is in its stacks, but RESOURCE_TYPES\['AWS::Lambda::Function'\]\.scopes has no "pipelineStacks"/,
    );
  });

  test("every exclusion names an action its type's handlers call, with a reason", () => {
    for (const e of PIPELINE_STACKS_EXCLUSIONS) {
      expect(e.reason.length).toBeGreaterThanOrEqual(10);
      for (const a of e.actions) expect(`${a}: ${actionsOfType(e.resourceType).includes(a)}`).toBe(`${a}: true`);
    }
  });

  test('CloudFormation assumes it; the pipelines pass exactly this role for their own stacks', () => {
    const trust = trustPolicy(stacksRole, ID.role, roleValues).Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0].Principal).toEqual({ Service: 'cloudformation.amazonaws.com' });
    const pass = (resource(pipeline, 'PipelineRole').Properties!.Policies as Array<{ PolicyDocument: { Statement: Array<Record<string, unknown>> } }>)[0]
      .PolicyDocument.Statement.find((s) => s.Sid === 'PassPipelineStacksRole')!;
    expect(asList(pass.Resource).map((r) => resolve(r, pipelineValues))).toEqual([ROLE_ARN]);
  });

  test('every "*" statement holds actions without resource types only', async () => {
    const statements = identity.flatMap((p) => p.Statement).filter((s) => s.Effect === 'Allow' && s.Resource === '*');
    expect(statements.map((s) => s.Sid).sort()).toEqual(['CreateKeys', 'WithoutResourceTypes']);
    for (const a of statements.flatMap((s) => s.Action as string[])) expect(`${a}: ${(await actionInfo(a))?.wildcardOnly}`).toBe(`${a}: true`);
  });
});

test('each wildcard action of the role expands to read and list actions only', async () => {
  const wildcards = identity.flatMap((p) => p.Statement).filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action as string[]).filter((a) => a.includes('*'));
  expect(wildcards.length).toBeGreaterThan(0);
  for (const w of wildcards) {
    const actions = await expandAction(w);
    expect(actions.length).toBeGreaterThan(0);
    for (const a of actions) expect(`${a}: ${(await actionInfo(a))!.accessLevel}`).toMatch(/: (Read|List)$/);
  }
});

describe("every handler action of the pipeline stacks' resource types", () => {
  test.each(types)("%s: allowed on this project's resources, denied on another project's", async (type) => {
    const problems: string[] = [];
    for (const action of grantedActions(type)) {
      const info = await actionInfo(action);
      if (info === undefined) {
        problems.push(`${action}: not an IAM action (exclude it with the reason)`);
        continue;
      }
      const own = await arnFor(action, info, VALUES);
      const d = await asStacksRole(action, own, context(type, action, 'shop'));
      if (d !== 'Allowed') problems.push(`${action} on ${own}: ${d}`);
      if (own === '*' || ACCOUNT_WIDE.has(action)) continue;
      const other = await arnFor(action, info, OTHER);
      const o = await asStacksRole(action, other, context(type, action, 'other'));
      if (o === 'Allowed') problems.push(`${action} on ${other} (another project): Allowed`);
    }
    expect(problems).toEqual([]);
  });

  test('a key is created only with this project\'s tag, and tagged as it is created; a key of another project is never retagged', async () => {
    const key = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${VALUES.KeyId}`;
    expect(await asStacksRole('kms:CreateKey', '*', { 'aws:RequestTag/Project': 'shop' })).toBe('Allowed');
    expect(await asStacksRole('kms:CreateKey', '*', { 'aws:RequestTag/Project': 'other' })).not.toBe('Allowed');
    expect(await asStacksRole('kms:CreateKey', '*')).not.toBe('Allowed');
    expect(await asStacksRole('kms:TagResource', key, { 'aws:RequestTag/Project': 'shop' })).toBe('Allowed');
    expect(await asStacksRole('kms:TagResource', key, { 'aws:RequestTag/Project': 'shop', 'aws:ResourceTag/Project': 'other' })).not.toBe('Allowed');
    expect(await asStacksRole('kms:ScheduleKeyDeletion', key, { 'aws:ResourceTag/Project': 'other' })).not.toBe('Allowed');
    expect(await asStacksRole('kms:ScheduleKeyDeletion', key)).not.toBe('Allowed');
  });
});

describe('roles', () => {
  const role = (nameWithPath: string, account = ACCOUNT) => `arn:aws:iam::${account}:role/${nameWithPath}`;
  const pipelineRole = role(`shop/${pipelineProp('PipelineRole', 'RoleName')}`);

  test('under the pipeline role path: created, changed, passed to the services the stacks configure', async () => {
    for (const action of ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:DeleteRole']) {
      expect(`${action}: ${await asStacksRole(action, pipelineRole)}`).toBe(`${action}: Allowed`);
    }
    expect(await asStacksRole('iam:PassRole', pipelineRole, { 'iam:PassedToService': 'codepipeline.amazonaws.com' })).toBe('Allowed');
    expect(await asStacksRole('iam:PassRole', pipelineRole, { 'iam:PassedToService': 'lambda.amazonaws.com' })).not.toBe('Allowed');
    expect(await asStacksRole('iam:PassRole', pipelineRole, { 'iam:PassedToService': 'cloudformation.amazonaws.com' })).not.toBe('Allowed');
  });

  test('outside it: no role is created, changed, deleted or passed', async () => {
    const outside = [
      role('shop-web-pipeline-tools'),
      role('shop-admin'),
      role('other/other-web-pipeline-tools'),
      role('shop-workload/shop-web-task'),
      role('shop-github-actions-tools'),
      // A member account's roles: another account, out of this role's reach.
      role('shop-execution-dev-eu-west-1', config.environments[0].accountId),
    ];
    for (const arn of outside) {
      for (const action of ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:DeleteRole', 'iam:AttachRolePolicy']) {
        expect(`${action} ${arn}: ${await asStacksRole(action, arn)}`).not.toBe(`${action} ${arn}: Allowed`);
      }
      expect(await asStacksRole('iam:PassRole', arn, { 'iam:PassedToService': 'codebuild.amazonaws.com' })).not.toBe('Allowed');
    }
  });

  test('the pipeline stacks role cannot change, delete or pass itself', async () => {
    for (const action of ['iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:DeleteRole', 'iam:DeleteRolePolicy', 'iam:TagRole']) {
      expect(`${action}: ${await asStacksRole(action, ROLE_ARN)}`).toBe(`${action}: ExplicitlyDenied`);
    }
    expect(await asStacksRole('iam:PassRole', ROLE_ARN, { 'iam:PassedToService': 'cloudformation.amazonaws.com' })).toBe('ExplicitlyDenied');
  });

  test('no managed policy can be attached to a pipeline role, and no boundary changed', async () => {
    for (const action of ['iam:AttachRolePolicy', 'iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary']) {
      expect(`${action}: ${await asStacksRole(action, pipelineRole)}`).not.toBe(`${action}: Allowed`);
    }
  });
});

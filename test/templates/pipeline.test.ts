/**
 * The service pipeline: pipeline-build.json (artifact store, ECR, CodeBuild) and
 * pipeline.json (the pipeline), checked on the committed JSON and against
 * member-roles.json, whose roles the deploy actions assume.
 */
import { spawnSync } from 'node:child_process';
import { BASH_OPTIONS, SandboxCase, sandboxTable } from '../helpers/sandbox';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ResourceDef, Template } from '../../generator/core/template';
import { serializeTemplate } from '../../generator/core/serialize';
import { deployStageName, stackName } from '../../generator/core/naming';
import { TEMPLATE_BODY_LIMIT_BYTES } from '../../generator/core/limits';
import { ConfigError, parseConfig } from '../../generator/config/load';
import { ProjectConfig } from '../../generator/config/types';
import {
  ARTIFACTS,
  IMAGE_PLATFORMS,
  RENDER_SCRIPT,
  approvalStageName,
  buildPipelineBuildTemplate,
  checkStageName,
  confirmStageName,
  PLAN_SCRIPT,
  buildPipelineTemplate,
  pipelineBuildParameterFiles,
} from '../../generator/templates/pipeline';
import { ROLLBACK_MONITORING_DEFAULT_MINUTES } from '../../generator/config/types';
import { DEFAULT_MONITORING_MINUTES } from '../../scripts/lib/rollback-triggers';
import { environmentParameterIds } from '../../generator/contracts/pipeline';
import { exampleRaw } from '../helpers/config';
import {
  ROOT,
  TEMPLATES_DIR,
  asList,
  exampleConfig,
  loadTemplate,
  policyStatements,
  resolve,
  resource,
  resourcesOfType,
  templateFiles,
} from '../helpers/template';

const REGION = 'eu-west-1';
const config = exampleConfig();
const pipeline = loadTemplate('pipeline.json');
const build = loadTemplate('pipeline-build.json');
const memberRoles = loadTemplate('member-roles.json');

function parameterFile(rel: string): Record<string, string> {
  return (JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, rel), 'utf8')) as { Parameters: Record<string, string> }).Parameters;
}

/** Values of the tools-account stacks of one service, with the pseudo parameters. */
function toolsValues(file: 'pipeline' | 'pipeline-build', service: string): Record<string, string> {
  return {
    ...parameterFile(`parameters/${file}/${service}.json`),
    'AWS::Partition': 'aws',
    'AWS::Region': REGION,
    'AWS::AccountId': config.tools.accountId,
    'AWS::URLSuffix': 'amazonaws.com',
  };
}

/** Values of the member-roles stack of one environment, as it runs in that account. */
function memberValues(env: string): Record<string, string> {
  const e = config.environments.find((x) => x.name === env)!;
  return {
    ...parameterFile(`parameters/member-roles/${env}.json`),
    'AWS::Partition': 'aws',
    'AWS::Region': REGION,
    'AWS::AccountId': e.accountId,
  };
}

/**
 * The ARN of a role member-roles.json creates in an environment (for `DeployRole{Service}`,
 * service-deploy-role.json; for `ExecutionRole`, execution-role.json).
 */
function memberRoleArn(id: string, env: string): string {
  const service = id.startsWith('DeployRole') ? id.slice('DeployRole'.length).toLowerCase() : undefined;
  const e = config.environments.find((x) => x.name === env)!;
  const values = service
    ? { ...parameterFile(`parameters/service-deploy-role/${service}/${env}.json`), 'AWS::Partition': 'aws', 'AWS::Region': REGION, 'AWS::AccountId': e.accountId }
    : memberValues(env);
  const template = service ? loadTemplate('service-deploy-role.json') : id === 'ExecutionRole' ? loadTemplate('execution-role.json') : memberRoles;
  const props = resource(template, service ? 'DeployRole' : id).Properties!;
  const path = (props.Path as string | undefined) ?? '/';
  return `arn:aws:iam::${values['AWS::AccountId']}:role${path}${resolve(props.RoleName, values)}`;
}

/** An IAM ARN pattern (`*`, `?`) as a regular expression. */
function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

function statement(r: ResourceDef, sid: string): Record<string, unknown> {
  const s = policyStatements(r).find((x) => x.Sid === sid);
  if (!s) throw new Error(`no statement ${sid}`);
  return s;
}

type Action = {
  Name: string;
  ActionTypeId: { Category: string; Provider: unknown };
  Configuration: Record<string, unknown>;
  RunOrder: number;
  RoleArn?: unknown;
  InputArtifacts?: Array<{ Name: string }>;
};
type Stage = { Name: string; Actions: Action[] };

const stages = (t: Template): Stage[] => resource(t, 'Pipeline').Properties!.Stages as Stage[];
const stageNames = (t: Template) => stages(t).map((s) => s.Name);
const stage = (t: Template, name: string) => stages(t).find((s) => s.Name === name)!;

/** The build specs parsed so far, as JSON text (buildSpecOf, further down). */
const buildSpecs = new Map<string, string>();

describe('pipeline.json stages', () => {
  test('Source, Build, Test, then an approval before every later environment and a deploy per environment, in order', () => {
    expect(stageNames(pipeline)).toEqual([
      'Source',
      'PipelineCheck',
      'PipelineConfirm',
      'PipelineUpdate',
      'Build',
      'Test',
      'Check-dev',
      'Confirm-dev',
      'Deploy-dev',
      'Approve-staging',
      'Deploy-staging',
      'Approve-prod',
      'Deploy-prod',
    ]);
  });

  test('the stage list follows config.environments and requiresApproval', () => {
    const custom = {
      ...config,
      environments: [
        { ...config.environments[0], name: 'qa', requiresApproval: false },
        { ...config.environments[1], name: 'uat', requiresApproval: false },
        { ...config.environments[2], name: 'live', requiresApproval: true },
      ],
    };
    expect(stageNames(buildPipelineTemplate(custom))).toEqual([
      'Source',
      'PipelineCheck',
      'PipelineConfirm',
      'PipelineUpdate',
      'Build',
      'Test',
      'Check-qa',
      'Confirm-qa',
      'Deploy-qa',
      'Check-uat',
      'Confirm-uat',
      'Deploy-uat',
      'Approve-live',
      'Deploy-live',
    ]);
  });

  test('action kinds: two sources, a CodeBuild build, two CodeBuild tests, manual approvals, deploy steps', () => {
    const kinds = (name: string) =>
      stage(pipeline, name).Actions.map((a) => `${a.Name}:${a.ActionTypeId.Category}:${JSON.stringify(a.ActionTypeId.Provider)}`);
    const sourceProvider = JSON.stringify({ 'Fn::If': ['UseConnection', 'CodeStarSourceConnection', 'CodeCommit'] });
    expect(kinds('Source')).toEqual([`App:Source:${sourceProvider}`, `Templates:Source:${sourceProvider}`]);
    expect(kinds('Build')).toEqual(['Image:Build:"CodeBuild"']);
    expect(kinds('Test')).toEqual(['UnitTests:Test:"CodeBuild"', 'ImageScan:Test:"CodeBuild"']);
    // Where there is an approval, the check runs first in its stage; elsewhere in a stage of its own.
    for (const env of ['staging', 'prod']) expect(kinds(approvalStageName(env))).toEqual(['Plan:Build:"CodeBuild"', 'Approve:Approval:"Manual"']);
    expect(kinds(checkStageName('dev'))).toEqual(['Plan:Build:"CodeBuild"']);
    expect(kinds(confirmStageName('dev'))).toEqual(['Approve:Approval:"Manual"']);
    for (const env of ['dev', 'staging', 'prod']) {
      const deploy = stage(pipeline, deployStageName(env)).Actions;
      // One CodeBuild step runs the updates, with rollback triggers (CodePipeline's CloudFormation action has none).
      expect(deploy.map((a) => [a.Name, a.ActionTypeId.Category, a.ActionTypeId.Provider, a.RunOrder ?? 1])).toEqual([['Deploy', 'Build', 'CodeBuild', 1]]);
    }
  });

  test('unit tests and the image scan run in parallel (same RunOrder)', () => {
    const [unit, scan] = stage(pipeline, 'Test').Actions;
    expect(unit.RunOrder).toBe(scan.RunOrder);
    expect(scan.InputArtifacts).toEqual([{ Name: ARTIFACTS.build }]);
  });

  test('each approval comes right before its deploy and after the previous environment', () => {
    const names = stageNames(pipeline);
    for (const [env, previous] of [
      ['staging', 'dev'],
      ['prod', 'staging'],
    ]) {
      const approval = names.indexOf(approvalStageName(env));
      expect(approval).toBeGreaterThan(names.indexOf(deployStageName(previous)));
      expect(names[approval + 1]).toBe(deployStageName(env));
    }
  });

  test('approvals notify the approval topic with a message and a review link', () => {
    for (const env of ['staging', 'prod']) {
      const c = stage(pipeline, approvalStageName(env)).Actions.find((a) => a.Name === 'Approve')!.Configuration;
      expect(c.NotificationArn).toEqual({ Ref: 'ApprovalTopic' });
      expect(resolve(c.CustomData, toolsValues('pipeline', 'web'))).toContain(`to ${env}?`);
      expect(resolve(c.ExternalEntityLink, toolsValues('pipeline', 'web'))).toMatch(
        /^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/codesuite\/codepipeline\/pipelines\/shop-web-pipeline-tools\/executions\//,
      );
    }
    const topic = resource(pipeline, 'ApprovalTopic').Properties!;
    expect(topic.KmsMasterKeyId).toBe('alias/aws/sns');
    expect(topic.Subscription).toEqual([{ Protocol: 'email', Endpoint: { Ref: 'ApprovalEmail' } }]);
  });
});

describe('deploy steps in the member accounts', () => {
  /** The deploy step's environment variables for one environment, resolved. */
  const deployVariables = (service: string, env: string): Record<string, string> => {
    const a = stage(pipeline, deployStageName(env)).Actions[0];
    const list = JSON.parse(resolve(a.Configuration.EnvironmentVariables, toolsValues('pipeline', service))) as Array<{ name: string; value: string }>;
    return Object.fromEntries(list.map((v) => [v.name, v.value]));
  };

  test.each(['web', 'orders'])('%s: every deploy assumes that environment\'s deploy role and passes its execution role, as the member stacks name them', (service) => {
    for (const env of config.environments) {
      const v = deployVariables(service, env.name);
      expect(v.DEPLOY_ROLE_ARN.split(':')[4]).toBe(env.accountId);
      expect(v.DEPLOY_ROLE_ARN).toBe(memberRoleArn(`DeployRole${service}`, env.name));
      expect(v.EXECUTION_ROLE_ARN).toBe(memberRoleArn('ExecutionRole', env.name));
      expect(v.STEPS).toBe(`#{${checkStageName(env.name)}.STEPS}`);
      // An action configuration value holds at most 1,000 characters; the longest project,
      // service and suffix names, partition and region add fewer than 150 to these.
      const text = resolve(stage(pipeline, deployStageName(env.name)).Actions[0].Configuration.EnvironmentVariables, toolsValues('pipeline', service));
      expect(text.length + 150).toBeLessThanOrEqual(1000);
    }
  });

  test('each environment\'s monitoring window comes from the configuration, 10 minutes by default', () => {
    expect(config.environments.map((e) => deployVariables('web', e.name).MONITORING_MINUTES)).toEqual(config.environments.map(() => '10'));
    const raw = exampleRaw();
    raw.environments[2].rollbackMonitoringMinutes = 45;
    const t = buildPipelineTemplate(parseConfig(JSON.stringify(raw), 'x.json'));
    const prod = (stages(t).find((x) => x.Name === deployStageName('prod'))!.Actions[0].Configuration.EnvironmentVariables as { 'Fn::Sub': string })['Fn::Sub'];
    expect(JSON.parse(prod)).toContainEqual({ name: 'MONITORING_MINUTES', value: '45' });
    expect(ROLLBACK_MONITORING_DEFAULT_MINUTES).toBe(DEFAULT_MONITORING_MINUTES);
  });

  test.each([
    [181, 'environments[0].rollbackMonitoringMinutes: 181 must be at most 180'],
    [-1, 'environments[0].rollbackMonitoringMinutes: -1 must be at least 0'],
    [2.5, 'environments[0].rollbackMonitoringMinutes: 2.5'],
  ])('rollbackMonitoringMinutes %p is refused', (value, message) => {
    const raw = exampleRaw();
    raw.environments[0].rollbackMonitoringMinutes = value;
    expect(() => parseConfig(JSON.stringify(raw), 'x.json')).toThrow(ConfigError);
    expect(() => parseConfig(JSON.stringify(raw), 'x.json')).toThrow(message);
  });

  test('stack and change set names are within what the deploy role may touch', () => {
    for (const env of config.environments) {
      // The deploy policy names the stacks of the service in the role's Service tag.
      const allowed = asList(statement(resource(memberRoles, 'DeployPolicy'), 'ChangeSetsOnServiceStacks').Resource).map((r) =>
        globToRegExp(resolve(r, memberValues(env.name)).replace(/\$\{!?aws:PrincipalTag\/Service\}/, 'web')),
      );
      const name = deployVariables('web', env.name).STACK_NAME;
      expect(name).toBe(stackName(config.project.name, 'web', env.environmentSuffix));
      const stackArn = `arn:aws:cloudformation:${REGION}:${env.accountId}:stack/${name}/0a1b`;
      expect(allowed.some((re) => re.test(stackArn))).toBe(true);
    }
  });

  test('the deploy role may read the state of exactly its service\'s alarms, as the service templates name them', () => {
    const read = statement(resource(memberRoles, 'DeployPolicy'), 'ReadServiceAlarms');
    expect(read.Action).toEqual(['cloudwatch:DescribeAlarms']);
    const allowed = asList(read.Resource).map((r) => globToRegExp(resolve(r, memberValues('prod')).replace(/\$\{!?aws:PrincipalTag\/Service\}/, 'web')));
    const alarm = (name: string) => `arn:aws:cloudwatch:${REGION}:${config.environments[2].accountId}:alarm:${name}`;
    const values = { ProjectName: 'shop', ServiceName: 'web', EnvironmentSuffix: 'prod' };
    for (const id of ['TargetErrorsAlarm', 'UnhealthyTargetsAlarm']) {
      const name = resolve(resource(loadTemplate('ecs-service.json'), id).Properties!.AlarmName, values);
      expect(allowed.some((re) => re.test(alarm(name)))).toBe(true);
    }
    expect(allowed.some((re) => re.test(alarm('shop-orders-target-5xx-prod')))).toBe(false);
  });

  test('the deploy step runs the check\'s plan with scripts/deploy-stack.js from the templates source, as the deploy role', () => {
    for (const env of config.environments) {
      const a = stage(pipeline, deployStageName(env.name)).Actions[0];
      expect(resolve(a.Configuration.ProjectName, toolsValues('pipeline', 'web'))).toBe('shop-web-deploy-tools');
      expect(a.Configuration.PrimarySource).toBe(`Plan-${env.name}`);
      expect(a.InputArtifacts).toEqual([{ Name: `Plan-${env.name}` }, { Name: 'TemplatesOutput' }]);
      expect(a.RoleArn).toBeUndefined();
    }
    const props = resource(pipeline, 'DeployProject').Properties!;
    expect(props.TimeoutInMinutes).toBeGreaterThanOrEqual(180 * 2);
    const variables = (props.Environment as { EnvironmentVariables: Array<{ Name: string; Value: unknown }> }).EnvironmentVariables;
    const values = toolsValues('pipeline', 'web');
    expect(Object.fromEntries(variables.map((v) => [v.Name, resolve(v.Value, values)]))).toEqual({
      CHANGE_SET_NAME: 'shop-web-pipeline',
      CAPABILITIES: 'CAPABILITY_IAM,CAPABILITY_AUTO_EXPAND',
    });
    // Run the build spec as CodeBuild would, with a stand-in aws: the profile of the deploy
    // role, then the script with the plan and the variables.
    const spec = buildSpecOf('DeployProject');
    const box = sandbox('deploy-');
    const write = (f: string, text: string) => fs.writeFileSync(path.join(box.dir, 'work', f), text);
    for (const f of ['deploy.json', 'prepare.json']) write(f, JSON.stringify(loadTemplate('ecs-service-rolling.json')));
    for (const f of ['deploy.config.json', 'prepare.config.json']) write(f, JSON.stringify({ Parameters: {}, Tags: {} }));
    box.tool('aws', [
      'echo "aws $* profile=${AWS_PROFILE:-}" >> ../aws.log',
      'case "$*" in',
      '  "configure set "*) exit 0 ;;',
      '  "cloudformation describe-stacks "*) echo \'{"Stacks":[{"StackId":"arn:aws:cloudformation:eu-west-1:333333333333:stack/shop-web-prod/1","StackStatus":"UPDATE_COMPLETE"}]}\' ;;',
      '  "cloudformation list-stack-resources "*) echo \'{"StackResourceSummaries":[]}\' ;;',
      '  "cloudformation describe-change-set "*) echo \'{"Status":"CREATE_COMPLETE"}\' ;;',
      '  "cloudformation "*) echo \'{}\' ;;',
      '  *) echo "unexpected aws $*" >&2; exit 2 ;;',
      'esac',
    ]);
    const r = box.runWithOutput(spec.phases.build.commands, {
      CODEBUILD_SRC_DIR_TemplatesOutput: ROOT,
      AWS_REGION: REGION,
      ...deployVariables('web', 'prod'),
      STEPS: '2',
      CHANGE_SET_NAME: 'shop-web-pipeline',
      CAPABILITIES: 'CAPABILITY_IAM,CAPABILITY_AUTO_EXPAND',
    });
    const log = box.read('../aws.log').split('\n').filter(Boolean);
    box.remove();
    expect(r.status).toBe(0);
    expect(log.slice(0, 3)).toEqual([
      `aws configure set profile.member-deploy.role_arn ${memberRoleArn('DeployRoleWeb', 'prod')} profile=`,
      'aws configure set profile.member-deploy.credential_source EcsContainer profile=',
      `aws configure set profile.member-deploy.region ${REGION} profile=`,
    ]);
    const calls = log.slice(3);
    expect(calls.every((l) => l.endsWith('profile=member-deploy'))).toBe(true);
    expect(calls.filter((l) => l.startsWith('aws cloudformation execute-change-set --stack-name shop-web-prod --change-set-name shop-web-pipeline'))).toHaveLength(2);
  });

  test('the build reads the templates source and renders every environment after pushing the image', () => {
    const image = stage(pipeline, 'Build').Actions[0];
    expect(image.InputArtifacts).toEqual([{ Name: 'SourceOutput' }, { Name: 'TemplatesOutput' }]);
    expect(image.Configuration.PrimarySource).toBe('SourceOutput');
    const commands: string[] = buildSpecOf('BuildProject').phases.build.commands;
    const render = commands.findIndex((c) => c.includes(RENDER_SCRIPT));
    const push = commands.findIndex((c) => c.includes('docker buildx build'));
    expect(push).toBeGreaterThanOrEqual(0);
    expect(render).toBeGreaterThan(push);
    const variables = (resource(build, 'BuildProject').Properties!.Environment as { EnvironmentVariables: Array<{ Name: string; Value: unknown }> })
      .EnvironmentVariables;
    expect(variables).toContainEqual({ Name: 'SERVICE_NAME', Value: { Ref: 'ServiceName' } });

    // Run the build spec's render command as CodeBuild would, with this repository as the
    // templates source: every environment gets its template and configuration.
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'render-'));
    try {
      const r = spawnSync('bash', ['-c', commands[render]], {
        ...BASH_OPTIONS,
        cwd: out,
        encoding: 'utf8',
        env: {
          ...process.env,
          CODEBUILD_SRC_DIR_TemplatesOutput: ROOT,
          SERVICE_NAME: 'orders',
          REGISTRY_HOST: '111111111111.dkr.ecr.eu-west-1.amazonaws.com',
          REPOSITORY_NAME: 'shop-orders-tools',
          IMAGE_TAG: '3f2a9c1',
          AWS_REGION: REGION,
        },
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const files = fs.readdirSync(path.join(out, 'rendered')).sort();
      expect(files).toEqual(config.environments.flatMap((e) => [`${e.name}.config.json`, `${e.name}.json`]).sort());
      const dev = JSON.parse(fs.readFileSync(path.join(out, 'rendered', 'dev.json'), 'utf8'));
      expect(dev.Transform).toBeUndefined(); // orders deploys to dev with the rolling strategy
      const prod = JSON.parse(fs.readFileSync(path.join(out, 'rendered', 'prod.json'), 'utf8'));
      // orders deploys to prod with ECS-native blue/green: a plain template, only the image written in.
      expect(prod.Transform).toBeUndefined();
      expect(prod.Resources.Service.Properties.DeploymentController).toEqual({ Type: 'ECS' });
      expect(prod.Resources.TaskDefinition.Properties.ContainerDefinitions[0].Image).toBe(
        '111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-orders-tools:3f2a9c1',
      );
      expect(prod.Parameters.ImageUri.Default).toBe('111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-orders-tools:3f2a9c1');
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });


  test('the deploy step role is under the pipeline role path, and is the one role the member deploy roles trust', () => {
    const values = toolsValues('pipeline', 'web');
    const props = resource(pipeline, 'CodeBuildDeployRole').Properties!;
    const roleArn = `arn:aws:iam::${config.tools.accountId}:role${resolve(props.Path, values)}${resolve(props.RoleName, values)}`;
    expect(roleArn).toBe('arn:aws:iam::111111111111:role/shop/shop-web-pipeline-deploy-tools');
    for (const env of config.environments) {
      const trust = (resource(loadTemplate('service-deploy-role.json'), 'DeployRole').Properties!.AssumeRolePolicyDocument as { Statement: Array<Record<string, any>> })
        .Statement[0];
      const deployValues = { ...parameterFile(`parameters/service-deploy-role/web/${env.name}.json`), 'AWS::Partition': 'aws', 'AWS::AccountId': env.accountId };
      expect(resolve(trust.Condition.ArnEquals['aws:PrincipalArn'], deployValues)).toBe(roleArn);
    }
    // Every role of the pipeline stacks shares the path, named {project}-{service}-pipeline[-purpose]-{suffix}
    // (where the pipeline stacks' CloudFormation role manages roles); no other template puts a role there.
    for (const [file, t] of [['pipeline.json', pipeline], ['pipeline-build.json', build]] as const) {
      const v = toolsValues(file === 'pipeline.json' ? 'pipeline' : 'pipeline-build', 'web');
      for (const [, r] of resourcesOfType(t, 'AWS::IAM::Role')) {
        expect(resolve(r.Properties!.Path, v)).toBe('/shop/');
        expect(resolve(r.Properties!.RoleName, v)).toMatch(/^shop-web-pipeline(-[a-z]+)?-tools$/);
      }
    }
    for (const file of templateFiles().filter((f) => !f.startsWith('pipeline'))) {
      for (const [, r] of resourcesOfType(loadTemplate(file), 'AWS::IAM::Role')) expect(JSON.stringify(r.Properties!.Path ?? null)).not.toContain('"/${ProjectName}/"');
    }
  });

  test('the deploy step role may assume exactly the deploy roles; the pipeline role none', () => {
    const values = toolsValues('pipeline', 'web');
    const assume = statement(resource(pipeline, 'CodeBuildDeployRole'), 'AssumeMemberDeployRoles');
    expect(asList(assume.Resource).map((r) => resolve(r, values))).toEqual(config.environments.map((e) => memberRoleArn('DeployRoleWeb', e.name)));
    const granted = policyStatements(resource(pipeline, 'PipelineRole')).filter((st) => st.Effect === 'Allow' && !st.Principal);
    expect(granted.flatMap((st) => asList(st.Action as string[]))).not.toContain('sts:AssumeRole');
    expect(resource(pipeline, 'DeployProject').Properties!.ServiceRole).toEqual(att('CodeBuildDeployRole'));
  });
});

describe('artifact store', () => {
  const values = toolsValues('pipeline-build', 'web');

  test('the artifact bucket is versioned, SSE-S3, private, and expires noncurrent versions after 90 days', () => {
    const b = resource(build, 'ArtifactBucket').Properties!;
    expect(b.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(b.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    expect(b.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect((b.LifecycleConfiguration as { Rules: unknown[] }).Rules).toEqual([
      { Id: 'expire-noncurrent-versions', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 90 } },
    ]);
  });

  test('the cache bucket is encrypted, private and expires objects after 7 days', () => {
    const b = resource(build, 'CacheBucket').Properties!;
    expect(b.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    expect(Object.values(b.PublicAccessBlockConfiguration as object)).toEqual([true, true, true, true]);
    expect((b.LifecycleConfiguration as { Rules: unknown[] }).Rules).toEqual([{ Id: 'expire-cache', Status: 'Enabled', ExpirationInDays: 7 }]);
  });

  test.each(['ArtifactBucketPolicy', 'CacheBucketPolicy'])('%s denies requests without TLS', (id) => {
    const deny = statement(resource(build, id), 'DenyInsecureTransport');
    expect(deny.Effect).toBe('Deny');
    expect(deny.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
    expect(asList(deny.Action)).toEqual(['s3:*']);
  });

  test('the artifact bucket name is one that the member deploy roles may read', () => {
    const name = resolve(resource(build, 'ArtifactBucket').Properties!.BucketName, values);
    expect(name).toBe('shop-web-artifacts-tools-111111111111');
    for (const env of config.environments) {
      const read = statement(resource(memberRoles, 'DeployPolicy'), 'LocatePipelineArtifactBuckets');
      expect(globToRegExp(resolve(asList(read.Resource)[0], memberValues(env.name))).test(`arn:aws:s3:::${name}`)).toBe(true);
    }
    // pipeline.json refers to the same bucket by name.
    const store = resource(pipeline, 'Pipeline').Properties!.ArtifactStore as { Location: unknown; EncryptionKey: { Type: string; Id: unknown } };
    expect(resolve(store.Location, toolsValues('pipeline', 'web'))).toBe(name);
    expect(store.EncryptionKey).toEqual({
      Type: 'KMS',
      Id: { 'Fn::ImportValue': build.Outputs!.ArtifactKeyArn.Export!.Name },
    });
  });

  test('the bucket policy grants the member deploy roles read access, and nobody else', () => {
    const grant = statement(resource(build, 'ArtifactBucketPolicy'), 'MemberDeployRolesReadArtifacts');
    expect(asList(grant.Action)).toEqual(['s3:GetBucketLocation', 's3:GetObject', 's3:GetObjectVersion']);
    const principals = asList((grant.Principal as { AWS: unknown }).AWS).map((p) => resolve(p, values));
    expect(principals).toEqual(config.environments.map((e) => `arn:aws:iam::${e.accountId}:root`));
    const roles = asList((grant.Condition as any).ArnEquals['aws:PrincipalArn']).map((r) => resolve(r, values));
    expect(roles).toEqual(config.environments.map((e) => memberRoleArn('DeployRoleWeb', e.name)));
  });

  test('the artifact key rotates, and its policy admits the deploy and execution roles through S3 as member-roles asks', () => {
    const key = resource(build, 'ArtifactKey').Properties!;
    expect(key.EnableKeyRotation).toBe(true);
    const member = statement(resource(build, 'ArtifactKey'), 'MemberRolesReadArtifacts');
    const roles = asList((member.Condition as any).ArnEquals['aws:PrincipalArn']).map((r) => resolve(r, values));
    expect(roles).toEqual(
      config.environments.flatMap((e) => [memberRoleArn('DeployRoleWeb', e.name), memberRoleArn('ExecutionRole', e.name)]),
    );
    for (const env of config.environments) {
      const decrypt = statement(resource(memberRoles, 'DeployPolicy'), 'DecryptPipelineArtifacts');
      const viaMember = resolve((decrypt.Condition as any).StringEquals['kms:ViaService'], memberValues(env.name));
      expect(resolve((member.Condition as any).StringEquals['kms:ViaService'], values)).toBe(viaMember);
      expect(asList(member.Action)).toEqual(expect.arrayContaining(asList(decrypt.Action).filter((a) => a === 'kms:Decrypt')));
    }
    // The key policy names only the tools account and the member accounts.
    const principals = policyStatements(resource(build, 'ArtifactKey')).flatMap((s) =>
      asList((s.Principal as { AWS: unknown }).AWS).map((p) => resolve(p, values)),
    );
    expect(new Set(principals)).toEqual(
      new Set([config.tools.accountId, ...config.environments.map((e) => e.accountId)].map((a) => `arn:aws:iam::${a}:root`)),
    );
  });
});

describe('ECR repository and registry secret', () => {
  test('immutable tags, scan on push, lifecycle policy, emptied on delete, pulls from the member accounts', () => {
    const repo = resource(build, 'Repository').Properties!;
    expect(repo.ImageTagMutability).toBe('IMMUTABLE');
    expect(repo.ImageScanningConfiguration).toEqual({ ScanOnPush: true });
    expect(repo.EmptyOnDelete).toBe(true);
    const lifecycle = JSON.parse((repo.LifecyclePolicy as { LifecyclePolicyText: string }).LifecyclePolicyText);
    expect(lifecycle.rules.length).toBeGreaterThan(0);
    const pull = (repo.RepositoryPolicyText as { Statement: Array<Record<string, any>> }).Statement[0];
    expect(pull.Action).toEqual(['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']);
    expect(asList(pull.Principal.AWS).map((p) => resolve(p, toolsValues('pipeline-build', 'web')))).toEqual(
      config.environments.map((e) => `arn:aws:iam::${e.accountId}:root`),
    );
  });

  test('the secret value is generated; rotation only when a function is given', () => {
    const secret = resource(build, 'RegistrySecret').Properties!;
    expect(secret.SecretString).toBeUndefined();
    expect(secret.GenerateSecretString).toMatchObject({ GenerateStringKey: 'password' });
    expect(resource(build, 'RegistrySecretRotation').Condition).toBe('RotateRegistrySecret');
    expect(build.Conditions!.RotateRegistrySecret).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'RotationFunctionArn' }, ''] }] });
  });
});

describe('CodeBuild', () => {
  // The deploy step's project is in pipeline.json, with the pipeline.
  const projects = [...resourcesOfType(build, 'AWS::CodeBuild::Project'), ...resourcesOfType(pipeline, 'AWS::CodeBuild::Project')];

  test('five projects, all BUILD_GENERAL1_SMALL with the ECR build image pulled with the service role', () => {
    expect(projects.map(([id]) => id)).toEqual(['BuildProject', 'CheckProject', 'UnitTestProject', 'ScanProject', 'DeployProject']);
    for (const [, p] of projects) {
      const env = p.Properties!.Environment as Record<string, unknown>;
      expect(env.ComputeType).toBe('BUILD_GENERAL1_SMALL');
      expect(env.ImagePullCredentialsType).toBe('SERVICE_ROLE');
      expect(resolve(env.Image, toolsValues('pipeline-build', 'web'))).toBe(
        '111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-build-image:latest',
      );
    }
  });

  test('each project encrypts with the artifact key by ARN and logs to the log group; the build and the unit tests cache in the cache bucket', () => {
    for (const [id, p] of projects) {
      const props = p.Properties!;
      if (id === 'DeployProject') continue;
      expect(props.EncryptionKey).toEqual({ 'Fn::Sub': '${ArtifactKey.Arn}' });
      if (id === 'CheckProject' || id === 'ScanProject') {
        expect(props.Cache).toBeUndefined();
        continue;
      }
      expect((props.Cache as { Type: string }).Type).toBe('S3');
      expect(JSON.stringify(props.Cache)).toContain('${CacheBucket}');
      expect(props.LogsConfig).toMatchObject({ CloudWatchLogs: { Status: 'ENABLED', GroupName: { Ref: 'BuildLogGroup' } } });
    }
    expect(resource(build, 'BuildLogGroup').Properties!.RetentionInDays).toBeGreaterThan(0);
  });

  test('the deploy step (pipeline.json) uses the build stack\'s key by import and its log group by name, and caches nothing', () => {
    const props = resource(pipeline, 'DeployProject').Properties!;
    expect(props.EncryptionKey).toEqual({ 'Fn::ImportValue': { 'Fn::Sub': '${ProjectName}-${ServiceName}-artifact-key-${EnvironmentSuffix}' } });
    expect(props.Cache).toBeUndefined();
    const logs = (props.LogsConfig as { CloudWatchLogs: { GroupName: unknown } }).CloudWatchLogs;
    const group = resolve(resource(build, 'BuildLogGroup').Properties!.LogGroupName, toolsValues('pipeline-build', 'web'));
    expect(resolve(logs.GroupName, toolsValues('pipeline', 'web'))).toBe(group);
    const role = resource(pipeline, 'CodeBuildDeployRole');
    const values = toolsValues('pipeline', 'web');
    expect(asList(statement(role, 'WriteLogs').Resource).map((r) => resolve(r, values))).toEqual([`arn:aws:logs:${REGION}:111111111111:log-group:${group}:*`]);
    expect(asList(statement(role, 'ReadArtifacts').Resource).map((r) => resolve(r, values))).toEqual(['arn:aws:s3:::shop-web-artifacts-tools-111111111111/*']);
    const granted = policyStatements(role).flatMap((st) => asList(st.Resource as unknown[]).map((r) => JSON.stringify(r)));
    expect(granted.join(' ')).not.toContain('cache');
  });

  test('the build reads the registry credentials from the secret in its build spec', () => {
    const spec = buildSpecOf('BuildProject');
    expect(spec.env['secrets-manager']).toEqual({
      REGISTRY_USERNAME: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:registry:username',
      REGISTRY_PASSWORD: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:registry:password',
    });
    const commands: string[] = [...spec.phases.pre_build.commands, ...spec.phases.build.commands];
    expect(commands.filter((c) => c.includes('docker login')).every((c) => c.includes('for attempt in 1 2 3'))).toBe(true);
    expect(commands.find((c) => c.includes('docker buildx build'))).toContain('for attempt in 1 2 3');
    expect(commands.join('\n')).toContain('$REPOSITORY_NAME:$IMAGE_TAG');
    expect(spec.artifacts.files).toEqual(['image.json', 'rendered/**/*']);
  });

  test('the build and the scan tag with the commit id that the source action exports', () => {
    for (const name of ['Build', 'Test']) {
      for (const a of stage(pipeline, name).Actions.filter((x) => x.Name !== 'UnitTests')) {
        expect(JSON.parse(a.Configuration.EnvironmentVariables as string)).toEqual([
          { name: 'IMAGE_TAG', value: '#{SourceVariables.CommitId}', type: 'PLAINTEXT' },
        ]);
      }
    }
  });

  test('each service builds for the platforms of its configuration: its CPU architecture, or both as one image index', () => {
    expect(build.Parameters!.ImagePlatforms).toMatchObject({ Type: 'String', AllowedValues: [...IMAGE_PLATFORMS], Default: 'linux/amd64' });
    expect(IMAGE_PLATFORMS).toEqual(['linux/amd64', 'linux/arm64', 'linux/amd64,linux/arm64']);
    const variables = (resource(build, 'BuildProject').Properties!.Environment as { EnvironmentVariables: unknown[] }).EnvironmentVariables;
    expect(variables).toContainEqual({ Name: 'IMAGE_PLATFORMS', Value: { Ref: 'ImagePlatforms' } });
    // web leaves both settings out (X86_64, one image); orders runs on ARM64 from an image index.
    expect(parameterFile('parameters/pipeline-build/web.json').ImagePlatforms).toBe('linux/amd64');
    expect(parameterFile('parameters/pipeline-build/orders.json').ImagePlatforms).toBe('linux/amd64,linux/arm64');
    const arm = parseConfig(
      JSON.stringify({ ...exampleRaw(), services: [{ name: 'api', containerPort: 80, cpuArchitecture: 'ARM64' }] }),
      'arm.json',
    );
    expect(pipelineBuildParameterFiles(arm)[0].parameters.ImagePlatforms).toBe('linux/arm64');
  });

  test('unit tests publish JUnit reports into the report group', () => {
    const spec = buildSpecOf('UnitTestProject');
    const groupArn = 'arn:aws:codebuild:eu-west-1:111111111111:report-group/unit-tests';
    expect(spec.reports[groupArn]).toMatchObject({ 'file-format': 'JUNITXML' });
    expect(resource(build, 'UnitTestReports').Properties).toMatchObject({ Type: 'TEST', DeleteReports: true });
  });
});

/**
 * A scratch directory to run build spec commands in as CodeBuild does (one bash, stopping
 * at the first failing command), with stand-in commands first on the PATH. `sleep` is
 * one of them, so that retries do not wait.
 */
function sandbox(prefix: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const bin = path.join(dir, 'bin');
  const work = path.join(dir, 'work');
  fs.mkdirSync(bin);
  fs.mkdirSync(work);
  const tool = (name: string, lines: readonly string[]) =>
    fs.writeFileSync(path.join(bin, name), ['#!/bin/bash', ...lines, ''].join('\n'), { mode: 0o755 });
  tool('sleep', ['exit 0']);
  return {
    dir,
    tool,
    run(commands: readonly string[], env: Record<string, string>): number {
      return this.runWithOutput(commands, env).status;
    },
    /** Runs the commands in one shell, as CodeBuild runs a phase; stdout and stderr together. */
    runWithOutput(commands: readonly string[], env: Record<string, string>): { status: number; output: string } {
      const script = commands.map((c) => `${c}\nstatus=$?; if [ "$status" -ne 0 ]; then exit "$status"; fi`).join('\n');
      const r = spawnSync('bash', ['-c', `exec 2>&1\n${script}`], { ...BASH_OPTIONS, cwd: work, encoding: 'utf8', env: { PATH: `${bin}:${process.env.PATH}`, ...env } });
      return { status: r.status ?? -1, output: r.stdout };
    },
    /** A file of the working directory, empty when it was not written. */
    read(file: string): string {
      const f = path.join(work, file);
      return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '';
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

describe('the image build', () => {
  const commands: string[] = buildSpecOf('BuildProject').phases.build.commands;
  // Everything up to the image file; the render step is run in its own test above.
  const buildCommands = commands.slice(0, commands.findIndex((c) => c.includes(RENDER_SCRIPT)));

  interface Scenario {
    readonly platforms: string;
    readonly host?: 'x86_64' | 'aarch64';
    /** The tag is in ECR before the build starts. */
    readonly exists?: boolean;
    /** How many `buildx build` runs fail, and whether a failing run has pushed the tag first. */
    readonly failures?: number;
    readonly tagLandsBeforeFailure?: boolean;
  }

  const table = sandboxTable(buildCommands, ['../docker.log', 'image.json', '../layers/index.json']);

  /** The build phase against stand-in `aws`, `docker` and `uname`, as a case of the table. */
  function buildCase(s: Scenario): SandboxCase {
    return {
      name: JSON.stringify(s),
      env: {
        // Relative to the working directory, the case's `work` (its parent is the case's directory).
        LAYER_CACHE: '../layers',
        REGISTRY_HOST: '111111111111.dkr.ecr.eu-west-1.amazonaws.com',
        REPOSITORY_NAME: 'shop-orders-tools',
        IMAGE_TAG: '3f2a9c1',
        IMAGE_PLATFORMS: s.platforms,
      },
      setup(box) {
        const dir = box.dir;
        box.tool('aws', [
          'case "$*" in',
          `  "ecr describe-images --repository-name shop-orders-tools --image-ids imageTag=3f2a9c1") [ -e "${dir}/tag" ] || exit 254 ;;`,
          '  *) echo "unexpected aws $*" >&2; exit 2 ;;',
          'esac',
        ]);
        box.tool('docker', [
          `echo "$*" >> "${dir}/docker.log"`,
          'if [ "$1 $2" = "buildx build" ]; then',
          `  runs=$(grep -c '^buildx build' "${dir}/docker.log")`,
          `  if [ "$runs" -le ${s.failures ?? 0} ]; then ${s.tagLandsBeforeFailure ? `touch "${dir}/tag"; ` : ''}exit 1; fi`,
          // The layer cache export: BuildKit writes the new cache directory.
          `  mkdir -p "${dir}/layers-new" && echo "$runs" > "${dir}/layers-new/index.json"`,
          `  touch "${dir}/tag"`,
          'fi',
        ]);
        box.tool('uname', [`echo ${s.host ?? 'x86_64'}`]);
        if (s.exists) fs.writeFileSync(path.join(dir, 'tag'), '');
        fs.mkdirSync(path.join(dir, 'layers'));
        fs.writeFileSync(path.join(dir, 'layers', 'index.json'), 'previous build');
      },
    };
  }

  /** Runs the build phase; every scenario added before (SCENARIOS) runs in the same bash. */
  function runBuild(s: Scenario): { status: number; docker: string[]; image: string; cache: string } {
    const r = table.result(table.add(buildCase(s)));
    const docker = r.files['../docker.log'].split('\n').filter(Boolean);
    return { status: r.status, docker, image: r.files['image.json'], cache: r.files['../layers/index.json'].trim() };
  }

  const EMULATION = 'run --privileged --rm tonistiigi/binfmt --install arm64,amd64';
  const LAYERS = '<cache>';
  const BUILDER = 'buildx create --use --driver docker-container';
  const buildFor = (platforms: string) =>
    `buildx build --platform ${platforms} --provenance=false --pull --cache-from type=local,src=${LAYERS} --cache-to type=local,dest=${LAYERS}-new,mode=max --tag 111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-orders-tools:3f2a9c1 --push .`;

  const PLATFORM_CASES: Array<[string, Scenario, string[]]> = [
    ['the host platform alone: no emulation, a docker-container builder (for the cache export)', { platforms: 'linux/amd64' }, [BUILDER, buildFor('linux/amd64')]],
    ['another platform alone: emulation', { platforms: 'linux/arm64' }, [EMULATION, BUILDER, buildFor('linux/arm64')]],
    ['an image index: emulation and a docker-container builder', { platforms: 'linux/amd64,linux/arm64' }, [EMULATION, BUILDER, buildFor('linux/amd64,linux/arm64')]],
    ['an image index on an arm64 host: emulation for amd64', { platforms: 'linux/amd64,linux/arm64', host: 'aarch64' as const }, [EMULATION, BUILDER, buildFor('linux/amd64,linux/arm64')]],
    ['arm64 alone on an arm64 host: no emulation', { platforms: 'linux/arm64', host: 'aarch64' as const }, [BUILDER, buildFor('linux/arm64')]],
    ['a tag that exists already: nothing is built', { platforms: 'linux/amd64,linux/arm64', exists: true }, []],
  ];
  const RETRIED: Scenario = { platforms: 'linux/amd64', failures: 2 };
  const LANDED: Scenario = { platforms: 'linux/amd64', failures: 1, tagLandsBeforeFailure: true };
  const EXHAUSTED: Scenario = { platforms: 'linux/arm64', failures: 3 };
  // Every scenario of this block, run together in one bash by the first test that asks.
  for (const s of [...PLATFORM_CASES.map(([, s]) => s), RETRIED, LANDED, EXHAUSTED]) table.add(buildCase(s));

  test.each(PLATFORM_CASES)('%s', (_name, scenario, docker) => {
    const r = runBuild(scenario);
    expect(r.status).toBe(0);
    expect(r.docker.map((d) => d.replace(/\.\.\/layers/g, LAYERS))).toEqual(docker);
    // The exported cache replaces the imported one; a tag that exists builds nothing and keeps it.
    expect(r.cache).toBe(scenario.exists ? 'previous build' : '1');
    expect(JSON.parse(r.image)).toEqual({ ImageUri: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-orders-tools:3f2a9c1' });
  });

  test('the layer cache directory is a cache path of the build project; the unit tests cache the package managers\' downloads', () => {
    const spec = buildSpecOf('BuildProject');
    expect(spec.env.variables.LAYER_CACHE).toBe('/root/.buildx-cache');
    expect(spec.cache.paths).toEqual(['/root/.buildx-cache/**/*']);
    expect(buildSpecOf('UnitTestProject').cache.paths).toEqual(['/root/.npm/**/*', '/root/.cache/**/*', '/root/.m2/**/*', '/root/.gradle/caches/**/*']);
  });

  test('a failed build and push is run again while the tag is missing', () => {
    const r = runBuild(RETRIED);
    expect(r.status).toBe(0);
    expect(r.docker.filter((d) => d.startsWith('buildx build'))).toHaveLength(3);
    expect(r.cache).toBe('3');
  });

  test('a push that failed after the tag landed is not repeated (tags are immutable)', () => {
    const r = runBuild(LANDED);
    expect(r.status).toBe(0);
    expect(r.docker.filter((d) => d.startsWith('buildx build'))).toHaveLength(1);
  });

  test('three failed runs fail the build before the image file is written', () => {
    const r = runBuild(EXHAUSTED);
    expect(r.status).toBe(1);
    expect(r.docker.filter((d) => d.startsWith('buildx build'))).toHaveLength(3);
    expect(r.image).toBe('');
  });
});

/** A project's build spec, parsed as YAML with the template values filled in (one python3 per project). */
function buildSpecOf(projectId: string): any {
  const parsed = buildSpecs.get(projectId);
  if (parsed !== undefined) return JSON.parse(parsed);
  const raw = (build.Resources[projectId] ?? resource(pipeline, projectId)).Properties!.Source as { BuildSpec: unknown };
  const text = resolve(raw.BuildSpec, {
    RegistrySecret: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:registry',
    'UnitTestReports.Arn': 'arn:aws:codebuild:eu-west-1:111111111111:report-group/unit-tests',
    'ScanReports.Arn': 'arn:aws:codebuild:eu-west-1:111111111111:report-group/image-scan',
  });
  const r = spawnSync('python3', ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], {
    input: text,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`build spec of ${projectId} is not YAML: ${r.stderr}`);
  buildSpecs.set(projectId, r.stdout);
  return JSON.parse(r.stdout);
}

describe('the image scan', () => {
  const spec = buildSpecOf('ScanProject');
  const commands: string[] = spec.phases.build.commands;

  const COMPLETE = 'COMPLETE\\tThe scan was completed successfully.';
  interface ScannedImage {
    /** What the scan names the image by: `imageTag=...` or `imageDigest=...`. */
    readonly id: string;
    /** What ECR answers for the scan status, call after call (the last one repeats); a `!` line fails like ScanNotFoundException. */
    readonly states?: readonly string[];
    /** The findings as `severity\tname` lines (basic scanning), or `severity\tvulnerability ID` (enhanced). */
    readonly findings: string;
  }

  const TAG = 'abc123';
  const singleImage = (findings: string, states?: readonly string[]): { manifest: object; images: ScannedImage[] } => ({
    manifest: { schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', layers: [] },
    images: [{ id: `imageTag=${TAG}`, states, findings }],
  });

  interface Options {
    readonly threshold?: number;
    readonly allowUnsupported?: boolean;
    readonly timeoutMinutes?: number;
  }

  const scans = sandboxTable(commands, ['reports/image-scan.xml']);
  type ScannedTag = { manifest: object | 'None'; images: readonly ScannedImage[] };

  function scanCase(tag: ScannedTag, o: Options): SandboxCase {
    const status = '--no-paginate --query [imageScanStatus.status,imageScanStatus.description] --output text';
    return {
      name: JSON.stringify([tag, o]),
      env: {
        REPOSITORY_NAME: 'shop-web-images-tools',
        IMAGE_TAG: TAG,
        CRITICAL_THRESHOLD: String(o.threshold ?? 0),
        ALLOW_UNSUPPORTED: String(o.allowUnsupported ?? false),
        TIMEOUT_MINUTES: String(o.timeoutMinutes ?? 20),
      },
      setup(box) {
        // The CLI prints the query result as text: the manifest, or None for an unknown tag.
        fs.writeFileSync(path.join(box.dir, 'manifest.out'), tag.manifest === 'None' ? 'None\n' : JSON.stringify(tag.manifest));
        box.tool('aws', [
          'case "$*" in',
          `  "ecr batch-get-image --repository-name shop-web-images-tools --image-ids imageTag=${TAG} --accepted-media-types "*manifest.list.v2+json*oci.image.index.v1+json*"--query images[0].imageManifest --output text") cat "${box.dir}/manifest.out" ;;`,
          ...tag.images.flatMap((i, n) => {
            const states = i.states ?? [COMPLETE];
            return [
              `  "ecr describe-image-scan-findings --repository-name shop-web-images-tools --image-id ${i.id} ${status}")`,
              `    c=$(cat "${box.dir}/calls-${n}" 2>/dev/null || echo 0); echo $((c + 1)) > "${box.dir}/calls-${n}"`,
              `    states=(${states.map((s) => `'${s}'`).join(' ')}); s=\${states[$c]:-\${states[-1]}}`,
              '    if [ "${s:0:1}" = "!" ]; then echo "An error occurred (ScanNotFoundException)" >&2; exit 254; fi; printf "$s\\n" ;;',
              `  "ecr describe-image-scan-findings --repository-name shop-web-images-tools --image-id ${i.id} --query imageScanFindings.findings[].[severity,name] --output text") printf '${i.findings}' ;;`,
              `  "ecr describe-image-scan-findings --repository-name shop-web-images-tools --image-id ${i.id} --query imageScanFindings.enhancedFindings[].[severity,packageVulnerabilityDetails.vulnerabilityId || title] --output text") printf '${i.findings}' ;;`,
            ];
          }),
          '  *) echo "unexpected aws $*" >&2; exit 2 ;;',
          'esac',
        ]);
      },
    };
  }

  /**
   * Runs the scan's commands against a stand-in `aws` that knows the tag's manifest and the scan of each image; any other
   * call (an image the scan should not ask for) fails. Returns the exit status, the report and what the step printed
   * (standard output, then standard error). Every scan added before (below) runs in the same bash.
   */
  function runScan(tag: ScannedTag, o: Options = {}) {
    const r = scans.result(scans.add(scanCase(tag, o)));
    return { status: r.status, report: r.files['reports/image-scan.xml'], output: `${r.stdout}${r.stderr}` };
  }

  test.each([
    ['no findings at all: passes', 0, '', 0],
    ['only HIGH findings: passes', 0, 'HIGH\\tCVE-2024-0001\\n', 0],
    ['one CRITICAL finding, none tolerated: fails', 0, 'CRITICAL\\tCVE-2024-0002\\n', 1],
    ['two CRITICAL findings, two tolerated: passes', 2, 'CRITICAL\\tCVE-2024-0003\\nCRITICAL\\tCVE-2024-0004\\n', 0],
    ['three CRITICAL findings, two tolerated: fails', 2, 'CRITICAL\\tCVE-1\\nCRITICAL\\tCVE-2\\nCRITICAL\\tCVE-3\\n', 1],
  ])('COMPLETE, a single image, %s', (_name, threshold, findings, expected) => {
    expect(runScan(singleImage(findings), { threshold }).status).toBe(expected);
  });

  test('the report lists every finding, CRITICAL ones as failures, even when the scan fails', () => {
    const { status, report } = runScan(singleImage('CRITICAL\\tCVE-2024-0002\\nMEDIUM\\tCVE-2024-0005\\n'));
    expect(status).toBe(1);
    expect(report).toContain('<testcase classname="CRITICAL" name="CVE-2024-0002"><failure message="CRITICAL finding"/></testcase>');
    expect(report).toContain('<testcase classname="MEDIUM" name="CVE-2024-0005"></testcase>');
  });

  test('a scan not started yet, then pending and in progress, is waited for', () => {
    const { status, output } = runScan(singleImage('HIGH\\tCVE-2024-0001\\n', ['!', 'PENDING', 'IN_PROGRESS\\tScanning', COMPLETE]));
    expect(status).toBe(0);
    expect(output.match(/waiting/g)).toHaveLength(3);
  });

  test('a scan that does not end within the configured time fails and says so', () => {
    // TIMEOUT_MINUTES 0 stands for a deadline already passed (the stand-in sleep returns at once).
    const { status, output } = runScan(singleImage('', ['IN_PROGRESS\\tScanning']), { timeoutMinutes: 0 });
    expect(status).toBe(1);
    expect(output).toContain(`no scan result for imageTag=${TAG}  after 0 minutes (last state IN_PROGRESS`);
    expect(scanVariable('TIMEOUT_MINUTES')).toEqual({ 'Fn::Sub': '${ScanTimeoutMinutes}' });
    expect(build.Parameters!.ScanTimeoutMinutes).toMatchObject({ Type: 'Number', Default: 20, MinValue: 1, MaxValue: 50 });
  });

  const UNSUPPORTED = 'FAILED\\tUnsupportedImageError: The operating system and/or package manager are not supported.';
  test.each([
    ['basic scanning: FAILED with UnsupportedImageError', UNSUPPORTED],
    ['enhanced scanning: UNSUPPORTED_IMAGE', 'UNSUPPORTED_IMAGE\\tNo supported OS found'],
  ])('%s fails, naming the cause and the configuration switch', (_name, state) => {
    const { status, output } = runScan(singleImage('', [state]));
    expect(status).toBe(1);
    expect(output).toContain('ECR cannot scan this image (unsupported OS, as in scratch or distroless images)');
    expect(output).toContain('set scanAllowUnsupportedImage to true for this service');
  });

  test('with scanAllowUnsupportedImage on, an unsupported image passes unscanned and the step says so', () => {
    const { status, output } = runScan(singleImage('', [UNSUPPORTED]), { allowUnsupported: true });
    expect(status).toBe(0);
    expect(output).toContain('passing it unscanned, as scanAllowUnsupportedImage allows');
    expect(scanVariable('ALLOW_UNSUPPORTED')).toEqual({ Ref: 'ScanAllowUnsupportedImage' });
    expect(build.Parameters!.ScanAllowUnsupportedImage).toMatchObject({ AllowedValues: ['false', 'true'], Default: 'false' });
  });

  test('the switch does not let through a scan that failed for another reason', () => {
    const { status, output } = runScan(singleImage('', ['FAILED\\tInternal error']), { allowUnsupported: true });
    expect(status).toBe(1);
    expect(output).toContain('the scan of imageTag=abc123  ended in FAILED');
  });

  test('a scan that ends in another state (FINDINGS_UNAVAILABLE, LIMIT_EXCEEDED, ...) fails with ECR\'s description', () => {
    const { status, output } = runScan(singleImage('', ['LIMIT_EXCEEDED\\tToo many scans today']));
    expect(status).toBe(1);
    expect(output).toContain('ended in LIMIT_EXCEEDED\tToo many scans today');
  });

  test.each([
    ['a CRITICAL enhanced finding fails', 'CRITICAL\\tCVE-2024-0100\\nHIGH\\tCVE-2024-0101\\n', 1],
    ['HIGH enhanced findings pass', 'HIGH\\tCVE-2024-0101\\n', 0],
  ])('enhanced scanning (ACTIVE, findings in enhancedFindings): %s', (_name, findings, expected) => {
    const { status, report, output } = runScan(singleImage(findings, ['PENDING', 'ACTIVE\\tContinuous scan is selected']));
    expect(status).toBe(expected);
    expect(output).toContain('enhanced scanning (Amazon Inspector)');
    expect(report).toContain('name="CVE-2024-0101"');
  });

  // An image index as `docker buildx build --platform linux/amd64,linux/arm64` pushes it:
  // ECR scans the two platform images, not the index. The attestation entry (platform
  // unknown/unknown, as BuildKit writes with provenance on) has no scan to wait for.
  const AMD64 = `sha256:${'a'.repeat(64)}`;
  const ARM64 = `sha256:${'b'.repeat(64)}`;
  const imageIndex = (amd64: string, arm64: string, arm64States?: string[]) => ({
    manifest: {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: AMD64, size: 1, platform: { architecture: 'amd64', os: 'linux' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: ARM64, size: 1, platform: { architecture: 'arm64', os: 'linux' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'c'.repeat(64)}`, size: 1, platform: { architecture: 'unknown', os: 'unknown' } },
      ],
    },
    images: [
      { id: `imageDigest=${AMD64}`, findings: amd64 },
      { id: `imageDigest=${ARM64}`, findings: arm64, states: arm64States },
    ],
  });

  test('an image index: a CRITICAL finding in one platform image fails the scan; the report names each platform', () => {
    const { status, report } = runScan(imageIndex('HIGH\\tCVE-2024-0010\\n', 'CRITICAL\\tCVE-2024-0011\\n'));
    expect(status).toBe(1);
    expect(report).toContain('<testcase classname="HIGH" name="CVE-2024-0010 (linux/amd64)"></testcase>');
    expect(report).toContain('<testcase classname="CRITICAL" name="CVE-2024-0011 (linux/arm64)"><failure message="CRITICAL finding"/></testcase>');
  });

  test('an image index whose platform images are both clean passes; one unsupported platform image fails it', () => {
    const { status, report } = runScan(imageIndex('', 'LOW\\tCVE-2024-0012\\n'));
    expect(status).toBe(0);
    expect(report).toContain('name="CVE-2024-0012 (linux/arm64)"');
    expect(runScan(imageIndex('', '', [UNSUPPORTED])).status).toBe(1);
  });

  test.each([
    ['one each, one tolerated: the total fails', 1, 1],
    ['one each, two tolerated: passes', 2, 0],
  ])('an image index counts the CRITICAL findings of all its images: %s', (_name, threshold, expected) => {
    expect(runScan(imageIndex('CRITICAL\\tCVE-2024-0013\\n', 'CRITICAL\\tCVE-2024-0014\\n'), { threshold }).status).toBe(expected);
  });

  test('a tag ECR does not know fails the scan', () => {
    const { status, report } = runScan({ manifest: 'None', images: [] });
    expect(status).toBe(1);
    expect(report).toBe('');
  });

  test('no aws ecr wait (it waits for COMPLETE only, about 15 minutes): every wait is the bounded loop', () => {
    expect(commands.join('\n')).not.toContain('aws ecr wait');
  });

  test('the threshold comes from the ScanCriticalThreshold parameter, 0 by default, and the findings go to the report group', () => {
    expect(build.Parameters!.ScanCriticalThreshold).toMatchObject({ Type: 'Number', Default: 0 });
    expect(scanVariable('CRITICAL_THRESHOLD')).toEqual({ 'Fn::Sub': '${ScanCriticalThreshold}' });
    expect(spec.reports['arn:aws:codebuild:eu-west-1:111111111111:report-group/image-scan']).toMatchObject({ 'file-format': 'JUNITXML' });
  });

  test('the parameter files carry each service\'s scan settings from the configuration', () => {
    for (const service of config.services) {
      const values = parameterFile(`parameters/pipeline-build/${service.name}.json`);
      expect([values.ScanAllowUnsupportedImage, values.ScanTimeoutMinutes]).toEqual([String(service.scanAllowUnsupportedImage), String(service.scanTimeoutMinutes)]);
    }
  });
});

function scanVariable(name: string): unknown {
  const vars = (resource(build, 'ScanProject').Properties!.Environment as { EnvironmentVariables: Array<{ Name: string; Value: unknown }> })
    .EnvironmentVariables;
  return vars.find((v) => v.Name === name)?.Value;
}

describe('IAM', () => {
  /** Every `*` resource, with the AWS API that requires it. */
  const ANY_RESOURCE: Record<string, string> = {
    'pipeline-build.json ArtifactKey ToolsAccountAdministersKey': 'a key policy statement applies to its own key: Resource "*"',
    'pipeline-build.json ArtifactKey MemberRolesReadArtifacts': 'a key policy statement applies to its own key: Resource "*"',
    'pipeline-build.json CodeBuildBuildRole EcrLogin': 'ecr:GetAuthorizationToken has no resource-level permissions',
    'pipeline-build.json CodeBuildBuildRole DenyTerminateInstances': 'the deny covers every instance',
    'pipeline-build.json CodeBuildTestRole EcrLogin': 'ecr:GetAuthorizationToken has no resource-level permissions',
    'pipeline-build.json CodeBuildTestRole DenyTerminateInstances': 'the deny covers every instance',
    'pipeline.json CodeBuildDeployRole EcrLogin': 'ecr:GetAuthorizationToken has no resource-level permissions',
    'pipeline.json CodeBuildDeployRole DenyTerminateInstances': 'the deny covers every instance',
    'pipeline.json PipelineRole DenyTerminateInstances': 'the deny covers every instance',
    'pipeline.json SourceEventRole DenyTerminateInstances': 'the deny covers every instance',
  };

  const all = ([['pipeline-build.json', build], ['pipeline.json', pipeline]] as const).flatMap(([file, t]) =>
    Object.entries(t.Resources).flatMap(([id, r]) => policyStatements(r).map((s) => ({ key: `${file} ${id} ${String(s.Sid)}`, s }))),
  );

  test('the unit tests and the scan run without image push or registry credentials; only the build has them', () => {
    const roleOf = (project: string) => /(\w+)\.Arn/.exec(JSON.stringify(resource(build, project).Properties!.ServiceRole))?.[1];
    expect(roleOf('UnitTestProject')).toBe('CodeBuildTestRole');
    expect(roleOf('ScanProject')).toBe('CodeBuildTestRole');
    expect(roleOf('BuildProject')).toBe('CodeBuildBuildRole');
    const actions = (id: string) => policyStatements(resource(build, id)).filter((st) => st.Effect === 'Allow').flatMap((st) => asList(st.Action as string[]));
    for (const a of ['ecr:PutImage', 'ecr:InitiateLayerUpload', 'secretsmanager:GetSecretValue']) {
      expect(actions('CodeBuildTestRole')).not.toContain(a);
      expect(actions('CodeBuildBuildRole')).toContain(a);
    }
    expect(actions('CodeBuildBuildRole')).not.toContain('codebuild:CreateReport');
  });

  test('every statement names its actions; allows never use a wildcard', () => {
    expect(all.length).toBeGreaterThan(10);
    for (const { key, s } of all) {
      const actions = asList(s.Action as string[]);
      expect([key, actions.length > 0]).toEqual([key, true]);
      expect(s.NotAction).toBeUndefined();
      for (const a of actions) {
        // A deny of a whole service (the TLS-only bucket statement, s3:*) grants nothing.
        expect([key, a === '*' || (a.endsWith(':*') && s.Effect !== 'Deny')]).toEqual([key, false]);
        if (s.Effect === 'Allow') expect([key, a.includes('*')]).toEqual([key, false]);
      }
    }
  });

  test('a "*" resource only where the AWS API requires it', () => {
    const star = all.filter(({ s }) => asList(s.Resource).includes('*')).map(({ key }) => key);
    expect(star.sort()).toEqual(Object.keys(ANY_RESOURCE).sort());
  });

  test('every role denies ec2:TerminateInstances', () => {
    for (const t of [build, pipeline]) {
      for (const [, r] of resourcesOfType(t, 'AWS::IAM::Role')) {
        expect(policyStatements(r)).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: ['ec2:TerminateInstances'] }));
      }
    }
  });
});

describe('source', () => {
  test('a CodeStar connection source starts the pipeline through a V2 trigger on the branch and file paths', () => {
    const props = resource(pipeline, 'Pipeline').Properties!;
    expect(props.PipelineType).toBe('V2');
    expect(props.Triggers).toEqual({
      'Fn::If': [
        'UseConnection',
        [
          {
            ProviderType: 'CodeStarSourceConnection',
            GitConfiguration: {
              SourceActionName: 'App',
              Push: [
                {
                  Branches: { Includes: [{ Ref: 'SourceBranch' }] },
                  FilePaths: { 'Fn::If': ['FilterFilePaths', { Includes: { Ref: 'SourceFilePaths' } }, { Ref: 'AWS::NoValue' }] },
                },
              ],
            },
          },
        ],
        { Ref: 'AWS::NoValue' },
      ],
    });
  });

  test('CodeCommit: an EventBridge rule on the branch starts the pipeline; neither source polls', () => {
    const rule = resource(pipeline, 'SourceEventRule');
    expect(rule.Condition).toBe('UseCodeCommit');
    expect((rule.Properties!.EventPattern as any).detail.referenceName).toEqual([{ Ref: 'SourceBranch' }]);
    expect(resource(pipeline, 'SourceEventRole').Condition).toBe('UseCodeCommit');
    for (const a of stage(pipeline, 'Source').Actions) {
      expect((a.Configuration as any)['Fn::If'][2].PollForSourceChanges).toBe('false');
    }
    expect((stage(pipeline, 'Source').Actions[1].Configuration as any)['Fn::If'][1].DetectChanges).toBe('false');
  });

  test('rules reject a connection source without a connection, and production sharing an account', () => {
    const rules = pipeline.Rules!;
    expect(rules.ConnectionSource.Assertions[0].Assert).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ConnectionArn' }, ''] }] });
    for (const t of [pipeline, build]) {
      expect(t.Rules!.SeparateProductionAccount.Assertions.map((a) => a.Assert)).toEqual(
        ['DevAccountId', 'StagingAccountId'].map((id) => ({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ProdAccountId' }, { Ref: id }] }] })),
      );
    }
  });

  test('every account, repository, branch, e-mail and image parameter has a constraint', () => {
    for (const t of [pipeline, build]) {
      for (const [id, p] of Object.entries(t.Parameters!)) {
        if (/AccountId|Repository|Branch|Email|Image|ConnectionArn/.test(id)) {
          expect([id, 'AllowedPattern' in p || 'AllowedValues' in p]).toEqual([id, true]);
        }
      }
    }
  });
});

describe('parameter files and size', () => {
  test('one file per service for each stack, with the environments of the configuration', () => {
    for (const service of config.services) {
      for (const file of ['pipeline', 'pipeline-build'] as const) {
        const values = parameterFile(`parameters/${file}/${service.name}.json`);
        expect(values.ServiceName).toBe(service.name);
        for (const e of config.environments) {
          const ids = environmentParameterIds(e.name);
          expect([values[ids.accountId], values[ids.environmentSuffix]]).toEqual([e.accountId, e.environmentSuffix]);
        }
      }
    }
    expect(parameterFile('parameters/pipeline/web.json').ConnectionArn).toBe(config.source.connectionArn);
  });

  const raw = JSON.parse(fs.readFileSync(path.join(ROOT, 'generator', 'config', 'example.json'), 'utf8')) as ProjectConfig;
  const withEnvironments = (n: number): ProjectConfig => ({
    ...raw,
    environments: Array.from({ length: n }, (_, i) => ({ name: `environm${String.fromCharCode(97 + i)}x`, accountId: String(200000000000 + i) })),
    services: raw.services.map((s) => ({ ...s, environments: {} })),
  });

  test('with the most environments the schema allows, and the longest names, both templates still fit', () => {
    const resolved = parseConfig(JSON.stringify(withEnvironments(3)), 'three.json');
    for (const t of [buildPipelineTemplate(resolved), buildPipelineBuildTemplate(resolved)]) {
      expect(Buffer.byteLength(serializeTemplate(t))).toBeLessThan(TEMPLATE_BODY_LIMIT_BYTES);
    }
  });

  test('the schema refuses a fourth environment', () => {
    expect(() => parseConfig(JSON.stringify(withEnvironments(4)), 'four.json')).toThrow(ConfigError);
  });
});

describe('the check before each deploy: permission widening and the order of updates', () => {
  test('each environment is checked first, by the deploy-check project, with the build output and the templates source', () => {
    const values = toolsValues('pipeline', 'web');
    for (const env of config.environments) {
      const stageName = env.requiresApproval ? approvalStageName(env.name) : checkStageName(env.name);
      const plan = stage(pipeline, stageName).Actions.find((a) => a.Name === 'Plan') as Action & Record<string, any>;
      expect(resolve(plan.Configuration.ProjectName, values)).toBe('shop-web-deploy-check-tools');
      expect(JSON.parse(plan.Configuration.EnvironmentVariables as string)).toEqual([{ name: 'ENVIRONMENT', value: env.name }]);
      expect(plan.InputArtifacts).toEqual([{ Name: 'BuildOutput' }, { Name: 'TemplatesOutput' }]);
      expect(plan.OutputArtifacts).toEqual([{ Name: `Plan-${env.name}` }]);
      expect(plan.Namespace).toBe(checkStageName(env.name));
    }
  });

  test('without an approval stage, a change that widens waits for an approval that says what widened; one that does not is skipped', () => {
    const confirm = stage(pipeline, confirmStageName('dev')) as Stage & Record<string, any>;
    expect(confirm.BeforeEntry).toEqual({
      Conditions: [
        {
          Result: 'SKIP',
          Rules: [
            {
              Name: 'Go',
              RuleTypeId: { Category: 'Rule', Owner: 'AWS', Provider: 'VariableCheck', Version: '1' },
              Configuration: { Variable: '#{Check-dev.WIDENED}', Value: 'yes', Operator: 'EQ' },
            },
          ],
        },
      ],
    });
    expect(resolve(confirm.Actions[0].Configuration.CustomData, toolsValues('pipeline', 'web'))).toBe(
      'Deploy web #{SourceVariables.CommitId} to dev? The change #{Check-dev.SUMMARY}.',
    );
  });

  test('the approvals before staging and prod always run and carry the same summary; no deploy stage is ever skipped', () => {
    for (const env of ['staging', 'prod']) {
      const approve = stage(pipeline, approvalStageName(env)) as Stage & Record<string, any>;
      expect(approve.BeforeEntry).toBeUndefined();
      const [plan, approval] = approve.Actions;
      expect([plan.Name, plan.RunOrder ?? 1, approval.RunOrder]).toEqual(['Plan', 1, 2]);
      expect(resolve(approval.Configuration.CustomData, toolsValues('pipeline', 'web'))).toContain(`The change #{Check-${env}.SUMMARY}.`);
    }
    for (const env of config.environments) expect((stage(pipeline, deployStageName(env.name)) as Stage & Record<string, any>).BeforeEntry).toBeUndefined();
    // The approval message stays within CodePipeline's 500 characters with the longest summary the check writes.
    const longest = resolve(stage(pipeline, approvalStageName('prod')).Actions[1].Configuration.CustomData, toolsValues('pipeline', 'web'))
      .replace('#{SourceVariables.CommitId}', 'f'.repeat(40))
      .replace('#{Check-prod.SUMMARY}', `widens ${'x'.repeat(300)}`);
    expect(longest.length).toBeLessThanOrEqual(500);
  });

  test('the check runs scripts/plan-deploy.js from the templates source, exports its variables and hands on the updates', () => {
    const spec = buildSpecOf('CheckProject');
    expect(spec.env['exported-variables']).toEqual(['STEPS', 'WIDENED', 'SUMMARY']);
    expect(spec.artifacts.files).toEqual(['*.json', 'widening.txt']);
    // Run it as CodeBuild would for prod, with no deploy in the pipeline's history yet.
    const box = sandbox('check-');
    fs.mkdirSync(path.join(box.dir, 'work', 'rendered'));
    const rendered = spawnSync('node', [path.join(ROOT, RENDER_SCRIPT), '--templates-dir', TEMPLATES_DIR, '--service', 'web', '--environment', 'prod',
      '--image', '111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-web-images-tools:3f2a9c1', '--region', REGION, '--out-dir', path.join(box.dir, 'work', 'rendered')]);
    expect(rendered.status).toBe(0);
    box.tool('aws', [
      'case "$*" in',
      '  "codepipeline list-action-executions --pipeline-name shop-web-pipeline-tools --max-results 100 --no-paginate --output json") echo \'{"actionExecutionDetails": []}\' ;;',
      '  *) echo "unexpected aws $*" >&2; exit 2 ;;',
      'esac',
    ]);
    const r = box.runWithOutput([...spec.phases.build.commands, 'echo "variables $STEPS $WIDENED"'], {
      CODEBUILD_SRC_DIR_TemplatesOutput: ROOT,
      CODEBUILD_INITIATOR: 'codepipeline/shop-web-pipeline-tools',
      ENVIRONMENT: 'prod',
    });
    const files = ['deploy.json', 'deploy.config.json', 'prepare.json', 'prepare.config.json', 'widening.txt'].map((f) => box.read(f) !== '');
    box.remove();
    expect(r.status).toBe(0);
    expect(r.output).toContain('variables 1 yes');
    expect(files).toEqual([true, true, true, true, true]);
    expect(PLAN_SCRIPT).toBe('scripts/plan-deploy.js');
  });

  test('the build role reads the pipeline history; the unit tests cannot rewrite pipeline artifacts', () => {
    const values = toolsValues('pipeline-build', 'web');
    const history = statement(resource(build, 'CodeBuildBuildRole'), 'ReadDeployHistory');
    expect(asList(history.Resource).map((r) => resolve(r, values))).toEqual(['arn:aws:codepipeline:eu-west-1:111111111111:shop-web-pipeline-tools']);
    expect(resource(build, 'CheckProject').Properties!.ServiceRole).toEqual(att('CodeBuildBuildRole'));
    const writes = policyStatements(resource(build, 'CodeBuildTestRole'))
      .filter((s) => s.Effect === 'Allow' && asList(s.Action as string[]).includes('s3:PutObject'))
      .flatMap((s) => asList(s.Resource).map((r) => JSON.stringify(r)));
    expect(writes).toEqual([JSON.stringify({ 'Fn::Sub': '${CacheBucket.Arn}/*' })]);
  });
});

describe('the pipeline\'s update of itself', () => {
  const values = toolsValues('pipeline', 'web');
  const commandsOf = (a: Action & Record<string, any>) => (a.Commands as unknown[]).map((c) => resolve(c, values));

  test('after Source: a check, an approval entered only when the change widens, an update entered only when something changed', () => {
    const [check, confirm, update] = ['PipelineCheck', 'PipelineConfirm', 'PipelineUpdate'].map((n) => stage(pipeline, n) as Stage & Record<string, any>);
    expect(stageNames(pipeline).slice(0, 5)).toEqual(['Source', 'PipelineCheck', 'PipelineConfirm', 'PipelineUpdate', 'Build']);
    expect(check.BeforeEntry).toBeUndefined();
    const variable = (st: Record<string, any>) => st.BeforeEntry.Conditions[0].Rules[0].Configuration;
    expect([confirm.BeforeEntry.Conditions[0].Result, variable(confirm)]).toEqual(['SKIP', { Variable: '#{PipelineCheck.WIDENED}', Value: 'yes', Operator: 'EQ' }]);
    expect([update.BeforeEntry.Conditions[0].Result, variable(update)]).toEqual(['SKIP', { Variable: '#{PipelineCheck.CHANGED}', Value: 'yes', Operator: 'EQ' }]);
    expect(resolve(confirm.Actions[0].Configuration.CustomData, values)).toBe('Update the pipeline of web from the templates source? The change #{PipelineCheck.SUMMARY}.');
    const a = check.Actions[0] as Action & Record<string, any>;
    expect([a.ActionTypeId, a.InputArtifacts, a.OutputVariables, a.Namespace]).toEqual([
      { Category: 'Compute', Owner: 'AWS', Provider: 'Commands', Version: '1' },
      [{ Name: 'TemplatesOutput' }],
      ['CHANGED', 'WIDENED', 'SUMMARY'],
      'PipelineCheck',
    ]);
    expect(resource(pipeline, 'Pipeline').Properties!.Variables).toEqual([
      { Name: 'RestartedFrom', DefaultValue: 'none', Description: 'Set by a self-update to the execution it replaced' },
    ]);
    expect(resource(pipeline, 'Pipeline').Properties!.RestartExecutionOnUpdate).toBe(false);
  });

  test('the commands run scripts/self-update.js from the templates source on the service\'s own stacks, as npm run deploy names them', () => {
    const [check] = commandsOf(stage(pipeline, 'PipelineCheck').Actions[0]);
    const [update] = commandsOf(stage(pipeline, 'PipelineUpdate').Actions[0]);
    const stacks = `--build-stack ${stackName('shop', 'web-pipeline-build', 'tools')} --pipeline-stack ${stackName('shop', 'web-pipeline', 'tools')}`;
    expect(check).toContain(`self-update.js" check --templates-dir "$CODEBUILD_SRC_DIR/templates" --service web ${stacks} --restarted-from "$RESTARTED_FROM"`);
    expect(update).toContain(`self-update.js" apply --templates-dir "$CODEBUILD_SRC_DIR/templates" --service web ${stacks}`);
    expect(update).toContain('--pipeline shop-web-pipeline-tools --role-arn arn:aws:iam::111111111111:role/shop-pipeline-stacks-tools');
    const env = Object.fromEntries((stage(pipeline, 'PipelineUpdate').Actions[0] as Record<string, any>).EnvironmentVariables.map((e: any) => [e.Name, e.Value]));
    expect(env).toEqual({ RESTARTED_FROM: '#{variables.RestartedFrom}', EXECUTION_ID: '#{codepipeline.PipelineExecutionId}', COMMIT_ID: '#{SourceVariables.CommitId}' });
    // The check's command exports the variables as the script prints them.
    const box = sandbox('self-check-');
    box.tool('node', ['echo "export CHANGED=yes WIDENED=no SUMMARY=\'widens no permission\'"']);
    const r = box.runWithOutput([check, 'echo "$CHANGED $WIDENED $SUMMARY"'], { CODEBUILD_SRC_DIR: ROOT, RESTARTED_FROM: 'none' });
    box.remove();
    expect(r.output).toBe('yes no widens no permission\n');
  });

  test('the pipeline role may update exactly its two stacks, pass exactly the pipeline stacks role, and restart only its own pipeline', () => {
    const role = resource(pipeline, 'PipelineRole');
    expect(asList(statement(role, 'SelfUpdateStacks').Resource).map((r) => resolve(r, values))).toEqual([
      'arn:aws:cloudformation:eu-west-1:111111111111:stack/shop-web-pipeline-build-tools/*',
      'arn:aws:cloudformation:eu-west-1:111111111111:stack/shop-web-pipeline-tools/*',
    ]);
    const pass = statement(role, 'PassPipelineStacksRole');
    expect(asList(pass.Resource).map((r) => resolve(r, values))).toEqual(['arn:aws:iam::111111111111:role/shop-pipeline-stacks-tools']);
    expect(pass.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } });
    expect(asList(statement(role, 'RestartSelf').Resource).map((r) => resolve(r, values))).toEqual(['arn:aws:codepipeline:eu-west-1:111111111111:shop-web-pipeline-tools']);
    expect(asList(statement(role, 'SelfUpdateLogs').Resource).map((r) => resolve(r, values))).toEqual([
      'arn:aws:logs:eu-west-1:111111111111:log-group:/aws/codepipeline/shop-web-pipeline-tools',
      'arn:aws:logs:eu-west-1:111111111111:log-group:/aws/codepipeline/shop-web-pipeline-tools:log-stream:*',
    ]);
  });
});

function att(id: string): unknown {
  return { 'Fn::Sub': `\${${id}.Arn}` };
}

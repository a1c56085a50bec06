/**
 * Application settings on the generated JSON (generator/blocks/app-settings.ts,
 * generator/blocks/container-health-check.ts): the health check of every service
 * template, the settings of every example parameter file, and every example service
 * environment rendered with its settings written in, within the template size limit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SETTINGS_KEY, secretResource, settingsSizeProblems, valueFrom } from '../../generator/blocks/app-settings';
import { CONTAINER_HEALTH_CHECK, HEALTH_CHECK_IDS } from '../../generator/blocks/container-health-check';
import { Template } from '../../generator/core/template';
import { ECS_SERVICE_TEMPLATE_FILES, ecsServiceParameterFilePath } from '../../generator/templates/ecs-service';
import { CONTAINER_NAME, ECS_SERVICE_IDS } from '../../generator/contracts/service';
import { memberStackTemplates } from '../../generator/member-stacks';
import { workloadBoundaryActions } from '../../generator/templates/member-roles';
import { parseParameterFile } from '../../scripts/lib/templates';
import { TEMPLATES_DIR, exampleConfig, loadTemplate, resource, roleStatements } from '../helpers/template';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const renderer = require('../../scripts/render-service-template.js') as {
  renderServiceTemplate(t: Template, file: unknown, image: string, pseudo: Record<string, string>): { template: Template; configuration: any };
  locate(dir: string, service: string, environment: string): { templateFile: string; parameterFile: string };
  SETTINGS_KEY: string;
  SETTINGS_TARGETS: Record<string, string>;
};

const config = exampleConfig();
const PSEUDO = { 'AWS::Region': 'eu-west-1', 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' };
const BODY_LIMIT_BYTES = 51_200;
const templates = Object.entries(ECS_SERVICE_TEMPLATE_FILES).map(([strategy, file]) => [strategy, file, loadTemplate(file)] as const);
const pairs = config.services.flatMap((s) => config.environments.map((e) => [s.name, e.name] as const));
const parameterFile = (service: string, env: string) => {
  const strategy = config.services.find((s) => s.name === service)!.environments[env].deploymentStrategy;
  return JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, ecsServiceParameterFilePath(service, env, strategy)), 'utf8'));
};
const container = (t: Template) => (resource(t, ECS_SERVICE_IDS.taskDefinition).Properties!.ContainerDefinitions as Array<Record<string, any>>)[0];

describe.each(templates)('container health check in %s (%s)', (_strategy, _file, t) => {
  test('the command of one parameter, without a default; "none" leaves the check out', () => {
    expect(t.Parameters![HEALTH_CHECK_IDS.command]).toMatchObject({ Type: 'String', MaxLength: 1024 });
    expect(t.Parameters![HEALTH_CHECK_IDS.command].Default).toBeUndefined();
    const check = container(t).HealthCheck['Fn::If'];
    expect(check[0]).toBe(HEALTH_CHECK_IDS.hasCheck);
    expect(check[2]).toEqual({ Ref: 'AWS::NoValue' });
    expect(check[1].Command).toEqual(['CMD-SHELL', { Ref: HEALTH_CHECK_IDS.command }]);
    expect(t.Conditions![HEALTH_CHECK_IDS.hasCheck]).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: HEALTH_CHECK_IDS.command }, 'none'] }] });
  });

  test('timing within the ranges ECS accepts', () => {
    const { Interval, Timeout, Retries, StartPeriod } = container(t).HealthCheck['Fn::If'][1];
    expect([Interval, Timeout, Retries, StartPeriod]).toEqual([30, 5, 3, 60]);
    expect(Interval).toBeGreaterThanOrEqual(5);
    expect(Interval).toBeLessThanOrEqual(300);
    expect(Timeout).toBeGreaterThanOrEqual(2);
    expect(Timeout).toBeLessThan(Math.min(60, Interval) + 1);
    expect(Retries).toBeGreaterThanOrEqual(1);
    expect(Retries).toBeLessThanOrEqual(10);
    expect(StartPeriod).toBeLessThanOrEqual(300);
    expect(CONTAINER_HEALTH_CHECK.intervalSeconds).toBe(Interval);
  });

  test('the task definition refers to no parameter the target groups use (two-update blue/green deploys)', () => {
    const text = JSON.stringify(resource(t, ECS_SERVICE_IDS.taskDefinition));
    expect(text).not.toContain(ECS_SERVICE_IDS.healthCheckPath);
  });

  test('no settings in the shared template: they are written in per environment', () => {
    expect(container(t).Environment).toBeUndefined();
    expect(container(t).Secrets).toBeUndefined();
  });
});

test("parameter files carry each service's health check: curl against its port and path by default", () => {
  for (const [service, env] of pairs) {
    const expected = service === 'orders' ? 'wget -q -O /dev/null http://localhost:3000/health || exit 1' : 'curl -f http://localhost:8080/health || exit 1';
    expect([service, env, parameterFile(service, env).Parameters[HEALTH_CHECK_IDS.command]]).toEqual([service, env, expected]);
  }
});

test('the render step knows where the settings go', () => {
  expect(renderer.SETTINGS_KEY).toBe(SETTINGS_KEY);
  expect(renderer.SETTINGS_TARGETS).toEqual({
    taskDefinition: ECS_SERVICE_IDS.taskDefinition,
    container: CONTAINER_NAME,
    executionRole: ECS_SERVICE_IDS.executionRole,
    taskRole: ECS_SERVICE_IDS.taskRole,
  });
});

describe('ValueFrom and the ARN IAM matches', () => {
  const ARN = 'arn:aws:secretsmanager:eu-west-1:444444444444:secret:shop/db-Xy12Ab';
  test.each([
    ['a secret by name', { secretsManager: 'shop/db' }, 'shop/db', { 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:shop/db-??????' }],
    ['a secret by ARN', { secretsManager: ARN }, ARN, ARN],
    ['a JSON key', { secretsManager: ARN, jsonKey: 'password' }, `${ARN}:password::`, ARN],
    ['a version stage', { secretsManager: ARN, versionStage: 'AWSPREVIOUS' }, `${ARN}::AWSPREVIOUS:`, ARN],
    [
      'a JSON key of a version',
      { secretsManager: ARN, jsonKey: 'user', versionId: 'a1b2c3d4-5678-90ab-cdef-000000000000' },
      `${ARN}:user::a1b2c3d4-5678-90ab-cdef-000000000000`,
      ARN,
    ],
    ['a parameter by name', { ssmParameter: '/shop/token' }, '/shop/token', { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/shop/token' }],
    [
      'a parameter by ARN',
      { ssmParameter: 'arn:aws:ssm:eu-west-2:444444444444:parameter/shop/token' },
      'arn:aws:ssm:eu-west-2:444444444444:parameter/shop/token',
      'arn:aws:ssm:eu-west-2:444444444444:parameter/shop/token',
    ],
  ])('%s', (_name, ref, from, resourceArn) => {
    expect(valueFrom(ref)).toBe(from);
    expect(JSON.parse(JSON.stringify(secretResource(ref)))).toEqual(resourceArn);
  });
});

describe('every example service environment, rendered with its settings', () => {
  const render = (service: string, env: string) => {
    const where = renderer.locate(TEMPLATES_DIR, service, env);
    const template = JSON.parse(fs.readFileSync(where.templateFile, 'utf8')) as Template;
    return renderer.renderServiceTemplate(template, parameterFile(service, env), `111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-${service}:1`, PSEUDO).template;
  };

  test.each(pairs)('%s in %s: within the template body limit, settings written in', (service, env) => {
    const rendered = render(service, env);
    const bytes = Buffer.byteLength(`${JSON.stringify(rendered)}\n`);
    expect(bytes).toBeLessThanOrEqual(BODY_LIMIT_BYTES);
    // The generator's estimate, which refuses settings too large, is never below the real size.
    const where = renderer.locate(TEMPLATES_DIR, service, env);
    const file = { path: `parameters/x/${service}/${env}.json`, settings: parameterFile(service, env)[SETTINGS_KEY] };
    const template = JSON.parse(fs.readFileSync(where.templateFile, 'utf8'));
    expect(settingsSizeProblems(config, template, file, bytes - 1).length).toBe(file.settings ? 1 : 0);
    const s = config.services.find((x) => x.name === service)!;
    const app = s.environments[env].appSettings;
    const c = container(rendered);
    expect(c.Environment ?? []).toEqual(Object.entries(app.environment).map(([Name, Value]) => ({ Name, Value })));
    expect((c.Secrets ?? []).map((x: { Name: string }) => x.Name)).toEqual(Object.keys(app.secrets));
    // Only references: every Secrets entry is a name and a ValueFrom.
    for (const x of c.Secrets ?? []) expect(Object.keys(x).sort()).toEqual(['Name', 'ValueFrom']);
    const taskSids = roleStatements(rendered, ECS_SERVICE_IDS.taskRole).map((st) => st.Sid);
    expect(taskSids).toEqual([...s.taskRoleStatements.map((st) => st.sid), 'DenyTerminateInstances']);
  });

  test('web in prod: the execution role reads exactly its secrets, and decrypts with their key through Secrets Manager only', () => {
    const statements = roleStatements(render('web', 'prod'), ECS_SERVICE_IDS.executionRole);
    const bySid = Object.fromEntries(statements.map((st) => [st.Sid, st]));
    expect(bySid.ReadSecrets).toEqual({
      Sid: 'ReadSecrets',
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: [
        'arn:aws:secretsmanager:eu-west-1:444444444444:secret:shop/prod/web-db-Xy12Ab',
        { 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:shop/web/session-signing-key-??????' },
      ],
    });
    expect(bySid.ReadSecretParameters.Resource).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/shop/web/payment-api-token' }]);
    expect(bySid.DecryptSecrets).toMatchObject({
      Action: ['kms:Decrypt'],
      Resource: ['arn:aws:kms:eu-west-1:444444444444:key/1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b'],
      Condition: { StringEquals: { 'kms:ViaService': ['secretsmanager.eu-west-1.amazonaws.com'] } },
    });
  });

  test('web in dev: no key grant for secrets under the AWS managed keys', () => {
    const sids = roleStatements(render('web', 'dev'), ECS_SERVICE_IDS.executionRole).map((st) => st.Sid);
    expect(sids).toEqual(['ReadSecrets', 'ReadSecretParameters', 'AuthenticateToRegistry', 'PullProjectImages', 'WriteContainerLogs', 'DenyTerminateInstances']);
  });
});

test('the workload boundary allows what the settings grant, and nothing of IAM or STS', () => {
  const boundary = resource(loadTemplate('member-roles.json'), 'WorkloadBoundary').Properties!.PolicyDocument as { Statement: Array<{ Sid: string; Action: string[] }> };
  const actions = boundary.Statement.find((st) => st.Sid === 'WorkloadActions')!.Action;
  expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'kms:Decrypt', 'secretsmanager:GetSecretValue', 'ssm:GetParameters']));
  expect(actions.filter((a) => /^(iam|sts|organizations):/.test(a))).toEqual([]);
});

test('an IAM action given to the boundary derivation is refused, however it arrives', () => {
  expect(() => workloadBoundaryActions(memberStackTemplates(), ['iam:PassRole'])).toThrow(/iam:PassRole, which no workload role may have/);
});

test('a diff of parameter files sees each setting: a variable, a secret reference, a statement', () => {
  const { settings } = parseParameterFile('web/prod.json', parameterFile('web', 'prod'));
  expect(settings['Environment.LOG_LEVEL']).toBe('warn');
  expect(settings['Secrets.PAYMENT_API_TOKEN']).toBe('/shop/web/payment-api-token');
  expect(JSON.parse(settings['ExecutionRoleStatements.DecryptSecrets']).Action).toEqual(['kms:Decrypt']);
  expect(() => parseParameterFile('x.json', { Parameters: {}, Settings: {} })).toThrow(/Settings: unknown key; allowed: Parameters, Tags, StackPolicy, ServiceSettings/);
});

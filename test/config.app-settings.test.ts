/**
 * Application settings in the configuration (generator/config/app-settings.ts): each bad
 * input is refused through the real entry point with exit status 1 and one line naming
 * the field; good input resolves per environment.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../generator/config/load';
import { configuredWorkloadActions } from '../generator/config/app-settings';
import { main } from '../scripts/generate';
import { RawConfig, capture, exampleRaw, removeTempDirs, tempDir } from './helpers/config';

afterAll(removeTempDirs);

const SM_ARN = 'arn:aws:secretsmanager:eu-west-1:444444444444:secret:shop/prod/web-db-Xy12Ab';
const KEY = 'arn:aws:kms:eu-west-1:444444444444:key/1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b';
const web = (c: RawConfig) => c.services[0];
const orders = (c: RawConfig) => c.services[1];
const statement = (over: Record<string, unknown>) => ({ sid: 'Extra', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::shop-assets/*'], ...over });

const CASES: ReadonlyArray<readonly [string, (c: RawConfig) => void, readonly string[]]> = [
  [
    'a plain variable named like a password',
    (c) => (web(c).environment.DB_PASSWORD = 'hunter2'),
    [
      'services[0].environment.DB_PASSWORD: the name looks like a secret; plain variables are written into the template, so pass it through services[0].secrets (a Secrets Manager secret or SSM SecureString parameter)',
    ],
  ],
  [
    "an environment's plain variable named like an API key",
    (c) => (web(c).environments.dev.environment = { STRIPE_API_KEY: 'sk' }),
    [
      'services[0].environments.dev.environment.STRIPE_API_KEY: the name looks like a secret; plain variables are written into the template, so pass it through services[0].environments.dev.secrets (a Secrets Manager secret or SSM SecureString parameter)',
    ],
  ],
  [
    'a plain variable named like a token, in lower case',
    (c) => (web(c).environment.github_token = 'x'),
    [
      'services[0].environment.github_token: the name looks like a secret; plain variables are written into the template, so pass it through services[0].secrets (a Secrets Manager secret or SSM SecureString parameter)',
    ],
  ],
  [
    'a plain variable named like a private key',
    (c) => (orders(c).environment = { TLS_PRIVATE_KEY: 'x' }),
    [
      'services[1].environment.TLS_PRIVATE_KEY: the name looks like a secret; plain variables are written into the template, so pass it through services[1].secrets (a Secrets Manager secret or SSM SecureString parameter)',
    ],
  ],
  [
    'a plain variable named like a credential',
    (c) => (orders(c).environment = { DB_CREDENTIALS: 'x' }),
    [
      'services[1].environment.DB_CREDENTIALS: the name looks like a secret; plain variables are written into the template, so pass it through services[1].secrets (a Secrets Manager secret or SSM SecureString parameter)',
    ],
  ],
  ['a variable name with a hyphen', (c) => (web(c).environment['LOG-LEVEL'] = 'info'), ['services[0].environment.LOG-LEVEL: the name must match ^[A-Za-z_][A-Za-z0-9_]{0,254}$']],
  [
    'a name both plain and secret',
    (c) => (web(c).environment.SESSION_SIGNING_KEY = 'x'),
    ['services[0].environment.SESSION_SIGNING_KEY: also named in services[0].secrets; a variable is either plain or secret'],
  ],
  [
    'a secret of both kinds',
    (c) => (web(c).secrets.PAYMENT_API_TOKEN.secretsManager = 'shop/web/payment'),
    ['services[0].secrets.PAYMENT_API_TOKEN: give exactly one of secretsManager (a secret name or ARN) or ssmParameter (a SecureString parameter name or ARN)'],
  ],
  [
    'a secret of neither kind',
    (c) => (web(c).secrets.X = { kmsKeyArn: KEY }),
    ['services[0].secrets.X: give exactly one of secretsManager (a secret name or ARN) or ssmParameter (a SecureString parameter name or ARN)'],
  ],
  [
    'a JSON key of a secret given by name',
    (c) => (web(c).secrets.SESSION_SIGNING_KEY.jsonKey = 'key'),
    [
      'services[0].secrets.SESSION_SIGNING_KEY.secretsManager: "shop/web/session-signing-key" must be the full secret ARN when jsonKey is given (ECS reads arn:...:secret:name-AbCdEf:json-key:version-stage:version-id)',
    ],
  ],
  [
    'a secret ARN without its 6-character suffix',
    (c) => (web(c).environments.prod.secrets.DB_PASSWORD.secretsManager = 'arn:aws:secretsmanager:eu-west-1:444444444444:secret:db'),
    [
      'services[0].environments.prod.secrets.DB_PASSWORD.secretsManager: "arn:aws:secretsmanager:eu-west-1:444444444444:secret:db" is not a full secret ARN; write arn:aws:secretsmanager:region:account:secret:name-AbCdEf (with the 6-character suffix) or the secret name alone',
    ],
  ],
  [
    'a version stage and a version ID',
    (c) => (web(c).environments.prod.secrets.DB_PASSWORD.versionId = 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111'),
    ['services[0].environments.prod.secrets.DB_PASSWORD.versionId: give versionStage or versionId, not both'],
  ],
  [
    'a JSON key with a colon',
    (c) => (web(c).environments.prod.secrets.DB_PASSWORD.jsonKey = 'db:password'),
    ['services[0].environments.prod.secrets.DB_PASSWORD.jsonKey: "db:password" must be a JSON key without ":" or spaces'],
  ],
  [
    'a version stage on an SSM parameter',
    (c) => (web(c).secrets.PAYMENT_API_TOKEN.versionStage = 'AWSCURRENT'),
    ['services[0].secrets.PAYMENT_API_TOKEN.versionStage: applies to secretsManager secrets only'],
  ],
  [
    'an SSM parameter name with a space',
    (c) => (web(c).secrets.PAYMENT_API_TOKEN.ssmParameter = '/shop/payment token'),
    ['services[0].secrets.PAYMENT_API_TOKEN.ssmParameter: "/shop/payment token" must be a parameter name (/path/name) or ARN arn:aws:ssm:region:account:parameter/path/name'],
  ],
  [
    'a KMS key given by alias',
    (c) => (web(c).environments.prod.secrets.DB_PASSWORD.kmsKeyArn = 'alias/shop-secrets'),
    [
      'services[0].environments.prod.secrets.DB_PASSWORD.kmsKeyArn: "alias/shop-secrets" is an alias; give the key ARN (arn:aws:kms:region:account:key/id): an IAM policy cannot grant kms:Decrypt by alias',
    ],
  ],
  [
    'a secret in another account under the AWS managed key',
    (c) => (web(c).environments.dev.secrets = { DB_PASSWORD: { secretsManager: SM_ARN } }),
    ['services[0].environments.dev.secrets.DB_PASSWORD.kmsKeyArn: is required for a secret in another account (444444444444): AWS managed keys cannot be used across accounts'],
  ],
  [
    'an unknown key in a secret',
    (c) => (web(c).secrets.PAYMENT_API_TOKEN.region = 'eu-west-1'),
    ['services[0].secrets.PAYMENT_API_TOKEN.region: unknown key; allowed here: secretsManager, ssmParameter, jsonKey, versionStage, versionId, kmsKeyArn'],
  ],
  [
    'a task role action with a wildcard',
    (c) => (orders(c).taskRoleStatements[0].actions = ['dynamodb:*']),
    ['services[1].taskRoleStatements[0].actions[0]: "dynamodb:*" must name one action, service:Action, without wildcards'],
  ],
  [
    'a task role IAM action',
    (c) => orders(c).taskRoleStatements.push(statement({ actions: ['iam:PassRole'] })),
    [
      'services[1].taskRoleStatements[1].actions[0]: "iam:PassRole" is outside the workload permissions boundary, which never allows IAM, Organizations, STS, account or CloudFormation actions',
    ],
  ],
  [
    'a task role STS action',
    (c) => orders(c).taskRoleStatements.push(statement({ actions: ['sts:AssumeRole'] })),
    [
      'services[1].taskRoleStatements[1].actions[0]: "sts:AssumeRole" is outside the workload permissions boundary, which never allows IAM, Organizations, STS, account or CloudFormation actions',
    ],
  ],
  [
    'a "*" resource without a reason',
    (c) => orders(c).taskRoleStatements.push(statement({ resources: ['*'] })),
    ['services[1].taskRoleStatements[1].anyResourceBecause: is required with resources ["*"]: name the API that has no resource-level permissions'],
  ],
  [
    'a resource that is not an ARN',
    (c) => orders(c).taskRoleStatements.push(statement({ resources: ['table/shop-orders'] })),
    ['services[1].taskRoleStatements[1].resources[0]: "table/shop-orders" must be an ARN (arn:aws:service:...) or "*"'],
  ],
  [
    'a resource with an unknown placeholder',
    (c) => orders(c).taskRoleStatements.push(statement({ resources: ['arn:aws:s3:::${AWS::StackName}/*'] })),
    ['services[1].taskRoleStatements[1].resources[0]: "arn:aws:s3:::${AWS::StackName}/*" may hold only the placeholders ${AWS::Partition}, ${AWS::Region}, ${AWS::AccountId}'],
  ],
  [
    'a sid given twice',
    (c) => orders(c).taskRoleStatements.push(statement({ sid: 'ReadWriteOrders' })),
    ['services[1].taskRoleStatements[1].sid: "ReadWriteOrders" is already used; every sid must be different'],
  ],
  [
    'a health check command that would switch the check off',
    (c) => (orders(c).containerHealthCheck = { command: 'none' }),
    ['services[1].containerHealthCheck.command: "none" is reserved; set containerHealthCheck to false for no check'],
  ],
  [
    'a health path too long for the default health check',
    (c) => (web(c).healthCheckPath = `/${'a'.repeat(1000)}`),
    [
      'services[0].healthCheckPath: the default container health check (curl -f http://localhost:PORT/PATH || exit 1) would have 1040 characters; at most 1024: shorten the path or set services[0].containerHealthCheck',
    ],
  ],
  [
    'a health check of two lines',
    (c) => (orders(c).containerHealthCheck = { command: 'true\nexit 0' }),
    [
      'services[1].containerHealthCheck: {"command":"true\\nexit 0"} matches none of the allowed forms',
      'services[1].containerHealthCheck: {"command":"true\\nexit 0"} must be false',
      'services[1].containerHealthCheck.command: "true\\nexit 0" must match ^[^\\n\\r]+$',
    ],
  ],
];

function run(edit: (c: RawConfig) => void): { status: number; err: string } {
  const dir = tempDir('settings');
  const c = exampleRaw();
  edit(c);
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify(c, null, 2));
  const io = capture();
  const status = main(['--config', file, '--out', path.join(dir, 'out')], io);
  expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  return { status, err: io.err };
}

describe('bad application settings are refused, naming the field', () => {
  test.each(CASES)('%s', (_name, edit, problems) => {
    const { status, err } = run(edit);
    expect(status).toBe(1);
    expect(
      err
        .split('\n')
        .slice(1, -1)
        .map((l) => l.trim())
        .sort(),
    ).toEqual([...problems].sort());
  });
});

describe('settings resolve per environment', () => {
  const config = parseConfig(JSON.stringify(exampleRaw()), 'example.json');
  const web = config.services[0];

  test("an environment overrides the service's variables and adds its secrets", () => {
    expect(web.environments.dev.appSettings.environment).toEqual({ CATALOG_URL: 'https://catalog.internal.example.com', LOG_LEVEL: 'info' });
    expect(web.environments.prod.appSettings.environment).toEqual({ CATALOG_URL: 'https://catalog.internal.example.com', LOG_LEVEL: 'warn' });
    expect(Object.keys(web.environments.dev.appSettings.secrets)).toEqual(['PAYMENT_API_TOKEN', 'SESSION_SIGNING_KEY']);
    expect(Object.keys(web.environments.prod.appSettings.secrets)).toEqual(['DB_PASSWORD', 'PAYMENT_API_TOKEN', 'SESSION_SIGNING_KEY']);
  });

  test('an environment may turn a plain variable into a secret, and back', () => {
    const raw = exampleRaw();
    raw.services[0].environments.dev.secrets = { LOG_LEVEL: { ssmParameter: '/shop/dev/log-level' } };
    raw.services[0].environments.prod.environment = { SESSION_SIGNING_KEY: 'not-secret-in-prod' };
    const s = parseConfig(JSON.stringify(raw), 'x.json').services[0];
    expect(s.environments.dev.appSettings.environment.LOG_LEVEL).toBeUndefined();
    expect(s.environments.dev.appSettings.secrets.LOG_LEVEL).toEqual({ ssmParameter: '/shop/dev/log-level' });
    expect(s.environments.prod.appSettings.secrets.SESSION_SIGNING_KEY).toBeUndefined();
    expect(s.environments.staging.appSettings.environment.LOG_LEVEL).toBe('info');
  });

  test('the health check: the default, a command, or none', () => {
    expect(web.containerHealthCheck).toBe('curl -f http://localhost:8080/health || exit 1');
    expect(config.services[1].containerHealthCheck).toBe('wget -q -O /dev/null http://localhost:3000/health || exit 1');
    const raw = exampleRaw();
    raw.services[1].containerHealthCheck = false;
    expect(parseConfig(JSON.stringify(raw), 'x.json').services[1].containerHealthCheck).toBe('none');
  });

  test('the workload boundary grows by the configured actions only', () => {
    expect(configuredWorkloadActions(config.services)).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'kms:Decrypt',
      'secretsmanager:GetSecretValue',
      'ssm:GetParameters',
    ]);
    const raw = exampleRaw();
    for (const s of raw.services) {
      delete s.secrets;
      delete s.taskRoleStatements;
      for (const e of Object.values(s.environments) as RawConfig[]) delete e.secrets;
    }
    expect(configuredWorkloadActions(parseConfig(JSON.stringify(raw), 'x.json').services)).toEqual([]);
  });
});

test('settings too large for a template body are refused, naming each environment', () => {
  const { status, err } = run((c) => {
    for (let i = 0; i < 12; i++) web(c).environment[`BLOB_${i}`] = 'x'.repeat(4000);
  });
  expect(status).toBe(1);
  const lines = err
    .split('\n')
    .slice(1, -1)
    .map((l) => l.trim());
  expect(lines).toHaveLength(3);
  for (const [i, env] of ['dev', 'staging', 'prod'].entries()) {
    expect(lines[i]).toMatch(
      new RegExp(
        `^services\\[0\\]\\.environments\\.${env} \\(in parameters/ecs-service/web/${env}\\.json\\): the environment, secrets and taskRoleStatements make the rendered template about \\d+ bytes; a template body may have at most 51200`,
      ),
    );
  }
});

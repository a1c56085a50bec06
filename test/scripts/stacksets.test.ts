import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs, UsageError } from '../../scripts/lib/args';
import { painter } from '../../scripts/lib/color';
import { instanceFailed, operationPreferences, operationProgress, parseTargets, resultTable, splitValues } from '../../scripts/lib/stacksets';
import { deploymentTarget, planStackSet, STACKSETS_SPEC } from '../../scripts/stacksets';

const plain = painter(false);

describe('targets and values', () => {
  test('parseTargets reads ENV=ACCOUNT items', () => {
    expect(parseTargets(['dev=222222222222', 'prod=444444444444'])).toEqual([
      { env: 'dev', account: '222222222222' },
      { env: 'prod', account: '444444444444' },
    ]);
  });

  test.each([
    [['dev'], '--target "dev" must be ENV=ACCOUNT_ID, e.g. dev=222222222222'],
    [['dev=2222'], '--target "dev=2222" must be ENV=ACCOUNT_ID, e.g. dev=222222222222'],
    [['dev=222222222222', 'dev=333333333333'], '--target: environment dev is given twice'],
    [['dev=222222222222', 'qa=222222222222'], '--target: account 222222222222 is given twice; every environment needs an account of its own'],
  ])('parseTargets rejects %j', (items, message) => {
    expect(() => parseTargets(items)).toThrow(new UsageError(message));
  });

  test('splitValues: every key on the StackSet, each environment its whole file, shared tags only', () => {
    const split = splitValues([
      { env: 'dev', parameters: { Env: 'dev', Tools: '111111111111' }, tags: { Environment: 'dev', Project: 'shop' } },
      { env: 'prod', parameters: { Env: 'prod', Tools: '111111111111' }, tags: { Environment: 'prod', Project: 'shop' } },
    ]);
    expect(split).toEqual({
      parameters: { Env: 'dev', Tools: '111111111111' },
      overrides: { dev: { Env: 'dev', Tools: '111111111111' }, prod: { Env: 'prod', Tools: '111111111111' } },
      tags: { Project: 'shop' },
      varying: ['Env'],
    });
  });

  test('splitValues refuses files that do not set the same keys', () => {
    expect(() =>
      splitValues([
        { env: 'dev', parameters: { A: '1', B: '2' }, tags: {} },
        { env: 'prod', parameters: { A: '1' }, tags: {} },
      ]),
    ).toThrow('parameters of prod lack B, which other environments set');
  });

  test('operationPreferences defaults and overrides', () => {
    expect(operationPreferences({})).toEqual({ MaxConcurrentPercentage: 100, FailureTolerancePercentage: 0, RegionConcurrencyType: 'PARALLEL' });
    expect(operationPreferences({ maxConcurrentPercentage: 25, failureTolerancePercentage: 10, regionConcurrency: 'SEQUENTIAL' })).toEqual({
      MaxConcurrentPercentage: 25,
      FailureTolerancePercentage: 10,
      RegionConcurrencyType: 'SEQUENTIAL',
    });
  });

  test('deploymentTarget: an account list, or the account within the OUs', () => {
    expect(deploymentTarget({ permissionModel: 'SELF_MANAGED', organizationalUnits: [] }, ['222222222222'])).toEqual({ Accounts: ['222222222222'] });
    expect(deploymentTarget({ permissionModel: 'SERVICE_MANAGED', organizationalUnits: ['ou-ab12-cdef3456'] }, ['222222222222'])).toEqual({
      DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cdef3456'], Accounts: ['222222222222'], AccountFilterType: 'INTERSECTION' },
    });
  });
});

describe('result table', () => {
  const instances = [
    {
      Account: '333333333333',
      Region: 'eu-west-1',
      Status: 'OUTDATED' as const,
      StatusReason: 'ResourceLogicalId:DeployRole, ResourceStatusReason:Role already exists',
      StackInstanceStatus: { DetailedStatus: 'FAILED' as const },
    },
    { Account: '222222222222', Region: 'eu-west-1', Status: 'CURRENT' as const, StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' as const } },
  ];

  test('one row per account and region, sorted, with the environment', () => {
    expect(resultTable(instances, parseTargets(['dev=222222222222', 'staging=333333333333']), plain)).toEqual([
      'account       env      region     status    detail     reason',
      '222222222222  dev      eu-west-1  CURRENT   SUCCEEDED',
      '333333333333  staging  eu-west-1  OUTDATED  FAILED     ResourceLogicalId:DeployRole, ResourceStatusReason:Role already exists',
    ]);
  });

  test('instanceFailed', () => {
    expect(instances.map(instanceFailed)).toEqual([true, false]);
    expect(instanceFailed({ Status: 'INOPERABLE' })).toBe(true);
  });
});

test('operationProgress counts the account-region results by status', () => {
  expect(operationProgress([{ Status: 'SUCCEEDED' }, { Status: 'RUNNING' }, { Status: 'FAILED' }, { Status: 'SUCCEEDED' }])).toBe('3/4 done (FAILED 1, RUNNING 1, SUCCEEDED 2)');
  expect(operationProgress([])).toBe('0/0 done');
});

describe('planStackSet', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stacksets-plan-'));
    fs.writeFileSync(path.join(dir, 'service.json'), JSON.stringify({ Transform: 'AWS::CodeDeployBlueGreen', Resources: { T: { Type: 'AWS::SNS::Topic' } } }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const plan = (argv: string[]) => planStackSet(parseArgs(STACKSETS_SPEC, argv), { AWS_REGION: 'eu-west-1' });

  test('service-managed permissions refuse a template with a Transform', () => {
    expect(() =>
      plan(['service', '--templates-dir', dir, '--permission-model', 'service-managed', '--organizational-units', 'ou-ab12-cdef3456', '--target', 'dev=222222222222']),
    ).toThrow('service.json declares a Transform, which StackSets with service-managed permissions reject; deploy it with npm run deploy (or use --permission-model self-managed)');
  });

  test.each([
    [['member-roles'], 'at least one --target ENV=ACCOUNT is needed'],
    [['member-roles', '--target', 'qa=222222222222'], /parameter file .*member-roles\/qa\.json for environment qa does not exist/],
    [['member-roles', '--target', 'dev=222222222222', '--permission-model', 'service-managed'], '--permission-model service-managed needs --organizational-units'],
    [
      ['member-roles', '--target', 'dev=222222222222', '--organizational-units', 'ou-ab12-cdef3456'],
      '--organizational-units and --auto-deployment need --permission-model service-managed',
    ],
    [['member-roles', '--target', 'dev=222222222222', '--permission-model', 'org'], '--permission-model "org" must be one of self-managed, service-managed'],
    [['member-roles', '--target', 'dev=222222222222', '--failure-tolerance-percentage', '101'], '--failure-tolerance-percentage "101" must be a whole number from 0 to 100'],
    [['network-typo', '--target', 'dev=222222222222'], /template "network-typo" does not exist in templates\//],
  ])('rejects %j', (argv, message) => {
    expect(() => plan(argv)).toThrow(message);
  });

  test('the default name, regions and per-environment values of member-roles', () => {
    const p = plan(['member-roles', '--target', 'dev=222222222222,prod=444444444444']);
    expect(p.name).toBe('shop-member-roles');
    expect(p.regions).toEqual(['eu-west-1']);
    expect(p.capabilities).toEqual(['CAPABILITY_NAMED_IAM']);
    expect(p.values?.varying).toEqual(['EnvironmentName', 'EnvironmentSuffix']);
    expect(p.values?.overrides.prod.EnvironmentName).toBe('prod');
    expect(p.values?.tags).toEqual({ CostCenter: 'cc-4711', Project: 'shop' });
  });
});

/**
 * The operator's guards: the account check, profiles, timeouts and non-AWS answers,
 * Ctrl-C, plan mode, exact template files, and destroy deciding from what a stack is.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { deploy, DEPLOY_SPEC, main as deployMain, planDeploy } from '../../scripts/deploy';
import { main as destroyMain } from '../../scripts/destroy';
import { parseArgs } from '../../scripts/lib/args';
import { awsClient, checkProfile, describeAwsError, profilesIn } from '../../scripts/lib/aws';
import { isProduction, stackNameOf } from '../../scripts/lib/destroy';
import { accountProblem, configuredAccounts, establish, identityLine, Identity } from '../../scripts/lib/identity';
import { interruptLines, whileRunning } from '../../scripts/lib/interrupt';
import { waitForStack } from '../../scripts/lib/stacks';
import { loadParameterFile, templateFile } from '../../scripts/lib/templates';
import { main as stacksetsMain, planStackSet, STACKSETS_SPEC } from '../../scripts/stacksets';
import { recordingTerminal } from '../../scripts/lib/terminal';
import { fakeClient } from '../helpers/fake-aws';
import { TEMPLATES_DIR } from '../helpers/template';

const PARAMS = path.join(TEMPLATES_DIR, 'parameters');
const DEV = path.join(PARAMS, 'member-roles', 'dev.json');
const PROD_NETWORK = path.join(PARAMS, 'network', 'prod.json');
const as = (account: string) => async (): Promise<Identity> => ({ account, arn: `arn:aws:iam::${account}:user/ops`, region: 'eu-west-1' });

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'operator-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('the account guard', () => {
  const accounts = configuredAccounts(path.join(__dirname, '..', 'fixtures', 'configs', 'example.json'))!;

  test('reads the accounts of a configuration', () => {
    expect(accounts.byEnvironment.get('dev')).toBe('222222222222');
    expect(accounts.byEnvironment.get('tools')).toBe('111111111111');
    expect(accounts.byAccount.get('444444444444')).toBe('prod');
    expect(accounts.project).toBe('shop');
    expect(configuredAccounts(path.join(tmp, 'none.json'))).toBeUndefined();
  });

  test('the header names account, environment and region', () => {
    expect(identityLine({ account: '222222222222', arn: '', region: 'eu-west-1' }, accounts)).toBe('account 222222222222 (dev), region eu-west-1');
    expect(identityLine({ account: '999999999999', arn: '', region: 'eu-west-1' }, accounts)).toBe('account 999999999999 (not in example.json), region eu-west-1');
  });

  test('prod parameters with dev credentials are refused before any CloudFormation call', async () => {
    const term = recordingTerminal();
    const code = await deployMain(['network', '--parameters', PROD_NETWORK, '--yes'], term, as('222222222222'));
    expect(code).toBe(1);
    expect(term.lines).toEqual(['account 222222222222 (dev), region eu-west-1']);
    expect(term.errors.join('\n')).toMatch(
      /^error: .*network\/prod\.json is for prod \(account 444444444444 in example\.json\), but the credentials are of account 222222222222 \(dev\); use that account's profile, or pass --allow-account-mismatch$/,
    );
  });

  test('--allow-account-mismatch goes on with a loud warning', async () => {
    const term = recordingTerminal();
    const accounts2 = configuredAccounts()!;
    await establish({}, [{ environment: 'prod', what: 'x.json' }], true, term, as('222222222222'), accounts2);
    expect(term.errors).toEqual([
      'WARNING: x.json is for prod (account 444444444444 in example.json), but the credentials are of account 222222222222 (dev); going on because of --allow-account-mismatch',
    ]);
  });

  test('nothing to compare with is not a problem', () => {
    expect(accountProblem({ account: '1', arn: '', region: '' }, undefined, accounts, 'x')).toBeUndefined();
    expect(accountProblem({ account: '1', arn: '', region: '' }, 'dev', undefined, 'x')).toBeUndefined();
  });

  test("stacksets: a target account that is not the environment's is refused; a self-managed StackSet runs from tools", async () => {
    expect(() => planStackSet(parseArgs(STACKSETS_SPEC, ['member-roles', '--target', 'prod=222222222222', '--region', 'eu-west-1']), {}, accounts)).toThrow(
      '--target prod=222222222222: example.json gives prod account 444444444444; pass --allow-account-mismatch to override',
    );
    const term = recordingTerminal();
    const code = await stacksetsMain(['member-roles', '--target', 'dev=222222222222', '--region', 'eu-west-1'], term, as('222222222222'));
    expect(code).toBe(1);
    expect(term.errors[0]).toContain('a self-managed StackSet is for tools (account 111111111111 in example.json)');
  });

  test('stacksets --delete finds the StackSet name in the configuration', () => {
    const plan = planStackSet(parseArgs(STACKSETS_SPEC, ['member-roles', '--delete', '--region', 'eu-west-1']), {}, accounts);
    expect(plan.name).toBe('shop-member-roles');
  });

  test('stacksets of a template without per-environment parameter files says StackSets cannot roll it out', () => {
    expect(() =>
      planStackSet(parseArgs(STACKSETS_SPEC, ['ecs-service', '--target', 'dev=222222222222', '--region', 'eu-west-1', '--templates-dir', TEMPLATES_DIR]), {}, accounts),
    ).toThrow(/^ecs-service cannot be rolled out by StackSets: .* per service; deploy it with npm run deploy$/);
  });
});

describe('stacksets --delete', () => {
  const instances = [
    { Account: '222222222222', Region: 'eu-west-1', Status: 'CURRENT' },
    { Account: '444444444444', Region: 'eu-west-1', Status: 'CURRENT' },
  ];
  async function run(argv: string[], answer?: boolean | 'interrupt') {
    const cf = fakeClient({
      DescribeStackSet: () => ({ StackSet: { StackSetName: 'shop-member-roles', Status: 'ACTIVE', PermissionModel: 'SELF_MANAGED' } }),
      ListStackInstances: () => ({ Summaries: instances }),
    });
    const sdk = await import('@aws-sdk/client-cloudformation');
    const spy = jest.spyOn(sdk.CloudFormationClient.prototype, 'send').mockImplementation(((cmd: never) => cf.send(cmd)) as never);
    try {
      const term = recordingTerminal({ interactive: answer !== undefined, answer });
      const code = await stacksetsMain(['member-roles', '--delete', '--region', 'eu-west-1', ...argv], term, as('111111111111'));
      return { code, term, calls: cf.calls.map((c) => c.command) };
    } finally {
      spy.mockRestore();
    }
  }

  test('a production account among the instances needs --allow-production', async () => {
    const r = await run(['--yes']);
    expect(r.code).toBe(1);
    expect(r.term.errors).toEqual(['error: refusing to delete instances in production account 444444444444 without --allow-production']);
    expect(r.calls).not.toContain('DeleteStackInstances');
  });

  test('without --yes it asks; Ctrl-C deletes nothing and exits 130', async () => {
    const r = await run(['--allow-production'], 'interrupt');
    expect(r.code).toBe(130);
    expect(r.term.errors).toEqual(['interrupted; nothing was deleted']);
    expect(r.calls).not.toContain('DeleteStackInstances');
  });
});

describe('profiles and errors', () => {
  test('a profile that no file declares is named with the files and the profiles there', () => {
    const config = path.join(tmp, 'config');
    const credentials = path.join(tmp, 'credentials');
    fs.writeFileSync(config, '[default]\nregion = eu-west-1\n[profile dev]\nregion = eu-west-1\n');
    fs.writeFileSync(credentials, '[tools]\naws_access_key_id = x\n');
    const env = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
    expect(() => checkProfile({ profile: 'dve' }, env)).toThrow(`profile "dve" (--profile) is not in ${config} or ${credentials}; profiles there: default, dev, tools`);
    expect(() => checkProfile({ profile: 'dev' }, env)).not.toThrow();
    expect(() => checkProfile({}, { ...env, AWS_PROFILE: 'nope' })).toThrow('profile "nope" (AWS_PROFILE) is not in');
    expect(profilesIn('[profile a b]\n[sso-session x]\n', 'config')).toEqual(['a b']);
  });

  describe('against a local HTTP server that is not AWS', () => {
    let server: http.Server;
    let base: string;
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        if (req.url?.startsWith('/html500')) {
          res.writeHead(500, { 'content-type': 'text/html' });
          res.end('<html><body>proxy error</body></html>');
        } else if (req.url?.startsWith('/404')) {
          res.writeHead(404);
          res.end('no such page');
        }
        // anything else: the connection is taken and never answered
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    async function error(suffix: string): Promise<string> {
      const saved = process.env.CDT_REQUEST_TIMEOUT_SECONDS;
      process.env.CDT_REQUEST_TIMEOUT_SECONDS = '1';
      const { CloudFormationClient: Client } = await import('@aws-sdk/client-cloudformation');
      const cf = awsClient(Client, { endpoint: `${base}${suffix}`, region: 'eu-west-1' });
      cf.config.credentials = async () => ({ accessKeyId: 'a', secretAccessKey: 'b' });
      try {
        await cf.send(new DescribeStacksCommand({}));
        return 'no error';
      } catch (e) {
        return describeAwsError(e);
      } finally {
        cf.destroy();
        if (saved === undefined) delete process.env.CDT_REQUEST_TIMEOUT_SECONDS;
        else process.env.CDT_REQUEST_TIMEOUT_SECONDS = saved;
      }
    }

    test('an HTML 500 page names the status and the endpoint', async () => {
      expect(await error('/html500')).toBe(`${base} answered HTTP 500 with something that is not an AWS API response; check --endpoint-url (is it the CloudFormation endpoint?)`);
    });

    test('a 404 names the status and the endpoint', async () => {
      expect(await error('/404')).toBe(`${base} answered HTTP 404 with something that is not an AWS API response; check --endpoint-url (is it the CloudFormation endpoint?)`);
    });

    test('an endpoint that never answers fails after the request timeout, naming it', async () => {
      const started = Date.now();
      expect(await error('/hang')).toMatch(new RegExp(`^${base.replace(/[.]/g, '\\.')} did not answer in time \\(connection timeout 10 s, request timeout 1 s\\)`));
      expect(Date.now() - started).toBeLessThan(10_000);
    });
  });
});

describe('Ctrl-C and plan mode', () => {
  const plan = (extra: string[]) => planDeploy(parseArgs(DEPLOY_SPEC, ['member-roles', '--parameters', DEV, ...extra]));
  const newStack = () =>
    fakeClient({
      DescribeStacks: () => {
        throw Object.assign(new Error('Stack with id shop-member-roles-dev does not exist'), { name: 'ValidationError' });
      },
      CreateChangeSet: () => ({ Id: 'cs-1' }),
      DescribeChangeSet: () => ({ Status: 'CREATE_COMPLETE', Changes: [{ ResourceChange: { Action: 'Add', LogicalResourceId: 'DeployRole', ResourceType: 'AWS::IAM::Role' } }] }),
      DeleteChangeSet: () => ({}),
      DeleteStack: () => ({}),
    });

  test('Ctrl-C at the prompt deletes the change set and the empty stack and exits 130', async () => {
    const cf = newStack();
    const term = recordingTerminal({ interactive: true, answer: 'interrupt' });
    const code = await deploy(cf as unknown as CloudFormationClient, plan([]), term);
    expect(code).toBe(130);
    expect(term.errors).toEqual(['interrupted; change set deleted with the empty stack, nothing was changed']);
    expect(cf.calls.map((c) => c.command)).toEqual(expect.arrayContaining(['DeleteChangeSet', 'DeleteStack']));
    expect(cf.calls.map((c) => c.command)).not.toContain('ExecuteChangeSet');
  });

  test('--plan shows the change set, deletes what it created and exits 0', async () => {
    const cf = newStack();
    const term = recordingTerminal();
    const code = await deploy(cf as unknown as CloudFormationClient, plan(['--plan']), term);
    expect(code).toBe(0);
    expect(term.lines).toContain('+ add    DeployRole (AWS::IAM::Role)  [IAM]');
    expect(term.lines[term.lines.length - 1]).toMatch(/^plan only: change set deploy-\d+ deleted with the empty stack; nothing was changed$/);
    expect(cf.calls.map((c) => c.command)).toEqual(expect.arrayContaining(['DeleteChangeSet', 'DeleteStack']));
  });

  test('--plan and --yes exclude each other', () => {
    expect(() => plan(['--plan', '--yes'])).toThrow('--plan and --yes exclude each other');
  });

  test('a wait registers what keeps running, and only while it runs', async () => {
    let during: string[] = [];
    await whileRunning(['StackSet operation op-1'], async () => {
      during = interruptLines();
    });
    expect(during).toEqual(['StackSet operation op-1']);
    expect(interruptLines()).toEqual([]);
  });

  test('a stack that stays REVIEW_IN_PROGRESS ends the wait after the grace period', async () => {
    const cf = fakeClient({
      DescribeStacks: () => ({ Stacks: [{ StackName: 's', StackId: 'id-s', StackStatus: 'REVIEW_IN_PROGRESS' }] }),
      DescribeStackEvents: () => ({ StackEvents: [] }),
    });
    const r = await waitForStack(cf as unknown as CloudFormationClient, 's', new Set(), 1, recordingTerminal(), 60_000, 0);
    expect(r.outcome).toBe('failed');
    expect(r.failures[0]).toContain('stayed REVIEW_IN_PROGRESS');
  });
});

describe('deploy takes exactly the file given', () => {
  test('a template outside templates/ is refused, not replaced by its namesake', () => {
    const other = path.join(tmp, 'network.json');
    fs.copyFileSync(path.join(TEMPLATES_DIR, 'network.json'), other);
    expect(() => templateFile(TEMPLATES_DIR, other)).toThrow(/is not a template in .*\/: the scripts deploy only the generated templates there/);
    expect(templateFile(TEMPLATES_DIR, path.join(TEMPLATES_DIR, 'network.json'))).toBe(fs.realpathSync(path.join(TEMPLATES_DIR, 'network.json')));
    expect(templateFile(TEMPLATES_DIR, 'network')).toBeUndefined();
    expect(() => planDeploy(parseArgs(DEPLOY_SPEC, [other, '--parameters', DEV]))).toThrow('is not a template in');
  });

  test('a parameter file with a byte order mark is read; a folder is named as a folder', () => {
    const bom = path.join(tmp, 'bom.json');
    fs.writeFileSync(bom, `\uFEFF${fs.readFileSync(DEV, 'utf8')}`);
    expect(loadParameterFile(bom).parameters.EnvironmentName).toBe('dev');
    expect(() => loadParameterFile(path.join(PARAMS, 'ecs-service', 'web'))).toThrow(
      /parameter file .*web is a folder; name one of its files \(dev\.json, prod\.json, staging\.json\)/,
    );
  });
});

describe('destroy decides from what a stack is', () => {
  const ARN = 'arn:aws:cloudformation:eu-west-1:444444444444:stack/shop-network-prod/0a1b2c3d-aaaa-bbbb-cccc-000000000000';

  test('a stack ID is production by the name inside it, or by its parameters', () => {
    expect(stackNameOf(ARN)).toBe('shop-network-prod');
    expect(isProduction(ARN, {})).toBe(true);
    expect(isProduction('legacy-vpc', {}, { EnvironmentName: 'prod' })).toBe(true);
    expect(isProduction('legacy-vpc', {}, { EnvironmentName: 'dev' })).toBe(false);
  });

  async function run(argv: string[], stacks: Record<string, object>, account = '222222222222') {
    const cf = fakeClient({
      DescribeStacks: (i) => {
        const s = stacks[i.StackName as string];
        if (!s) throw Object.assign(new Error(`Stack with id ${i.StackName} does not exist`), { name: 'ValidationError' });
        return { Stacks: [s] };
      },
    });
    const sdk = await import('@aws-sdk/client-cloudformation');
    const spy = jest.spyOn(sdk.CloudFormationClient.prototype, 'send').mockImplementation(((cmd: never) => cf.send(cmd)) as never);
    try {
      const term = recordingTerminal();
      const code = await destroyMain(argv, term, as(account));
      return { code, term };
    } finally {
      spy.mockRestore();
    }
  }

  test('an untagged production stack named by its ID is refused', async () => {
    const stack = { StackName: 'legacy-vpc', StackId: ARN, StackStatus: 'CREATE_COMPLETE', Parameters: [{ ParameterKey: 'EnvironmentName', ParameterValue: 'prod' }] };
    const r = await run([ARN, '--yes', '--allow-account-mismatch'], { [ARN]: stack });
    expect(r.code).toBe(1);
    expect(r.term.errors[r.term.errors.length - 1]).toBe('error: refusing to destroy production stack legacy-vpc without --allow-production');
  });

  test('a stack that is already gone is skipped, saying so', async () => {
    const r = await run(['shop-network-dev', '--yes'], {});
    expect(r.code).toBe(0);
    expect(r.term.lines).toEqual(['account 222222222222 (dev), region eu-west-1', 'stack shop-network-dev does not exist (already deleted?); skipped', 'nothing to destroy']);
  });
});

/**
 * The scripts' command lines: bad arguments, missing files, unknown templates and
 * missing credentials end with one clear error line and a non-zero status, before any
 * AWS call where possible.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEMPLATE_BODY_LIMIT_BYTES } from '../../generator/core/limits';
import { DEPLOY_SPEC, main as deploy, planDeploy } from '../../scripts/deploy';
import { parseArgs } from '../../scripts/lib/args';
import { main as destroy } from '../../scripts/destroy';
import { main as diff } from '../../scripts/diff';
import { recordingTerminal } from '../../scripts/lib/terminal';
import { main as stacksets } from '../../scripts/stacksets';
import { parameterFileWith } from '../helpers/parameters';
import { TEMPLATES_DIR, exampleConfig } from '../helpers/template';

const ROOT = path.resolve(__dirname, '..', '..');
/** The fixture configuration's parameter file (the user's templates/ may hold other values). */
const DEV = path.join(TEMPLATES_DIR, 'parameters', 'member-roles', 'dev.json');

type Main = typeof deploy;

async function run(main: Main, argv: string[]) {
  const term = recordingTerminal();
  const code = await main(argv, term);
  return { code, out: term.lines.join('\n'), err: term.errors.join('\n') };
}

describe.each<[string, Main, string[]]>([
  ['deploy', deploy, ['member-roles', '--parameters', DEV]],
  ['stacksets', stacksets, ['member-roles', '--target', 'dev=222222222222']],
  ['diff', diff, ['member-roles']],
  ['destroy', destroy, ['shop-network-dev']],
])('%s', (name, main, good) => {
  test('--help prints the usage and exits 0', async () => {
    const r = await run(main, ['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`usage: npm run ${name} -- `);
  });

  test('an unknown flag exits 2 with the error and the usage line', async () => {
    const r = await run(main, [...good, '--bogus']);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`error: unknown flag --bogus\n${r.err.split('\n')[1]}`);
    expect(r.err.split('\n')[1]).toMatch(new RegExp(`^usage: npm run ${name} -- `));
  });

  test('an invalid --region exits 2', async () => {
    const r = await run(main, [...good, '--region', 'moon-1']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--region "moon-1" is not a region code such as eu-west-1');
  });
});

describe.each<[string, Main, string[]]>([
  ['deploy', deploy, ['netwrk', '--parameters', DEV]],
  ['stacksets', stacksets, ['netwrk', '--target', 'dev=222222222222']],
  ['diff', diff, ['netwrk']],
])('%s with a template that is not in templates/', (_name, main, argv) => {
  test('exits 2 naming the template and the ones that exist', async () => {
    const r = await run(main, argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error: template "netwrk" does not exist in templates\/.*member-roles/);
  });
});

describe('deploy arguments', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test.each([
    ['a missing parameter file', ['member-roles', '--parameters', '/nonexistent/dev.json'], 'error: parameter file /nonexistent/dev.json does not exist'],
    ['no parameter file where the template needs values', ['member-roles'], 'parameter ToolsAccountId has no default and no value'],
    ['a bad stack name', ['member-roles', '--parameters', DEV, '--stack-name', '1abc'], '--stack-name "1abc" must start with a letter'],
    ['a bad tag', ['member-roles', '--parameters', DEV, '--tags', 'Owner'], '--tags "Owner" must be KEY=VALUE'],
    ['a bad endpoint', ['member-roles', '--parameters', DEV, '--endpoint-url', 'localhost:5000'], '--endpoint-url "localhost:5000" must be an http(s) URL'],
  ])('%s exits 2', async (_name, argv, message) => {
    const r = await run(deploy, argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  test('a parameter the template does not declare', async () => {
    const file = parameterFileWith(DEV, tmp, 'extra.json', { Extra: 'x' });
    const r = await run(deploy, ['member-roles', '--parameters', file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('parameter Extra is not declared by the template');
  });

  test('a parameter file that is not JSON', async () => {
    const file = path.join(tmp, 'broken.json');
    fs.writeFileSync(file, '{"Parameters": ');
    const r = await run(deploy, ['member-roles', '--parameters', file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}: not valid JSON`);
  });
});

describe('destroy and diff arguments', () => {
  test('destroy needs a stack name and refuses duplicates', async () => {
    expect((await run(destroy, [])).err).toContain('error: missing STACK...');
    expect((await run(destroy, ['a-b', 'a-b'])).err).toContain('stack a-b is named twice');
  });

  test('diff --stack compares exactly one template', async () => {
    const r = await run(diff, ['--stack', 'shop-network-dev']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--stack compares one template');
  });

  test('diff of the committed templates against the generator', async () => {
    const r = await run(diff, ['member-roles', '--exit-code', '--templates-dir', TEMPLATES_DIR]);
    expect(r.err).toBe('');
    expect(r.out.split('\n')[0]).toMatch(/ -> generated from .*test\/fixtures\/configs\/example\.json$/);
    expect(r.out.split('\n')[1]).toBe('no changes: member-roles.json');
    expect(r.code).toBe(0);
  });
});

describe('missing credentials', () => {
  const saved = { ...process.env };
  beforeAll(() => {
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    process.env.AWS_REGION = 'eu-west-1';
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    process.env.AWS_CONFIG_FILE = '/nonexistent/config';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
  });
  afterAll(() => {
    process.env = saved;
  });

  test('deploy exits 1 saying how to provide credentials', async () => {
    const r = await run(deploy, ['member-roles', '--parameters', DEV, '--endpoint-url', 'http://127.0.0.1:9']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: no AWS credentials: pass --profile, set AWS_PROFILE, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
  });

  test('destroy exits 1 saying how to provide credentials', async () => {
    const r = await run(destroy, ['shop-network-dev', '--endpoint-url', 'http://127.0.0.1:9']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: no AWS credentials/);
  });
});

test('npm run deploy wires the script: a bad argument exits 2 from the real process', () => {
  const r = spawnSync('npm', ['run', '--silent', 'deploy', '--', 'no-such-template'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('error: template "no-such-template" does not exist in templates/');
});

describe('the default stack name', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-name-'));
    fs.writeFileSync(
      path.join(dir, 'pipeline.json'),
      JSON.stringify({
        Parameters: { ProjectName: { Type: 'String' }, ServiceName: { Type: 'String' }, EnvironmentSuffix: { Type: 'String' } },
        Resources: { T: { Type: 'AWS::SNS::Topic' } },
      }),
    );
    fs.writeFileSync(path.join(dir, 'web.json'), JSON.stringify({ Parameters: { ProjectName: 'shop', ServiceName: 'web', EnvironmentSuffix: 'tools' } }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('is {ProjectName}-{template}-{EnvironmentSuffix}', () => {
    expect(planDeploy(parseArgs(DEPLOY_SPEC, ['member-roles', '--parameters', DEV])).stackName).toBe('shop-member-roles-dev');
  });

  test('puts the ServiceName before the template when there is one', () => {
    expect(planDeploy(parseArgs(DEPLOY_SPEC, ['pipeline', '--templates-dir', dir, '--parameters', path.join(dir, 'web.json')])).stackName).toBe('shop-web-pipeline-tools');
  });
});

describe('deploy of a service template', () => {
  const PARAMETERS = path.join(ROOT, 'templates', 'parameters', 'ecs-service', 'web', 'prod.json');

  test.each(['ecs-service', 'ecs-service-rolling'])('the committed %s is refused with the render command, before any AWS call', async (template) => {
    const file = template === 'ecs-service' ? PARAMETERS : path.join(ROOT, 'templates', 'parameters', 'ecs-service-rolling', 'orders', 'dev.json');
    const r = await run(deploy, [template, '--parameters', file]);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('is a service template before rendering (ImageUri has no value)');
    expect(r.err).toContain('node scripts/render-service-template.js --templates-dir templates');
  });

  /** scripts/render-service-template.js, as the deploy step runs it, for one service and environment into `out`. */
  const renderServiceTemplate = (templatesDir: string, service: string, environment: string, out: string) =>
    spawnSync(
      'node',
      [
        path.join(ROOT, 'scripts', 'render-service-template.js'),
        ...['--templates-dir', templatesDir, '--service', service, '--environment', environment],
        ...['--image', `111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-${service}-tools:3f2a9c1`, '--region', 'eu-west-1', '--out-dir', out],
      ],
      { encoding: 'utf8' },
    );

  test.each(exampleConfig().services.flatMap((svc) => exampleConfig().environments.map((env) => [svc.name, env.name] as const)))(
    'the rendered template of %s in %s stays under the 51,200-byte body limit',
    (service, environment) => {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rendered-'));
      try {
        const r = renderServiceTemplate(TEMPLATES_DIR, service, environment, out);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        expect(fs.statSync(path.join(out, `${environment}.json`)).size).toBeLessThanOrEqual(TEMPLATE_BODY_LIMIT_BYTES);
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    },
  );

  test('the rendered template is accepted', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rendered-'));
    try {
      const r = renderServiceTemplate(path.join(ROOT, 'templates'), 'web', 'prod', out);
      expect(r.status).toBe(0);
      const plan = planDeploy(parseArgs(DEPLOY_SPEC, ['prod', '--templates-dir', out, '--parameters', path.join(out, 'prod.config.json'), '--stack-name', 'shop-web-prod']));
      expect(plan.parameters.ServiceName).toBe('web');
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});

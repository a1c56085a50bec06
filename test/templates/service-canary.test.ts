/**
 * service-canary.json: one Synthetics canary per service and environment, its artifact
 * bucket, role and alarm, and what execution-role.json lets CloudFormation do with them.
 */
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { NAME_RULES, canaryName } from '../../generator/core/naming';
import { MAX_LENGTH } from '../../generator/core/parameters';
import { HTTPS_PORT } from '../../generator/blocks/https';
import { StringParameter } from '../../generator/core/template';
import { ResolvedConfig } from '../../generator/config/types';
import { ECS_SERVICE_TEMPLATE_FILES } from '../../generator/templates/ecs-service';
import { ECS_SERVICE_IDS, PRODUCTION_PORT } from '../../generator/contracts/service';
import {
  ARTIFACT_EXPIRY_DAYS,
  ARTIFACT_PREFIX,
  CANARY_RATE_MINUTES,
  CANARY_TIMEOUT_SECONDS,
  FAILURE_RETENTION_DAYS,
  SERVICE_CANARY_FILE,
  SERVICE_CANARY_IDS as ID,
  SUCCESS_RETENTION_DAYS,
  serviceCanaryParameterFiles,
} from '../../generator/templates/service-canary';
import { TEMPLATES_DIR, exampleConfig, loadTemplate, policyStatements, resolve, roleStatements, resource } from '../helpers/template';
import { longestValues } from '../helpers/names';

const t = loadTemplate(SERVICE_CANARY_FILE);
const bg = loadTemplate(ECS_SERVICE_TEMPLATE_FILES['blue-green']);
const executionRole = loadTemplate('execution-role.json');
const config = exampleConfig();
const PSEUDO: Record<string, string> = { 'AWS::Region': 'eu-west-1', 'AWS::AccountId': '444444444444', 'AWS::Partition': 'aws' };

function parameters(file: string): Record<string, string> {
  return JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, file), 'utf8')).Parameters;
}

const values: Record<string, string> = { ...parameters('parameters/service-canary/web/prod.json'), ...PSEUDO, 'ArtifactBucket.Arn': 'arn:aws:s3:::shop-web-canary-prod-444444444444' };
const props = (id: string) => resource(t, id).Properties!;
const canary = props(ID.canary);
const env = (canary.RunConfig as { EnvironmentVariables: Record<string, unknown> }).EnvironmentVariables;

describe('service-canary.json', () => {
  test('holds the canary, its artifact bucket and bucket policy, its role and its alarm, nothing else', () => {
    expect(Object.entries(t.Resources).map(([id, r]) => `${id} ${r.Type}`).sort()).toEqual([
      `${ID.alarm} AWS::CloudWatch::Alarm`,
      `${ID.canaryRole} AWS::IAM::Role`,
      `${ID.artifactBucket} AWS::S3::Bucket`,
      `${ID.artifactBucketPolicy} AWS::S3::BucketPolicy`,
      `${ID.canary} AWS::Synthetics::Canary`,
    ].sort());
    expect(t.Transform).toBeUndefined();
  });

  test('a current Node.js Puppeteer runtime that has the @aws/synthetics-* modules (13.1 and later)', () => {
    const m = /^syn-nodejs-puppeteer-(\d+)\.(\d+)$/.exec(canary.RuntimeVersion as string);
    expect(m).not.toBeNull();
    const [major, minor] = [Number(m![1]), Number(m![2])];
    expect(major > 13 || (major === 13 && minor >= 1)).toBe(true);
  });

  test('inline script with a handler; starts after creation and runs every few minutes, each run well inside the schedule', () => {
    expect(canary.Code).toEqual({ Handler: 'index.handler', Script: expect.any(String) });
    expect(canary.StartCanaryAfterCreation).toBe(true);
    expect(canary.Schedule).toEqual({ Expression: `rate(${CANARY_RATE_MINUTES} minutes)` });
    expect(CANARY_TIMEOUT_SECONDS).toBeLessThan(CANARY_RATE_MINUTES * 60);
    expect(canary.RunConfig).toMatchObject({ TimeoutInSeconds: CANARY_TIMEOUT_SECONDS });
    expect(canary.ProvisionedResourceCleanup).toBe('AUTOMATIC');
    expect(canary.VPCConfig).toBeUndefined();
  });

  test("finds the load balancer the service stack names, and calls the production listener on the service's health path", () => {
    const serviceValues = { ...parameters('parameters/ecs-service/web/prod.json'), ...PSEUDO };
    const lbName = resolve(resource(bg, ECS_SERVICE_IDS.loadBalancer).Properties!.Name, serviceValues);
    expect(resolve(env.LOAD_BALANCER_NAME, values)).toBe(lbName);
    expect(env.PORT).toEqual({ 'Fn::If': [ID.usesHttps, String(HTTPS_PORT), String(PRODUCTION_PORT)] });
    expect(t.Conditions![ID.usesHttps]).toEqual({ 'Fn::Equals': [{ Ref: ID.checkProtocol }, 'https'] });
    expect(resolve(env.CHECK_PATH, values)).toBe(serviceValues[ECS_SERVICE_IDS.healthCheckPath]);
  });

  test('HTTPS exactly where the production listener has a certificate; the public host name where one is configured', () => {
    expect(t.Parameters![ID.checkProtocol]).toMatchObject({ Default: 'http', AllowedValues: ['http', 'https'] });
    expect(t.Parameters![ID.publicHostname]).toMatchObject({ Default: '' });
    for (const svc of config.services) {
      for (const e of config.environments) {
        const p = parameters(`parameters/service-canary/${svc.name}/${e.name}.json`);
        const settings = svc.environments[e.name];
        expect([svc.name, e.name, p[ID.checkProtocol] ?? 'http']).toEqual([svc.name, e.name, settings.certificateArn ? 'https' : 'http']);
        expect(p[ID.publicHostname]).toBe(settings.publicHostname);
      }
    }
    const pattern = new RegExp((t.Parameters![ID.publicHostname] as StringParameter).AllowedPattern!);
    for (const ok of ['', 'shop.example.com', 'a.b.example.co.uk']) expect([ok, pattern.test(ok)]).toEqual([ok, true]);
    for (const bad of ['https://shop.example.com', 'shop', 'Shop.example.com', 'shop.example.com/health', '-shop.example.com']) expect([bad, pattern.test(bad)]).toEqual([bad, false]);
  });

  test('artifacts: an encrypted, private, TLS-only bucket whose objects expire once the canary forgets the runs', () => {
    const bucket = props(ID.artifactBucket);
    expect(bucket.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    expect(Object.values(bucket.PublicAccessBlockConfiguration as Record<string, boolean>)).toEqual([true, true, true, true]);
    const rules = (bucket.LifecycleConfiguration as { Rules: Array<Record<string, unknown>> }).Rules;
    expect(rules.find((r) => r.ExpirationInDays !== undefined)?.ExpirationInDays).toBe(ARTIFACT_EXPIRY_DAYS);
    expect(ARTIFACT_EXPIRY_DAYS).toBeGreaterThanOrEqual(Math.max(SUCCESS_RETENTION_DAYS, FAILURE_RETENTION_DAYS));
    expect(canary).toMatchObject({ SuccessRetentionPeriod: SUCCESS_RETENTION_DAYS, FailureRetentionPeriod: FAILURE_RETENTION_DAYS });
    expect(resolve(canary.ArtifactS3Location, { ...values, ArtifactBucket: 'b' })).toBe(`s3://b/${ARTIFACT_PREFIX}`);
    const deny = policyStatements(resource(t, ID.artifactBucketPolicy)).find((s) => s.Effect === 'Deny')!;
    expect(deny.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
  });

  test('the role: workload path, trusted by Lambda, and exactly the documented canary permissions plus the load balancer lookup', () => {
    const role = resource(t, ID.canaryRole);
    expect(role.Properties!.Path).toEqual({ 'Fn::Sub': '/${ProjectName}-workload/' });
    expect(JSON.stringify(role.Properties!.AssumeRolePolicyDocument)).toContain('lambda.amazonaws.com');
    const allowed = policyStatements(role).filter((s) => s.Effect === 'Allow' && !s.Principal);
    const arn = (r: unknown) => {
      const getAtt = (r as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
      return getAtt ? values[getAtt.join('.')] : resolve(r, values);
    };
    const grants = Object.fromEntries(allowed.map((s) => [(s.Action as string[]).join(' '), s.Resource === '*' ? '*' : (s.Resource as unknown[]).map(arn)]));
    expect(grants).toEqual({
      's3:PutObject': [`arn:aws:s3:::shop-web-canary-prod-444444444444/${ARTIFACT_PREFIX}/*`],
      's3:GetBucketLocation': ['arn:aws:s3:::shop-web-canary-prod-444444444444'],
      's3:ListAllMyBuckets': '*',
      'logs:CreateLogGroup logs:CreateLogStream logs:PutLogEvents': ['arn:aws:logs:eu-west-1:444444444444:log-group:/aws/lambda/cwsyn-web-prod-*'],
      'cloudwatch:PutMetricData': '*',
      'elasticloadbalancing:DescribeLoadBalancers': '*',
    });
    const metrics = allowed.find((s) => (s.Action as string[]).includes('cloudwatch:PutMetricData'))!;
    expect(metrics.Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': 'CloudWatchSynthetics' } });
  });

  test('the alarm: SuccessPercent of this canary below 100 twice in three runs, named {project}-{service}-canary-{suffix}', () => {
    const alarm = props(ID.alarm);
    expect(resolve(alarm.AlarmName, values)).toBe('shop-web-canary-prod');
    expect(alarm).toMatchObject({
      Namespace: 'CloudWatchSynthetics',
      MetricName: 'SuccessPercent',
      Dimensions: [{ Name: 'CanaryName', Value: { Ref: ID.canary } }],
      Period: CANARY_RATE_MINUTES * 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 100,
      ComparisonOperator: 'LessThanThreshold',
    });
  });

  test('names fit with the longest values every parameter allows', () => {
    const longest = longestValues(t);
    expect((t.Parameters![ID.canaryName] as StringParameter).MaxLength).toBe(NAME_RULES['synthetics-canary'].max);
    expect(canary.Name).toEqual({ Ref: ID.canaryName });
    const bucketName = resolve(props(ID.artifactBucket).BucketName, longest);
    expect(bucketName.length).toBeLessThanOrEqual(NAME_RULES['s3-bucket'].max);
    expect(resolve(props(ID.alarm).AlarmName, longest).length).toBeLessThanOrEqual(NAME_RULES['cloudwatch-alarm'].max);
  });
});

describe('canary names', () => {
  test.each([
    ['web', 'prod', 'web-prod'],
    ['payments-gateway', 'staging', 'payments-gate-staging'],
    ['payments-gateway', 'abcdefghij', 'payments-g-abcdefghij'],
    // the cut would leave a final hyphen: it goes
    ['abcdefghi-klmnop', 'abcdefghij', 'abcdefghi-abcdefghij'],
  ])('%s in %s is %s', (service, suffix, expected) => {
    expect(canaryName(service, suffix)).toBe(expected);
  });

  test('every length of service and suffix the parameters allow fits 21 characters and ends in -{suffix}', () => {
    const rule = NAME_RULES['synthetics-canary'];
    for (let s = 1; s <= MAX_LENGTH.serviceName; s++) {
      for (let x = 2; x <= MAX_LENGTH.environmentSuffix; x++) {
        const suffix = 'b'.repeat(x);
        const name = canaryName('a'.repeat(s), suffix);
        expect(`${name} ${name.length <= rule.max && rule.pattern.test(name) && name.endsWith(`-${suffix}`)}`).toBe(`${name} true`);
      }
    }
  });

  test('one parameter file per service and environment, with the computed name, which the template accepts', () => {
    const files = serviceCanaryParameterFiles(config);
    expect(files.map((f) => f.path).sort()).toEqual(
      config.services.flatMap((s) => config.environments.map((e) => `parameters/service-canary/${s.name}/${e.name}.json`)).sort(),
    );
    const pattern = new RegExp((t.Parameters![ID.canaryName] as StringParameter).AllowedPattern!);
    for (const f of files) {
      const p = f.parameters;
      expect(p[ID.canaryName]).toBe(canaryName(p[ID.serviceName], p[ID.environmentSuffix]));
      expect(pattern.test(p[ID.canaryName])).toBe(true);
    }
  });

  test('two services whose shortened names collide in an environment stop the generation', () => {
    const env = { ...config.environments[0], environmentSuffix: 'abcdefghij' };
    const services = ['paymentsgw1', 'paymentsgw2'].map((name) => ({ ...config.services[0], name }));
    const clash = { ...config, environments: [env], services } as ResolvedConfig;
    expect(() => serviceCanaryParameterFiles(clash)).toThrow(
      'services paymentsgw1 and paymentsgw2 would both name their canary paymentsgw-abcdefghij in environment dev; rename one',
    );
  });
});

/** The canary's environment with one parameter file's values (Fn::If on UsesHttps resolved). */
function canaryEnv(params: Record<string, string>): Record<string, string> {
  const https = params[ID.checkProtocol] === 'https';
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => {
      const branches = (v as { 'Fn::If'?: [string, string, string] })['Fn::If'];
      if (branches) return [k, https ? branches[1] : branches[2]];
      return [k, resolve(v, { [ID.checkProtocol]: 'http', [ID.publicHostname]: '', ...params })];
    }),
  );
}

/** Runs the canary script with a fake Synthetics library and Elastic Load Balancing client. */
async function runCanary(answer: number | 'no-load-balancer', file = 'parameters/service-canary/web/dev.json') {
  const source = (canary.Code as { Script: string }).Script;
  const requests: Array<Record<string, unknown>> = [];
  const lookups: unknown[] = [];
  class DescribeLoadBalancersCommand {
    constructor(readonly input: { Names: string[] }) {}
  }
  const modules: Record<string, unknown> = {
    '@aws/synthetics-puppeteer': {
      async executeHttpStep(_step: string, options: Record<string, unknown>, validate: (res: EventEmitter & { statusCode: number; resume(): void }) => Promise<void>) {
        requests.push(options);
        const res = Object.assign(new EventEmitter(), { statusCode: answer as number, resume: () => setImmediate(() => res.emit('end')) });
        await validate(res);
      },
    },
    '@aws-sdk/client-elastic-load-balancing-v2': {
      DescribeLoadBalancersCommand,
      ElasticLoadBalancingV2Client: class {
        async send(cmd: DescribeLoadBalancersCommand) {
          lookups.push(cmd.input);
          if (answer === 'no-load-balancer') throw new Error('LoadBalancerNotFound');
          return { LoadBalancers: [{ DNSName: 'web-alb-prod-123.eu-west-1.elb.amazonaws.com' }] };
        }
      },
    },
  };
  const processEnv = canaryEnv({ ...parameters(file), ...PSEUDO });
  const module = { exports: {} as { handler?: () => Promise<void> } };
  const wrapper = new vm.Script(`(function (require, module, exports, process) {\n${source}\n})`).runInThisContext();
  wrapper(
    (name: string) => {
      if (!(name in modules)) throw new Error(`the canary script may not require ${name}`);
      return modules[name];
    },
    module,
    module.exports,
    { env: processEnv },
  );
  return { run: module.exports.handler!(), requests, lookups };
}

describe('service-canary.json: the canary script', () => {
  test('needs only the Synthetics library and the SDK v3 client of the runtime', () => {
    const source = (canary.Code as { Script: string }).Script;
    expect(() => new vm.Script(source)).not.toThrow();
    expect([...source.matchAll(/require\('([^']+)'\)/g)].map((m) => m[1]).sort()).toEqual([
      '@aws-sdk/client-elastic-load-balancing-v2',
      '@aws/synthetics-puppeteer',
    ]);
  });

  test('without a certificate: looks the load balancer up by name and passes on a 2xx over HTTP on 80', async () => {
    const { run, requests, lookups } = await runCanary(200);
    await expect(run).resolves.toBeUndefined();
    expect(lookups).toEqual([{ Names: ['web-alb-dev'] }]);
    expect(requests).toEqual([
      { hostname: 'web-alb-prod-123.eu-west-1.elb.amazonaws.com', port: PRODUCTION_PORT, protocol: 'http:', method: 'GET', path: '/health' },
    ]);
  });

  test('with a certificate and a public host name: HTTPS on 443 to that name, fully verified, no lookup', async () => {
    const { run, requests, lookups } = await runCanary(200, 'parameters/service-canary/web/prod.json');
    await expect(run).resolves.toBeUndefined();
    expect(lookups).toEqual([]);
    expect(requests).toEqual([{ hostname: 'shop.example.com', port: HTTPS_PORT, protocol: 'https:', method: 'GET', path: '/health' }]);
  });

  test('with a certificate and no public host name: HTTPS on 443 to the load balancer, the chain verified but not the name', async () => {
    const { run, requests, lookups } = await runCanary(200, 'parameters/service-canary/orders/prod.json');
    await expect(run).resolves.toBeUndefined();
    expect(lookups).toEqual([{ Names: ['orders-alb-prod'] }]);
    expect(requests).toEqual([
      {
        hostname: 'web-alb-prod-123.eu-west-1.elb.amazonaws.com',
        port: HTTPS_PORT,
        protocol: 'https:',
        method: 'GET',
        path: '/health',
        checkServerIdentity: expect.any(Function),
      },
    ]);
    expect((requests[0].checkServerIdentity as () => unknown)()).toBeUndefined();
    expect(requests[0].rejectUnauthorized).toBeUndefined();
  });

  test.each([
    ['an error answer', 503, '/health answered 503'],
    ['a redirect', 302, '/health answered 302'],
    ['a missing load balancer', 'no-load-balancer', 'LoadBalancerNotFound'],
  ] as Array<[string, number | 'no-load-balancer', string]>)('fails the run on %s', async (_name, answer, message) => {
    const { run } = await runCanary(answer);
    await expect(run).rejects.toThrow(message);
  });
});

describe('execution-role.json ExecutionRole and the canary stack', () => {
  const statements = roleStatements(executionRole, 'ExecutionRole');
  const sid = (s: string) => statements.find((x) => x.Sid === s)!;
  const roleValues: Record<string, string> = { ...parameters('parameters/execution-role/prod.json'), ...PSEUDO };

  test('manages canaries whose names end in -{suffix} in this account and region', () => {
    const arns = (sid('Canaries').Resource as unknown[]).map((r) => resolve(r, roleValues));
    expect(arns).toEqual(['arn:aws:synthetics:eu-west-1:444444444444:canary:*-prod']);
    expect(`canary:${values[ID.canaryName]}`).toMatch(/^canary:.*-prod$/);
  });

  test('creates canaries (no resource-level permissions) only with the Project tag of this project', () => {
    const create = sid('CreateCanaries');
    expect(create.Action).toEqual(['synthetics:CreateCanary']);
    expect(create.Resource).toBe('*');
    expect(resolve((create.Condition as { StringEquals: Record<string, unknown> }).StringEquals['aws:RequestTag/Project'], roleValues)).toBe('shop');
  });

  test("manages only the Lambda resources Synthetics makes for canaries, and this project's canary buckets", () => {
    expect((sid('Functions').Resource as unknown[]).map((r) => resolve(r, roleValues))).toContain('arn:aws:lambda:eu-west-1:444444444444:function:cwsyn-*-prod-*');
    expect((sid('Layers').Resource as unknown[]).map((r) => resolve(r, roleValues))).toContain('arn:aws:lambda:eu-west-1:444444444444:layer:cwsyn-*-prod-*');
    const [bucketPattern] = (sid('CanaryArtifactBuckets').Resource as unknown[]).map((r) => resolve(r, roleValues));
    const bucketName = resolve(props(ID.artifactBucket).BucketName, values);
    expect(new RegExp(`^${bucketPattern.replace(/\*/g, '.*')}$`).test(`arn:aws:s3:::${bucketName}`)).toBe(true);
    expect(resolve(props(ID.alarm).AlarmName, values).startsWith(`${roleValues.ProjectName}-`)).toBe(true);
  });
});

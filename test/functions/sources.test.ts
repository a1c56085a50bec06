/**
 * Lambda code under generator/functions: the modules as files (required here, with the
 * runtime's SDK modules faked) and the inlining that puts them in the templates.
 */
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CANARY_SCRIPT_FILE, CODEDEPLOY_CHECK_FILE, DEPLOYMENT_DURATION_FILE, ECS_CHECK_FILE, ZIP_FILE_LIMIT, functionSource } from '../../generator/functions';

const DIR = path.join(__dirname, '..', '..', 'generator', 'functions');

describe('functionSource', () => {
  test('ships the file from its first code line, comments inside the code kept', () => {
    const code = functionSource(DEPLOYMENT_DURATION_FILE, { METRIC_NAME: 'DeploymentDuration', STAGE_DIMENSION: 'Stage' });
    expect(code.startsWith("'use strict';\n// Puts the duration of a deploy stage as the custom metric DeploymentDuration:")).toBe(true);
    expect(code).toContain("Dimensions: [{ Name: 'Stage', Value: stage }]");
    expect(code).not.toContain('${');
  });

  test('a placeholder without a value, or a value without a placeholder, fails', () => {
    expect(() => functionSource(DEPLOYMENT_DURATION_FILE, { METRIC_NAME: 'DeploymentDuration' })).toThrow(
      'generator/functions/deployment-duration.js: no value for the placeholder ${STAGE_DIMENSION}',
    );
    expect(() => functionSource(CANARY_SCRIPT_FILE, { EXTRA: 'x' })).toThrow('generator/functions/service-canary.js: no placeholder for EXTRA');
  });

  test('an include line becomes the part, without its header, in each check function', () => {
    const part = fs.readFileSync(path.join(DIR, 'parts', 'check-verdict.js'), 'utf8');
    const partCode = part.slice(part.indexOf('function probe'));
    for (const [file, ok, failed] of [
      [CODEDEPLOY_CHECK_FILE, 'Succeeded', 'Failed'],
      [ECS_CHECK_FILE, 'SUCCEEDED', 'FAILED'],
    ] as const) {
      const code = functionSource(file, { SUCCEEDED: ok, FAILED: failed });
      expect(code).not.toContain('@include');
      expect(code).not.toContain('/* global');
      expect(code).toContain(`${partCode.replace(/\$\{SUCCEEDED\}/g, ok).replace(/\$\{FAILED\}/g, failed)}\nexports.handler = async (event) => {`);
      expect(code.length).toBeLessThanOrEqual(ZIP_FILE_LIMIT);
    }
  });
});

describe('service-canary.js as a module', () => {
  const steps: Record<string, unknown>[] = [];
  let statusCode = 200;
  jest.mock(
    '@aws/synthetics-puppeteer',
    () => ({
      async executeHttpStep(_name: string, options: Record<string, unknown>, validate: (res: EventEmitter & { statusCode: number; resume(): void }) => Promise<void>) {
        steps.push(options);
        const res = Object.assign(new EventEmitter(), { statusCode, resume: () => setImmediate(() => res.emit('end')) });
        await validate(res);
      },
    }),
    { virtual: true },
  );
  jest.mock(
    '@aws-sdk/client-elastic-load-balancing-v2',
    () => ({
      DescribeLoadBalancersCommand: class {
        constructor(readonly input: unknown) {}
      },
      ElasticLoadBalancingV2Client: class {
        async send() {
          return { LoadBalancers: [{ DNSName: 'lb-1.eu-west-1.elb.amazonaws.com' }] };
        }
      },
    }),
    { virtual: true },
  );

  beforeEach(() => {
    steps.length = 0;
    process.env.CHECK_PATH = '/health';
    process.env.PROTOCOL = 'http';
    process.env.PORT = '80';
    process.env.LOAD_BALANCER_NAME = 'web-alb-dev';
    delete process.env.PUBLIC_HOSTNAME;
  });

  test('passes on a 2xx from the load balancer it looks up, fails on a 5xx', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const canary = require(path.join(DIR, CANARY_SCRIPT_FILE)) as { handler: () => Promise<void> };
    statusCode = 204;
    await expect(canary.handler()).resolves.toBeUndefined();
    expect(steps).toEqual([{ hostname: 'lb-1.eu-west-1.elb.amazonaws.com', port: 80, protocol: 'http:', method: 'GET', path: '/health' }]);
    statusCode = 503;
    await expect(canary.handler()).rejects.toThrow('/health answered 503');
  });
});

describe('deployment-duration.js as a module', () => {
  const puts: Array<{ MetricData: Array<{ Value: number; Dimensions: unknown }> }> = [];
  const pages: Array<Record<string, unknown>> = [];
  jest.mock(
    '@aws-sdk/client-codepipeline',
    () => ({
      ListActionExecutionsCommand: class {
        constructor(readonly input: unknown) {}
      },
      CodePipelineClient: class {
        async send() {
          return pages.shift() ?? {};
        }
      },
    }),
    { virtual: true },
  );
  jest.mock(
    '@aws-sdk/client-cloudwatch',
    () => ({
      PutMetricDataCommand: class {
        constructor(readonly input: unknown) {}
      },
      CloudWatchClient: class {
        async send(command: { input: (typeof puts)[number] }) {
          puts.push(command.input);
          return {};
        }
      },
    }),
    { virtual: true },
  );

  test("puts the seconds from the earliest start of the stage's actions, across pages, to the event", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fn = require(path.join(DIR, DEPLOYMENT_DURATION_FILE)) as { handler: (e: unknown) => Promise<void> };
    pages.push(
      {
        actionExecutionDetails: [
          { stageName: 'Deploy-prod', startTime: '2026-11-20T10:01:00Z' },
          { stageName: 'Build', startTime: '2026-11-20T09:00:00Z' },
        ],
        nextToken: 'n',
      },
      { actionExecutionDetails: [{ stageName: 'Deploy-prod', startTime: '2026-11-20T10:00:00Z' }] },
    );
    await fn.handler({ time: '2026-11-20T10:05:00Z', detail: { pipeline: 'p', stage: 'Deploy-prod', state: 'SUCCEEDED', 'execution-id': 'e' } });
    expect(puts.map((p) => p.MetricData[0].Value)).toEqual([300]);
    // As a file, the dimension name is still the placeholder that functionSource fills in.
    expect(puts[0].MetricData[0].Dimensions).toEqual([{ Name: '${STAGE_DIMENSION}', Value: 'Deploy-prod' }]);
  });
});

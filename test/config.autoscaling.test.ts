/**
 * `services[].environments.ENV.autoScaling` and `publicHostname`: every refusal names the
 * field, the value and what is allowed; what AWS does not support for a strategy is
 * refused with the reason. The example's services: [0] web (blue-green hook; staging
 * scales), [1] orders (dev rolling and scaling on CPU and requests, staging and prod
 * ecs-blue-green, prod scaling on CPU).
 */
import * as fs from 'node:fs';
import { CONFIG_SCHEMA_PATH, ConfigError, parseConfig } from '../generator/config/load';
import { PATTERNS } from '../generator/core/parameters';
import { AUTO_SCALING_DEFAULTS, COOLDOWN_RANGE, CPU_TARGET_RANGE, MAX_TASKS_PER_SERVICE, MIN_TASK_COUNT, REQUESTS_PER_TARGET_RANGE } from '../generator/config/autoscaling';
import { RawConfig, exampleRaw } from './helpers/config';

function problemsOf(edit: (c: RawConfig) => void): readonly string[] {
  const c = exampleRaw();
  edit(c);
  try {
    parseConfig(JSON.stringify(c), 'config.json');
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

const DEV = 'services[1].environments.dev';
const REQUESTS_REASON = (strategy: string) =>
  `request-count tracking (ALBRequestCountPerTarget) follows one target group, and with deploymentStrategy "${strategy}" production traffic moves to the other target group at every deployment, leaving the policy without requests; use cpuTargetPercent, or deploymentStrategy "rolling"`;

const CASES: ReadonlyArray<readonly [string, (c: RawConfig) => void, readonly string[]]> = [
  [
    'a minimum above the maximum',
    (c) => (c.services[1].environments.dev.autoScaling.minCount = 5),
    [`${DEV}.autoScaling.minCount: 5 is above maxCount 4; the scaler keeps the task count between the two`],
  ],
  ['a maximum above the tasks-per-service quota', (c) => (c.services[1].environments.dev.autoScaling.maxCount = 5001), [`${DEV}.autoScaling.maxCount: 5001 must be at most 5000`]],
  ['a minimum of zero', (c) => (c.services[1].environments.dev.autoScaling.minCount = 0), [`${DEV}.autoScaling.minCount: 0 must be at least 1`]],
  ['no maximum', (c) => delete c.services[1].environments.dev.autoScaling.maxCount, [`${DEV}.autoScaling.maxCount: is required`]],
  [
    'no policy',
    (c) => {
      delete c.services[1].environments.dev.autoScaling.cpuTargetPercent;
      delete c.services[1].environments.dev.autoScaling.requestsPerTarget;
    },
    [`${DEV}.autoScaling: names no policy; give cpuTargetPercent, requestsPerTarget or both (without one the task count would stay at minCount)`],
  ],
  ['a CPU target of 0 percent', (c) => (c.services[1].environments.dev.autoScaling.cpuTargetPercent = 0), [`${DEV}.autoScaling.cpuTargetPercent: 0 must be at least 1`]],
  ['a CPU target above 100 percent', (c) => (c.services[1].environments.dev.autoScaling.cpuTargetPercent = 101), [`${DEV}.autoScaling.cpuTargetPercent: 101 must be at most 100`]],
  ['a fractional CPU target', (c) => (c.services[1].environments.dev.autoScaling.cpuTargetPercent = 62.5), [`${DEV}.autoScaling.cpuTargetPercent: 62.5 must be an integer`]],
  ['no requests per target', (c) => (c.services[1].environments.dev.autoScaling.requestsPerTarget = 0), [`${DEV}.autoScaling.requestsPerTarget: 0 must be at least 1`]],
  [
    'a scale-in cooldown over an hour',
    (c) => (c.services[1].environments.dev.autoScaling.scaleInCooldownSeconds = 3601),
    [`${DEV}.autoScaling.scaleInCooldownSeconds: 3601 must be at most 3600`],
  ],
  [
    'a negative scale-out cooldown',
    (c) => (c.services[1].environments.dev.autoScaling.scaleOutCooldownSeconds = -1),
    [`${DEV}.autoScaling.scaleOutCooldownSeconds: -1 must be at least 0`],
  ],
  [
    'a scale-in switch given as text',
    (c) => (c.services[1].environments.dev.autoScaling.disableScaleIn = 'yes'),
    [`${DEV}.autoScaling.disableScaleIn: "yes" must be true or false`],
  ],
  [
    'an unknown key',
    (c) => (c.services[1].environments.dev.autoScaling.memoryTargetPercent = 70),
    [
      `${DEV}.autoScaling.memoryTargetPercent: unknown key; allowed here: minCount, maxCount, cpuTargetPercent, requestsPerTarget, scaleInCooldownSeconds, scaleOutCooldownSeconds, disableScaleIn`,
    ],
  ],
  [
    'a desired count beside it',
    (c) => (c.services[1].environments.dev.desiredCount = 2),
    [`${DEV}.desiredCount: has no effect with autoScaling, which sets the task count between minCount and maxCount; remove one of them`],
  ],
  [
    'request tracking with the blue/green hook (the default strategy)',
    (c) => (c.services[0].environments.staging.autoScaling.requestsPerTarget = 500),
    [`services[0].environments.staging.autoScaling.requestsPerTarget: ${REQUESTS_REASON('blue-green')}`],
  ],
  [
    'request tracking with ECS-native blue/green',
    (c) => (c.services[1].environments.prod.autoScaling.requestsPerTarget = 500),
    [`services[1].environments.prod.autoScaling.requestsPerTarget: ${REQUESTS_REASON('ecs-blue-green')}`],
  ],
  [
    'request tracking kept when dev moves to the blue/green hook',
    (c) => (c.services[1].environments.dev.deploymentStrategy = 'blue-green'),
    [`${DEV}.autoScaling.requestsPerTarget: ${REQUESTS_REASON('blue-green')}`],
  ],
  [
    'a public host name given as a URL',
    (c) => (c.services[0].environments.prod.publicHostname = 'https://shop.example.com'),
    ['services[0].environments.prod.publicHostname: "https://shop.example.com" must match ^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$'],
  ],
  [
    'a public host name in capitals',
    (c) => (c.services[0].environments.prod.publicHostname = 'Shop.Example.com'),
    ['services[0].environments.prod.publicHostname: "Shop.Example.com" must match ^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$'],
  ],
];

describe('autoScaling and publicHostname: refused with the field, the value and the reason', () => {
  test('the example itself is accepted', () => {
    expect(problemsOf(() => undefined)).toEqual([]);
  });

  test.each(CASES)('%s', (_name, edit, problems) => {
    expect(problemsOf(edit)).toEqual(problems);
  });

  test('scaling on CPU alone is accepted with every strategy, and disableScaleIn with it', () => {
    expect(
      problemsOf((c) => {
        c.services[1].environments.staging.autoScaling = { minCount: 1, maxCount: 1, cpuTargetPercent: 50, disableScaleIn: true };
        c.services[0].environments.dev = { autoScaling: { minCount: 1, maxCount: 5000, cpuTargetPercent: 100 } };
      }),
    ).toEqual([]);
  });

  const schemaEnv = () => JSON.parse(fs.readFileSync(CONFIG_SCHEMA_PATH, 'utf8')).properties.services.items.properties.environments.additionalProperties.properties;

  test('publicHostname has the pattern the canary template takes', () => {
    expect(schemaEnv().publicHostname.pattern).toBe(PATTERNS.hostname);
  });

  test("the schema's limits are the generator's (config/autoscaling.ts), which the templates' parameters use", () => {
    const p = schemaEnv().autoScaling.properties;
    const range = (k: string) => ({ min: p[k].minimum, max: p[k].maximum });
    expect(range('minCount')).toEqual({ min: MIN_TASK_COUNT, max: MAX_TASKS_PER_SERVICE });
    expect(range('maxCount')).toEqual({ min: MIN_TASK_COUNT, max: MAX_TASKS_PER_SERVICE });
    expect(range('cpuTargetPercent')).toEqual(CPU_TARGET_RANGE);
    expect(range('requestsPerTarget')).toEqual(REQUESTS_PER_TARGET_RANGE);
    expect(range('scaleInCooldownSeconds')).toEqual(COOLDOWN_RANGE);
    expect(range('scaleOutCooldownSeconds')).toEqual(COOLDOWN_RANGE);
    expect(p.scaleInCooldownSeconds.description).toContain(`Default ${AUTO_SCALING_DEFAULTS.scaleInCooldownSeconds}`);
    expect(p.scaleOutCooldownSeconds.description).toContain(`Default ${AUTO_SCALING_DEFAULTS.scaleOutCooldownSeconds}`);
  });

  test('the resolved configuration carries the defaults', () => {
    const config = parseConfig(JSON.stringify(exampleRaw()), 'config.json');
    const orders = config.services.find((s) => s.name === 'orders')!;
    expect(orders.environments.dev.autoScaling).toEqual({
      minCount: 1,
      maxCount: 4,
      cpuTargetPercent: 70,
      requestsPerTarget: 1000,
      scaleInCooldownSeconds: 300,
      scaleOutCooldownSeconds: 60,
      disableScaleIn: false,
    });
    expect(orders.environments.staging.autoScaling).toBeUndefined();
    expect(config.services[0].environments.prod.publicHostname).toBe('shop.example.com');
  });
});

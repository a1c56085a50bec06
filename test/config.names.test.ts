/**
 * The configuration check measures the names the templates will give from the same
 * parts functions the templates use (core/naming). Within the schema's limits every one of
 * them fits; the check names the field when a name would not.
 */
import { nameProblems, parseConfig } from '../generator/config/load';
import { CONFIGURED_NAMES, NAME_RULES, NameShape, measureName } from '../generator/core/naming';
import { MAX_LENGTH } from '../generator/core/parameters';
import { exampleRaw } from './helpers/config';

const longest = {
  project: 'p'.repeat(MAX_LENGTH.projectName),
  service: 's'.repeat(MAX_LENGTH.serviceName),
  suffix: 'x'.repeat(MAX_LENGTH.environmentSuffix),
};

/** The example with every name part at the longest the schema allows. */
function longestConfig() {
  const c = exampleRaw();
  c.project.name = `p${'-'.repeat(MAX_LENGTH.projectName - 2)}p`;
  c.tools.environmentSuffix = `t${'0'.repeat(MAX_LENGTH.environmentSuffix - 1)}`;
  c.environments.forEach((e: { environmentSuffix?: string }, i: number) => (e.environmentSuffix = `e${String(i).repeat(MAX_LENGTH.environmentSuffix - 1)}`));
  c.services.forEach((s: { name: string }, i: number) => (s.name = `s${String(i).repeat(MAX_LENGTH.serviceName - 1)}`));
  return c;
}

describe('configured names', () => {
  test.each(CONFIGURED_NAMES.map((n) => [`${n.what} (${n.kind})`, n] as const))('%s fits its limit with every part at its longest', (_what, shape) => {
    const m = measureName(shape.kind, shape.parts(longest));
    expect(m.problem).toBeUndefined();
    expect(m.length).toBeLessThanOrEqual(NAME_RULES[shape.kind].max);
  });

  test('a configuration with every name part at its longest is accepted', () => {
    expect(() => parseConfig(JSON.stringify(longestConfig()), 'longest.json')).not.toThrow();
    expect(nameProblems(longestConfig())).toEqual([]);
  });

  test('a name that would not fit is refused, naming the service and the suffix that make it', () => {
    // A Synthetics canary name allows 21 characters: `{service}-{suffix}` can reach 27.
    const canary: NameShape = { what: 'Synthetics canary', kind: 'synthetics-canary', scope: 'service-environment', parts: (v) => [v.service, '-', v.suffix] };
    const c = exampleRaw();
    c.services[1].name = 'checkout-service';
    c.environments[2].environmentSuffix = 'production';
    expect(nameProblems(c, [canary])).toEqual([
      'services[1].name: "checkout-service" with environment suffix "staging" (environments[1].name) makes the Synthetics canary name "checkout-service-staging", which is 24 characters long; the limit is 21',
      'services[1].name: "checkout-service" with environment suffix "production" (environments[2].environmentSuffix) makes the Synthetics canary name "checkout-service-production", which is 27 characters long; the limit is 21',
    ]);
  });

  test('a name per environment and a name in the tools account name their fields', () => {
    const shared: NameShape = { what: 'shared load balancer', kind: 'alb', scope: 'environment', parts: (v) => [v.project, '-shared-balancer-', v.suffix] };
    const tools: NameShape = { what: 'tools load balancer', kind: 'alb', scope: 'service-tools', parts: (v) => [v.project, '-', v.service, '-', v.suffix] };
    const c = exampleRaw();
    c.project.name = 'webshop-eu';
    c.environments[1].environmentSuffix = 'stagingeu';
    c.services[1].name = 'order-processing';
    expect(nameProblems(c, [shared, tools])).toEqual([
      'environments[1].environmentSuffix: environment suffix "stagingeu" with project.name "webshop-eu" makes the shared load balancer name "webshop-eu-shared-balancer-stagingeu", which is 36 characters long; the limit is 32',
      'services[1].name: "order-processing" with project.name "webshop-eu" and tools.environmentSuffix "tools" makes the tools load balancer name "webshop-eu-order-processing-tools", which is 33 characters long; the limit is 32',
    ]);
  });

  test('two services that would get the same name in one environment are refused', () => {
    // A name shortened to fit its limit, as `{service}-{suffix}` cut to 21 characters.
    const shortened: NameShape = {
      what: 'Synthetics canary',
      kind: 'synthetics-canary',
      scope: 'service-environment',
      parts: (v) => [`${String(v.service).slice(0, 20 - String(v.suffix).length)}-${String(v.suffix)}`],
    };
    const c = exampleRaw();
    c.services[0].name = 'checkout-service';
    c.services[1].name = 'checkout-servic2';
    expect(nameProblems(c, [shortened])).toEqual([
      'services[1].name: "checkout-servic2" gives the Synthetics canary name "checkout-serv-staging" in staging, as services[0].name "checkout-service" does; the names must differ',
    ]);
  });

  test('names with the region are measured with the longest region code', () => {
    const role = CONFIGURED_NAMES.find((n) => n.kind === 'iam-role')!;
    const m = measureName(role.kind, role.parts({ project: 'shop', service: '', suffix: 'dev' }));
    expect(m.name).toBe('shop-cfn-exec-dev-${AWS::Region}');
    expect(m.length).toBe('shop-cfn-exec-dev-'.length + 16);
  });

  test('the artifact bucket name counts the 12-digit account ID and checks the character set', () => {
    const bucket = CONFIGURED_NAMES.find((n) => n.kind === 's3-bucket')!;
    expect(measureName(bucket.kind, bucket.parts(longest)).length).toBe(63);
    expect(measureName('s3-bucket', ['Shop-', 'AWS::AccountId']).problem).toBe('must match ^[a-z0-9][a-z0-9.-]*[a-z0-9]$');
  });
});

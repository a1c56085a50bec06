/**
 * The configuration check measures the names the templates will give from the same
 * parts functions the templates use (naming.ts). These tests pin which names can
 * never be too long for a valid configuration and which the check has to refuse.
 */
import { CONFIGURED_NAMES, NAME_RULES, measureName } from '../generator/core/naming';
import { MAX_LENGTH } from '../generator/core/parameters';

const longest = {
  project: 'p'.repeat(MAX_LENGTH.projectName),
  service: 's'.repeat(MAX_LENGTH.serviceName),
  suffix: 'x'.repeat(MAX_LENGTH.environmentSuffix),
};

describe('configured names', () => {
  test.each(CONFIGURED_NAMES.filter((n) => n.kind !== 'synthetics-canary').map((n) => [n.what, n] as const))(
    '%s fits its limit with every part at its longest',
    (_what, shape) => {
      const m = measureName(shape.kind, shape.parts(longest));
      expect(m.problem).toBeUndefined();
      expect(m.length).toBeLessThanOrEqual(NAME_RULES[shape.kind].max);
    },
  );

  test('the canary name can exceed 21 characters, so the configuration check must refuse it', () => {
    const canary = CONFIGURED_NAMES.find((n) => n.kind === 'synthetics-canary');
    expect(canary).toBeDefined();
    expect(measureName('synthetics-canary', canary!.parts(longest))).toEqual({
      name: `${longest.service}-${longest.suffix}`,
      length: 27,
      problem: 'is 27 characters long; the limit is 21',
    });
    expect(measureName('synthetics-canary', canary!.parts({ ...longest, service: 'web', suffix: 'prod' }))).toEqual({ name: 'web-prod', length: 8 });
  });

  test('names with the region are measured with the longest region code', () => {
    const role = CONFIGURED_NAMES.find((n) => n.kind === 'iam-role')!;
    const m = measureName(role.kind, role.parts({ project: 'shop', service: '', suffix: 'dev' }));
    expect(m.name).toBe('shop-cfn-deploy-dev-${AWS::Region}');
    expect(m.length).toBe('shop-cfn-deploy-dev-'.length + 16);
  });

  test('the artifact bucket name counts the 12-digit account ID', () => {
    const bucket = CONFIGURED_NAMES.find((n) => n.kind === 's3-bucket')!;
    const m = measureName(bucket.kind, bucket.parts(longest));
    expect(m.length).toBe(63);
    expect(measureName('s3-bucket', ['Shop-', 'AWS::AccountId']).problem).toBe('must match ^[a-z0-9][a-z0-9.-]*[a-z0-9]$');
  });
});

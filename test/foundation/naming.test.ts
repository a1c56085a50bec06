import {
  NAME_RULES,
  NameError,
  memberRoleName,
  physicalName,
  serviceDeployRoleName,
  serviceDeployRoleNameParts,
  standardName,
  stackName,
  worstCase,
} from '../../generator/core/naming';
import { ENVIRONMENT_SUFFIX, PROJECT_NAME, SERVICE_NAME } from '../../generator/core/parameters';
import { TemplateBuilder } from '../../generator/core/template';

function params() {
  const t = new TemplateBuilder('naming');
  return {
    project: t.parameter('ProjectName', PROJECT_NAME),
    service: t.parameter('ServiceName', SERVICE_NAME),
    suffix: t.parameter('EnvironmentSuffix', ENVIRONMENT_SUFFIX),
    unbounded: t.parameter('Free', { Type: 'String', Description: 'no MaxLength' }),
    t,
  };
}

describe('naming', () => {
  test('builds {project}-{service}-{type}-{suffix} as Fn::Sub', () => {
    const p = params();
    expect(standardName('codebuild-project', 'build', p)).toEqual({ 'Fn::Sub': '${ProjectName}-${ServiceName}-build-${EnvironmentSuffix}' });
    expect(physicalName('sns-topic', ['alerts-', 'x'])).toBe('alerts-x');
  });

  test('the worst case uses every parameter at its MaxLength and the longest region', () => {
    const p = params();
    expect(worstCase([p.project, '-', p.suffix, '-', 'AWS::Region']).length).toBe(12 + 1 + 10 + 1 + 16);
  });

  test('a name that can outgrow its limit is refused at generation time', () => {
    const p = params();
    // 12 + 16 + "-" x3 + "alb" + 10 = 44 > 32
    expect(() => standardName('alb', 'alb', p)).toThrow(NameError);
    expect(() => standardName('alb', 'alb', p)).toThrow('can reach 44 characters with the longest allowed values; the limit is 32');
    expect(() => physicalName('iam-role', [p.unbounded])).toThrow('parameter Free is part of a resource name and needs a MaxLength');
    expect(() => physicalName('s3-bucket', ['Upper-Case'])).toThrow('does not match');
  });

  test('member role names fit 64 characters in every region', () => {
    const p = params();
    for (const role of ['execution', 'codeDeploy'] as const) {
      expect(() => memberRoleName(role, p.project, p.suffix)).not.toThrow();
    }
    // {project 12}-{service 16}-deploy-{suffix 10}-{region 16}: 64 exactly.
    expect(worstCase(serviceDeployRoleNameParts(p.project, p.service, p.suffix)).length).toBe(64);
    expect(() => serviceDeployRoleName(p.project, p.service, p.suffix)).not.toThrow();
    expect(NAME_RULES['iam-role'].max).toBe(64);
  });

  test('stack names are checked', () => {
    expect(stackName('shop', 'network', 'dev')).toBe('shop-network-dev');
    expect(() => stackName('shop', 'x'.repeat(130), 'dev')).toThrow('at most 128 characters');
  });
});

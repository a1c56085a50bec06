/**
 * HTTPS on the production listener of every service template (generator/blocks/https.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HTTPS_IDS, TLS_POLICY } from '../../generator/blocks/https';
import { ECS_SERVICE_TEMPLATE_FILES, ecsServiceParameterFilePath } from '../../generator/templates/ecs-service';
import { checkParameterValues } from '../../generator/validate/parameter-values';
import { TEMPLATES_DIR, exampleConfig, loadTemplate, resource } from '../helpers/template';

const templates = Object.entries(ECS_SERVICE_TEMPLATE_FILES).map(([strategy, file]) => [strategy, file, loadTemplate(file)] as const);
const CERT = 'arn:aws:acm:eu-west-1:444444444444:certificate/3f1c2b7a-9d4e-4a5b-8c6d-7e8f9a0b1c2d';
const ifCert = (yes: unknown, no: unknown) => ({ 'Fn::If': [HTTPS_IDS.hasCertificate, yes, no] });
const NO_VALUE = { Ref: 'AWS::NoValue' };

describe.each(templates)('%s (%s): HTTPS with a certificate, HTTP without', (_strategy, _file, t) => {
  test('CertificateArn is optional and must be an ACM certificate ARN', () => {
    expect(t.Parameters![HTTPS_IDS.certificateArn]).toMatchObject({ Type: 'String', Default: '' });
    expect(t.Conditions![HTTPS_IDS.hasCertificate]).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: HTTPS_IDS.certificateArn }, ''] }] });
    const pattern = new RegExp((t.Parameters![HTTPS_IDS.certificateArn] as { AllowedPattern: string }).AllowedPattern);
    for (const ok of ['', CERT, 'arn:aws-cn:acm:cn-north-1:444444444444:certificate/3f1c2b7a-9d4e-4a5b-8c6d-7e8f9a0b1c2d']) expect([ok, pattern.test(ok)]).toEqual([ok, true]);
    for (const bad of ['arn:aws:iam::444444444444:server-certificate/web', `${CERT}x`, ' ', 'arn:aws:acm:eu-west-1:4444:certificate/3f1c2b7a-9d4e-4a5b-8c6d-7e8f9a0b1c2d']) {
      expect([bad, pattern.test(bad)]).toEqual([bad, false]);
    }
  });

  test('the production listener serves HTTPS on 443 with the TLS 1.3 policy when a certificate is given', () => {
    expect(resource(t, 'ProductionListener').Properties).toMatchObject({
      Port: ifCert(443, 80),
      Protocol: ifCert('HTTPS', 'HTTP'),
      Certificates: ifCert([{ CertificateArn: { Ref: HTTPS_IDS.certificateArn } }], NO_VALUE),
      SslPolicy: ifCert(TLS_POLICY, NO_VALUE),
    });
    expect(TLS_POLICY).toMatch(/^ELBSecurityPolicy-TLS13-/);
  });

  test('port 80 then redirects to HTTPS, created after the production listener has left port 80', () => {
    const redirect = resource(t, HTTPS_IDS.httpRedirectListener);
    expect(redirect.Condition).toBe(HTTPS_IDS.hasCertificate);
    expect(redirect.DependsOn).toBe('ProductionListener');
    expect(redirect.Properties).toMatchObject({
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
  });

  test('the load balancer admits 80 always and 443 only with a certificate; the test listener keeps its own rules', () => {
    const ingress = resource(t, 'LoadBalancerSecurityGroup').Properties!.SecurityGroupIngress as unknown[];
    expect(ingress[0]).toMatchObject({ FromPort: 80, ToPort: 80, CidrIp: '0.0.0.0/0' });
    expect(ingress[1]).toEqual(ifCert({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0', Description: 'Production listener (HTTPS)' }, NO_VALUE));
    expect(ingress.slice(2).every((r) => (r as { FromPort: number }).FromPort === 8080)).toBe(true);
  });
});

describe('parameter files', () => {
  const config = exampleConfig();
  const files = config.services.flatMap((svc) =>
    config.environments.map((env) => {
      const settings = svc.environments[env.name];
      const file = ecsServiceParameterFilePath(svc.name, env.name, settings.deploymentStrategy);
      const params = JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, file), 'utf8')).Parameters as Record<string, string>;
      return { svc, env, settings, params };
    }),
  );

  test('carry the configured certificate, and none where there is none', () => {
    const withCert = files.filter((f) => f.params[HTTPS_IDS.certificateArn] !== undefined).map((f) => `${f.svc.name}/${f.env.name}`);
    expect(withCert).toEqual(files.filter((f) => f.settings.certificateArn).map((f) => `${f.svc.name}/${f.env.name}`));
    expect(withCert).toEqual(['web/prod', 'orders/prod']);
  });

  test('a certificate value the template refuses is reported before deployment', () => {
    const t = loadTemplate(ECS_SERVICE_TEMPLATE_FILES['ecs-blue-green']);
    const f = files.find((x) => x.settings.deploymentStrategy === 'ecs-blue-green')!;
    const problems = checkParameterValues(t, { ...f.params, ImageUri: 'r.example.com/shop-orders:1', [HTTPS_IDS.certificateArn]: 'not-an-arn' });
    expect(problems.join('\n')).toContain(HTTPS_IDS.certificateArn);
  });
});

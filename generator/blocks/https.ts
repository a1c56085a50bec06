/**
 * HTTPS on a service's production listener, for every service template: an optional ACM
 * certificate per environment (the `CertificateArn` parameter, empty for none). With
 * one, the production listener serves HTTPS on 443 with AWS's recommended TLS 1.3
 * policy and a second listener on 80 redirects to it; without one, the production
 * listener stays HTTP on 80. The test listener is not touched: it stays HTTP and open
 * only to where the check runs.
 */
import { AWS, ConditionHandle, equals, ifCond, not, ref } from '../core/intrinsics';
import type { EC2SecurityGroupProperties, ElasticLoadBalancingV2ListenerProperties, ItemOf } from '../core/resource-properties';
import { ParameterHandle, ResourceHandle, StringParameter, TemplateBuilder } from '../core/template';

export const HTTPS_IDS = {
  certificateArn: 'CertificateArn',
  hasCertificate: 'HasCertificate',
  httpRedirectListener: 'HttpRedirectListener',
} as const;

export const HTTP_PORT = 80;
export const HTTPS_PORT = 443;

/**
 * The security policy the Elastic Load Balancing User Guide recommends for Application
 * Load Balancers ("Security policies for your Application Load Balancer"): TLS 1.3 and
 * 1.2 with hybrid post-quantum key exchange. CloudFormation's own default would be
 * ELBSecurityPolicy-2016-08, so the policy is always named.
 */
export const TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09';

/** An ACM certificate ARN, or empty for HTTP only. */
export const ACM_CERTIFICATE_ARN_PATTERN = '^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

const CERTIFICATE_ARN: StringParameter = {
  Type: 'String',
  Description: 'ACM certificate of the production listener (same account and region); empty: HTTP on port 80 only',
  Default: '',
  AllowedPattern: `^$|${ACM_CERTIFICATE_ARN_PATTERN.slice(1)}`,
  MaxLength: 2048,
  ConstraintDescription: 'empty, or arn:aws:acm:REGION:ACCOUNT:certificate/UUID',
};

export interface Https {
  readonly certificate: ParameterHandle<string>;
  readonly enabled: ConditionHandle;
}

export function httpsParameter(t: TemplateBuilder): Https {
  const certificate = t.parameter(HTTPS_IDS.certificateArn, CERTIFICATE_ARN);
  return { certificate, enabled: t.condition(HTTPS_IDS.hasCertificate, not(equals(ref(certificate), ''))) };
}

/** An ingress rule of a security group, as its provider schema names the fields. */
export type IngressRule = ItemOf<EC2SecurityGroupProperties['SecurityGroupIngress']>;

/** Ingress of the load balancer's security group for production traffic: 80 always (it redirects with a certificate), 443 with one. */
export function productionIngress(https: Https): IngressRule[] {
  const rule = (port: number, description: string) => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, CidrIp: '0.0.0.0/0', Description: description });
  return [rule(HTTP_PORT, 'Production listener, or its redirect to HTTPS'), ifCond(https.enabled, rule(HTTPS_PORT, 'Production listener (HTTPS)'), AWS.noValue)];
}

/** Port, protocol, certificate and policy of the production listener. */
export function productionListenerProtocol(https: Https): Partial<ElasticLoadBalancingV2ListenerProperties> {
  return {
    Port: ifCond(https.enabled, HTTPS_PORT, HTTP_PORT),
    Protocol: ifCond(https.enabled, 'HTTPS', 'HTTP'),
    Certificates: ifCond(https.enabled, [{ CertificateArn: ref(https.certificate) }], AWS.noValue),
    SslPolicy: ifCond(https.enabled, TLS_POLICY, AWS.noValue),
  };
}

/**
 * With a certificate, port 80 answers with a permanent redirect to HTTPS. It waits for
 * the production listener, which gives up port 80 in the same update.
 */
export function httpRedirectListener(t: TemplateBuilder, https: Https, loadBalancer: ResourceHandle, productionListener: ResourceHandle): ResourceHandle {
  return t.resource(
    HTTPS_IDS.httpRedirectListener,
    'AWS::ElasticLoadBalancingV2::Listener',
    {
      LoadBalancerArn: loadBalancer.ref(),
      Port: HTTP_PORT,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: String(HTTPS_PORT), StatusCode: 'HTTP_301' } }],
    },
    { condition: https.enabled, dependsOn: [productionListener] },
  );
}

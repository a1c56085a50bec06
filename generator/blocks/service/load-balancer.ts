/**
 * The network side every service template builds the same way: the tasks' security group,
 * the internet-facing load balancer in the public subnets (access logs on) with its
 * security group and the ingress that lets it reach the tasks, and the target groups.
 * The listeners differ per deployment controller and stay with each template.
 */
import { join, ref, select } from '../../core/intrinsics';
import { loadBalancerName, targetGroupName } from '../../core/naming';
import { suppress } from '../../core/suppressions';
import { ParameterHandle, ResourceHandle, TemplateBuilder } from '../../core/template';
import { accessLogAttributes } from '../access-logs';
import { Typed, typedResource } from '../blue-green-hook';
import { Https, productionIngress } from '../https';
import { ECS_SERVICE_IDS as ID, HEALTH_CHECK, PRODUCTION_PORT, TEST_PORT } from './facts';

/** Scanner findings every service template accepts on its load balancer and its security group. */
export const PUBLIC_LOAD_BALANCER = suppress(
  'AwsSolutions-EC23',
  'an internet-facing load balancer serves the public on its production listener; the test listener admits only the pre-traffic check',
);

export interface LoadBalancerProps {
  readonly vpcId: ParameterHandle<string>;
  readonly containerPort: ParameterHandle<number>;
  readonly publicSubnets: ParameterHandle<string[]>;
  readonly accessLogBucket: ParameterHandle<string>;
  readonly service: ParameterHandle<string>;
  readonly suffix: ParameterHandle<string>;
  readonly https: Https;
  /**
   * With a test listener: the NAT gateways' addresses it admits, and the name of the check
   * that calls it ('pre-traffic', 'lifecycle-hook'), for the descriptions.
   */
  readonly testListener?: { readonly natPublicIps: ParameterHandle<string[]>; readonly check: string };
}

/** The security groups, the ingress from the load balancer to the tasks, and the load balancer. */
export function serviceLoadBalancer(t: TemplateBuilder, p: LoadBalancerProps): { serviceSg: ResourceHandle; loadBalancer: ResourceHandle } {
  const serviceSg = t.resource(ID.serviceSecurityGroup, 'AWS::EC2::SecurityGroup', {
    GroupDescription: 'Service tasks: traffic from the load balancer only; HTTPS out (ECR, CloudWatch Logs) through the NAT gateways',
    VpcId: ref(p.vpcId),
    SecurityGroupEgress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0', Description: 'HTTPS to AWS APIs and the registry' }],
  });
  const ingress = productionIngress(p.https);
  const test = p.testListener;
  // The test listener answers only the check, which runs in the private subnets and
  // reaches the load balancer through the NAT gateways' addresses.
  for (const i of test ? [0, 1] : []) {
    ingress.push({
      IpProtocol: 'tcp',
      FromPort: TEST_PORT,
      ToPort: TEST_PORT,
      CidrIp: join('', [select(i, ref(test!.natPublicIps)), '/32']),
      Description: `Test listener, from NAT gateway ${i + 1} (${test!.check} check)`,
    });
  }
  const loadBalancerSg = t.resource(
    ID.loadBalancerSecurityGroup,
    'AWS::EC2::SecurityGroup',
    {
      GroupDescription: test
        ? `Load balancer: production listener open, test listener for the ${test.check} check only; out to the service tasks`
        : 'Load balancer: production listener open; out to the service tasks',
      VpcId: ref(p.vpcId),
      SecurityGroupIngress: ingress,
      SecurityGroupEgress: [
        {
          IpProtocol: 'tcp',
          FromPort: ref(p.containerPort),
          ToPort: ref(p.containerPort),
          DestinationSecurityGroupId: serviceSg.getAtt('GroupId'),
          Description: 'To the service tasks',
        },
      ],
    },
    { suppressions: [PUBLIC_LOAD_BALANCER] },
  );
  return { serviceSg, loadBalancer: loadBalancerWithIngress(t, { ...p, serviceSg, loadBalancerSg }) };
}

/** The load balancer, and the ingress that lets it reach the tasks. */
function loadBalancerWithIngress(t: TemplateBuilder, p: LoadBalancerProps & { serviceSg: ResourceHandle; loadBalancerSg: ResourceHandle }): ResourceHandle {
  const { serviceSg, loadBalancerSg, containerPort, publicSubnets, accessLogBucket, service, suffix } = p;
  t.resource(ID.serviceIngressFromLoadBalancer, 'AWS::EC2::SecurityGroupIngress', {
    GroupId: serviceSg.getAtt('GroupId'),
    IpProtocol: 'tcp',
    FromPort: ref(containerPort),
    ToPort: ref(containerPort),
    SourceSecurityGroupId: loadBalancerSg.getAtt('GroupId'),
    Description: 'From the load balancer',
  });

  return t.resource(ID.loadBalancer, 'AWS::ElasticLoadBalancingV2::LoadBalancer', {
    Name: loadBalancerName(service, suffix),
    Type: 'application',
    Scheme: 'internet-facing',
    IpAddressType: 'ipv4',
    Subnets: ref(publicSubnets),
    SecurityGroups: [loadBalancerSg.getAtt('GroupId')],
    LoadBalancerAttributes: [
      { Key: 'deletion_protection.enabled', Value: 'false' },
      { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      ...accessLogAttributes(accessLogBucket, service, suffix),
    ],
  });
}

/** Target group 1 (blue at first) or 2 (the alternate), with the explicit health check of HEALTH_CHECK. */
export function targetGroup(
  t: TemplateBuilder,
  ordinal: 1 | 2,
  p: { service: ParameterHandle<string>; suffix: ParameterHandle<string>; vpcId: ParameterHandle<string>; healthCheckPath: ParameterHandle<string> },
): Typed<'AWS::ElasticLoadBalancingV2::TargetGroup'> {
  return typedResource(t, ordinal === 1 ? ID.targetGroup1 : ID.targetGroup2, 'AWS::ElasticLoadBalancingV2::TargetGroup', {
    Name: targetGroupName(p.service, p.suffix, ordinal),
    TargetType: 'ip',
    Protocol: 'HTTP',
    // ECS registers each task with the container port; this is only the default.
    Port: PRODUCTION_PORT,
    VpcId: ref(p.vpcId),
    HealthCheckEnabled: true,
    HealthCheckProtocol: 'HTTP',
    HealthCheckPath: ref(p.healthCheckPath),
    HealthCheckIntervalSeconds: HEALTH_CHECK.intervalSeconds,
    HealthCheckTimeoutSeconds: HEALTH_CHECK.timeoutSeconds,
    HealthyThresholdCount: HEALTH_CHECK.healthyThresholdCount,
    UnhealthyThresholdCount: HEALTH_CHECK.unhealthyThresholdCount,
    Matcher: { HttpCode: HEALTH_CHECK.matcher },
    TargetGroupAttributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: String(HEALTH_CHECK.deregistrationDelaySeconds) }],
  });
}

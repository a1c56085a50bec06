/**
 * The load balancer of ecs-service.json and ecs-service-rolling.json: the shared network
 * side (blocks/service/load-balancer.ts), and listeners whose default action forwards to
 * target group 1. With blue/green, a test listener on TEST_PORT and target group 2, which
 * the transform swaps with the production ones for each deployment.
 */
import { ParameterHandle, ResourceHandle, TemplateBuilder } from '../../core/template';
import type { ElasticLoadBalancingV2ListenerProperties } from '../../core/resource-properties';
import { Typed, typedResource } from '../../blocks/blue-green-hook';
import { Https, httpRedirectListener, productionListenerProtocol } from '../../blocks/https';
import { ECS_SERVICE_IDS as ID, TEST_PORT } from '../../blocks/service/facts';
import { serviceLoadBalancer, targetGroup } from '../../blocks/service/load-balancer';

type Listener = Typed<'AWS::ElasticLoadBalancingV2::Listener'>;
type TargetGroup = Typed<'AWS::ElasticLoadBalancingV2::TargetGroup'>;

export interface Listeners {
  readonly serviceSg: ResourceHandle;
  readonly loadBalancer: ResourceHandle;
  readonly tg1: TargetGroup;
  readonly productionListener: Listener;
  /** Blue/green only. */
  readonly blueGreen?: { readonly tg2: TargetGroup; readonly testListener: Listener };
}

export function loadBalancerSection(
  t: TemplateBuilder,
  p: {
    service: ParameterHandle<string>;
    suffix: ParameterHandle<string>;
    vpcId: ParameterHandle<string>;
    containerPort: ParameterHandle<number>;
    healthCheckPath: ParameterHandle<string>;
    publicSubnets: ParameterHandle<string[]>;
    accessLogBucket: ParameterHandle<string>;
    https: Https;
    natPublicIps?: ParameterHandle<string[]>;
  },
): Listeners {
  const testListener = p.natPublicIps ? { natPublicIps: p.natPublicIps, check: 'pre-traffic' } : undefined;
  const { serviceSg, loadBalancer } = serviceLoadBalancer(t, { ...p, testListener });
  const tg1 = targetGroup(t, 1, p);
  const listener = (id: string, protocol: Partial<ElasticLoadBalancingV2ListenerProperties>) =>
    typedResource(t, id, 'AWS::ElasticLoadBalancingV2::Listener', {
      LoadBalancerArn: loadBalancer.ref(),
      ...protocol,
      DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg1.ref(), Weight: 1 }] } }],
    });
  const productionListener = listener(ID.productionListener, productionListenerProtocol(p.https));
  httpRedirectListener(t, p.https, loadBalancer, productionListener);
  if (!testListener) return { serviceSg, loadBalancer, tg1, productionListener };
  const tg2 = targetGroup(t, 2, p);
  return { serviceSg, loadBalancer, tg1, productionListener, blueGreen: { tg2, testListener: listener(ID.testListener, { Port: TEST_PORT, Protocol: 'HTTP' }) } };
}

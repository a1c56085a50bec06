/**
 * network.json: the network and the ECS cluster of one member account and environment,
 * rolled out with StackSets or `aws cloudformation deploy` as `{project}-network-{suffix}`.
 *
 * - A VPC over two Availability Zones (chosen with Fn::GetAZs, never by name), a public
 *   and a private subnet in each, carved from the VPC CIDR with Fn::Cidr.
 * - One NAT gateway per zone, each private subnet routing through the NAT gateway of its
 *   own zone, so that losing a zone never cuts the other zone off the internet.
 * - VPC flow logs to a CloudWatch Logs group with a retention.
 * - The ECS cluster `{project}-cluster-{suffix}` with Container Insights.
 * - The load balancer access log bucket `{project}-alb-logs-{suffix}-{account}-{region}`
 *   (SSE-S3, public access blocked, TLS only, expiry after LogRetentionDays) with the
 *   Elastic Load Balancing log delivery policy of the Region (blocks/access-logs.ts).
 * - SSM parameters `/{project}/network-{suffix}/...` holding the VPC, subnet and NAT
 *   address values and the access log bucket name: the blue/green service stacks may not import outputs, so they take
 *   these as `AWS::SSM::Parameter::Value<...>` parameters instead.
 */
import { Value, cidr, getAZs, join, ref, select } from '../core/intrinsics';
import { allow } from '../core/iam';
import { NetworkParameterKey, accessLogBucketName, clusterName, logGroupName, networkParameterName, standardName } from '../core/naming';
import { ParameterHandle, ResourceHandle, StringParameter, Template, TemplateBuilder } from '../core/template';
import { LOG_RETENTION_PARAMETER, logGroup } from '../blocks/log-group';
import { LOG_BUCKET_NO_ACCESS_LOGS, elbLogDeliveryStatement } from '../blocks/access-logs';
import { bucketPolicy, privateBucket } from '../blocks/bucket';
import { workloadRole } from '../blocks/role';
import { STANDARD_PARAMETER_IDS, standardParameterValues, standardParameters, standardTagValues } from '../blocks/standard-parameters';
import { ResolvedConfig } from '../config/types';
import type { ParameterFile } from '../core/parameter-file';

/** The two Availability Zones, by index into Fn::GetAZs. */
export const ZONES = ['A', 'B'] as const;
export type Zone = (typeof ZONES)[number];

/** Logical IDs: a public contract (renaming one replaces the live resource). */
export const NETWORK_IDS = {
  ...STANDARD_PARAMETER_IDS,
  vpcCidr: 'VpcCidr',
  logRetentionDays: 'LogRetentionDays',
  vpc: 'Vpc',
  internetGateway: 'InternetGateway',
  internetGatewayAttachment: 'InternetGatewayAttachment',
  publicRouteTable: 'PublicRouteTable',
  publicDefaultRoute: 'PublicDefaultRoute',
  publicSubnet: (z: Zone) => `PublicSubnet${z}`,
  publicSubnetRouteTableAssociation: (z: Zone) => `PublicSubnet${z}RouteTableAssociation`,
  natAddress: (z: Zone) => `NatAddress${z}`,
  natGateway: (z: Zone) => `NatGateway${z}`,
  privateSubnet: (z: Zone) => `PrivateSubnet${z}`,
  privateRouteTable: (z: Zone) => `PrivateRouteTable${z}`,
  privateDefaultRoute: (z: Zone) => `PrivateDefaultRoute${z}`,
  privateSubnetRouteTableAssociation: (z: Zone) => `PrivateSubnet${z}RouteTableAssociation`,
  flowLogGroup: 'FlowLogGroup',
  flowLogRole: 'FlowLogRole',
  flowLog: 'FlowLog',
  cluster: 'Cluster',
  accessLogBucket: 'AccessLogBucket',
  accessLogBucketPolicy: 'AccessLogBucketPolicy',
  parameter: (key: NetworkParameterKey) =>
    ({
      vpcId: 'VpcIdParameter',
      publicSubnetIds: 'PublicSubnetIdsParameter',
      privateSubnetIds: 'PrivateSubnetIdsParameter',
      natPublicIps: 'NatPublicIpsParameter',
      accessLogBucket: 'AccessLogBucketParameter',
    })[key],
} as const;

const ID = NETWORK_IDS;

/**
 * The VPC is a /16; Fn::Cidr cuts it into /20 subnets (4,096 addresses each): public
 * subnets take the first two blocks, private subnets the next two, leaving twelve free.
 */
export const SUBNET_COUNT = 4;
export const SUBNET_CIDR_BITS = 12;
const SUBNET_INDEX = { public: { A: 0, B: 1 }, private: { A: 2, B: 3 } } as const;

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
export const VPC_CIDR: StringParameter = {
  Type: 'String',
  Description: 'CIDR block of the VPC: a /16, cut into four /20 subnets (two public, two private)',
  AllowedPattern: `^(${OCTET}\\.){2}0\\.0/16$`,
  MinLength: 9,
  MaxLength: 18,
  ConstraintDescription: 'an IPv4 /16 block such as 10.10.0.0/16',
};

export function buildNetworkTemplate(): Template {
  const t = new TemplateBuilder(
    'Network and ECS cluster of one member account: a VPC over two Availability Zones with public and private subnets, one NAT gateway per zone, VPC flow logs, the ECS cluster, and SSM parameters that hand the network IDs to the service stacks.',
  );
  const { project, suffix } = standardParameters(t);
  const vpcCidr = t.parameter(ID.vpcCidr, VPC_CIDR);
  const retention = t.parameter(ID.logRetentionDays, LOG_RETENTION_PARAMETER);
  const scope = { project, suffix };
  const nameTag: NameTag = (type, ...extra) => [{ Key: 'Name', Value: standardName('name-tag', type, scope, ...extra) }];

  const tiers = vpcWithTiers(t, vpcCidr, nameTag);
  const { vpc, publicSubnets, privateSubnets, natAddresses } = tiers;

  flowLogs(t, scope, { vpc, retention, nameTag });

  const cluster = t.resource(ID.cluster, 'AWS::ECS::Cluster', {
    ClusterName: clusterName(project, suffix),
    ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
  });

  // Access logs of every load balancer of this account, region and environment. The
  // expiry follows the flow logs' retention; a bucket emptied by the destroy script
  // (scripts/destroy.ts empties every bucket of a stack) can be deleted with the stack.
  const accessLogBucket = privateBucket(t, ID.accessLogBucket, {
    bucketName: accessLogBucketName(project, suffix),
    lifecycleRules: [
      { Id: 'expire-access-logs', Status: 'Enabled', ExpirationInDays: ref(retention) },
      { Id: 'abort-incomplete-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
    ],
    noAccessLogs: LOG_BUCKET_NO_ACCESS_LOGS,
  });
  bucketPolicy(t, ID.accessLogBucketPolicy, accessLogBucket, [elbLogDeliveryStatement(t, accessLogBucket)]);

  handOver(t, scope, { ...tiers, accessLogBucket });

  t.output('VpcId', { description: 'ID of the VPC', value: vpc.ref() });
  t.output('PublicSubnetIds', { description: 'IDs of the public subnets, comma-separated', value: join(',', publicSubnets.map((s) => s.ref())) });
  t.output('PrivateSubnetIds', { description: 'IDs of the private subnets, comma-separated', value: join(',', privateSubnets.map((s) => s.ref())) });
  t.output('NatPublicIps', { description: 'Public addresses of the NAT gateways, comma-separated', value: join(',', natAddresses.map((a) => a.ref())) });
  t.output('AccessLogBucketName', { description: 'Name of the load balancer access log bucket', value: accessLogBucket.ref() });
  t.output('ClusterName', { description: 'Name of the ECS cluster', value: cluster.ref() });
  return t.build();
}

/** A Name tag makes the console readable; it is not a physical name, so it may repeat. */
type NameTag = (type: string, ...extra: string[]) => Array<{ Key: string; Value: Value<string> }>;

interface Tiers {
  readonly vpc: ResourceHandle;
  readonly publicSubnets: ResourceHandle[];
  readonly privateSubnets: ResourceHandle[];
  readonly natAddresses: ResourceHandle[];
}

/** The VPC, its internet gateway, and both tiers in both zones. */
function vpcWithTiers(t: TemplateBuilder, vpcCidr: ParameterHandle<string>, nameTag: NameTag): Tiers {
  const vpc = t.resource(ID.vpc, 'AWS::EC2::VPC', {
    CidrBlock: ref(vpcCidr),
    EnableDnsHostnames: true,
    EnableDnsSupport: true,
    Tags: nameTag('vpc'),
  });
  const igw = t.resource(ID.internetGateway, 'AWS::EC2::InternetGateway', { Tags: nameTag('igw') });
  const attachment = t.resource(ID.internetGatewayAttachment, 'AWS::EC2::VPCGatewayAttachment', {
    VpcId: vpc.ref(),
    InternetGatewayId: igw.ref(),
  });

  const subnetCidrs = cidr(ref(vpcCidr), SUBNET_COUNT, SUBNET_CIDR_BITS);
  const subnet = (id: string, zone: Zone, tier: 'public' | 'private'): ResourceHandle =>
    t.resource(id, 'AWS::EC2::Subnet', {
      VpcId: vpc.ref(),
      AvailabilityZone: select(ZONES.indexOf(zone), getAZs()),
      CidrBlock: select(SUBNET_INDEX[tier][zone], subnetCidrs),
      MapPublicIpOnLaunch: false,
      Tags: nameTag(`${tier}-${zone.toLowerCase()}`),
    });

  // Public tier: one route table to the internet gateway for both zones.
  const publicRouteTable = t.resource(ID.publicRouteTable, 'AWS::EC2::RouteTable', { VpcId: vpc.ref(), Tags: nameTag('public-rt') });
  t.resource(
    ID.publicDefaultRoute,
    'AWS::EC2::Route',
    { RouteTableId: publicRouteTable.ref(), DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw.ref() },
    { dependsOn: [attachment] },
  );

  const tiers: Tiers = { vpc, publicSubnets: [], privateSubnets: [], natAddresses: [] };
  for (const zone of ZONES) zoneTiers(t, zone, { tiers, subnet, publicRouteTable, attachment, nameTag });
  return tiers;
}

/** One zone: its public subnet, its NAT gateway, its private subnet and route table. */
function zoneTiers(
  t: TemplateBuilder,
  zone: Zone,
  p: { tiers: Tiers; subnet: (id: string, zone: Zone, tier: 'public' | 'private') => ResourceHandle; publicRouteTable: ResourceHandle; attachment: ResourceHandle; nameTag: NameTag },
): void {
  const { tiers, subnet, publicRouteTable, attachment, nameTag } = p;
  const vpc = tiers.vpc;
  const pub = subnet(ID.publicSubnet(zone), zone, 'public');
  tiers.publicSubnets.push(pub);
  t.resource(ID.publicSubnetRouteTableAssociation(zone), 'AWS::EC2::SubnetRouteTableAssociation', {
    SubnetId: pub.ref(),
    RouteTableId: publicRouteTable.ref(),
  });

  // Private tier: one NAT gateway and one route table per zone, so that a zone
  // outage never takes the other zone's egress with it.
  const eip = t.resource(ID.natAddress(zone), 'AWS::EC2::EIP', { Domain: 'vpc', Tags: nameTag('nat-ip', zone.toLowerCase()) }, { dependsOn: [attachment] });
  tiers.natAddresses.push(eip);
  const nat = t.resource(ID.natGateway(zone), 'AWS::EC2::NatGateway', {
    AllocationId: eip.getAtt('AllocationId'),
    SubnetId: pub.ref(),
    Tags: nameTag('nat', zone.toLowerCase()),
  });
  const priv = subnet(ID.privateSubnet(zone), zone, 'private');
  tiers.privateSubnets.push(priv);
  const rt = t.resource(ID.privateRouteTable(zone), 'AWS::EC2::RouteTable', {
    VpcId: vpc.ref(),
    Tags: nameTag('private-rt', zone.toLowerCase()),
  });
  t.resource(ID.privateDefaultRoute(zone), 'AWS::EC2::Route', {
    RouteTableId: rt.ref(),
    DestinationCidrBlock: '0.0.0.0/0',
    NatGatewayId: nat.ref(),
  });
  t.resource(ID.privateSubnetRouteTableAssociation(zone), 'AWS::EC2::SubnetRouteTableAssociation', {
    SubnetId: priv.ref(),
    RouteTableId: rt.ref(),
  });
}

/** Flow logs: every accepted and rejected flow of the VPC, kept for LogRetentionDays. */
function flowLogs(
  t: TemplateBuilder,
  scope: { project: ParameterHandle<string>; suffix: ParameterHandle<string> },
  p: { vpc: ResourceHandle; retention: ParameterHandle<number>; nameTag: NameTag },
): void {
  const { project, suffix } = scope;
  const { vpc, retention, nameTag } = p;
  const flowLogGroup = logGroup(t, ID.flowLogGroup, {
    logGroupName: logGroupName(project, { suffix }, 'vpc-flow-logs'),
    retentionDays: ref(retention),
  });
  const flowLogRole = workloadRole(t, ID.flowLogRole, { project, suffix }, {
    description: 'VPC flow logs deliver to the flow log group of this network',
    service: 'vpc-flow-logs.amazonaws.com',
    policyName: 'deliver-flow-logs',
    statements: [
      allow(
        'WriteFlowLogs',
        ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        [flowLogGroup.getAtt('Arn')],
      ),
    ],
  });
  t.resource(ID.flowLog, 'AWS::EC2::FlowLog', {
    ResourceId: vpc.ref(),
    ResourceType: 'VPC',
    TrafficType: 'ALL',
    LogDestinationType: 'cloud-watch-logs',
    LogGroupName: flowLogGroup.ref(),
    DeliverLogsPermissionArn: flowLogRole.getAtt('Arn'),
    MaxAggregationInterval: 60,
    Tags: nameTag('flow-log'),
  });
}

/** What the service stacks need, where they can read it without Fn::ImportValue: SSM parameters. */
function handOver(
  t: TemplateBuilder,
  scope: { project: ParameterHandle<string>; suffix: ParameterHandle<string> },
  p: Tiers & { accessLogBucket: ResourceHandle },
): void {
  const { project, suffix } = scope;
  const { vpc, publicSubnets, privateSubnets, natAddresses, accessLogBucket } = p;
  const handOver: Array<[NetworkParameterKey, 'String' | 'StringList', Value<string>, string]> = [
    ['vpcId', 'String', vpc.ref(), 'ID of the VPC'],
    ['publicSubnetIds', 'StringList', join(',', publicSubnets.map((s) => s.ref())), 'IDs of the public subnets (load balancers)'],
    ['privateSubnetIds', 'StringList', join(',', privateSubnets.map((s) => s.ref())), 'IDs of the private subnets (tasks, functions)'],
    ['natPublicIps', 'StringList', join(',', natAddresses.map((a) => a.ref())), 'Public IPv4 addresses of the NAT gateways (egress of the private subnets)'],
    ['accessLogBucket', 'String', accessLogBucket.ref(), 'Name of the load balancer access log bucket'],
  ];
  for (const [key, type, value, description] of handOver) {
    t.resource(ID.parameter(key), 'AWS::SSM::Parameter', {
      Name: networkParameterName(project, suffix, key),
      Type: type,
      Value: value,
      Description: description,
    });
  }
}

/** One parameter file per environment, for `aws cloudformation deploy` or StackSet overrides. */
export function networkParameterFiles(config: ResolvedConfig): ParameterFile[] {
  return config.environments.map((env) => ({
    path: `parameters/network/${env.name}.json`,
    parameters: { ...standardParameterValues(config, env), [ID.vpcCidr]: env.vpcCidr },
    tags: standardTagValues(config, env),
  }));
}


/**
 * network.json: two zones, one NAT gateway per zone, flow logs, the cluster, and the SSM
 * parameters the service stacks read.
 */
import { ecsServiceParameterFilePath } from '../../generator/templates/ecs-service';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ResourceDef, StringParameter } from '../../generator/core/template';
import { NETWORK_IDS, SUBNET_CIDR_BITS, ZONES } from '../../generator/templates/network';
import { walkStrings } from '../../generator/rules/rule';
import { templateChecks } from '../../generator/validate';
import { TEMPLATES_DIR, exampleConfig, loadTemplate, policyStatements, resolve, roleStatements, resource, resourcesOfType } from '../helpers/template';
import { longestValues, nameViolations, resolvedNames } from '../helpers/names';

const t = loadTemplate('network.json');
const config = exampleConfig();
const ID = NETWORK_IDS;

function parameterFile(file: string): { Parameters: Record<string, string>; Tags: Record<string, string> } {
  return JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, file), 'utf8'));
}

const devValues = { ...parameterFile('parameters/network/dev.json').Parameters, 'AWS::Region': 'eu-west-1', 'AWS::AccountId': '222222222222', 'AWS::Partition': 'aws' };

const refTo = (id: string) => ({ Ref: id });

describe('network.json', () => {
  test('the VPC takes its CIDR from the VpcCidr parameter, which must be a /16', () => {
    expect(resource(t, ID.vpc).Properties).toMatchObject({ CidrBlock: refTo(ID.vpcCidr), EnableDnsHostnames: true, EnableDnsSupport: true });
    const pattern = new RegExp((t.Parameters![ID.vpcCidr] as StringParameter).AllowedPattern!);
    expect(config.environments.map((e) => pattern.test(e.vpcCidr))).toEqual(config.environments.map(() => true));
    expect(pattern.test('10.0.0.0/8')).toBe(false);
    expect(pattern.test('10.0.1.0/16')).toBe(false);
  });

  test('a public and a private subnet in each of two zones, zones and CIDRs computed, none repeated', () => {
    const subnets = resourcesOfType(t, 'AWS::EC2::Subnet');
    expect(subnets).toHaveLength(4);
    const zoneIndexes: number[] = [];
    const cidrIndexes: number[] = [];
    for (const zone of ZONES) {
      for (const id of [ID.publicSubnet(zone), ID.privateSubnet(zone)]) {
        const p = resource(t, id).Properties!;
        const az = p.AvailabilityZone as { 'Fn::Select': [number, unknown] };
        expect(az['Fn::Select'][1]).toEqual({ 'Fn::GetAZs': '' });
        zoneIndexes.push(az['Fn::Select'][0]);
        const block = p.CidrBlock as { 'Fn::Select': [number, { 'Fn::Cidr': unknown[] }] };
        expect(block['Fn::Select'][1]['Fn::Cidr']).toEqual([refTo(ID.vpcCidr), 4, SUBNET_CIDR_BITS]);
        cidrIndexes.push(block['Fn::Select'][0]);
        expect(p.MapPublicIpOnLaunch).toBe(false);
      }
    }
    expect(zoneIndexes).toEqual([0, 0, 1, 1]);
    expect(new Set(cidrIndexes).size).toBe(4);
  });

  test('no Availability Zone or region is written into the template', () => {
    const found: string[] = [];
    walkStrings(t, '', (s, where) => {
      if (/\b[a-z]{2}(-gov)?-[a-z]+-\d[a-z]?\b/.test(s)) found.push(`${where}: ${s}`);
    });
    expect(found).toEqual([]);
  });

  test('two NAT gateways, one in each public subnet, each with its own address', () => {
    const nats = resourcesOfType(t, 'AWS::EC2::NatGateway');
    expect(nats).toHaveLength(2);
    expect(nats.map(([, r]) => r.Properties!.SubnetId)).toEqual(ZONES.map((z) => refTo(ID.publicSubnet(z))));
    expect(nats.map(([, r]) => r.Properties!.AllocationId)).toEqual(ZONES.map((z) => ({ 'Fn::GetAtt': [ID.natAddress(z), 'AllocationId'] })));
    expect(resourcesOfType(t, 'AWS::EC2::EIP')).toHaveLength(2);
  });

  test('each private subnet leaves through the NAT gateway of its own zone; public subnets through the internet gateway', () => {
    const routes = resourcesOfType(t, 'AWS::EC2::Route').map(([, r]) => r.Properties!);
    const associations = resourcesOfType(t, 'AWS::EC2::SubnetRouteTableAssociation').map(([, r]) => r.Properties!);
    const tableOf = (subnet: string) => associations.find((a) => (a.SubnetId as { Ref: string }).Ref === subnet)!.RouteTableId;
    for (const zone of ZONES) {
      const route = routes.find((r) => JSON.stringify(r.RouteTableId) === JSON.stringify(tableOf(ID.privateSubnet(zone))))!;
      expect(route).toMatchObject({ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: refTo(ID.natGateway(zone)) });
      const pub = routes.find((r) => JSON.stringify(r.RouteTableId) === JSON.stringify(tableOf(ID.publicSubnet(zone))))!;
      expect(pub).toMatchObject({ DestinationCidrBlock: '0.0.0.0/0', GatewayId: refTo(ID.internetGateway) });
    }
    expect(resource(t, ID.publicDefaultRoute).DependsOn).toBe(ID.internetGatewayAttachment);
  });

  test('VPC flow logs go to a log group under /{project}/ with a retention, through a workload role', () => {
    expect(resource(t, ID.flowLog).Properties).toMatchObject({
      ResourceId: refTo(ID.vpc),
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: refTo(ID.flowLogGroup),
      DeliverLogsPermissionArn: { 'Fn::GetAtt': [ID.flowLogRole, 'Arn'] },
    });
    const group = resource(t, ID.flowLogGroup).Properties!;
    expect(group.RetentionInDays).toEqual(refTo(ID.logRetentionDays));
    expect(resolve(group.LogGroupName, devValues)).toBe('/shop/vpc-flow-logs-dev');
    const flowRole = resource(t, ID.flowLogRole);
    expect(resolve(flowRole.Properties!.Path, devValues)).toBe('/shop-workload/');
    const allows = policyStatements(flowRole).filter((s) => s.Effect === 'Allow' && !s.Principal);
    expect(allows.flatMap((s) => s.Resource as unknown[])).toEqual([{ 'Fn::GetAtt': [ID.flowLogGroup, 'Arn'] }]);
  });

  test('the ECS cluster is {project}-cluster-{suffix}, with Container Insights, as member-roles.json scopes it', () => {
    const cluster = resource(t, ID.cluster).Properties!;
    expect(resolve(cluster.ClusterName, devValues)).toBe('shop-cluster-dev');
    expect(cluster.ClusterSettings).toEqual([{ Name: 'containerInsights', Value: 'enabled' }]);
    const roles = loadTemplate('member-roles.json');
    const ecs = roleStatements(roles, 'ExecutionRole').find((s) => s.Sid === 'EcsClusterAndServices')!;
    const clusterArns = (ecs.Resource as unknown[]).map((r) => resolve(r, devValues));
    expect(clusterArns).toContain('arn:aws:ecs:eu-west-1:222222222222:cluster/shop-cluster-dev');
  });

  test('the SSM parameters carry the names the service parameter files read', () => {
    const params = resourcesOfType(t, 'AWS::SSM::Parameter');
    expect(params).toHaveLength(4);
    for (const env of config.environments) {
      const values = { ...parameterFile(`parameters/network/${env.name}.json`).Parameters };
      const written = params.map(([, r]) => resolve(r.Properties!.Name, values)).sort();
      for (const svc of config.services) {
        const strategy = svc.environments[env.name].deploymentStrategy;
        const file = parameterFile(ecsServiceParameterFilePath(svc.name, env.name, strategy)).Parameters;
        const read = ['VpcId', 'PublicSubnetIds', 'PrivateSubnetIds', 'NatPublicIps'].filter((k) => k in file).map((k) => file[k]);
        expect(read.length).toBeGreaterThanOrEqual(3);
        for (const name of read) expect(written).toContain(name);
      }
    }
    const lists = params.filter(([, r]) => r.Properties!.Type === 'StringList').map(([id]) => id).sort();
    expect(lists).toEqual([ID.parameter('natPublicIps'), ID.parameter('privateSubnetIds'), ID.parameter('publicSubnetIds')].sort());
  });

  test('the SSM parameters carry the standard tags as a map, which the policy schema checks too', () => {
    const checks = templateChecks();
    const [id, param] = resourcesOfType(t, 'AWS::SSM::Parameter')[0];
    expect(Object.keys(param.Properties!.Tags as object).sort()).toEqual(['CostCenter', 'Environment', 'Project']);
    expect(checks.policy(t)).toBe(true);
    const { CostCenter: _dropped, ...twoTags } = param.Properties!.Tags as Record<string, unknown>;
    void _dropped;
    const broken = { ...t, Resources: { [id]: { ...param, Properties: { ...param.Properties, Tags: twoTags } } } };
    expect(checks.policy(broken)).toBe(false);
  });

  test('outputs name the VPC, the subnets and the cluster', () => {
    expect(Object.keys(t.Outputs ?? {})).toEqual(expect.arrayContaining(['VpcId', 'PublicSubnetIds', 'PrivateSubnetIds', 'ClusterName']));
    expect(t.Outputs!.ClusterName.Value).toEqual(refTo(ID.cluster));
  });

  test('every name fits its limit with the longest parameter values', () => {
    const names = resolvedNames(t, longestValues(t));
    expect(names.map((n) => n.resource).sort()).toEqual(
      [ID.cluster, ID.flowLogGroup, ...(['vpcId', 'publicSubnetIds', 'privateSubnetIds', 'natPublicIps'] as const).map(ID.parameter)].sort(),
    );
    expect(nameViolations(names)).toEqual([]);
  });

  test('one parameter file per environment, carrying its CIDR and the standard tags', () => {
    for (const env of config.environments) {
      const file = parameterFile(`parameters/network/${env.name}.json`);
      expect(file.Parameters).toMatchObject({ VpcCidr: env.vpcCidr, EnvironmentSuffix: env.environmentSuffix });
      expect(file.Tags).toEqual({ Environment: env.name, Project: 'shop', CostCenter: 'cc-4711' });
    }
  });

  test('the flow log role is the only role of the network stack', () => {
    const roles: Array<[string, ResourceDef]> = resourcesOfType(t, 'AWS::IAM::Role');
    expect(roles.map(([id]) => id)).toEqual([ID.flowLogRole]);
  });
});

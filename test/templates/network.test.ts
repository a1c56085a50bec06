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
import { ACCESS_LOG_IDS, ELB_LOG_DELIVERY_SERVICE } from '../../generator/blocks/access-logs';
import { ELB_ACCOUNT_BY_REGION } from '../../generator/core/elb-accounts';
import { accessLogBucketNameParts, measureName } from '../../generator/core/naming';
import { MAX_LENGTH } from '../../generator/core/parameters';
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
      // The ELB log delivery table is keyed by Region by design (blocks/access-logs.ts).
      if (where.startsWith(`Conditions.${ACCESS_LOG_IDS.elbAccountRegion}.`)) return;
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

  test('the ECS cluster is {project}-cluster-{suffix}, with Container Insights, as execution-role.json scopes it', () => {
    const cluster = resource(t, ID.cluster).Properties!;
    expect(resolve(cluster.ClusterName, devValues)).toBe('shop-cluster-dev');
    expect(cluster.ClusterSettings).toEqual([{ Name: 'containerInsights', Value: 'enabled' }]);
    const roles = loadTemplate('execution-role.json');
    const ecs = roleStatements(roles, 'ExecutionRole').find((s) => s.Sid === 'EcsClusterAndServices')!;
    const clusterArns = (ecs.Resource as unknown[]).map((r) => resolve(r, devValues));
    expect(clusterArns).toContain('arn:aws:ecs:eu-west-1:222222222222:cluster/shop-cluster-dev');
  });

  test('the SSM parameters carry the names the service parameter files read', () => {
    const params = resourcesOfType(t, 'AWS::SSM::Parameter');
    expect(params).toHaveLength(5);
    for (const env of config.environments) {
      const values = { ...parameterFile(`parameters/network/${env.name}.json`).Parameters };
      const written = params.map(([, r]) => resolve(r.Properties!.Name, values)).sort();
      for (const svc of config.services) {
        const strategy = svc.environments[env.name].deploymentStrategy;
        const file = parameterFile(ecsServiceParameterFilePath(svc.name, env.name, strategy)).Parameters;
        const read = ['VpcId', 'PublicSubnetIds', 'PrivateSubnetIds', 'NatPublicIps', ACCESS_LOG_IDS.bucketNameParameter].filter((k) => k in file).map((k) => file[k]);
        expect(read.length).toBeGreaterThanOrEqual(4);
        expect(file[ACCESS_LOG_IDS.bucketNameParameter]).toBe(`/shop/network-${env.environmentSuffix}/access-log-bucket`);
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
      [ID.cluster, ID.flowLogGroup, ID.accessLogBucket, ...(['vpcId', 'publicSubnetIds', 'privateSubnetIds', 'natPublicIps', 'accessLogBucket'] as const).map(ID.parameter)].sort(),
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

  describe('the load balancer access log bucket', () => {
    const bucket = resource(t, ID.accessLogBucket);
    const policy = resource(t, ID.accessLogBucketPolicy);

    /** Evaluates the intrinsics the bucket policy uses, as CloudFormation would in `region`. */
    function evaluate(value: unknown, region: string): unknown {
      const pseudo: Record<string, string> = { ...devValues, 'AWS::Region': region, [ID.accessLogBucket]: 'shop-alb-logs-dev-222222222222-' + region };
      const condition = (c: unknown): boolean => {
        const o = c as Record<string, unknown[]>;
        if ('Fn::Or' in o) return o['Fn::Or'].some(condition);
        if ('Fn::Equals' in o) return evaluate(o['Fn::Equals'][0], region) === evaluate(o['Fn::Equals'][1], region);
        if ('Condition' in o) return condition(t.Conditions![(o as unknown as { Condition: string }).Condition]);
        throw new Error(`condition ${JSON.stringify(c)}`);
      };
      if (Array.isArray(value)) return value.map((v) => evaluate(v, region));
      if (typeof value !== 'object' || value === null) return value;
      const o = value as Record<string, unknown>;
      if ('Ref' in o) return pseudo[o.Ref as string];
      if ('Fn::If' in o) {
        const [name, yes, no] = o['Fn::If'] as [string, unknown, unknown];
        return evaluate(condition(t.Conditions![name]) ? yes : no, region);
      }
      if ('Fn::FindInMap' in o) {
        const [map, key, attr] = o['Fn::FindInMap'] as [string, unknown, string];
        const row = (t.Mappings![map] as Record<string, Record<string, string>>)[evaluate(key, region) as string];
        if (!row) throw new Error(`no ${map} entry for ${region}`);
        return row[attr];
      }
      if ('Fn::Sub' in o) {
        const [text, vars] = Array.isArray(o['Fn::Sub']) ? (o['Fn::Sub'] as [string, Record<string, unknown>]) : [o['Fn::Sub'] as string, {}];
        return text.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
          if (name in vars) return evaluate(vars[name], region) as string;
          if (name.endsWith('.Arn')) return `arn:aws:s3:::${pseudo[name.slice(0, -4)]}`;
          return pseudo[name];
        });
      }
      return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, evaluate(v, region)]));
    }
    const delivery = (region: string) =>
      (evaluate(policy.Properties!.PolicyDocument, region) as { Statement: Array<Record<string, unknown>> }).Statement.find((s) => s.Sid === 'ElbLogDelivery')!;

    test('SSE-S3, every public access block, expiry after the log retention, and a name within 63 characters', () => {
      expect(bucket.Properties).toMatchObject({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      });
      const rules = (bucket.Properties!.LifecycleConfiguration as { Rules: Array<Record<string, unknown>> }).Rules;
      expect(rules).toContainEqual({ Id: 'expire-access-logs', Status: 'Enabled', ExpirationInDays: refTo(ID.logRetentionDays) });
      expect(bucket.DeletionPolicy).toBe('Delete');
      expect(resolve(bucket.Properties!.BucketName, devValues)).toBe('shop-alb-logs-dev-222222222222-eu-west-1');
      const longest = measureName('s3-bucket', accessLogBucketNameParts('a'.repeat(MAX_LENGTH.projectName), 'a'.repeat(MAX_LENGTH.environmentSuffix)));
      expect(longest.problem).toBeUndefined();
      expect(longest.length).toBe(62);
    });

    test('the policy refuses requests without TLS', () => {
      const deny = policyStatements(policy).find((s) => s.Sid === 'DenyInsecureTransport')!;
      expect(deny).toMatchObject({ Effect: 'Deny', Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    });

    test('in a Region available before August 2022 the Region\'s ELB account may put the logs of this account', () => {
      for (const [region, account] of [['us-east-1', '127311923021'], ['eu-west-1', '156460612806'], ['ap-southeast-3', '589379963580'], ['us-gov-west-1', '048591011584']]) {
        expect(delivery(region)).toEqual({
          Sid: 'ElbLogDelivery',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${account}:root` },
          Action: ['s3:PutObject'],
          Resource: [`arn:aws:s3:::shop-alb-logs-dev-222222222222-${region}/*/AWSLogs/222222222222/*`],
        });
      }
    });

    test('every mapped Region takes its own account; any other Region the log delivery service principal', () => {
      for (const [region, account] of Object.entries(ELB_ACCOUNT_BY_REGION)) {
        expect(delivery(region).Principal).toEqual({ AWS: `arn:aws:iam::${account}:root` });
      }
      for (const region of ['ap-southeast-4', 'ap-south-2', 'eu-central-2', 'eu-south-2', 'il-central-1', 'me-central-1', 'ca-west-1', 'mx-central-1', 'ap-southeast-7']) {
        expect(delivery(region).Principal).toEqual({ Service: ELB_LOG_DELIVERY_SERVICE });
      }
      expect(Object.keys(t.Mappings![ACCESS_LOG_IDS.elbAccountMapping]).sort()).toEqual(Object.keys(ELB_ACCOUNT_BY_REGION).sort());
    });

    test('the bucket name is published in SSM and as an output', () => {
      const param = resource(t, ID.parameter('accessLogBucket')).Properties!;
      expect(param.Value).toEqual(refTo(ID.accessLogBucket));
      expect(resolve(param.Name, devValues)).toBe('/shop/network-dev/access-log-bucket');
      expect(t.Outputs!.AccessLogBucketName.Value).toEqual(refTo(ID.accessLogBucket));
    });

    test('the execution role may manage exactly this bucket', () => {
      const roles = loadTemplate('execution-role.json');
      const statements = Object.values(roles.Resources)
        .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy')
        .flatMap((r) => policyStatements(r));
      const s3 = statements.find((s) => s.Sid === 'AccessLogBucket')!;
      expect((s3.Resource as unknown[]).map((r) => resolve(r, devValues))).toEqual(['arn:aws:s3:::shop-alb-logs-dev-222222222222-eu-west-1']);
      expect(s3.Action).toEqual(expect.arrayContaining(['s3:CreateBucket', 's3:DeleteBucket', 's3:PutBucketPolicy', 's3:PutLifecycleConfiguration']));
    });
  });
});

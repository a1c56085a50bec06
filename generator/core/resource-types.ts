/**
 * Every CloudFormation resource type the generator may emit, with how it takes tags.
 *
 * `tags: 'list'` means a `Tags` property of `[{ Key, Value }]`, `'map'` a `Tags` object,
 * `null` a type that takes no tags. The table is checked against the resource provider
 * schemas in schemas/providers (test/resource-types.test.ts), and
 * `npm run schemas:refresh` exports a schema for each type listed here, so adding a type
 * is one line here plus a refresh.
 */
export const RESOURCE_TYPES = {
  'AWS::ApplicationAutoScaling::ScalableTarget': { tags: null },
  'AWS::ApplicationAutoScaling::ScalingPolicy': { tags: null },
  'AWS::CloudWatch::Alarm': { tags: 'list' },
  'AWS::CloudWatch::Dashboard': { tags: null },
  'AWS::CodeBuild::Project': { tags: 'list' },
  'AWS::CodeBuild::ReportGroup': { tags: 'list' },
  'AWS::CodePipeline::Pipeline': { tags: 'list' },
  'AWS::DynamoDB::Table': { tags: 'list' },
  'AWS::EC2::EIP': { tags: 'list' },
  'AWS::EC2::FlowLog': { tags: 'list' },
  'AWS::EC2::InternetGateway': { tags: 'list' },
  'AWS::EC2::NatGateway': { tags: 'list' },
  'AWS::EC2::Route': { tags: null },
  'AWS::EC2::RouteTable': { tags: 'list' },
  'AWS::EC2::SecurityGroup': { tags: 'list' },
  'AWS::EC2::SecurityGroupEgress': { tags: null },
  'AWS::EC2::SecurityGroupIngress': { tags: null },
  'AWS::EC2::Subnet': { tags: 'list' },
  'AWS::EC2::SubnetRouteTableAssociation': { tags: null },
  'AWS::EC2::VPC': { tags: 'list' },
  'AWS::EC2::VPCGatewayAttachment': { tags: null },
  'AWS::ECR::Repository': { tags: 'list' },
  'AWS::ECS::Cluster': { tags: 'list' },
  'AWS::ECS::PrimaryTaskSet': { tags: null },
  'AWS::ECS::Service': { tags: 'list' },
  'AWS::ECS::TaskDefinition': { tags: 'list' },
  'AWS::ECS::TaskSet': { tags: 'list' },
  'AWS::ElasticLoadBalancingV2::Listener': { tags: null },
  'AWS::ElasticLoadBalancingV2::ListenerRule': { tags: null },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': { tags: 'list' },
  'AWS::ElasticLoadBalancingV2::TargetGroup': { tags: 'list' },
  'AWS::Events::EventBusPolicy': { tags: null },
  'AWS::Events::Rule': { tags: 'list' },
  'AWS::IAM::ManagedPolicy': { tags: null },
  'AWS::IAM::OIDCProvider': { tags: 'list' },
  'AWS::IAM::Role': { tags: 'list' },
  'AWS::KMS::Alias': { tags: null },
  'AWS::KMS::Key': { tags: 'list' },
  'AWS::Lambda::Function': { tags: 'list' },
  'AWS::Lambda::Permission': { tags: null },
  'AWS::Logs::LogGroup': { tags: 'list' },
  'AWS::Logs::MetricFilter': { tags: null },
  'AWS::Logs::ResourcePolicy': { tags: null },
  'AWS::S3::Bucket': { tags: 'list' },
  'AWS::S3::BucketPolicy': { tags: null },
  'AWS::SecretsManager::RotationSchedule': { tags: null },
  'AWS::SecretsManager::Secret': { tags: 'list' },
  'AWS::SNS::Subscription': { tags: null },
  'AWS::SNS::Topic': { tags: 'list' },
  'AWS::SNS::TopicPolicy': { tags: null },
  'AWS::SSM::Parameter': { tags: 'map' },
  'AWS::Synthetics::Canary': { tags: 'list' },
} as const satisfies Record<string, { readonly tags: 'list' | 'map' | null }>;

export type ResourceType = keyof typeof RESOURCE_TYPES;

export function isResourceType(type: string): type is ResourceType {
  return Object.prototype.hasOwnProperty.call(RESOURCE_TYPES, type);
}

/**
 * Where the execution role's EC2 and Elastic Load Balancing handler actions go, and the
 * load balancer patterns the CodeDeploy and ECS infrastructure roles share: held to this
 * project's resources wherever the API allows it.
 *
 * - A create call needs the Project tag in the request (aws:RequestTag/Project) on the
 *   resource it creates, and tagging at creation is allowed only as part of those calls
 *   (ec2:CreateAction, elasticloadbalancing:CreateAction). CloudFormation's handlers pass
 *   the resource's tags in the create call (TagSpecifications, Tags), and every such
 *   resource of the member stacks carries the Project tag (TemplateBuilder.resource).
 *   The exception, the Elastic IP address, is in CREATES_UNTAGGED. Amazon EC2 User Guide, "Grant permission to tag Amazon EC2 resources during
 *   creation"; Elastic Load Balancing User Guide, "Identity-based policies ... tag on
 *   create".
 * - Every other call acts on existing resources, which must carry the project's Project
 *   tag (aws:ResourceTag/Project): the VPC a subnet goes into, the subnet and address of
 *   a NAT gateway, the security group of a rule, the gateway and VPC of an attachment.
 *   The member stacks' types that take no tags (routes, route table associations,
 *   gateway attachments, security group ingress rules) are reached only through these
 *   tagged resources: their calls name the route table, subnet, gateway, VPC or group.
 * - IAM authorizes each resource of a call on its own, so a statement that allows a
 *   create call on a new-resource pattern must not name a type that another of its calls
 *   touches as an existing resource (CreateSubnet names an existing VPC, CreateVpc a new
 *   one): the create calls are grouped so that no group mixes the two
 *   (test/templates/member-roles.project-scope.test.ts checks it against the Service
 *   Authorization Reference).
 * - Listeners and listener rules take no tags in CloudFormation and their ARNs carry the
 *   load balancer's name, which cannot hold the project (32 characters: project,
 *   service and suffix do not fit): they are held to load balancers named the way
 *   core/naming names them, `{service}-alb-{suffix}`.
 */
import { Intrinsic, ref } from '../core/intrinsics';
import { Scope } from '../core/handler-permissions';
import { RESOURCE_TYPES, ResourceType, ResourceTypeEntry, isResourceType } from '../core/resource-types';
import { arn } from './account-arns';

/** `${ProjectName}` and `${EnvironmentSuffix}` as they appear inside an Fn::Sub text. */
export interface SubNames {
  readonly project: string;
  readonly suffix: string;
  /** The project name parameter's logical ID, for its Ref in conditions. */
  readonly projectId: string;
}

/** Load balancers, listeners and rules of `{service}-alb-{suffix}`; target groups `{service}-tg{n}-{suffix}` (core/naming). */
export function loadBalancingArns(n: SubNames) {
  return {
    loadBalancer: arn('elasticloadbalancing', `loadbalancer/app/*-alb-${n.suffix}/*`),
    /** The listeners and listener rules of these load balancers. */
    listeners: [arn('elasticloadbalancing', `listener/app/*-alb-${n.suffix}/*`), arn('elasticloadbalancing', `listener-rule/app/*-alb-${n.suffix}/*`)],
    targetGroup: arn('elasticloadbalancing', `targetgroup/*-tg?-${n.suffix}/*`),
  };
}

export function projectResourceTag(n: SubNames): Record<string, Record<string, unknown>> {
  return { StringEquals: { 'aws:ResourceTag/Project': ref({ logicalId: n.projectId }) } };
}

function projectRequestTag(n: SubNames, extra: Record<string, unknown> = {}): Record<string, Record<string, unknown>> {
  return { StringEquals: { 'aws:RequestTag/Project': ref({ logicalId: n.projectId }), ...extra } };
}

/**
 * The create calls of the member stacks, by the resource type each creates (its registry
 * entry's `creates`: the call and the IAM resource type), in groups whose calls touch
 * none of the group's new-resource types as existing ones. Which group a type's create
 * call joins is this module's decision: the existing resources the call names.
 */
const CREATE_GROUPS: ReadonlyArray<{ sid: string; types: readonly ResourceType[]; shared: boolean }> = [
  // None of these touches an existing resource of the member stacks.
  {
    sid: 'CreateTopLevel',
    types: ['AWS::EC2::InternetGateway', 'AWS::EC2::VPC', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ElasticLoadBalancingV2::TargetGroup'],
    shared: false,
  },
  // Each of these also names an existing VPC (NetworkProjectResources).
  { sid: 'Ec2CreateInVpc', types: ['AWS::EC2::RouteTable', 'AWS::EC2::SecurityGroup', 'AWS::EC2::Subnet'], shared: true },
  // Also names an existing subnet and Elastic IP address.
  { sid: 'Ec2CreateNatGateways', types: ['AWS::EC2::NatGateway'], shared: true },
  // Also names the existing VPC (and could name a NAT gateway or subnet).
  { sid: 'Ec2CreateFlowLogs', types: ['AWS::EC2::FlowLog'], shared: true },
];

function createsOf(type: ResourceType): { readonly action: string; readonly resource: string; readonly untagged?: boolean } {
  const creates = (RESOURCE_TYPES[type] as ResourceTypeEntry).creates;
  if (creates === undefined || creates.untagged)
    throw new Error(`network scopes: RESOURCE_TYPES['${type}'] has no tagged "creates" (its create call and the IAM resource type it creates)`);
  return creates;
}

/** Each create call in CREATE_GROUPS and the IAM resource type (`service:type`) it creates, for the permissions test. */
export const CREATES: Readonly<Record<string, string>> = Object.fromEntries(CREATE_GROUPS.flatMap((g) => g.types.map((t) => createsOf(t))).map((c) => [c.action, c.resource]));

/**
 * Create calls whose handler sends no tags and tags the new resource afterwards (the
 * registry's `creates.untagged`): the AWS::EC2::EIP handler allocates the address, then
 * calls CreateTags (aws-cdk#26878: tag-on-create policies fail for Elastic IP addresses).
 * AllocateAddress names no existing resource of the member stacks, so it is held to this
 * account and region; the CreateTags that follows may only tag an address that has no
 * Project tag yet.
 */
export const CREATES_UNTAGGED: Readonly<Record<string, string>> = Object.fromEntries(
  Object.values(RESOURCE_TYPES as Readonly<Record<string, ResourceTypeEntry>>)
    .map((e) => e.creates)
    .filter((c) => c?.untagged === true)
    .map((c) => [c!.action, c!.resource]),
);

/** The member stacks' types that create a resource with tags but belong to no create group: a group is this module's decision. */
export function ungroupedCreates(types: readonly string[]): string[] {
  const grouped = new Set<string>(CREATE_GROUPS.flatMap((g) => g.types));
  return types.filter((t) => {
    const c = isResourceType(t) ? (RESOURCE_TYPES[t] as ResourceTypeEntry).creates : undefined;
    return c !== undefined && !c.untagged && !grouped.has(t);
  });
}

const EC2_CREATES = Object.keys(CREATES)
  .filter((a) => a.startsWith('ec2:'))
  .map((a) => a.slice('ec2:'.length));
/** ec2:CreateAction values: every EC2 create call above matches one. */
export const EC2_CREATE_ACTION_PATTERNS = ['Create*'];
if (!EC2_CREATES.every((a) => a.startsWith('Create'))) throw new Error('EC2_CREATE_ACTION_PATTERNS must cover every EC2 create call');
const LB_CREATES = Object.keys(CREATES)
  .filter((a) => a.startsWith('elasticloadbalancing:'))
  .map((a) => a.slice('elasticloadbalancing:'.length));

/** Why listener and rule ARNs are held to names only. */
export const LISTENERS_BECAUSE =
  'listeners and rules take no tags in CloudFormation, and their load balancer names (32 characters) cannot hold the project: load balancers named {service}-alb-{suffix}';

/** The Elastic Load Balancing calls that act on listeners and rules only. */
const LISTENER_ONLY = ['CreateRule', 'DeleteListener', 'DeleteRule', 'ModifyListener', 'ModifyListenerAttributes', 'ModifyRule', 'SetRulePriorities'];

const UNTAGGED_CREATES = Object.keys(CREATES_UNTAGGED);

const NEW_RESOURCE_BECAUSE = 'the service assigns the new resource its ID at creation; only a request that tags it with this project qualifies';

function newResourceArn(n: SubNames, type: string): Intrinsic<string> {
  const lb = loadBalancingArns(n);
  if (type === 'elasticloadbalancing:loadbalancer/app') return lb.loadBalancer;
  if (type === 'elasticloadbalancing:targetgroup') return lb.targetGroup;
  const [service, name] = type.split(':');
  return arn(service, `${name}/*`);
}

/**
 * The EC2 and Elastic Load Balancing scopes of the execution role, in the order they take
 * actions; the Describe calls, which have no resource-level permissions, go before them.
 */
export function networkScopes(n: SubNames, types: readonly string[]): Scope[] {
  const ungrouped = ungroupedCreates(types);
  if (ungrouped.length > 0) throw new Error(`network scopes: no create group takes the create call of ${ungrouped.join(', ')}: add it to CREATE_GROUPS`);
  return networkScopeList(n).map((s) => ({ ...s, group: 'Network' }));
}

function networkScopeList(n: SubNames): Scope[] {
  const lb = loadBalancingArns(n);
  const untaggedEc2Creates = UNTAGGED_CREATES.filter((a) => a.startsWith('ec2:')).map((a) => a.slice('ec2:'.length));
  return [
    ...CREATE_GROUPS.map((g) => ({
      sid: g.sid,
      actions: new RegExp(`^(${g.types.map((t) => createsOf(t).action).join('|')})$`),
      resources: g.types.map((t) => newResourceArn(n, createsOf(t).resource)),
      options: { condition: projectRequestTag(n), because: NEW_RESOURCE_BECAUSE },
      shared: g.shared,
    })),
    {
      sid: 'Ec2TagNewAddresses',
      actions: /^ec2:CreateTags$/,
      resources: Object.values(CREATES_UNTAGGED).map((type) => newResourceArn(n, type)),
      options: {
        condition: { ...projectRequestTag(n), Null: { 'aws:ResourceTag/Project': 'true' } },
        because: "EC2 assigns the address its ID; only an address without a Project tag may get this project's",
      },
      shared: true,
    },
    // Tagging at creation, only as part of a create call (ec2:CreateAction is set only
    // then), each of which is held to this project above: `Create*` stands for the EC2
    // create calls listed in CREATE_GROUPS, to keep the execution role's policies small.
    {
      sid: 'Ec2TagOnCreate',
      actions: /^ec2:CreateTags$/,
      resources: [arn('ec2', '*')],
      options: {
        condition: { ...projectRequestTag(n), StringLike: { 'ec2:CreateAction': EC2_CREATE_ACTION_PATTERNS } },
        because: NEW_RESOURCE_BECAUSE,
      },
      shared: true,
    },
    {
      sid: 'LoadBalancingTagOnCreate',
      actions: /^elasticloadbalancing:AddTags$/,
      resources: [lb.loadBalancer, lb.targetGroup],
      options: { condition: projectRequestTag(n, { 'elasticloadbalancing:CreateAction': LB_CREATES }), because: NEW_RESOURCE_BECAUSE },
      shared: true,
    },
    // What no tag can hold, in one statement (each call applies to its own service's
    // resources only): listeners and rules by their load balancers' names, and new
    // Elastic IP addresses (CREATES_UNTAGGED). Tagging passes on to the load balancers and
    // target groups below.
    {
      sid: 'WithoutTags',
      actions: new RegExp(`^(${UNTAGGED_CREATES.join('|')}|elasticloadbalancing:(AddTags|RemoveTags|${LISTENER_ONLY.join('|')}))$`),
      resources: [...lb.listeners, ...Object.values(CREATES_UNTAGGED).map((type) => newResourceArn(n, type))],
      options: { because: `${LISTENERS_BECAUSE}; the AWS::EC2::EIP handler allocates addresses without tags, and EC2 assigns the new address its ID` },
      shared: true,
    },
    // Everything else, and the existing resources the create calls name (CreateListener
    // names the load balancer): only resources that carry this project's Project tag.
    {
      sid: 'NetworkProjectResources',
      actions: new RegExp(`^(ec2:(?!(${untaggedEc2Creates.join('|')})$)\\w+|elasticloadbalancing:(?!(${LISTENER_ONLY.join('|')})$)\\w+)$`),
      resources: [arn('ec2', '*'), arn('elasticloadbalancing', '*')],
      options: { condition: projectResourceTag(n), because: 'EC2 and Elastic Load Balancing assign the IDs; only resources tagged with this project qualify' },
    },
  ];
}

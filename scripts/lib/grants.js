'use strict';
/**
 * The grants of a CloudFormation template, the unit in which scripts/lib/widening.js
 * compares two templates: every policy statement split into grants of one action, one
 * principal and one resource (with the statement's condition), every ingress rule one
 * grant, and a managed policy attachment or a permissions boundary one grant each.
 *
 *   const { grantsOf } = require('./grants');
 *   const grants = grantsOf(template);
 *
 * A grant names its place (`logicalId`, `resourceType`, `kind`, and `policy`,
 * `attachedTo` or `group` where they apply) and what it grants: `effect`, `action`,
 * `principal`, `resource` and `condition`; `attach` (a managed policy ARN); `boundary`;
 * or `protocol`, `from`, `to` and `source` of an ingress rule. Values built with
 * intrinsic functions read as their JSON text.
 *
 * Plain Node.js, no dependencies: it runs in CodeBuild from the templates source.
 */

const { canonical } = require('./canonical-json');

const KIND = {
  identity: 'identity policy',
  trust: 'trust',
  boundary: 'boundary',
  resource: 'resource policy',
  ingress: 'security-group ingress',
};

/**
 * Resource types holding a resource policy, and the property that holds it. Sources:
 * the CloudFormation resource type reference of each type.
 */
const RESOURCE_POLICY_PROPERTIES = {
  'AWS::S3::BucketPolicy': 'PolicyDocument',
  'AWS::SQS::QueuePolicy': 'PolicyDocument',
  'AWS::SQS::QueueInlinePolicy': 'PolicyDocument',
  'AWS::SNS::TopicPolicy': 'PolicyDocument',
  'AWS::SNS::TopicInlinePolicy': 'PolicyDocument',
  'AWS::KMS::Key': 'KeyPolicy',
  'AWS::ECR::Repository': 'RepositoryPolicyText',
  'AWS::ECR::RegistryPolicy': 'PolicyText',
  'AWS::SecretsManager::ResourcePolicy': 'ResourcePolicy',
  'AWS::Logs::ResourcePolicy': 'PolicyDocument',
  'AWS::Events::EventBus': 'Policy',
  'AWS::ApiGateway::RestApi': 'Policy',
  'AWS::OpenSearchService::Domain': 'AccessPolicies',
  'AWS::Elasticsearch::Domain': 'AccessPolicies',
  'AWS::EFS::FileSystem': 'FileSystemPolicy',
  'AWS::Backup::BackupVault': 'AccessPolicy',
  'AWS::Glue::ResourcePolicy': 'PolicyInJson',
  'AWS::CodeArtifact::Domain': 'PermissionsPolicyDocument',
  'AWS::CodeArtifact::Repository': 'PermissionsPolicyDocument',
  'AWS::S3::AccessPoint': 'Policy',
  'AWS::IoT::Policy': 'PolicyDocument',
  'AWS::Lambda::LayerVersionPermission': null,
  'AWS::Lambda::Permission': null,
  'AWS::Events::EventBusPolicy': null,
};

/** Identity-based policies: the role/user/group types and the standalone policy types. */
const PRINCIPAL_TYPES = new Set(['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group']);
const POLICY_TYPES = new Set(['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy', 'AWS::IAM::UserPolicy', 'AWS::IAM::GroupPolicy']);

const asList = (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** How a value reads in a message: strings as they are, intrinsics shortened. */
function display(value) {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [k] = keys;
      const arg = value[k];
      if (k === 'Ref') return `\${${arg}}`;
      if (k === 'Fn::Sub') return typeof arg === 'string' ? arg : display(arg[0]);
      if (k === 'Fn::GetAtt') return `\${${asList(arg).join('.')}}`;
      if (k === 'Fn::ImportValue') return `import(${display(arg)})`;
    }
  }
  return canonical(value);
}

/** A policy document as an object: some properties take it as JSON text. */
function policyDocument(value) {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value);
    } catch {
      return { Statement: [] };
    }
  }
  return value && typeof value === 'object' ? value : { Statement: [] };
}

/** `Principal` as `AWS:arn`, `Service:name`, ...; `*` for everyone. */
function principals(p) {
  if (p === undefined) return [undefined];
  if (p === '*') return ['*'];
  if (typeof p !== 'object' || p === null || 'Ref' in p || Object.keys(p).some((k) => k.startsWith('Fn::'))) return [display(p)];
  const out = [];
  for (const [type, values] of Object.entries(p)) for (const v of asList(values)) out.push(v === '*' ? (type === 'AWS' ? '*' : `${type}:*`) : `${type}:${display(v)}`);
  return out.length ? out : [undefined];
}

/**
 * One grant per (effect, action, principal, resource): the unit of comparison. Actions
 * and resources keep their text; `not` marks NotAction/NotResource/NotPrincipal, which
 * only an identical grant covers.
 */
function statementGrants(base, statement) {
  const grants = [];
  if (!statement || typeof statement !== 'object') return grants;
  const effect = statement.Effect === 'Deny' ? 'Deny' : 'Allow';
  const actionKey = statement.NotAction !== undefined ? 'NotAction' : 'Action';
  const resourceKey = statement.NotResource !== undefined ? 'NotResource' : 'Resource';
  const principalKey = statement.NotPrincipal !== undefined ? 'NotPrincipal' : 'Principal';
  const actions = actionKey === 'NotAction' ? [`NotAction ${canonical(asList(statement.NotAction).map(display))}`] : asList(statement.Action).map(display);
  const resources =
    statement[resourceKey] === undefined
      ? [undefined]
      : resourceKey === 'NotResource'
        ? [`NotResource ${canonical(asList(statement.NotResource).map(display))}`]
        : asList(statement.Resource).map(display);
  const who = principalKey === 'NotPrincipal' ? [`NotPrincipal ${canonical(principals(statement.NotPrincipal))}`] : principals(statement.Principal);
  for (const action of actions.length ? actions : [undefined]) {
    for (const principal of who) {
      for (const resource of resources) {
        grants.push({ ...base, effect, action, principal, resource, condition: statement.Condition });
      }
    }
  }
  return grants;
}

function documentGrants(base, document) {
  return asList(policyDocument(document).Statement).flatMap((s) => statementGrants(base, s));
}

/** The grants of one resource of a template. */
function resourceGrants(logicalId, r) {
  const type = r && r.Type;
  const p = (r && r.Properties) || {};
  const base = (kind, extra = {}) => ({ logicalId, resourceType: type, kind, ...extra });
  const out = [];
  if (PRINCIPAL_TYPES.has(type)) {
    if (type === 'AWS::IAM::Role') out.push(...documentGrants(base(KIND.trust), p.AssumeRolePolicyDocument));
    for (const policy of asList(p.Policies)) {
      out.push(...documentGrants(base(KIND.identity, { policy: display(policy && policy.PolicyName) }), policy && policy.PolicyDocument));
    }
    for (const arn of asList(p.ManagedPolicyArns)) out.push({ ...base(KIND.identity), effect: 'Allow', attach: display(arn) });
    if (p.PermissionsBoundary !== undefined) out.push({ ...base(KIND.boundary), effect: 'Deny', boundary: display(p.PermissionsBoundary) });
  } else if (POLICY_TYPES.has(type)) {
    const targets = ['Roles', 'Users', 'Groups', 'RoleName', 'UserName', 'GroupName'].flatMap((k) => asList(p[k]).map((v) => `${k.replace(/s$|Name$/, '')}:${display(v)}`));
    for (const target of targets.length ? targets : [undefined]) {
      out.push(...documentGrants(base(KIND.identity, { policy: display(p.PolicyName || p.ManagedPolicyName || logicalId), attachedTo: target }), p.PolicyDocument));
    }
  } else if (type === 'AWS::Lambda::Permission' || type === 'AWS::Lambda::LayerVersionPermission') {
    const condition = {};
    if (p.SourceArn !== undefined) condition.ArnLike = { 'AWS:SourceArn': p.SourceArn };
    if (p.SourceAccount !== undefined) condition.StringEquals = { ...(condition.StringEquals || {}), 'AWS:SourceAccount': p.SourceAccount };
    if (p.PrincipalOrgID !== undefined || p.OrganizationId !== undefined) {
      condition.StringEquals = { ...(condition.StringEquals || {}), 'aws:PrincipalOrgID': p.PrincipalOrgID || p.OrganizationId };
    }
    if (p.FunctionUrlAuthType !== undefined) condition.StringEquals = { ...(condition.StringEquals || {}), 'lambda:FunctionUrlAuthType': p.FunctionUrlAuthType };
    const principal = typeof p.Principal === 'string' && /\.amazonaws\.com(\.cn)?$/.test(p.Principal) ? { Service: p.Principal } : { AWS: p.Principal };
    out.push(
      ...statementGrants(base(KIND.resource), {
        Effect: 'Allow',
        Action: p.Action,
        Principal: p.Principal === '*' ? '*' : principal,
        Resource: p.FunctionName || p.LayerVersionArn,
        Condition: Object.keys(condition).length ? condition : undefined,
      }),
    );
  } else if (type === 'AWS::Events::EventBusPolicy') {
    if (p.Statement !== undefined) out.push(...statementGrants(base(KIND.resource), p.Statement));
    else {
      out.push(
        ...statementGrants(base(KIND.resource), {
          Effect: 'Allow',
          Action: p.Action,
          Principal: p.Principal === '*' ? '*' : { AWS: p.Principal },
          Resource: p.EventBusName || 'default',
          Condition: p.Condition,
        }),
      );
    }
  } else if (RESOURCE_POLICY_PROPERTIES[type]) {
    const target = p.Bucket || p.Queues || p.Topics || p.Queue || p.Topic || p.SecretId;
    const extra = target !== undefined ? { attachedTo: display(Array.isArray(target) ? target.map(display).sort().join(',') : target) } : {};
    out.push(...documentGrants(base(KIND.resource, extra), p[RESOURCE_POLICY_PROPERTIES[type]]));
  } else if (type === 'AWS::EC2::SecurityGroup') {
    for (const rule of asList(p.SecurityGroupIngress)) out.push(ingressGrant(base(KIND.ingress, { group: logicalId }), rule));
  } else if (type === 'AWS::EC2::SecurityGroupIngress') {
    out.push(ingressGrant(base(KIND.ingress, { group: display(p.GroupId || p.GroupName) }), p));
  }
  return out;
}

function ingressGrant(base, rule) {
  const r = rule || {};
  const protocol = r.IpProtocol === undefined ? '-1' : String(display(r.IpProtocol)).toLowerCase();
  const all = protocol === '-1' || protocol === 'all';
  const from = all || r.FromPort === undefined ? 0 : Number(r.FromPort);
  const to = all || r.ToPort === undefined ? 65535 : Number(r.ToPort);
  const sourceKey = ['CidrIp', 'CidrIpv6', 'SourceSecurityGroupId', 'SourceSecurityGroupName', 'SourcePrefixListId'].find((k) => r[k] !== undefined);
  const source = sourceKey ? `${sourceKey} ${display(r[sourceKey])}${r.SourceSecurityGroupOwnerId !== undefined ? ` (${display(r.SourceSecurityGroupOwnerId)})` : ''}` : 'none';
  return {
    ...base,
    effect: 'Allow',
    protocol: all ? '-1' : protocol,
    from: Number.isNaN(from) ? display(r.FromPort) : from,
    to: Number.isNaN(to) ? display(r.ToPort) : to,
    source,
  };
}

/** Every grant of a template. */
function grantsOf(template) {
  const resources = (template && template.Resources) || {};
  return Object.keys(resources)
    .sort()
    .flatMap((id) => resourceGrants(id, resources[id]));
}

module.exports = { KIND, asList, display, grantsOf };

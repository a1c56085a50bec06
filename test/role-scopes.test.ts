/**
 * The CloudFormation roles are built from the registry (generator/core/resource-types.ts,
 * generator/core/aws-services.ts): adding a resource type is one entry (and, for a new
 * service, its row), every handler action goes only to a scope its type's entry names or
 * derives, and the scope modules name no type or service the registry does not hold.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXECUTION_ROLE_EXCLUSIONS } from '../generator/blocks/execution-exclusions';
import { executionDefaultNames, executionScopes } from '../generator/blocks/execution-scopes';
import { PIPELINE_STACKS_EXCLUSIONS, pipelineStacksDefaultNames, pipelineStacksPermissions, pipelineStacksScopes } from '../generator/blocks/pipeline-stacks-scopes';
import { standardParameters } from '../generator/blocks/standard-parameters';
import { AWS_SERVICES } from '../generator/core/aws-services';
import { Exclusion, HandlerPermissionsFile, exclude, handlerPermissions } from '../generator/core/handler-permissions';
import { Statement } from '../generator/core/iam';
import { sub } from '../generator/core/intrinsics';
import { resourceTypesIn, resourceTypesOf } from '../generator/core/member-stack';
import { PROJECT_ROOT } from '../generator/core/paths';
import { RESOURCE_TYPES, ROLE_KEYS, ResourceTypeEntry, RoleKey } from '../generator/core/resource-types';
import { REGISTRY, Registry, RolePermissions, prefixesNamed, rolePermissions, roleStatements } from '../generator/core/role-scopes';
import { TemplateBuilder } from '../generator/core/template';
import { memberStackTemplates } from '../generator/member-stacks';
import { pipelineStackTemplates } from '../generator/templates/pipeline/pipeline-template';
import { exampleConfig } from './helpers/template';

const config = exampleConfig();
const TYPES: Record<RoleKey, string[]> = {
  execution: resourceTypesOf(memberStackTemplates()),
  pipelineStacks: resourceTypesIn(pipelineStackTemplates(config)),
};
const ENTRIES = RESOURCE_TYPES as Readonly<Record<string, ResourceTypeEntry>>;
const PIPELINE_SCOPE = { project: '${ProjectName}', suffix: '${EnvironmentSuffix}' };

interface Options {
  readonly registry?: Registry;
  readonly data?: HandlerPermissionsFile;
  readonly exclusions?: readonly Exclusion[];
}

function executionPermissions(types: readonly string[], o: Options = {}): RolePermissions {
  return rolePermissions('execution role', 'execution', types, [...EXECUTION_ROLE_EXCLUSIONS, ...(o.exclusions ?? [])], o);
}

function executionStatements(types: readonly string[], o: Options = {}): Statement[] {
  const t = new TemplateBuilder('execution role under test');
  const { project, suffix } = standardParameters(t);
  const p = executionPermissions(types, o);
  return roleStatements(
    p,
    executionScopes({ project, suffix }, sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/boundary'), p),
    executionDefaultNames({ project, suffix }),
  );
}

/** The registry with `type`'s entry replaced (or added). */
function withEntry(type: string, entry: ResourceTypeEntry, services: Registry['services'] = AWS_SERVICES): Registry {
  return { types: { ...ENTRIES, [type]: entry }, services };
}

const statement = (statements: Statement[], sid: string) => statements.find((s) => s.Sid === sid)!;

describe('the registry says which types each role deploys', () => {
  test.each(ROLE_KEYS)('the types whose entries name %s scopes are exactly those of its stacks', (key) => {
    const named = Object.keys(ENTRIES).filter((t) => ENTRIES[t].scopes[key] !== undefined);
    expect(named.sort()).toEqual(TYPES[key]);
  });

  test('every handler action of every type goes only where its entry lets it, and every scope an entry names takes one', () => {
    expect(executionStatements(TYPES.execution).length).toBeGreaterThan(10);
    const p = pipelineStacksPermissions(TYPES.pipelineStacks);
    expect(roleStatements(p, pipelineStacksScopes(PIPELINE_SCOPE, p), pipelineStacksDefaultNames(PIPELINE_SCOPE)).length).toBeGreaterThan(10);
  });

  test('the roles pass roles to exactly the services the entries name, and create exactly their service-linked roles', () => {
    const statements = executionStatements(TYPES.execution);
    const passed = TYPES.execution.map((t) => ENTRIES[t].passesRoleTo).filter((s) => s !== undefined);
    expect(statement(statements, 'PassWorkloadRoles').Condition!.StringEquals['iam:PassedToService']).toEqual([...new Set(passed)].sort());
    const linked = TYPES.execution.map((t) => ENTRIES[t].serviceLinkedRole?.service).filter((s) => s !== undefined);
    expect([...(statement(statements, 'ServiceLinkedRoles').Condition!.StringEquals['iam:AWSServiceName'] as string[])].sort()).toEqual([...linked].sort());
  });
});

describe('an action that goes where its entry does not let it fails generation, naming the field', () => {
  const without = (type: string, change: Partial<ResourceTypeEntry>) => withEntry(type, { ...ENTRIES[type], ...change });

  test('a scope its entry does not name', () => {
    const registry = without('AWS::ApplicationAutoScaling::ScalableTarget', { scopes: { execution: ['EcsScalableTargets', 'ScalingReads', 'ScalingPermissionChecks'] } });
    expect(() => executionStatements(TYPES.execution, { registry })).toThrow(
      /AWS::ApplicationAutoScaling::ScalableTarget: cloudwatch:DeleteAlarms goes to Alarms: add Alarms to its "scopes.execution" in RESOURCE_TYPES/,
    );
  });

  test('a role its handlers pass, without passesRoleTo', () => {
    const registry = without('AWS::Lambda::Function', { passesRoleTo: undefined });
    expect(() => executionStatements(TYPES.execution, { registry })).toThrow(/AWS::Lambda::Function: iam:PassRole goes to PassWorkloadRoles: add "passesRoleTo"/);
  });

  test('a service-linked role its handlers create, without serviceLinkedRole', () => {
    const registry = without('AWS::ECS::Cluster', { serviceLinkedRole: undefined });
    expect(() => executionStatements(TYPES.execution, { registry })).toThrow(/AWS::ECS::Cluster: iam:CreateServiceLinkedRole goes to ServiceLinkedRoles: add "serviceLinkedRole"/);
  });

  test('a scope its entry names that takes none of its actions', () => {
    const registry = without('AWS::Logs::LogGroup', { scopes: { execution: ['LogGroups', 'EventRules'], pipelineStacks: ['LogGroups'] } });
    expect(() => executionStatements(TYPES.execution, { registry })).toThrow(
      /AWS::Logs::LogGroup: RESOURCE_TYPES\['AWS::Logs::LogGroup'\]\.scopes\.execution names EventRules, which takes none/,
    );
  });

  test('a type of the stacks whose entry names no scope of the role', () => {
    expect(() => executionPermissions([...TYPES.execution, 'AWS::SNS::Topic'])).toThrow(
      /AWS::SNS::Topic is in its stacks, but RESOURCE_TYPES\['AWS::SNS::Topic'\]\.scopes has no "execution"/,
    );
  });

  test('a scope the role does not define, for a type the generator does not name', () => {
    const registry = without('AWS::ECS::PrimaryTaskSet', { scopes: { execution: ['TaskSets'] } });
    expect(() => executionStatements(TYPES.execution, { registry })).toThrow(
      /AWS::ECS::PrimaryTaskSet'\]\.scopes\.execution names TaskSets, which the role does not define; a scope derived from the entry needs its "name" and "arn"/,
    );
  });
});

describe('adding a resource type is one entry', () => {
  // Types the registry does not hold, with handler data of their own: a filter of CloudWatch
  // Logs (its handlers as AWS::Logs::SubscriptionFilter's) and a flow of a service no entry uses.
  const FILTER = 'AWS::Logs::ExampleFilter';
  const FLOW = 'AWS::ExampleFlows::Flow';
  const data: HandlerPermissionsFile = {
    ...handlerPermissions(),
    resourceTypes: {
      ...handlerPermissions().resourceTypes,
      [FILTER]: {
        create: ['iam:PassRole', 'logs:DescribeExampleFilters', 'logs:PutExampleFilter'],
        read: ['logs:DescribeExampleFilters'],
        delete: ['logs:DeleteExampleFilter'],
        list: ['logs:DescribeExampleFilters'],
      },
      [FLOW]: {
        create: ['exampleflows:CreateFlow', 'exampleflows:DescribeFlow', 'exampleflows:TagResource', 'iam:PassRole', 'kms:DescribeKey'],
        read: ['exampleflows:DescribeFlow'],
        update: ['exampleflows:UpdateFlow', 'exampleflows:TagResource', 'exampleflows:UntagResource', 'iam:PassRole'],
        delete: ['exampleflows:DeleteFlow'],
        list: ['exampleflows:ListFlows'],
      },
    },
  };
  const filter: ResourceTypeEntry = { tags: null, name: null, scopes: { execution: ['LogGroups'] }, passesRoleTo: 'logs.amazonaws.com' };

  test('a type of a service the role already holds: its actions join the scopes its entry names', () => {
    const statements = executionStatements([...TYPES.execution, FILTER], { registry: withEntry(FILTER, filter), data });
    expect(statement(statements, 'LogGroups').Action).toEqual(expect.arrayContaining(['logs:DeleteExampleFilter', 'logs:DescribeExampleFilters', 'logs:PutExampleFilter']));
    expect(statement(statements, 'PassWorkloadRoles').Condition!.StringEquals['iam:PassedToService']).toContain('logs.amazonaws.com');
  });

  test('its entry decides: without passesRoleTo, its iam:PassRole fails generation', () => {
    const registry = withEntry(FILTER, { ...filter, passesRoleTo: undefined });
    expect(() => executionStatements([...TYPES.execution, FILTER], { registry, data })).toThrow(
      /AWS::Logs::ExampleFilter: iam:PassRole goes to PassWorkloadRoles: add "passesRoleTo"/,
    );
  });

  test('a type of a new service: its entry and its service row; the scope is derived on this project names', () => {
    const exclusions: Exclusion[] = [{ resourceType: FLOW, actions: ['kms:DescribeKey'], reason: 'called only for a customer managed key, which is never set' }];
    const entry: ResourceTypeEntry = {
      tags: 'list',
      name: { property: 'FlowName', rule: 'events-rule' },
      scopes: { execution: ['Flows'] },
      arn: 'flow:{name}',
      passesRoleTo: 'exampleflows.amazonaws.com',
    };
    const row = { namespace: 'ExampleFlows', arn: 'region' as const, withoutResourceTypes: { actions: 'exampleflows:ListFlows', calls: 'exampleflows:ListFlows' } };
    const types = [...TYPES.execution, FLOW];

    expect(() => executionStatements(types, { registry: withEntry(FLOW, entry), data, exclusions })).toThrow(
      /AWS::ExampleFlows::Flow call exampleflows:CreateFlow, but service exampleflows has no row in AWS_SERVICES/,
    );
    const statements = executionStatements(types, { registry: withEntry(FLOW, entry, { ...AWS_SERVICES, exampleflows: row }), data, exclusions });
    expect(statement(statements, 'Flows')).toEqual({
      Sid: 'Flows',
      Effect: 'Allow',
      Action: [
        'exampleflows:CreateFlow',
        'exampleflows:DeleteFlow',
        'exampleflows:DescribeFlow',
        'exampleflows:TagResource',
        'exampleflows:UntagResource',
        'exampleflows:UpdateFlow',
      ],
      Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:exampleflows:${AWS::Region}:${AWS::AccountId}:flow:${ProjectName}-*' }],
    });
    expect(statement(statements, 'WithoutResourceTypes').Action).toContain('exampleflows:ListFlows');
    expect(statement(statements, 'PassWorkloadRoles').Condition!.StringEquals['iam:PassedToService']).toContain('exampleflows.amazonaws.com');
  });

  test('an action of the new type that an existing scope would take fails generation until its entry or an exclusion says so', () => {
    const entry: ResourceTypeEntry = { tags: 'list', name: { property: 'FlowName', rule: 'events-rule' }, scopes: { execution: ['Flows'] }, arn: 'flow:{name}' };
    const row = { namespace: 'ExampleFlows', arn: 'region' as const, withoutResourceTypes: { actions: 'exampleflows:ListFlows', calls: 'exampleflows:ListFlows' } };
    const registry = withEntry(FLOW, entry, { ...AWS_SERVICES, exampleflows: row });
    expect(() => executionStatements([...TYPES.execution, FLOW], { registry, data })).toThrow(/no scope takes kms:DescribeKey/);
    const exclusions: Exclusion[] = [{ resourceType: FLOW, actions: ['kms:DescribeKey'], reason: 'called only for a customer managed key, which is never set' }];
    expect(() => executionStatements([...TYPES.execution, FLOW], { registry, data, exclusions })).toThrow(
      /AWS::ExampleFlows::Flow: iam:PassRole goes to PassWorkloadRoles: add "passesRoleTo"/,
    );
  });
});

describe('the scope modules name no type or service the registry does not hold', () => {
  const execution = (() => {
    const t = new TemplateBuilder('scopes');
    const { project, suffix } = standardParameters(t);
    return executionScopes({ project, suffix }, sub('boundary'), executionPermissions(TYPES.execution));
  })();
  const pipeline = pipelineStacksScopes(PIPELINE_SCOPE, pipelineStacksPermissions(TYPES.pipelineStacks));

  test.each([...execution, ...pipeline].map((s) => [s.sid, s] as const))('%s names services of AWS_SERVICES only', (_sid, scope) => {
    const named = prefixesNamed(scope);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((p) => AWS_SERVICES[p] === undefined)).toEqual([]);
  });

  test.each(['execution-scopes.ts', 'network-scopes.ts', 'pipeline-stacks-scopes.ts', 'execution-exclusions.ts', 'log-group-exclusions.ts'])(
    '%s names types of RESOURCE_TYPES only',
    (file) => {
      const text = fs.readFileSync(path.join(PROJECT_ROOT, 'generator', 'blocks', file), 'utf8');
      const types = [...text.matchAll(/'(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)'/g)].map((m) => m[1]);
      expect(types.filter((t) => ENTRIES[t] === undefined)).toEqual([]);
    },
  );

  test('an exclusion for a type outside the registry is refused', () => {
    expect(() => exclude('AWS::Example::Thing', ['example:Call'], 'a reason long enough')).toThrow(/exclusion for AWS::Example::Thing: not a type of RESOURCE_TYPES/);
  });

  test('both roles exclude actions of their own types only', () => {
    for (const [key, exclusions] of [
      ['execution', EXECUTION_ROLE_EXCLUSIONS],
      ['pipelineStacks', PIPELINE_STACKS_EXCLUSIONS],
    ] as const) {
      expect(exclusions.map((e) => e.resourceType).filter((t) => !TYPES[key].includes(t))).toEqual([]);
    }
  });
});

test('the registry used by generation is the one this test reads', () => {
  expect(REGISTRY.types).toBe(RESOURCE_TYPES);
  expect(REGISTRY.services).toBe(AWS_SERVICES);
});

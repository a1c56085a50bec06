/**
 * Each project rule with a template that passes it and one that fails it.
 */
import { Template } from '../../generator/core/template';
import { RULES } from '../../generator/rules';
import { blueGreenStack } from '../../generator/rules/blue-green-stack';
import { ecsNativeBlueGreen } from '../../generator/rules/ecs-native-blue-green';
import { loadTemplate } from '../helpers/template';
import { denyTerminateInstances } from '../../generator/rules/deny-terminate-instances';
import { iamNamedActions } from '../../generator/rules/iam-named-actions';
import { noHardCodedAccounts } from '../../generator/rules/no-hard-coded-accounts';
import { noManagedPolicies } from '../../generator/rules/no-managed-policies';
import { Rule } from '../../generator/rules/rule';
import { templateSize } from '../../generator/rules/template-size';

const DENY = { Sid: 'DenyTerminateInstances', Effect: 'Deny', Action: ['ec2:TerminateInstances'], Resource: '*' };

function roleTemplate(statements: unknown[], extra: Record<string, unknown> = {}): Template {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'fixture',
    Resources: {
      Role: {
        Type: 'AWS::IAM::Role',
        DeletionPolicy: 'Delete',
        UpdateReplacePolicy: 'Delete',
        Properties: {
          AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] },
          Policies: [{ PolicyName: 'p', PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
          ...extra,
        },
      },
    },
  };
}

const GOOD_ROLE = roleTemplate([{ Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'] }, DENY]);

function blueGreen(overrides: Partial<Template> = {}, serviceCount = 1): Template {
  const plain = (type: string) => ({ Type: type, DeletionPolicy: 'Delete' as const, UpdateReplacePolicy: 'Delete' as const, Properties: {} });
  const services = Object.fromEntries(Array.from({ length: serviceCount }, (_, i) => [`Service${i}`, plain('AWS::ECS::Service')]));
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'blue/green fixture',
    Transform: 'AWS::CodeDeployBlueGreen',
    Resources: {
      ...services,
      TaskDef: plain('AWS::ECS::TaskDefinition'),
      TaskSet: plain('AWS::ECS::TaskSet'),
      Prod: plain('AWS::ElasticLoadBalancingV2::Listener'),
      Test: plain('AWS::ElasticLoadBalancingV2::Listener'),
      Tg1: plain('AWS::ElasticLoadBalancingV2::TargetGroup'),
      Tg2: plain('AWS::ElasticLoadBalancingV2::TargetGroup'),
    },
    Hooks: {
      CodeDeployHook: {
        Type: 'AWS::CodeDeploy::BlueGreen',
        Properties: {
          ServiceRole: 'codedeploy-role',
          Applications: [
            {
              Target: { Type: 'AWS::ECS::Service', LogicalID: 'Service0' },
              ECSAttributes: {
                TaskDefinitions: ['TaskDef', 'TaskDefGreen'],
                TaskSets: ['TaskSet', 'TaskSetGreen'],
                TrafficRouting: {
                  ProdTrafficRoute: { Type: 'AWS::ElasticLoadBalancingV2::Listener', LogicalID: 'Prod' },
                  TestTrafficRoute: { Type: 'AWS::ElasticLoadBalancingV2::Listener', LogicalID: 'Test' },
                  TargetGroups: ['Tg1', 'Tg2'],
                },
              },
            },
          ],
        },
      },
    },
    ...overrides,
  };
}

const CASES: Array<[Rule, Template, string, Template, string]> = [
  [templateSize, GOOD_ROLE, 'x', GOOD_ROLE, 'x'.repeat(51_201)],
  [iamNamedActions, GOOD_ROLE, '', roleTemplate([{ Sid: 'All', Effect: 'Allow', Action: ['s3:*'], Resource: ['arn:aws:s3:::b'] }, DENY]), ''],
  [denyTerminateInstances, GOOD_ROLE, '', roleTemplate([{ Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['x'] }]), ''],
  [noManagedPolicies, GOOD_ROLE, '', roleTemplate([DENY], { ManagedPolicyArns: ['arn:aws:iam::aws:policy/PowerUserAccess'] }), ''],
  [
    noHardCodedAccounts,
    { ...GOOD_ROLE, Parameters: { Account: { Type: 'String', Description: 'x', AllowedPattern: '^[0-9]{12}$' } } },
    '',
    roleTemplate([{ Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b-123456789012/*'] }, DENY]),
    '',
  ],
  [blueGreenStack, blueGreen(), '', blueGreen({ Outputs: { X: { Description: 'x', Value: 'y' } } }), ''],
  [ecsNativeBlueGreen, loadTemplate('ecs-service-native.json'), '', nativeWith((t) => forwardOnly(t, 'TestListenerRule', 'TargetGroup1')), ''],
];

/** The generated ECS-native template, changed by `edit` (on a copy). */
function nativeWith(edit: (t: Template) => void): Template {
  const t = JSON.parse(JSON.stringify(loadTemplate('ecs-service-native.json'))) as Template;
  edit(t);
  return t;
}

function forwardOnly(t: Template, ruleId: string, targetGroupId: string): void {
  const props = t.Resources[ruleId].Properties as { Actions: Array<{ ForwardConfig: { TargetGroups: Array<{ TargetGroupArn: unknown }> } }> };
  props.Actions[0].ForwardConfig.TargetGroups = [{ TargetGroupArn: { Ref: targetGroupId } }];
}

function serviceProps(t: Template): Record<string, any> {
  return t.Resources.Service.Properties as Record<string, any>;
}

describe.each(CASES)('rule %#', (rule, good, goodText, bad, badText) => {
  test(`${rule.id} passes its good fixture`, () => {
    expect(rule.check(good, goodText)).toEqual([]);
  });
  test(`${rule.id} fails its bad fixture`, () => {
    expect(rule.check(bad, badText).length).toBeGreaterThan(0);
  });
});

describe('rules', () => {
  test('every rule has an id, a description and an AWS source, and is tested above', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) {
      expect(r.id).toMatch(/^CD\d{3}$/);
      expect(r.description.length).toBeGreaterThan(20);
      expect(r.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    }
    expect(CASES.map(([r]) => r.id).sort()).toEqual([...ids].sort());
  });

  test.each([
    [
      'an import',
      blueGreen({ Resources: { S: { Type: 'AWS::ECS::Service', DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete', Properties: { Cluster: { 'Fn::ImportValue': 'x' } } } } }),
      'Fn::ImportValue is not allowed',
    ],
    [
      'a dynamic reference',
      blueGreen({ Resources: { S: { Type: 'AWS::ECS::Service', DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete', Properties: { X: '{{resolve:ssm:/x}}' } } } }),
      'dynamic references are not allowed',
    ],
    ['two services', blueGreen({}, 2), 'exactly one AWS::ECS::Service, found 2'],
    ['a NoEcho parameter', blueGreen({ Parameters: { P: { Type: 'String', Description: 'x', NoEcho: true } as never } }), 'NoEcho parameters are not allowed'],
    ['a hook without the transform', { ...blueGreen(), Transform: undefined }, 'needs the AWS::CodeDeployBlueGreen transform'],
  ])('CD006 finds %s', (_name, template, message) => {
    expect(blueGreenStack.check(template as Template, '').join('\n')).toContain(message);
  });
});

describe('CD007: ECS-native blue/green wiring', () => {
  test.each([
    [
      'a production rule that forwards to one target group',
      nativeWith((t) => forwardOnly(t, 'ProductionListenerRule', 'TargetGroup2')),
      'ProductionListenerRule of Service must forward to both target groups; it does not forward to TargetGroup1',
    ],
    ['a test rule that forwards to one target group', nativeWith((t) => forwardOnly(t, 'TestListenerRule', 'TargetGroup1')), 'it does not forward to TargetGroup2'],
    [
      'a listener where a rule belongs',
      nativeWith((t) => (serviceProps(t).LoadBalancers[0].AdvancedConfiguration.ProductionListenerRule = { Ref: 'ProductionListener' })),
      'must be a Ref to an AWS::ElasticLoadBalancingV2::ListenerRule',
    ],
    ['no production rule', nativeWith((t) => delete serviceProps(t).LoadBalancers[0].AdvancedConfiguration.ProductionListenerRule), 'ProductionListenerRule: is required'],
    [
      'an alternate target group given as text',
      nativeWith((t) => (serviceProps(t).LoadBalancers[0].AdvancedConfiguration.AlternateTargetGroupArn = 'arn:aws:x')),
      'must each be a Ref to a target group',
    ],
    ['the EXTERNAL controller', nativeWith((t) => (serviceProps(t).DeploymentController = { Type: 'EXTERNAL' })), 'needs DeploymentController ECS'],
    [
      'linear baking over 33 hours',
      nativeWith(
        (t) => (serviceProps(t).DeploymentConfiguration = { Strategy: 'LINEAR', BakeTimeInMinutes: 60, LinearConfiguration: { StepPercent: 11, StepBakeTimeInMinutes: 214 } }),
      ),
      '1986 minutes of baking exceeds the 1980',
    ],
    [
      'canary baking over 33 hours',
      nativeWith(
        (t) => (serviceProps(t).DeploymentConfiguration = { Strategy: 'CANARY', BakeTimeInMinutes: 1440, CanaryConfiguration: { CanaryPercent: 5, CanaryBakeTimeInMinutes: 541 } }),
      ),
      '1981 minutes of baking exceeds',
    ],
  ])('finds %s', (_name, template, message) => {
    expect(ecsNativeBlueGreen.check(template, '').join('\n')).toContain(message);
  });

  test('accepts linear baking of exactly 33 hours (10 % steps: 9 bakes)', () => {
    const t = nativeWith(
      (x) => (serviceProps(x).DeploymentConfiguration = { Strategy: 'LINEAR', BakeTimeInMinutes: 0, LinearConfiguration: { StepPercent: 10, StepBakeTimeInMinutes: 220 } }),
    );
    expect(ecsNativeBlueGreen.check(t, '')).toEqual([]);
  });
});

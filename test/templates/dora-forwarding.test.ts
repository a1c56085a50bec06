/**
 * dora-forwarding.json: a member account forwards its services' completed and failed ECS
 * deployments, and nothing else, to the tools account's default bus; the event passes
 * the rule here, the bus policy and the rule of dora.json. That the member accounts'
 * execution role may deploy it is proved with the other member stacks in
 * member-roles.iam.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DORA_IDS } from '../../generator/templates/dora';
import { DORA_FORWARDING_IDS as ID } from '../../generator/templates/dora-forwarding';
import { PROD_ACCOUNT, SERVICE_ARN, ecsDeploymentEvent } from '../fixtures/ecs-events';
import { matchesEventPattern } from '../helpers/event-pattern';
import { TEMPLATES_DIR, exampleConfig, loadTemplate, policyStatements, resolve, resource } from '../helpers/template';

const template = loadTemplate('dora-forwarding.json');
const config = exampleConfig();

function paramsFor(file: string, env: string, account: string): Record<string, string> {
  const values = JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, 'parameters', file, `${env}.json`), 'utf8')).Parameters;
  return { ...values, 'AWS::Partition': 'aws', 'AWS::Region': 'eu-west-1', 'AWS::AccountId': account };
}
const PROD = paramsFor('dora-forwarding', 'prod', PROD_ACCOUNT);

function resolveDeep(value: unknown, params: Record<string, string>): any {
  if (Array.isArray(value)) return value.map((v) => resolveDeep(v, params));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0][0] === 'Fn::GetAtt') return `<${(entries[0][1] as string[]).join('.')}>`;
  if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) return resolve(value, params);
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveDeep(v, params)]));
}

const rule = resolveDeep(resource(template, ID.rule).Properties, PROD);
const TOOLS_BUS = `arn:aws:events:eu-west-1:${config.tools.accountId}:event-bus/default`;

describe('dora-forwarding.json', () => {
  test('forwards the completed and failed deployments of this environment\'s cluster only', () => {
    const pattern = rule.EventPattern;
    expect(matchesEventPattern(pattern, ecsDeploymentEvent('SERVICE_DEPLOYMENT_FAILED', '2026-11-20T10:00:00Z'))).toBe(true);
    expect(matchesEventPattern(pattern, ecsDeploymentEvent('SERVICE_DEPLOYMENT_COMPLETED', '2026-11-20T10:00:00Z'))).toBe(true);
    expect(matchesEventPattern(pattern, ecsDeploymentEvent('SERVICE_DEPLOYMENT_IN_PROGRESS', '2026-11-20T10:00:00Z'))).toBe(false);
    const otherCluster = SERVICE_ARN.replace('shop-cluster-prod', 'other-cluster-prod');
    expect(matchesEventPattern(pattern, ecsDeploymentEvent('SERVICE_DEPLOYMENT_FAILED', '2026-11-20T10:00:00Z', otherCluster))).toBe(false);
  });

  test('sends to the tools account\'s default bus with a role that may put events there and nowhere else', () => {
    expect(rule.Targets).toEqual([{ Id: 'ToolsEventBus', Arn: TOOLS_BUS, RoleArn: `<${ID.role}.Arn>` }]);
    const statements = resolveDeep(policyStatements(resource(template, ID.role)), PROD);
    const allows = statements.filter((s: any) => s.Effect === 'Allow' && !s.Principal);
    expect(allows).toEqual([{ Sid: 'PutOnToolsBus', Effect: 'Allow', Action: ['events:PutEvents'], Resource: [TOOLS_BUS] }]);
    const trustRole = resource(template, ID.role).Properties as any;
    expect(resolveDeep(trustRole.AssumeRolePolicyDocument.Statement[0], PROD)).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': PROD_ACCOUNT } },
    });
  });

  test('an event it forwards passes the tools bus policy and the rule of dora.json', () => {
    const dora = loadTemplate('dora.json');
    const toolsParams = {
      ...JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, 'parameters', 'dora.json'), 'utf8')).Parameters,
      'AWS::Partition': 'aws',
      'AWS::Region': 'eu-west-1',
      'AWS::AccountId': config.tools.accountId,
    };
    const event = ecsDeploymentEvent('SERVICE_DEPLOYMENT_FAILED', '2026-11-20T10:00:00Z');
    expect(matchesEventPattern(rule.EventPattern, event)).toBe(true);
    const policy = resolveDeep((resource(dora, DORA_IDS.memberEventsPolicy).Properties as any).Statement, toolsParams);
    expect(policy.Principal.AWS).toContain(`arn:aws:iam::${event.account}:root`);
    expect(policy.Resource).toBe(TOOLS_BUS);
    expect(policy.Condition.StringEquals).toEqual({ 'events:source': event.source, 'events:detail-type': event['detail-type'] });
    const toolsRule = resolveDeep((resource(dora, DORA_IDS.serviceRule).Properties as any).EventPattern, toolsParams);
    expect(matchesEventPattern(toolsRule, event)).toBe(true);
  });

  test('has a parameter file per environment naming the tools account', () => {
    for (const env of config.environments) {
      expect(paramsFor('dora-forwarding', env.name, env.accountId)).toMatchObject({ ToolsAccountId: config.tools.accountId, EnvironmentName: env.name });
    }
  });
});

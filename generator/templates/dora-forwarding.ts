/**
 * dora-forwarding.json: one member account's part of the DORA figures, deployed to each
 * member account and environment as `{project}-dora-forwarding-{suffix}` (StackSets or
 * `npm run deploy`).
 *
 * ECS emits its service deployment events in the account that runs the service; dora.json
 * computes the figures in the tools account. One EventBridge rule here forwards the
 * completed and failed deployments of the services in this environment's cluster to the
 * tools account's default event bus, whose policy (dora.json) admits exactly these
 * events from the member accounts. EventBridge sends to an event bus in another account
 * with a role of the sending account (EventBridge User Guide, "Sending and receiving
 * events between AWS accounts"): the role may put events on that one bus, nothing else.
 */
import { sub } from '../core/intrinsics';
import { allow } from '../core/iam';
import { standardName } from '../core/naming';
import { accountIdParameter } from '../core/parameters';
import { Template, TemplateBuilder } from '../core/template';
import { workloadRole } from '../blocks/role';
import { STANDARD_PARAMETER_IDS, standardParameterValues, standardParameters, standardTagValues } from '../blocks/standard-parameters';
import { ResolvedConfig } from '../config/types';
import type { ParameterFile } from '../core/parameter-file';
import { ECS_DEPLOYMENT_EVENTS } from '../contracts/dora';

/** Logical IDs: a public contract (renaming one replaces the live resource). */
export const DORA_FORWARDING_IDS = {
  ...STANDARD_PARAMETER_IDS,
  toolsAccountId: 'ToolsAccountId',
  role: 'ForwardDeploymentEventsRole',
  rule: 'ForwardDeploymentEventsRule',
} as const;

const ID = DORA_FORWARDING_IDS;

/** The name of the forwarding rule: `{project}-dora-forward-{suffix}`. */
export const FORWARD_RULE_TYPE = 'dora-forward';

export function buildDoraForwardingTemplate(): Template {
  const t = new TemplateBuilder(
    'DORA figures, member account part: forwards the completed and failed ECS deployments of the services in this environment\'s cluster to the tools account\'s default event bus.',
  );
  const { project, suffix } = standardParameters(t);
  const tools = t.parameter(ID.toolsAccountId, accountIdParameter('AWS account ID of the tools account, whose default event bus receives the events'));
  const toolsBus = sub(`arn:\${AWS::Partition}:events:\${AWS::Region}:\${${tools.logicalId}}:event-bus/default`);
  const forwardRole = workloadRole(t, ID.role, { project, suffix }, {
    description: 'EventBridge sends this account\'s ECS deployment events to the tools account\'s default event bus with it',
    service: 'events.amazonaws.com',
    policyName: 'forward-deployment-events',
    statements: [allow('PutOnToolsBus', ['events:PutEvents'], [toolsBus])],
  });
  t.resource(ID.rule, 'AWS::Events::Rule', {
    Name: standardName('events-rule', FORWARD_RULE_TYPE, { project, suffix }),
    Description: 'Completed and failed ECS deployments of the project services in this environment, to the tools account for the DORA figures',
    State: 'ENABLED',
    EventPattern: {
      source: [ECS_DEPLOYMENT_EVENTS.source],
      'detail-type': [ECS_DEPLOYMENT_EVENTS.detailType],
      resources: [{ prefix: sub(`arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:service/\${${project.logicalId}}-cluster-\${${suffix.logicalId}}/`) }],
      detail: { eventName: [...ECS_DEPLOYMENT_EVENTS.eventNames] },
    },
    Targets: [{ Id: 'ToolsEventBus', Arn: toolsBus, RoleArn: forwardRole.getAtt('Arn') }],
  });
  return t.build();
}

/** One parameter file per environment. */
export function doraForwardingParameterFiles(config: ResolvedConfig): ParameterFile[] {
  return config.environments.map((env) => ({
    path: `parameters/dora-forwarding/${env.name}.json`,
    parameters: { ...standardParameterValues(config, env), [ID.toolsAccountId]: config.tools.accountId },
    tags: standardTagValues(config, env),
  }));
}

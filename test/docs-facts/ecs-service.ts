/** docs/templates/ecs-service.md. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { secretResource } from '../../generator/blocks/app-settings';
import { CONTAINER_HEALTH_CHECK } from '../../generator/blocks/container-health-check';
import { HTTPS_PORT, HTTP_PORT, TLS_POLICY } from '../../generator/blocks/https';
import { defaultHealthCheckCommand } from '../../generator/config/app-settings';
import { BAKE_TIME_MAX_MINUTES, CANARY_PERCENT_MIN, LINEAR_PERCENT_MIN, TOTAL_BAKE_MAX_MINUTES, linearSteps } from '../../generator/core/ecs-traffic-limits';
import { TEMPLATE_BODY_LIMIT_BYTES } from '../../generator/core/limits';
import { NAME_RULES } from '../../generator/core/naming';
import { MAX_LENGTH } from '../../generator/core/parameters';
import { Template } from '../../generator/core/template';
import { HEALTH_CHECK, PRODUCTION_PORT, TEST_PORT } from '../../generator/contracts/service';
import { CHECK_ATTEMPTS, CHECK_DELAY_MS, ecsServiceParameterFilePath } from '../../generator/templates/ecs-service';
import { TEMPLATES_DIR, exampleConfig } from '../helpers/template';
import { CONFIG_SCHEMA, longestName, param, props } from './code';
import { Stated, aboutKb, grouped, sourceMatch, statements, word } from './stated';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const renderer = require('../../scripts/render-service-template.js') as {
  renderServiceTemplate(t: Template, file: unknown, image: string, pseudo: Record<string, string>): { template: Template };
  locate(dir: string, service: string, environment: string): { templateFile: string };
};

const { code, cited, label } = statements('docs/templates/ecs-service.md');
const BG = 'ecs-service.json';
const NATIVE = 'ecs-service-native.json';
const ENV_SETTINGS = CONFIG_SCHEMA.properties.services.items.properties.environments.additionalProperties.properties;

/** The largest service template the render step writes for the example, and for which service and environment. */
export function largestRendered(): { bytes: number; service: string; environment: string } {
  const config = exampleConfig();
  const pseudo = { 'AWS::Region': 'eu-west-1', 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' };
  const sizes = config.services.flatMap((s) =>
    config.environments.map((e) => {
      const file = JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, ecsServiceParameterFilePath(s.name, e.name, s.environments[e.name].deploymentStrategy)), 'utf8'));
      const template = JSON.parse(fs.readFileSync(renderer.locate(TEMPLATES_DIR, s.name, e.name).templateFile, 'utf8'));
      const rendered = renderer.renderServiceTemplate(template, file, `111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-${s.name}:1`, pseudo).template;
      return { bytes: Buffer.byteLength(`${JSON.stringify(rendered)}\n`), service: s.name, environment: e.name };
    }),
  );
  return sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
}

/** The linear steps as the page states them, checked against linearSteps. */
function linearStepsRule(): string {
  const stated = (p: number) => (Number.isInteger(100 / p) ? 100 / p - 1 : Math.floor(100 / p));
  const differ = [3, 7.5, 10, 20, 33.3, 50, 100].filter((p) => linearSteps(p) !== stated(p));
  if (differ.length) throw new Error(`linearSteps counts otherwise for ${differ.join(', ')} %`);
  return 'steps being `100 / percent − 1` when the percent divides 100 and `floor(100 / percent)` otherwise';
}

function scaling(): Stated[] {
  const noneAt = (file: string, id: string) => /(\d+): no /.exec(param(file, id).Description)![1];
  const traffic = ENV_SETTINGS.trafficStepPercent;
  const scale = props(BG, 'TaskSet').Scale.Value;
  const hookMin = param(BG, 'TrafficStepPercentage').MinValue;
  const cfnReference = 'CloudFormation Template Reference, `AWS::ECS::Service` `CanaryConfiguration`';
  return [
    cited(`at most ${grouped(ENV_SETTINGS.autoScaling.properties.maxCount.maximum)}, the default ECS quota of tasks per service`, '*Amazon ECS service quotas*', true),
    code(`\`scaleInCooldownSeconds\` (${param(BG, 'ScaleInCooldownSeconds').Default}), \`scaleOutCooldownSeconds\` (${param(BG, 'ScaleOutCooldownSeconds').Default})`),
    code(`\`trafficStepPercent\` (canary ${CANARY_PERCENT_MIN} to ${traffic.maximum}, linear ${LINEAR_PERCENT_MIN} to ${traffic.maximum}, in tenths)`),
    code(`\`bakeTimeMinutes\` (0 to ${BAKE_TIME_MAX_MINUTES} each)`),
    cited(`exceeds ${TOTAL_BAKE_MAX_MINUTES / 60} hours (its operations time out at 36)`, cfnReference, true),
    cited(linearStepsRule(), cfnReference, true),
    code(`all at once, canary (${CANARY_PERCENT_MIN} % steps), linear (${LINEAR_PERCENT_MIN} % steps)`),
    code(`settings over ${TOTAL_BAKE_MAX_MINUTES / 60} hours of baking are refused`),
    code(`linear (steps of at least ${hookMin} %, the hook's limit here)`),
    code(`\`TrafficStepPercentage\` (at least ${hookMin}, as the hook requires)`),
    code(`the task sets follow the service's count (\`Scale\` ${scale} %)`),
    code(`the task set keeps \`Scale\` ${scale} %`),
    code(`(off while \`AutoScalingMaxCount\` is ${noneAt(BG, 'AutoScalingMaxCount')})`),
    code(
      `\`ScalingCpuTargetPercent\` (${noneAt(BG, 'ScalingCpuTargetPercent')}: none), \`ScalingRequestsPerTarget\` (rolling; ${noneAt('ecs-service-rolling.json', 'ScalingRequestsPerTarget')}: none)`,
    ),
  ];
}

function listeners(): Stated[] {
  const h = HEALTH_CHECK;
  const rule = props(NATIVE, 'ProductionListenerRule');
  const [tg1, tg2] = rule.Actions[0].ForwardConfig.TargetGroups;
  const group = (tg: { TargetGroupArn: { Ref: string } }) => `target group ${tg.TargetGroupArn.Ref.replace('TargetGroup', '')}`;
  const notFound = props(NATIVE, 'TestListener').DefaultActions[0].FixedResponseConfig.StatusCode;
  const rolling = props('ecs-service-rolling.json', 'Service').DeploymentConfiguration;
  const redirect = props(BG, 'HttpRedirectListener').DefaultActions[0].RedirectConfig;
  if (NAME_RULES.alb.max !== NAME_RULES['target-group'].max) throw new Error('load balancer and target group names have limits of their own now');
  return [
    code(`its security group admits port ${HTTP_PORT} from anywhere`),
    code(
      `every ${h.intervalSeconds} s, timeout ${h.timeoutSeconds} s, healthy after ${h.healthyThresholdCount}, unhealthy after ${h.unhealthyThresholdCount}, matcher \`${h.matcher}\`, deregistration delay ${h.deregistrationDelaySeconds} s`,
    ),
    cited(`names allow ${NAME_RULES.alb.max} characters`, 'Elastic Load Balancing API Reference', true),
    code(`project (${MAX_LENGTH.projectName}) + service (${MAX_LENGTH.serviceName}) + suffix (${MAX_LENGTH.environmentSuffix}) do not fit`),
    code(`\`{service}-{type}-{suffix}\` (at most ${longestName('load balancer')})`),
    code(
      `adds a production listener (${PRODUCTION_PORT}) and a test listener (${TEST_PORT}) on the same load balancer, both starting on target group ${props(BG, 'TestListener').DefaultActions[0].ForwardConfig.TargetGroups[0].TargetGroupArn.Ref.replace('TargetGroup', '')}`,
    ),
    code(`\`http://<load balancer>:${TEST_PORT}<HealthCheckPath>\` ${word(CHECK_ATTEMPTS)} times, ${CHECK_DELAY_MS / 1000} s apart`),
    code(
      `a production listener (${PRODUCTION_PORT}) and a test listener (${TEST_PORT}) whose default action answers ${notFound}, each with one listener rule (priority ${rule.Priority}, every path) that forwards to ${group(tg1)} (weight ${tg1.Weight}) and ${group(tg2)} (weight ${tg2.Weight})`,
    ),
    label('`LoadBalancers[0].AdvancedConfiguration`'),
    code(`The native template starts with ${group(tg1)} at weight ${tg1.Weight}`),
    code(`becomes the ${notFound} answer`),
    code(`${rolling.MinimumHealthyPercent}–${rolling.MaximumPercent} % healthy tasks`),
    code(`serves HTTPS on ${HTTPS_PORT} with \`${TLS_POLICY}\``),
    cited('(TLS 1.3 and 1.2, hybrid post-quantum key exchange: what the Elastic Load Balancing User Guide recommends', 'Elastic Load Balancing User Guide'),
    code(`the security group opens ${HTTPS_PORT}, and \`HttpRedirectListener\` answers port ${HTTP_PORT} with a ${redirect.StatusCode.replace('HTTP_', '')} to HTTPS`),
    code(`The test listener (${TEST_PORT}) stays HTTP`),
    code(`the production listener is HTTP on ${HTTP_PORT}:`),
  ];
}

function checks(): Stated[] {
  const [cfnLint] = sourceMatch('schemas/providers/SOURCE.md', /Exported from cfn-lint (\d+\.\d+)\./);
  const [runtime] = /^nodejs(\d+)\.x$/.exec(props(BG, 'CheckFunction').Runtime)!.slice(1);
  const warmRule = props(BG, 'CheckFunctionKeepWarmRule');
  const c = CONTAINER_HEALTH_CHECK;
  const command = defaultHealthCheckCommand(8080, '/PATH').replace('8080', '{containerPort}').replace('/PATH', '{healthCheckPath}');
  const largest = largestRendered();
  const random = String(JSON.stringify(secretResource({ secretsManager: 'NAME' })).match(/\?+/)).length;
  return [
    code(`(Node.js ${runtime}, inline code`),
    cited('Node.js 20 functions can no longer be created', 'by the Lambda runtime deprecation policy'),
    code(`(at most ${longestName('EventBridge rule check-warm')} of ${NAME_RULES['events-rule'].max} characters), \`ScheduleExpression\` \`${warmRule.ScheduleExpression}\``),
    code(`cfn-lint ${cfnLint} does not know the \`Hooks\` section`),
    code(
      `ECS runs \`CMD-SHELL ${command}\` in the container every ${c.intervalSeconds} s (timeout ${c.timeoutSeconds} s, ${c.retries} retries, ${c.startPeriodSeconds} s start period`,
    ),
    cited('ECS accepts 5-300, 2-60, 1-10 and 0-300', 'by the Amazon ECS API Reference, `HealthCheck`'),
    cited("CodePipeline's 1 KB cap on them", '*Quotas in AWS CodePipeline*'),
    code(`past the ${grouped(TEMPLATE_BODY_LIMIT_BYTES)}-byte body limit`),
    code(new RegExp(`\\(largest today: about ${aboutKb(largest.bytes)} KB, ${largest.service} in ${largest.environment}\\)`)),
    cited(`\`…:secret:NAME-${'?'.repeat(random)}\`, for the ${random} random characters Secrets Manager appends`, '*Secrets Manager User Guide*', true),
  ];
}

function stories(): Stated[] {
  return [
    label('after an odd number of hook deployments it is target group 2'),
    label('if production is on target group 2, first deploy the hook stack once more (any image change) so that it is back on target group 1'),
    label('"task set computed desired count 1 does not match service desired count 3", cloudformation-coverage-roadmap#37, 2020'),
    cited('CodePipeline keeps 12 months', '*Quotas in AWS CodePipeline*'),
  ];
}

export const ECS_SERVICE = (): Stated[] => [...scaling(), ...listeners(), ...checks(), ...stories()];

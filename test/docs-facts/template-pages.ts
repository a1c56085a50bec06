/** docs/templates/: README.md, dora.md, execution-role.md, member-roles.md, monitoring.md, network.md, service-canary.md. */
import { ENVIRONMENT_DEFAULTS } from '../../generator/config/defaults';
import { MANAGED_POLICY_MAX_CHARS } from '../../generator/core/iam';
import { TEMPLATE_BODY_LIMIT_BYTES } from '../../generator/core/limits';
import { NAME_RULES } from '../../generator/core/naming';
import { HTTP_PORT } from '../../generator/blocks/https';
import { ALARM_PERIOD_SECONDS, DAY, DORA_BANDS, WEEK } from '../../generator/templates/monitoring/facts';
import { MOST_ENVIRONMENTS, longestName, onlyOfType, param, props, templateBytes } from './code';
import { Stated, aboutKb, grouped, sourceMatch, statements, word } from './stated';

const LIMIT = `${grouped(TEMPLATE_BODY_LIMIT_BYTES)} bytes`;

function index(): Stated[] {
  const { code } = statements('docs/templates/README.md');
  return [
    code(`Every template keeps under ${LIMIT}`),
    code(`the pipeline grows with the environments (at most ${MOST_ENVIRONMENTS})`),
    code(
      new RegExp(`execution-role\\.json, about ${aboutKb(templateBytes('execution-role.json'))} KB; member-roles\\.json about ${aboutKb(templateBytes('member-roles.json'))} KB`),
    ),
  ];
}

/** The words of a DORA band's label, checked against its value: "Elite: under an hour" at 3600 s. */
const BAND_WORDS: Record<string, number> = { daily: 1, weekly: 1 / 7, monthly: 1 / 30, 'an hour': 3600, 'a day': DAY, 'a week': WEEK, 'six months': 182 * DAY };

function band(b: { label: string; value: number }): string {
  const words = Object.keys(BAND_WORDS).find((w) => b.label.includes(` ${w}`));
  const stated = words === undefined ? Number(/(\d+) %/.exec(b.label)?.[1]) : BAND_WORDS[words];
  if (stated !== b.value) throw new Error(`DORA band "${b.label}" is at ${b.value}`);
  return b.label.replace(':', '');
}

function dora(): Stated[] {
  const { code, cited, example, label } = statements('docs/templates/dora.md');
  const [deployment] = sourceMatch('generator/functions/dora-metrics.js', /put\('Deployments', (\d+),/);
  const [success, failure] = sourceMatch('generator/functions/dora-metrics.js', /put\('ChangeFailure', o\.ok \? (\d+) : (\d+),/);
  const bands = (list: ReadonlyArray<{ label: string; value: number }>) => list.map(band).join(', ');
  const B = DORA_BANDS;
  return [
    code(`monitoring.json with it would pass ${LIMIT}`),
    code(`succeeds | ${deployment}; the sum per day or week is the deployment frequency`),
    code(`succeeds or fails | ${success} or ${failure}; the average is the change failure rate in percent`),
    example(
      'when ECS rolls a deployment back (for example, failing at 12:10 and rolled back at 12:14), the deploy stage that fails later (12:18) opens nothing, and time to restore is the 4 minutes of the rollback',
    ),
    code(`(reserved concurrency ${props('dora.json', 'DoraMetricsFunction').ReservedConcurrentExecutions})`),
    label('Accelerate State of DevOps report 2021'),
    cited(
      `deployment frequency ${bands(B.deploymentsPerDay)}; lead time ${bands(B.leadTimeSeconds)}; time to restore ${bands(B.timeToRestoreSeconds)}; change failure rate ${bands(B.changeFailurePercent)}.`,
      'Accelerate State of DevOps report 2021',
      true,
    ),
  ];
}

function executionRole(): Stated[] {
  const { cited, label } = statements('docs/templates/execution-role.md');
  return [
    cited(`10,240 characters of a role's inline policies`, 'IAM User Guide, *IAM and AWS STS quotas*'),
    cited(`managed policies of at most ${grouped(MANAGED_POLICY_MAX_CHARS)} characters`, 'IAM User Guide, *IAM and AWS STS quotas*', true),
    label('In each member account: (1) update'),
    label('its policies; (2) create'),
    label('does not exist until step 2'),
  ];
}

function memberRoles(): Stated[] {
  const { code } = statements('docs/templates/member-roles.md');
  const pattern = (id: string) => param('member-roles.json', id).AllowedPattern as string;
  const [accountDigits] = /^\^\[0-9\]\{(\d+)\}\$$/.exec(pattern('ToolsAccountId'))!.slice(1);
  return [
    code(`| \`ToolsAccountId\` | ${accountDigits} digits |`),
    ...['EnvironmentName', 'EnvironmentSuffix', 'ProjectName', 'ToolsEnvironmentSuffix'].map((id) => code(`| \`${id}\` | \`${pattern(id)}\` |`)),
    code(`| \`CostCenter\` | tag value, at most ${param('member-roles.json', 'CostCenter').MaxLength} characters |`),
  ];
}

function monitoring(): Stated[] {
  const { code } = statements('docs/templates/monitoring.md');
  return [
    code(
      new RegExp(`about ${aboutKb(templateBytes('monitoring.json'))} KB with ${word(MOST_ENVIRONMENTS)} environments, the most the configuration allows; the limit is ${LIMIT}`),
    ),
    code(`(any failed execution in ${ALARM_PERIOD_SECONDS / 60} minutes)`),
    code(`how long pipeline events and the function log are kept (default ${param('monitoring.json', 'LogRetentionInDays').Default})`),
  ];
}

function network(): Stated[] {
  const { code, cited, label } = statements('docs/templates/network.md');
  const [vpcBits] = /\/(\d+)\$$/.exec(param('network.json', 'VpcCidr').AllowedPattern)!.slice(1);
  const [, count, hostBits] = props('network.json', 'PublicSubnetA').CidrBlock['Fn::Select'][1]['Fn::Cidr'];
  const subnetBits = 32 - hostBits;
  const retention = param('network.json', 'LogRetentionDays').Default;
  return [
    code(`\`VpcCidr\` is a /${vpcBits} that \`Fn::Cidr\` cuts into /${subnetBits} subnets`),
    code(`${word(2 ** (subnetBits - Number(vpcBits)) - count)} blocks left free`),
    code(`(all traffic, ${onlyOfType('network.json', 'AWS::EC2::FlowLog').MaxAggregationInterval / 60}-minute aggregation)`),
    code(`kept \`LogRetentionDays\` (default ${retention})`),
    code(`(at most ${longestName('access log bucket')} characters)`),
    label('("Enable access logs for your Application Load Balancer", step 2'),
    cited('in the Regions available before August 2022', 'Elastic Load Balancing User Guide'),
    cited('in the Regions available in August 2022 or later', 'Elastic Load Balancing User Guide'),
    code(`| \`VpcCidr\` | the /${vpcBits} of this environment (\`environments[].vpcCidr\`, default \`${ENVIRONMENT_DEFAULTS.vpcCidr}\`) |`),
    code(`access log expiry, in days (default ${retention})`),
  ];
}

function serviceCanary(): Stated[] {
  const { code, cited } = statements('docs/templates/service-canary.md');
  const canary = onlyOfType('service-canary.json', 'AWS::Synthetics::Canary');
  const alarm = onlyOfType('service-canary.json', 'AWS::CloudWatch::Alarm');
  const expiry = onlyOfType('service-canary.json', 'AWS::S3::Bucket').LifecycleConfiguration.Rules.find((r: any) => r.ExpirationInDays).ExpirationInDays;
  const [every] = /^rate\((\d+) minutes\)$/.exec(canary.Schedule.Expression)!.slice(1);
  const port = canary.RunConfig.EnvironmentVariables.PORT['Fn::If'];
  return [
    code(`(\`${canary.RuntimeVersion}\`, inline script, started on creation, every ${every} minutes, ${canary.RunConfig.TimeoutInSeconds} s per run)`),
    code(`\`https://…:${port[1]}<CheckPath>\` where the environment has a \`certificateArn\` (port ${HTTP_PORT} only redirects there) and \`http://…:${port[2]}<CheckPath>\``),
    code(`objects expire after ${expiry} days; the canary keeps passed runs ${canary.SuccessRetentionPeriod} days and failed runs ${canary.FailureRetentionPeriod})`),
    code(`\`SuccessPercent\` below ${alarm.Threshold} in ${word(alarm.DatapointsToAlarm)} of ${word(alarm.EvaluationPeriods)} ${alarm.Period / 60}-minute periods`),
    cited(`Canary names allow ${NAME_RULES['synthetics-canary'].max} characters`, 'CloudWatch Synthetics API Reference, `CreateCanary`', true),
  ];
}

export const TEMPLATE_PAGES = (): Stated[] => [...index(), ...dora(), ...executionRole(), ...memberRoles(), ...monitoring(), ...network(), ...serviceCanary()];

/**
 * The check function of the blue/green service templates, as both build it: its log group,
 * its security group (out to the test listener and to the AWS APIs), its role, the
 * function in the private subnets, and the daily schedule that keeps it active. What
 * differs (who calls it, its code, what it may do besides) is the caller's `kind`.
 */
import { Value, join, ref, sub } from '../../core/intrinsics';
import { Statement, allow } from '../../core/iam';
import { keepWarmRuleName, logGroupName } from '../../core/naming';
import { ParameterHandle, ResourceHandle, TemplateBuilder } from '../../core/template';
import { keepWarmSchedule } from '../keep-warm';
import { logGroup } from '../log-group';
import { workloadRole } from '../role';
import { CHECK_ATTEMPTS, CHECK_DELAY_MS, ECS_SERVICE_IDS as ID, TEST_PORT } from './facts';
import type { ServiceScope } from './task-definition';

export interface CheckKind {
  readonly functionName: Value<string>;
  /** The function's, the role's, the security group's and the keep-warm rule's descriptions. */
  readonly descriptions: { readonly function: string; readonly role: string; readonly securityGroup: string; readonly keepWarm: string };
  readonly policyName: string;
  /** The role's statements before and after the ones every check needs (alarms, logs, network interfaces). */
  readonly statements: { readonly before: Statement[]; readonly after: Statement[] };
  /** The function's code (Code.ZipFile). */
  readonly code: string;
}

export interface CheckProps {
  readonly privateSubnets: ParameterHandle<string[]>;
  readonly vpcId: ParameterHandle<string>;
  readonly healthCheckPath: ParameterHandle<string>;
  readonly alarmNames: Value<string>[];
  readonly retention: Value<number>;
}

function arn(service: string, resource: string): Value<string> {
  return sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`);
}

/** The role of the check: its kind's statements around reading the alarms, writing its logs and its network interfaces. */
function checkRole(t: TemplateBuilder, c: ServiceScope, kind: CheckKind, checkLogGroup: ResourceHandle): ResourceHandle {
  const [project, service, suffix] = [c.project, c.service, c.suffix].map((h) => `\${${h.logicalId}}`);
  return workloadRole(
    t,
    ID.checkRole,
    { project: c.project, suffix: c.suffix },
    {
      description: kind.descriptions.role,
      service: 'lambda.amazonaws.com',
      policyName: kind.policyName,
      statements: [
        ...kind.statements.before,
        allow('ReadServiceAlarms', ['cloudwatch:DescribeAlarms'], [arn('cloudwatch', `alarm:${project}-${service}-*-${suffix}`)]),
        allow('WriteLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [checkLogGroup.getAtt('Arn')]),
        allow(
          'ManageNetworkInterfaces',
          ['ec2:AssignPrivateIpAddresses', 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:UnassignPrivateIpAddresses'],
          [arn('ec2', '*')],
        ),
        ...kind.statements.after,
      ],
    },
  );
}

/** The check function and what it needs; returns the function. */
export function checkFunction(t: TemplateBuilder, c: ServiceScope, p: CheckProps, kind: CheckKind): ResourceHandle {
  const checkLogGroup = logGroup(t, ID.checkLogGroup, {
    logGroupName: logGroupName(c.project, { service: c.service, suffix: c.suffix }, 'check'),
    retentionDays: p.retention,
  });
  const sg = t.resource(ID.checkFunctionSecurityGroup, 'AWS::EC2::SecurityGroup', {
    GroupDescription: kind.descriptions.securityGroup,
    VpcId: ref(p.vpcId),
    SecurityGroupEgress: [
      { IpProtocol: 'tcp', FromPort: TEST_PORT, ToPort: TEST_PORT, CidrIp: '0.0.0.0/0', Description: 'Test listener (public address)' },
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0', Description: 'HTTPS to AWS APIs' },
    ],
  });
  const role = checkRole(t, c, kind, checkLogGroup);
  const fn = t.resource(ID.checkFunction, 'AWS::Lambda::Function', {
    FunctionName: kind.functionName,
    Description: kind.descriptions.function,
    // Node.js 20 can no longer be created (deprecated 2026-04-30); 24 is supported until 2028.
    Runtime: 'nodejs24.x',
    Handler: 'index.handler',
    Role: role.getAtt('Arn'),
    Timeout: 60,
    MemorySize: 128,
    Code: { ZipFile: kind.code },
    Environment: {
      Variables: {
        TEST_URL: sub(`http://\${${ID.loadBalancer}.DNSName}:${TEST_PORT}\${${p.healthCheckPath.logicalId}}`),
        ATTEMPTS: String(CHECK_ATTEMPTS),
        DELAY_MS: String(CHECK_DELAY_MS),
        ALARM_NAMES: join(',', p.alarmNames),
      },
    },
    LoggingConfig: { LogGroup: checkLogGroup.ref(), LogFormat: 'Text' },
    VpcConfig: { SubnetIds: ref(p.privateSubnets), SecurityGroupIds: [sg.getAtt('GroupId')] },
  });
  keepWarmSchedule(t, fn, {
    ids: { rule: ID.checkKeepWarmRule, permission: ID.checkKeepWarmPermission },
    name: keepWarmRuleName(c.project, c.service, c.suffix),
    description: kind.descriptions.keepWarm,
  });
  return fn;
}

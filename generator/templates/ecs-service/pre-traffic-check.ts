/**
 * The CodeDeploy lifecycle hook of ecs-service.json: generator/functions/codedeploy-check.js
 * in the shared check function (blocks/service/check-function.ts), allowed besides to
 * report its verdict to CodeDeploy. CodeDeploy calls it by name, which must start with
 * CodeDeployHook_ (hookFunctionName).
 */
import { Value } from '../../core/intrinsics';
import { allow, anyResource } from '../../core/iam';
import { hookFunctionName } from '../../core/naming';
import { TemplateBuilder } from '../../core/template';
import { CheckProps, checkFunction } from '../../blocks/service/check-function';
import type { ServiceScope } from '../../blocks/service/task-definition';
import { CODEDEPLOY_CHECK_FILE, functionSource } from '../../functions';

/** The check and what it needs; returns its name, which the hook names per lifecycle event. */
export function preTrafficCheck(t: TemplateBuilder, c: ServiceScope, p: CheckProps): Value<string> {
  const functionName = hookFunctionName(c.project, c.service, c.suffix);
  checkFunction(t, c, p, {
    functionName,
    descriptions: {
      function: 'CodeDeploy lifecycle hook: fails the blue/green deployment when the test listener is unhealthy or an alarm fires',
      role: 'Pre-traffic check: reports the verdict to CodeDeploy, reads the service alarms, writes its logs',
      securityGroup: 'Pre-traffic check: out to the test listener and to the CodeDeploy and CloudWatch APIs',
      keepWarm: 'Invokes the pre-traffic check daily so that Lambda keeps it active between deployments',
    },
    policyName: 'pre-traffic-check',
    statements: {
      before: [
        allow('ReportVerdict', ['codedeploy:PutLifecycleEventHookExecutionStatus'], anyResource(
          'codedeploy:PutLifecycleEventHookExecutionStatus has no resource-level permissions',
        )),
      ],
      after: [
        // What Lambda calls for a function in a VPC (AWSLambdaVPCAccessExecutionRole).
        allow('DescribeNetwork', ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], anyResource(
          'ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets have no resource-level permissions',
        )),
      ],
    },
    // generator/functions/codedeploy-check.js, with the verdicts as CodeDeploy spells them.
    code: functionSource(CODEDEPLOY_CHECK_FILE, { SUCCEEDED: 'Succeeded', FAILED: 'Failed' }),
  });
  return functionName;
}

/**
 * service-deploy-role.json: one service's deploy role in one member account,
 * `{project}-{service}-deploy-{suffix}-{region}`. Only that service's pipeline deploy step
 * role in the tools account (the CodeBuild project that runs its change sets) may assume it; its permissions are member-roles.json's deploy policy
 * (change sets on the stacks of the service in the role's own Service tag). A stack per
 * service keeps member-roles.json the same for any number of services.
 */
import { ref, sub } from '../core/intrinsics';
import { SERVICE_TAG, deployPolicyArn, deployStepRoleArn, serviceDeployRoleName } from '../core/naming';
import { ENVIRONMENT_SUFFIX, SERVICE_NAME, accountIdParameter } from '../core/parameters';
import { Template, TemplateBuilder } from '../core/template';
import { role } from '../blocks/role';
import { standardParameterValues, standardParameters, standardTagValues } from '../blocks/standard-parameters';
import { ResolvedConfig } from '../config/types';
import type { ParameterFile } from '../core/parameter-file';

export const SERVICE_DEPLOY_ROLE_FILE = 'service-deploy-role.json';

export const SERVICE_DEPLOY_ROLE_IDS = {
  serviceName: 'ServiceName',
  toolsAccountId: 'ToolsAccountId',
  toolsEnvironmentSuffix: 'ToolsEnvironmentSuffix',
  deployRole: 'DeployRole',
} as const;

const ID = SERVICE_DEPLOY_ROLE_IDS;

export function buildServiceDeployRoleTemplate(): Template {
  const t = new TemplateBuilder(
    "Deploy role of one service in one member account: its pipeline creates and executes change sets on the service's stacks only. Deployed after member-roles.json.",
  );
  const { project, suffix } = standardParameters(t);
  const service = t.parameter(ID.serviceName, SERVICE_NAME);
  const toolsAccount = t.parameter(ID.toolsAccountId, accountIdParameter('AWS account ID of the tools account that runs the pipelines'));
  const toolsSuffix = t.parameter(ID.toolsEnvironmentSuffix, {
    ...ENVIRONMENT_SUFFIX,
    Description: 'Environment suffix of the tools account stacks; part of the deploy step role name',
  });
  const deployRole = role(t, ID.deployRole, {
    roleName: serviceDeployRoleName(project, service, suffix),
    description: "Deploy role of one service's pipeline: change sets on that service's stacks",
    assumedBy: { AWS: sub(`arn:\${AWS::Partition}:iam::\${${toolsAccount.logicalId}}:root`) },
    trustCondition: { ArnEquals: { 'aws:PrincipalArn': deployStepRoleArn(toolsAccount, project, service, toolsSuffix) } },
    policyName: 'deny-terminate-instances',
    statements: [],
    maxSessionDurationSeconds: 3600,
    tags: [{ Key: SERVICE_TAG, Value: ref(service) }],
    managedPolicyArns: [deployPolicyArn(project, suffix)],
  });
  t.output('DeployRoleArn', { description: "ARN of the service's deploy role (its pipeline's action role)", value: deployRole.getAtt('Arn') });
  return t.build();
}

/** One parameter file per service and environment. */
export function serviceDeployRoleParameterFiles(config: ResolvedConfig): ParameterFile[] {
  const folder = `parameters/${SERVICE_DEPLOY_ROLE_FILE.replace(/\.json$/, '')}`;
  return config.environments.flatMap((env) => {
    // What the environment gives every service, made once.
    const standard = standardParameterValues(config, env);
    const tags = standardTagValues(config, env);
    return config.services.map((svc) => ({
      path: `${folder}/${svc.name}/${env.name}.json`,
      parameters: {
        ...standard,
        [ID.serviceName]: svc.name,
        [ID.toolsAccountId]: config.tools.accountId,
        [ID.toolsEnvironmentSuffix]: config.tools.environmentSuffix,
      },
      tags: { ...tags },
    }));
  });
}

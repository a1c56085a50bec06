/**
 * pipeline-stacks-role.json: the CloudFormation role the pipelines' self-updates pass for
 * their own two stacks (generator/blocks/pipeline-self-update.ts),
 * `{project}-pipeline-stacks-{suffix}` in the tools account, one per project, deployed
 * once before the first pipeline.
 *
 * Its permissions are the resource handlers' actions of exactly the resource types of
 * pipeline-build.json and pipeline.json (the templates given to the builder), each held to
 * this project's names, its Project tag, or the pipeline role path `/{project}/` where the
 * pipeline stacks keep every role (generator/blocks/pipeline-stacks-scopes.ts). It cannot
 * create or change a role outside that path, nor itself (at `/`, and denied explicitly);
 * the member accounts' roles are in other accounts, out of any tools-account policy's reach.
 */
import { sub } from '../core/intrinsics';
import { deny, packStatements, policyDocument } from '../core/iam';
import { nameText, physicalName, pipelineStacksRoleNameParts } from '../core/naming';
import { Template, TemplateBuilder } from '../core/template';
import { role } from '../blocks/role';
import { pipelineStacksStatements } from '../blocks/pipeline-stacks-scopes';
import { resourceTypesIn } from '../core/member-stack';
import { STANDARD_PARAMETER_IDS, TOOLS_ENVIRONMENT_NAME, standardParameters } from '../blocks/standard-parameters';
import { ResolvedConfig } from '../config/types';
import type { ParameterFile } from '../core/parameter-file';

export const PIPELINE_STACKS_ROLE_FILE = 'pipeline-stacks-role.json';

/** Logical IDs: a public contract (renaming one replaces the live resource). */
export const PIPELINE_STACKS_ROLE_IDS = { role: 'PipelineStacksRole', policy: 'PipelineStacksPolicy' } as const;

const ID = PIPELINE_STACKS_ROLE_IDS;

/** What no template may do to this role through the role itself. */
const SELF_PROTECTED_ACTIONS = [
  'iam:AttachRolePolicy',
  'iam:DeleteRole',
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeleteRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PassRole',
  'iam:PutRolePermissionsBoundary',
  'iam:PutRolePolicy',
  'iam:TagRole',
  'iam:UntagRole',
  'iam:UpdateAssumeRolePolicy',
  'iam:UpdateRole',
  'iam:UpdateRoleDescription',
];

/** `stackTemplates`: pipeline-build.json and pipeline.json as the configuration builds them (pipeline.ts pipelineStackTemplates). */
export function buildPipelineStacksRoleTemplate(stackTemplates: readonly Template[]): Template {
  const t = new TemplateBuilder(
    "CloudFormation role of the pipeline stacks' self-updates (tools account, one per project): the handler actions of the pipeline stacks' resource types, held to this project. Deploy before the first pipeline.",
  );
  const { project, suffix } = standardParameters(t);
  const scope = { project: `\${${project.logicalId}}`, suffix: `\${${suffix.logicalId}}` };
  const nameParts = pipelineStacksRoleNameParts(project, suffix);
  const selfArn = sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${nameText(nameParts)}`);

  const stacksRole = role(t, ID.role, {
    roleName: physicalName('iam-role', nameParts),
    description: "CloudFormation: creates, updates and deletes the resources of this project's pipeline stacks",
    assumedBy: { Service: 'cloudformation.amazonaws.com' },
    trustWithoutSourceAccount:
      'CloudFormation documents no aws:SourceAccount/aws:SourceArn for service roles (CloudFormation User Guide, "CloudFormation service role"); only a principal allowed iam:PassRole on this role (the pipeline roles, for their own stacks) can hand it over',
    policyName: 'guards',
    // Its allows never reach it (roles only under /{project}/); the deny keeps it so.
    statements: [deny('DenyChangingThisRole', SELF_PROTECTED_ACTIONS, [selfArn])],
  });
  // The handler actions, in customer-managed policies of this template (a role's inline
  // policies hold at most 10,240 characters); the inline policy holds the denies.
  const handler = pipelineStacksStatements(resourceTypesIn(stackTemplates), scope);
  packStatements(handler).forEach((statements, i) => {
    t.resource(`${ID.policy}${i + 1}`, 'AWS::IAM::ManagedPolicy', {
      Description: `Pipeline stacks role, part ${i + 1}: the resource handlers' actions`,
      PolicyDocument: policyDocument(statements),
      Roles: [stacksRole.ref()],
    });
  });

  t.output('PipelineStacksRoleArn', { description: 'The role the pipelines pass to CloudFormation for their own stacks', value: stacksRole.getAtt('Arn') });
  return t.build();
}

/** One parameter file: the project and the tools account's suffix. */
export function pipelineStacksRoleParameterFiles(config: ResolvedConfig): ParameterFile[] {
  const P = STANDARD_PARAMETER_IDS;
  return [
    {
      path: 'parameters/pipeline-stacks-role.json',
      parameters: {
        [P.projectName]: config.project.name,
        [P.environmentName]: TOOLS_ENVIRONMENT_NAME,
        [P.environmentSuffix]: config.tools.environmentSuffix,
        [P.costCenter]: config.project.costCenter,
      },
      tags: { Environment: TOOLS_ENVIRONMENT_NAME, Project: config.project.name, CostCenter: config.project.costCenter },
    },
  ];
}

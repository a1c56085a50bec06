/** The parameters and rules of the pipeline stacks. */
import { equals, not, ref } from '../../core/intrinsics';
import { COST_CENTER, ENVIRONMENT_NAME, ENVIRONMENT_SUFFIX, MAX_LENGTH, PATTERNS, PROJECT_NAME, SERVICE_NAME } from '../../core/parameters';
import { StringParameter, TemplateBuilder } from '../../core/template';
import { ResolvedConfig } from '../../config/types';
import { environmentParameterIds } from '../../contracts/pipeline';
import { IMAGE_PLATFORMS, PIPELINE_IDS as ID } from './ids';
import { Environment, REPORT_DIRECTORY } from './shared';

/** A shared parameter definition with its own description and without the constraint text (the template must stay small). */
function brief(def: StringParameter, description: string): StringParameter {
  const { ConstraintDescription: _omitted, ...rest } = def;
  void _omitted;
  return { ...rest, Description: description };
}

/** The parameters both stacks of a service's pipeline take: names, tags and the member environments. */
export function commonParameters(t: TemplateBuilder, config: ResolvedConfig) {
  const project = t.parameter(ID.projectName, brief(PROJECT_NAME, 'Project name'));
  const service = t.parameter(ID.serviceName, brief(SERVICE_NAME, 'Service name'));
  const environmentName = t.parameter(ID.environmentName, brief(ENVIRONMENT_NAME, 'Environment tag'));
  const suffix = t.parameter(ID.environmentSuffix, brief(ENVIRONMENT_SUFFIX, 'Name suffix (member-roles: ToolsEnvironmentSuffix)'));
  const costCenter = t.parameter(ID.costCenter, brief(COST_CENTER, 'CostCenter tag'));
  const environments: Environment[] = config.environments.map((e) => {
    const ids = environmentParameterIds(e.name);
    return {
      name: e.name,
      requiresApproval: e.requiresApproval,
      monitoringMinutes: e.rollbackMonitoringMinutes,
      account: t.parameter(ids.accountId, { Type: 'String', Description: `Account ID of ${e.name}`, AllowedPattern: PATTERNS.accountId }),
      suffix: t.parameter(ids.environmentSuffix, {
        Type: 'String',
        Description: `Name suffix of ${e.name}`,
        AllowedPattern: PATTERNS.environmentSuffix,
        MaxLength: MAX_LENGTH.environmentSuffix,
      }),
    };
  });
  t.standardTags({ Environment: ref(environmentName), Project: ref(project), CostCenter: ref(costCenter) });
  return { project, service, environmentName, suffix, costCenter, environments };
}

export type Common = ReturnType<typeof commonParameters>;

export function sourceParameters(t: TemplateBuilder) {
  const repository = (description: string) => ({
    Type: 'String' as const,
    Description: description,
    AllowedPattern: '^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)?$',
    MaxLength: 200,
  });
  const branch = { Type: 'String' as const, AllowedPattern: '^[A-Za-z0-9._/-]{1,255}$' };
  return {
    sourceProvider: t.parameter(ID.sourceProvider, {
      Type: 'String',
      Description: 'CodeStar connection (GitHub, Bitbucket, GitLab) or CodeCommit',
      AllowedValues: ['CodeStarSourceConnection', 'CodeCommit'],
      Default: 'CodeStarSourceConnection',
    }),
    connectionArn: t.parameter(ID.connectionArn, {
      Type: 'String',
      Description: 'CodeStar connection; empty with CodeCommit',
      AllowedPattern: '^$|^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:[0-9]{12}:connection/[a-f0-9-]{36}$',
    }),
    sourceRepository: t.parameter(ID.sourceRepository, repository('Application repository (owner/name, or CodeCommit name)')),
    sourceBranch: t.parameter(ID.sourceBranch, { ...branch, Description: 'Branch that starts the pipeline' }),
    sourceFilePaths: t.parameter(ID.sourceFilePaths, {
      Type: 'CommaDelimitedList',
      Description: 'Connection only: pushes must change one of these globs (empty: any)',
      Default: '',
    }),
    templatesRepository: t.parameter(ID.templatesRepository, repository('Repository holding templates/ (same provider)')),
    templatesBranch: t.parameter(ID.templatesBranch, { ...branch, Description: 'Branch of TemplatesRepository' }),
    approvalEmail: t.parameter(ID.approvalEmail, {
      Type: 'String',
      Description: 'Receives approval requests',
      AllowedPattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
      MaxLength: 254,
    }),
  };
}

/** The CodeBuild image, which both stacks' projects run on. */
export function imageParameters(t: TemplateBuilder) {
  return {
    buildImageRepository: t.parameter(ID.buildImageRepository, {
      Type: 'String',
      Description: 'ECR repository here of the CodeBuild image (docker, AWS CLI, bash)',
      AllowedPattern: '^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$',
      MaxLength: 200,
    }),
    buildImageReference: t.parameter(ID.buildImageReference, {
      Type: 'String',
      Description: ':tag or @sha256:digest of the build image',
      AllowedPattern: '^(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}|@sha256:[a-f0-9]{64})$',
      Default: ':latest',
    }),
  };
}

export function buildParameters(t: TemplateBuilder) {
  return {
    ...imageParameters(t),
    unitTestCommand: t.parameter(ID.unitTestCommand, {
      Type: 'String',
      Description: `Runs the unit tests, JUnit XML into ${REPORT_DIRECTORY}/`,
      AllowedPattern: '^[A-Za-z0-9 ._/=:+-]{1,200}$',
      Default: 'make test',
    }),
    scanCriticalThreshold: t.parameter(ID.scanCriticalThreshold, {
      Type: 'Number',
      Description: 'CRITICAL scan findings tolerated',
      MinValue: 0,
      MaxValue: 1000,
      Default: 0,
    }),
    scanAllowUnsupportedImage: t.parameter(ID.scanAllowUnsupportedImage, {
      Type: 'String',
      Description: 'true: unscannable images pass',
      AllowedValues: ['false', 'true'],
      Default: 'false',
    }),
    scanTimeoutMinutes: t.parameter(ID.scanTimeoutMinutes, {
      Type: 'Number',
      Description: 'Scan wait limit, minutes',
      MinValue: 1,
      MaxValue: 50,
      Default: 20,
    }),
    imagePlatforms: t.parameter(ID.imagePlatforms, {
      Type: 'String',
      Description: 'Image platforms; two make one image index',
      AllowedValues: IMAGE_PLATFORMS,
      Default: IMAGE_PLATFORMS[0],
    }),
    rotationFunctionArn: t.parameter(ID.rotationFunctionArn, {
      Type: 'String',
      Description: 'Rotates the registry secret; empty: none',
      AllowedPattern: '^$|^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}$',
      Default: '',
    }),
  };
}

export type Source = ReturnType<typeof sourceParameters>;
export type Image = ReturnType<typeof imageParameters>;

export function sourceRules(t: TemplateBuilder, p: Source): void {
  t.rule('ConnectionSource', {
    RuleCondition: equals(ref(p.sourceProvider), 'CodeStarSourceConnection'),
    Assertions: [{ Assert: not(equals(ref(p.connectionArn), '')), AssertDescription: 'CodeStarSourceConnection needs ConnectionArn' }],
  });
  t.rule('CodeCommitSource', {
    RuleCondition: equals(ref(p.sourceProvider), 'CodeCommit'),
    Assertions: [{ Assert: equals(ref(p.connectionArn), ''), AssertDescription: 'CodeCommit takes no ConnectionArn' }],
  });
}

/** The last environment (production) never shares an account with another one. */
export function accountRules(t: TemplateBuilder, c: Common): void {
  const envs = c.environments;
  if (envs.length < 2) return;
  const last = envs[envs.length - 1];
  t.rule('SeparateProductionAccount', {
    Assertions: envs.slice(0, -1).map((e) => ({
      Assert: not(equals(ref(last.account), ref(e.account))),
      AssertDescription: `${last.name} needs its own account, not ${e.name}'s`,
    })),
  });
}

export type Build = ReturnType<typeof buildParameters>;

/**
 * The parameters every member-account stack starts with (ProjectName, EnvironmentName,
 * EnvironmentSuffix, CostCenter), the standard tags built from them, and their values
 * in a parameter file for one environment.
 */
import { ref } from '../core/intrinsics';
import { COST_CENTER, ENVIRONMENT_NAME, ENVIRONMENT_SUFFIX, PROJECT_NAME } from '../core/parameters';
import { ParameterHandle, TemplateBuilder } from '../core/template';
import type { ParameterFile } from '../core/parameter-file';
import { ResolvedConfig } from '../config/types';

export const STANDARD_PARAMETER_IDS = {
  projectName: 'ProjectName',
  environmentName: 'EnvironmentName',
  environmentSuffix: 'EnvironmentSuffix',
  costCenter: 'CostCenter',
} as const;

/** The Environment tag (EnvironmentName) of the tools account's stacks. */
export const TOOLS_ENVIRONMENT_NAME = 'tools';

export interface StandardParameters {
  readonly project: ParameterHandle<string>;
  readonly environmentName: ParameterHandle<string>;
  readonly suffix: ParameterHandle<string>;
  readonly costCenter: ParameterHandle<string>;
}

/** Declares the four parameters and tags every resource with them. */
export function standardParameters(t: TemplateBuilder): StandardParameters {
  const ID = STANDARD_PARAMETER_IDS;
  const project = t.parameter(ID.projectName, PROJECT_NAME);
  const environmentName = t.parameter(ID.environmentName, ENVIRONMENT_NAME);
  const suffix = t.parameter(ID.environmentSuffix, ENVIRONMENT_SUFFIX);
  const costCenter = t.parameter(ID.costCenter, COST_CENTER);
  t.standardTags({ Environment: ref(environmentName), Project: ref(project), CostCenter: ref(costCenter) });
  return { project, environmentName, suffix, costCenter };
}

/**
 * The parameters of a stack of the tools account that serves the whole project
 * (monitoring.json, dora.json): ProjectName, EnvironmentSuffix (described for the stack),
 * CostCenter, and the standard tags, whose Environment is the suffix.
 */
export function toolsStackParameters(t: TemplateBuilder, suffixDescription: string): Omit<StandardParameters, 'environmentName'> {
  const ID = STANDARD_PARAMETER_IDS;
  const project = t.parameter(ID.projectName, PROJECT_NAME);
  const suffix = t.parameter(ID.environmentSuffix, { ...ENVIRONMENT_SUFFIX, Description: suffixDescription });
  const costCenter = t.parameter(ID.costCenter, COST_CENTER);
  t.standardTags({ Environment: ref(suffix), Project: ref(project), CostCenter: ref(costCenter) });
  return { project, suffix, costCenter };
}

/**
 * The parameter file of a tools-account stack that serves the whole project: the values
 * of toolsStackParameters, then `more`, and the stack's tags, whose Environment is the
 * tools suffix.
 */
export function toolsStackParameterFile(config: ResolvedConfig, file: string, more: Readonly<Record<string, string>>): ParameterFile {
  const ID = STANDARD_PARAMETER_IDS;
  const suffix = config.tools.environmentSuffix;
  return {
    path: file,
    parameters: { [ID.projectName]: config.project.name, [ID.environmentSuffix]: suffix, [ID.costCenter]: config.project.costCenter, ...more },
    tags: { Environment: suffix, Project: config.project.name, CostCenter: config.project.costCenter },
  };
}

type Environment = ResolvedConfig['environments'][number];

/** The four values for one environment, as a parameter file carries them. */
export function standardParameterValues(config: ResolvedConfig, env: Environment): Record<string, string> {
  const ID = STANDARD_PARAMETER_IDS;
  return {
    [ID.projectName]: config.project.name,
    [ID.environmentName]: env.name,
    [ID.environmentSuffix]: env.environmentSuffix,
    [ID.costCenter]: config.project.costCenter,
  };
}

/** The stack tags of a parameter file (CodePipeline template configuration `Tags`). */
export function standardTagValues(config: ResolvedConfig, env: Environment): Record<string, string> {
  return { Environment: env.name, Project: config.project.name, CostCenter: config.project.costCenter };
}

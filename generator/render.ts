/**
 * From a resolved configuration to every file of templates/, in memory.
 *
 * Each entry of TEMPLATES builds one template (a pure function of the configuration)
 * and, optionally, the parameter files its deployments need. `renderAll` builds,
 * serializes and checks everything; it returns the files only when every check passes
 * and throws one GenerationError listing every problem otherwise. Nothing here writes.
 */
import { ResolvedConfig } from './config/types';
import { ParameterFile } from './core/parameter-file';
import { Template } from './core/template';
import { SETTINGS_KEY, settingsSizeProblems } from './blocks/app-settings';
import { TEMPLATE_BODY_LIMIT_BYTES } from './core/limits';
import { configuredWorkloadActions } from './config/app-settings';
import { serializeTemplate, toJson } from './core/serialize';
import { buildGitHubOidcTemplate, gitHubOidcParameterFiles } from './templates/github-oidc';
import { buildMemberRolesTemplate, memberRolesParameterFiles } from './templates/member-roles';
import { EXECUTION_ROLE_FILE, buildExecutionRoleTemplate, executionRoleParameterFiles } from './templates/execution-role';
import { SERVICE_DEPLOY_ROLE_FILE, buildServiceDeployRoleTemplate, serviceDeployRoleParameterFiles } from './templates/service-deploy-role';
import { buildMonitoringTemplate, monitoringParameterFiles } from './templates/monitoring';
import { buildDoraTemplate, doraParameterFiles } from './templates/dora';
import { buildDoraForwardingTemplate, doraForwardingParameterFiles } from './templates/dora-forwarding';
import { buildPipelineBuildTemplate, buildPipelineTemplate, pipelineBuildParameterFiles, pipelineParameterFiles, pipelineStackTemplates } from './templates/pipeline';
import { PIPELINE_STACKS_ROLE_FILE, buildPipelineStacksRoleTemplate, pipelineStacksRoleParameterFiles } from './templates/pipeline-stacks-role';
import { buildNetworkTemplate, networkParameterFiles } from './templates/network';
import { ECS_SERVICE_TEMPLATE_FILES, buildEcsServiceTemplate, ecsServiceParameterFiles } from './templates/ecs-service';
import { ECS_NATIVE_FILE, buildEcsServiceNativeTemplate, ecsServiceNativeParameterFiles } from './templates/ecs-service-native';
import { SERVICE_CANARY_FILE, buildServiceCanaryTemplate, serviceCanaryParameterFiles } from './templates/service-canary';
import { memberStackTemplates } from './member-stacks';
import { templateChecks } from './validate';
import { configFieldOf } from './config/field-of';
import { checkParameterValues, checkTags } from './validate/parameter-values';

export interface TemplateEntry {
  /** File name below templates/. */
  readonly file: string;
  build(config: ResolvedConfig): Template;
  parameterFiles?(config: ResolvedConfig): ParameterFile[];
}

export const TEMPLATES: readonly TemplateEntry[] = [
  { file: 'member-roles.json', build: (c) => buildMemberRolesTemplate(memberStackTemplates(), configuredWorkloadActions(c.services)), parameterFiles: memberRolesParameterFiles },
  { file: EXECUTION_ROLE_FILE, build: () => buildExecutionRoleTemplate(memberStackTemplates()), parameterFiles: executionRoleParameterFiles },
  { file: SERVICE_DEPLOY_ROLE_FILE, build: () => buildServiceDeployRoleTemplate(), parameterFiles: serviceDeployRoleParameterFiles },
  { file: 'github-oidc.json', build: () => buildGitHubOidcTemplate(), parameterFiles: gitHubOidcParameterFiles },
  { file: 'monitoring.json', build: buildMonitoringTemplate, parameterFiles: monitoringParameterFiles },
  { file: 'dora.json', build: buildDoraTemplate, parameterFiles: doraParameterFiles },
  { file: 'pipeline-build.json', build: buildPipelineBuildTemplate, parameterFiles: pipelineBuildParameterFiles },
  { file: 'pipeline.json', build: buildPipelineTemplate, parameterFiles: pipelineParameterFiles },
  { file: PIPELINE_STACKS_ROLE_FILE, build: (c) => buildPipelineStacksRoleTemplate(pipelineStackTemplates(c)), parameterFiles: pipelineStacksRoleParameterFiles },
  { file: 'network.json', build: () => buildNetworkTemplate(), parameterFiles: networkParameterFiles },
  { file: 'dora-forwarding.json', build: () => buildDoraForwardingTemplate(), parameterFiles: doraForwardingParameterFiles },
  {
    file: ECS_SERVICE_TEMPLATE_FILES['blue-green'],
    build: () => buildEcsServiceTemplate('blue-green'),
    parameterFiles: (config) => ecsServiceParameterFiles(config, 'blue-green'),
  },
  { file: ECS_NATIVE_FILE, build: () => buildEcsServiceNativeTemplate(), parameterFiles: ecsServiceNativeParameterFiles },
  {
    file: ECS_SERVICE_TEMPLATE_FILES.rolling,
    build: () => buildEcsServiceTemplate('rolling'),
    parameterFiles: (config) => ecsServiceParameterFiles(config, 'rolling'),
  },
  { file: SERVICE_CANARY_FILE, build: () => buildServiceCanaryTemplate(), parameterFiles: serviceCanaryParameterFiles },
];

export class GenerationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`generation failed\n  ${problems.join('\n  ')}`);
  }
}

export interface RenderedFile {
  readonly path: string;
  readonly content: string;
}

export interface RenderedTemplate extends RenderedFile {
  readonly template: Template;
}

/** Builds and serializes every template, without checks (tests and benchmarks use it). */
export function buildAll(config: ResolvedConfig): { templates: RenderedTemplate[]; parameterFiles: ParameterFile[]; problems: string[] } {
  const templates: RenderedTemplate[] = [];
  const parameterFiles: ParameterFile[] = [];
  const problems: string[] = [];
  for (const entry of TEMPLATES) {
    let template: Template;
    try {
      template = entry.build(config);
    } catch (e) {
      problems.push(`${entry.file}: ${(e as Error).message}`);
      continue;
    }
    templates.push({ path: entry.file, template, content: serializeTemplate(template) });
    for (const pf of entry.parameterFiles?.(config) ?? []) {
      for (const p of checkParameterValues(template, pf.parameters, pf.suppliedAtDeploy)) {
        // Named by the configuration field the value came from, when one did.
        const parameter = p.slice(0, p.indexOf(':'));
        const value = pf.parameters[parameter];
        const field = typeof value === 'string' ? configFieldOf(config, parameter, value, pf.path) : undefined;
        problems.push(field ? `${field} (in ${pf.path}): ${p}` : `${pf.path}: ${p}`);
      }
      problems.push(...settingsSizeProblems(config, template, pf, TEMPLATE_BODY_LIMIT_BYTES));
      parameterFiles.push(pf);
    }
  }
  return { templates, parameterFiles, problems };
}

export function parameterFileContent(pf: ParameterFile): string {
  return toJson({ Parameters: pf.parameters, ...(pf.tags ? { Tags: pf.tags } : {}), ...(pf.settings ? { [SETTINGS_KEY]: pf.settings } : {}) });
}

/** Every file of templates/, checked. Throws GenerationError when anything is wrong. */
export function renderAll(config: ResolvedConfig): RenderedFile[] {
  const { templates, parameterFiles, problems } = buildAll(config);
  for (const pf of parameterFiles) {
    for (const p of checkTags(pf.tags ?? {})) problems.push(`${pf.path}: ${p}`);
  }
  const checks = templateChecks();
  for (const t of templates) {
    for (const f of checks.check(t.template, t.content)) problems.push(`${t.path}: [${f.check}] ${f.message}`);
  }
  const files: RenderedFile[] = [
    ...templates.map(({ path, content }) => ({ path, content })),
    ...parameterFiles.map((pf) => ({ path: pf.path, content: parameterFileContent(pf) })),
  ];
  const paths = new Set<string>();
  for (const f of files) {
    if (paths.has(f.path)) problems.push(`${f.path}: two generated files have the same path`);
    paths.add(f.path);
  }
  if (problems.length) throw new GenerationError(problems);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * From a resolved configuration to every file of templates/, in memory.
 *
 * Each entry of TEMPLATES builds one template (a pure function of the configuration)
 * and, optionally, the parameter files its deployments need. `renderAll` builds,
 * serializes and checks everything; it returns the files only when every check passes
 * and throws one GenerationError listing every problem otherwise. Nothing here writes.
 */
import { createHash } from 'node:crypto';
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
  /**
   * What the template is made from: the part of the configuration its builder reads, as
   * plain JSON data (null when the template is the same for every configuration). A
   * template built earlier by the same build from equal inputs is the same template, so a
   * regeneration reuses it (`render` with a memo).
   */
  inputs(config: ResolvedConfig): unknown;
  /** The template from `inputs(config)`: `build(config)` is `fromInputs(inputs(config))`. */
  fromInputs(inputs: unknown): Template;
  build(config: ResolvedConfig): Template;
  parameterFiles?(config: ResolvedConfig): ParameterFile[];
}

/** An entry whose builder can read nothing of the configuration but its inputs. */
function entry<I>(file: string, inputs: (config: ResolvedConfig) => I, from: (inputs: I) => Template, parameterFiles?: TemplateEntry['parameterFiles']): TemplateEntry {
  const fromInputs = from as (inputs: unknown) => Template;
  return { file, inputs, fromInputs, build: (config) => from(inputs(config)), ...(parameterFiles ? { parameterFiles } : {}) };
}

/** Inputs of a template that no configuration changes. */
const NONE = (): null => null;
/** Inputs of a template built from the whole configuration. */
const WHOLE = (config: ResolvedConfig): ResolvedConfig => config;

export const TEMPLATES: readonly TemplateEntry[] = [
  entry(
    'member-roles.json',
    (c) => configuredWorkloadActions(c.services),
    (actions) => buildMemberRolesTemplate(memberStackTemplates(), actions),
    memberRolesParameterFiles,
  ),
  entry(EXECUTION_ROLE_FILE, NONE, () => buildExecutionRoleTemplate(memberStackTemplates()), executionRoleParameterFiles),
  entry(SERVICE_DEPLOY_ROLE_FILE, NONE, () => buildServiceDeployRoleTemplate(), serviceDeployRoleParameterFiles),
  entry('github-oidc.json', NONE, () => buildGitHubOidcTemplate(), gitHubOidcParameterFiles),
  entry('monitoring.json', WHOLE, buildMonitoringTemplate, monitoringParameterFiles),
  entry('dora.json', WHOLE, buildDoraTemplate, doraParameterFiles),
  entry('pipeline-build.json', WHOLE, buildPipelineBuildTemplate, pipelineBuildParameterFiles),
  entry('pipeline.json', WHOLE, buildPipelineTemplate, pipelineParameterFiles),
  entry(PIPELINE_STACKS_ROLE_FILE, WHOLE, (c) => buildPipelineStacksRoleTemplate(pipelineStackTemplates(c)), pipelineStacksRoleParameterFiles),
  entry('network.json', NONE, () => buildNetworkTemplate(), networkParameterFiles),
  entry('dora-forwarding.json', NONE, () => buildDoraForwardingTemplate(), doraForwardingParameterFiles),
  entry(
    ECS_SERVICE_TEMPLATE_FILES['blue-green'],
    NONE,
    () => buildEcsServiceTemplate('blue-green'),
    (config) => ecsServiceParameterFiles(config, 'blue-green'),
  ),
  entry(ECS_NATIVE_FILE, NONE, () => buildEcsServiceNativeTemplate(), ecsServiceNativeParameterFiles),
  entry(
    ECS_SERVICE_TEMPLATE_FILES.rolling,
    NONE,
    () => buildEcsServiceTemplate('rolling'),
    (config) => ecsServiceParameterFiles(config, 'rolling'),
  ),
  entry(SERVICE_CANARY_FILE, NONE, () => buildServiceCanaryTemplate(), serviceCanaryParameterFiles),
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

/**
 * What a successful render leaves for the next: per template file, a hash of the inputs
 * it was built from and its content, which passed every template check. It holds only for
 * the build that rendered it: the caller keeps it by build (scripts/generate.ts).
 */
export interface RenderMemo {
  readonly [file: string]: { readonly inputs: string; readonly content: string };
}

export interface BuiltTemplate extends RenderedTemplate {
  /** The hash of its inputs ('' without a memo). */
  readonly inputs: string;
  /** Its content passed the template checks before (as recorded in the memo). */
  readonly checked: boolean;
}

/** The hash of a template's inputs; equal inputs (one object for many, often) hashed once. */
function inputsHash(inputs: unknown, seen: Map<unknown, string>): string {
  let hash = seen.get(inputs);
  if (hash === undefined) {
    hash = createHash('sha256')
      .update(JSON.stringify(inputs ?? null))
      .digest('hex');
    seen.set(inputs, hash);
  }
  return hash;
}

/**
 * One template: taken from the memo when it was built from equal inputs (by the same
 * build, which the memo's keeper vouches for), else built and serialized, and known to
 * be checked when the memo holds the same bytes.
 */
function buildTemplate(entry: TemplateEntry, config: ResolvedConfig, memo: RenderMemo | undefined, seen: Map<unknown, string>): BuiltTemplate {
  const inputs = entry.inputs(config);
  if (!memo) {
    const template = entry.fromInputs(inputs);
    return { path: entry.file, template, content: serializeTemplate(template), inputs: '', checked: false };
  }
  const hash = inputsHash(inputs, seen);
  const earlier = Object.prototype.hasOwnProperty.call(memo, entry.file) ? memo[entry.file] : undefined;
  if (earlier?.inputs === hash) return { path: entry.file, template: JSON.parse(earlier.content) as Template, content: earlier.content, inputs: hash, checked: true };
  const template = entry.fromInputs(inputs);
  const content = serializeTemplate(template);
  return { path: entry.file, template, content, inputs: hash, checked: earlier?.content === content };
}

/** Builds and serializes every template, without checks (tests and benchmarks use it). */
export function buildAll(config: ResolvedConfig, memo?: RenderMemo): { templates: BuiltTemplate[]; parameterFiles: ParameterFile[]; problems: string[] } {
  const templates: BuiltTemplate[] = [];
  const parameterFiles: ParameterFile[] = [];
  const problems: string[] = [];
  const seen = new Map<unknown, string>();
  for (const entry of TEMPLATES) {
    let built: BuiltTemplate;
    try {
      built = buildTemplate(entry, config, memo, seen);
    } catch (e) {
      problems.push(`${entry.file}: ${(e as Error).message}`);
      continue;
    }
    templates.push(built);
    const { template } = built;
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
  return render(config).files;
}

/**
 * Every file of templates/, checked, and the memo for the next render. With the memo of
 * an earlier render by the same build, a template whose inputs are unchanged is neither
 * built nor checked again, and one built to the same bytes is not checked again: an edit
 * of one service rebuilds the templates that read it and checks none whose bytes stay.
 * Parameter files are always built and checked. Throws GenerationError when anything is
 * wrong.
 */
export function render(config: ResolvedConfig, memo?: RenderMemo): { files: RenderedFile[]; memo: RenderMemo } {
  const { templates, parameterFiles, problems } = buildAll(config, memo);
  for (const pf of parameterFiles) {
    for (const p of checkTags(pf.tags ?? {})) problems.push(`${pf.path}: ${p}`);
  }
  const unchecked = templates.filter((t) => !t.checked);
  // The validators load only when a template needs checking.
  if (unchecked.length) {
    const checks = templateChecks();
    for (const t of unchecked) {
      for (const f of checks.check(t.template, t.content)) problems.push(`${t.path}: [${f.check}] ${f.message}`);
    }
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
  const next: Record<string, { inputs: string; content: string }> = {};
  if (memo) for (const t of templates) next[t.path] = { inputs: t.inputs, content: t.content };
  return { files: files.sort((a, b) => a.path.localeCompare(b.path)), memo: next };
}

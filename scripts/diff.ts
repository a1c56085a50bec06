/**
 * Shows what would change in a template, as a semantic diff: resources added,
 * removed, modified or replaced, and IAM statements and security group rules widened or
 * narrowed. Parameter files are compared value by value.
 *
 *   npm run diff [-- TEMPLATE...]                        committed templates/ -> generated from the configuration
 *   npm run diff -- --base origin/main [TEMPLATE...]     templates/ at a git ref -> the working tree (no AWS)
 *   npm run diff -- TEMPLATE --stack NAME [--region R]   deployed stack -> committed template
 *
 * In a pull request (GITHUB_BASE_REF set) the default is `--base origin/<base branch>`.
 * `--format markdown` prints a pull-request comment. Exit status: 0 no differences,
 * 1 differences, 2 usage error, 3 any other error.
 */
import { CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig, userConfigPath } from '../generator/config/load';
import { renderAll } from '../generator/render';
import { AWS_FLAGS, choiceFlag, CommandSpec, ParsedArgs, TEMPLATES_DIR_FLAG, UsageError } from './lib/args';
import { awsClient, awsOptions, AwsOptions } from './lib/aws';
import { establish, IdentityResolver } from './lib/identity';
import { valueChanges } from './lib/changeset';
import { formatDiff, markdownReport, summarizeDiff, TemplateJsonObject, WideningAnalyser, wideningAnalyser } from './lib/diff';
import { loadTemplate, parseParameterFile, templateName, templatesDir } from './lib/templates';
import { runCommand } from './lib/command';
import { runMain, Terminal } from './lib/terminal';

export const DIFF_SPEC = {
  command: 'diff',
  positional: { name: '[TEMPLATE...]', min: 0, max: 20 },
  flags: [
    {
      name: 'base',
      kind: 'string',
      valueName: 'REF',
      description: 'compare templates/ at this git ref with the working tree (default in a pull request, GITHUB_BASE_REF set: origin/$GITHUB_BASE_REF)',
    },
    { name: 'stack', kind: 'string', valueName: 'NAME', description: 'compare the template of this deployed stack (GetTemplate) with the committed one' },
    { name: 'config', kind: 'string', valueName: 'FILE', description: 'configuration to generate from (default: delivery.config.json)' },
    { name: 'format', kind: 'string', valueName: 'FORMAT', description: 'text (default) or markdown (a pull-request comment)' },
    { name: 'exit-code', kind: 'boolean', description: 'accepted for compatibility: the status is always 1 when anything differs' },
    ...AWS_FLAGS,
    TEMPLATES_DIR_FLAG,
  ],
} as const satisfies CommandSpec;

/** Exit status when the comparison itself failed (1 means "differs"). */
export const DIFF_ERROR = 3;

export type DiffMode =
  { readonly kind: 'generated'; readonly config: string } | { readonly kind: 'base'; readonly ref: string } | { readonly kind: 'stack'; readonly stack: string };

export interface DiffPlan {
  readonly dir: string;
  readonly templates: string[];
  readonly mode: DiffMode;
  readonly format: 'text' | 'markdown';
  readonly aws: AwsOptions;
}

/** The base branch of a pull request, from the CI's environment. */
export function pullRequestBase(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const branch = env.GITHUB_BASE_REF || env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME;
  return branch ? `origin/${branch}` : undefined;
}

export function planDiff(args: ParsedArgs<typeof DIFF_SPEC>, env: Readonly<Record<string, string | undefined>> = process.env): DiffPlan {
  const dir = templatesDir(args);
  const stack = args.strings.stack;
  const base = args.strings.base;
  if (stack !== undefined && args.positionals.length !== 1) throw new UsageError('--stack compares one template: name it, e.g. npm run diff -- network --stack shop-network-dev');
  if (stack !== undefined && (args.strings.config || base)) throw new UsageError('--stack compares with the deployed stack: --config and --base do not apply');
  if (base !== undefined && args.strings.config) throw new UsageError('--base compares two versions of templates/: --config does not apply');
  if (base !== undefined && !/^[A-Za-z0-9_./@^~{}-]+$/.test(base)) throw new UsageError(`--base ${JSON.stringify(base)} is not a git ref`);
  const format = choiceFlag(args, 'format', ['text', 'markdown'] as const) ?? 'text';
  let mode: DiffMode;
  if (stack !== undefined) mode = { kind: 'stack', stack };
  else if (base !== undefined) mode = { kind: 'base', ref: base };
  else if (!args.strings.config && !args.strings['templates-dir'] && pullRequestBase(env)) mode = { kind: 'base', ref: pullRequestBase(env)! };
  else {
    const config = args.strings.config ? path.resolve(args.strings.config) : userConfigPath(env);
    if (!fs.existsSync(config)) {
      throw new UsageError(
        args.strings.config
          ? `configuration file ${config} does not exist`
          : `no configuration: ${path.basename(config)} does not exist; create it with npm run init, or pass --config FILE`,
      );
    }
    mode = { kind: 'generated', config };
  }
  return { dir, templates: args.positionals.map(templateName), mode, format, aws: awsOptions(args) };
}

function parseJson(text: string, what: string): TemplateJsonObject {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as TemplateJsonObject;
  } catch (e) {
    throw new Error(`${what} is not JSON: ${(e as Error).message}`, { cause: e });
  }
}

/** Files below templates/: `network.json`, `parameters/ecs-service/web/dev.json`, ... -> content. */
export type Tree = ReadonlyMap<string, string>;

/** Every .json file below `dir` (recursively; dot files and other files are not templates). */
export function readTree(dir: string): Tree {
  const out = new Map<string, string>();
  const walk = (abs: string, rel: string) => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const childAbs = path.join(abs, entry.name);
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(childAbs, childRel);
      else if (entry.isFile() && entry.name.endsWith('.json')) out.set(childRel, fs.readFileSync(childAbs, 'utf8'));
    }
  };
  if (fs.existsSync(dir)) walk(dir, '');
  return out;
}

function git(cwd: string, args: string[], input?: string): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', input, maxBuffer: 512 * 1024 * 1024 });
  if (r.error) throw new Error(`git ${args[0]}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** The files below `dir` as committed at `ref`, read with git (no checkout). */
export function gitTree(dir: string, ref: string): Tree {
  const probe = fs.existsSync(dir) ? dir : path.dirname(dir);
  const top = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: probe, encoding: 'utf8' });
  if (top.status !== 0) throw new UsageError(`--base needs a git repository; ${probe} is not in one`);
  const root = top.stdout.trim();
  const known = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: root, encoding: 'utf8' });
  if (known.status !== 0) throw new UsageError(`git ref ${ref} does not exist here; fetch it first (git fetch origin ${ref.replace(/^origin\//, '')})`);
  const rel = path
    .relative(fs.realpathSync(root), fs.existsSync(dir) ? fs.realpathSync(dir) : path.resolve(dir))
    .split(path.sep)
    .join('/');
  const listing = git(root, ['ls-tree', '-r', '-z', ref, '--', rel === '' ? '.' : rel]);
  const entries = listing
    .split('\0')
    .filter((l) => l !== '')
    .map((l) => {
      const tab = l.indexOf('\t');
      const [, type, sha] = l.slice(0, tab).split(' ');
      return { type, sha, file: l.slice(tab + 1) };
    })
    .filter((e) => e.type === 'blob' && e.file.endsWith('.json'))
    .map((e) => ({ ...e, file: rel === '' ? e.file : e.file.slice(rel.length + 1) }))
    .filter((e) => !e.file.split('/').some((part) => part.startsWith('.')));
  const out = new Map<string, string>();
  if (!entries.length) return out;
  const r = spawnSync('git', ['cat-file', '--batch'], { cwd: root, input: entries.map((e) => e.sha).join('\n') + '\n', maxBuffer: 1024 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`git cat-file: ${r.stderr.toString().trim()}`);
  const buf = r.stdout;
  let at = 0;
  for (const e of entries) {
    const nl = buf.indexOf(10, at);
    const size = Number(buf.subarray(at, nl).toString().split(' ')[2]);
    out.set(e.file, buf.subarray(nl + 1, nl + 1 + size).toString('utf8'));
    at = nl + 1 + size + 1;
  }
  return out;
}

/** The template a parameter file belongs to: parameters/<name>.json or parameters/<name>/... */
export function parameterFileTemplate(rel: string): string | undefined {
  const m = /^parameters\/([^/]+?)(\.json$|\/)/.exec(rel);
  return m ? m[1] : undefined;
}

export interface FileReport {
  readonly file: string;
  readonly lines: string[];
}

/**
 * Compares two trees: each template (a top-level .json file), then its parameter files.
 * Returns the files that differ, with their lines, and the unchanged templates.
 */
export function compareTrees(
  before: Tree,
  after: Tree,
  only: readonly string[],
  term: Terminal,
  analyser?: WideningAnalyser,
  where = 'either version',
): { changed: FileReport[]; unchanged: string[] } {
  const names = (t: Tree) => [...t.keys()].filter((f) => !f.includes('/')).map((f) => f.replace(/\.json$/, ''));
  const all = [...new Set([...names(before), ...names(after)])].sort();
  for (const t of only) {
    if (!all.includes(t)) throw new UsageError(`template ${JSON.stringify(t)} does not exist in ${where}; templates: ${all.join(', ') || '(none)'}`);
  }
  const selected = only.length ? [...only] : all;
  const changed: FileReport[] = [];
  const unchanged: string[] = [];
  for (const name of selected) {
    const file = `${name}.json`;
    const a = before.get(file);
    const b = after.get(file);
    if (a !== b) {
      const title = a === undefined ? `${file} (new)` : b === undefined ? `${file} (removed)` : file;
      const summary = summarizeDiff(a === undefined ? {} : parseJson(a, `old ${file}`), b === undefined ? {} : parseJson(b, `new ${file}`), analyser);
      if (!summary.empty) changed.push({ file: title, lines: formatDiff(title, summary, term.paint).slice(1) });
      else unchanged.push(file);
    } else unchanged.push(file);
  }
  const parameterFiles = [...new Set([...before.keys(), ...after.keys()])]
    .filter((f) => f.startsWith('parameters/'))
    .filter((f) => (only.length ? selected.includes(parameterFileTemplate(f) ?? '') : true))
    .sort();
  for (const rel of parameterFiles) {
    const a = before.get(rel);
    const b = after.get(rel);
    if (a === b) continue;
    const read = (text: string | undefined, what: string) => (text === undefined ? { parameters: {}, tags: {}, settings: {} } : parseParameterFile(what, parseJson(text, what)));
    const x = read(a, `old ${rel}`);
    const y = read(b, `new ${rel}`);
    const changes = [
      ...valueChanges(x.parameters, y.parameters).map((c) => ({ ...c, kind: 'parameter' })),
      ...valueChanges(x.tags, y.tags).map((c) => ({ ...c, kind: 'tag' })),
      ...valueChanges(x.settings, y.settings).map((c) => ({ ...c, kind: 'setting' })),
    ];
    const title = a === undefined ? `${rel} (new)` : b === undefined ? `${rel} (removed)` : rel;
    if (!changes.length) continue;
    changed.push({
      file: title,
      lines: changes.map((c) => `  ${c.before === undefined ? '+' : c.after === undefined ? '-' : '~'} ${c.kind} ${c.key}: ${c.before ?? '(none)'} -> ${c.after ?? '(none)'}`),
    });
  }
  return { changed, unchanged };
}

function print(plan: DiffPlan, title: string, result: { changed: FileReport[]; unchanged: string[] }, term: Terminal): void {
  if (plan.format === 'markdown') {
    for (const line of markdownReport(title, result.changed, result.unchanged)) term.out(line);
    return;
  }
  term.out(term.paint.bold(title));
  for (const c of result.changed) {
    term.out(term.paint.bold(c.file));
    for (const line of c.lines) term.out(line);
  }
  if (result.unchanged.length) term.out(`no changes: ${result.unchanged.join(', ')}`);
}

/** A deployed stack's template against the committed one. */
async function againstStack(plan: DiffPlan, stack: string, term: Terminal, analyser?: WideningAnalyser, resolveIdentity?: IdentityResolver): Promise<number> {
  const template = loadTemplate(plan.dir, plan.templates[0]);
  await establish(plan.aws, [], false, term, resolveIdentity);
  const cf = awsClient(CloudFormationClient, plan.aws);
  try {
    const out = await cf.send(new GetTemplateCommand({ StackName: stack, TemplateStage: 'Original' }));
    const deployed = parseJson(out.TemplateBody ?? '{}', `the template of stack ${stack}`);
    const mismatch = otherTemplate(deployed, template.json as TemplateJsonObject);
    if (mismatch) throw new UsageError(`stack ${stack} was not deployed from ${path.basename(template.file)}: ${mismatch}; name the template the stack was made from`);
    const summary = summarizeDiff(deployed, template.json as TemplateJsonObject, analyser);
    const title = `stack ${stack} -> ${path.basename(template.file)}`;
    const lines = formatDiff(title, summary, term.paint);
    print(
      plan,
      title,
      summary.empty ? { changed: [], unchanged: [path.basename(template.file)] } : { changed: [{ file: path.basename(template.file), lines: lines.slice(1) }], unchanged: [] },
      term,
    );
    return summary.empty ? 0 : 1;
  } finally {
    cf.destroy();
  }
}

/**
 * Why a deployed template is not a version of `committed`, or undefined when it is:
 * the same Description, or at least half of the logical IDs in common.
 */
export function otherTemplate(deployed: TemplateJsonObject, committed: TemplateJsonObject): string | undefined {
  if (typeof deployed.Description === 'string' && deployed.Description === committed.Description) return undefined;
  const a = new Set(Object.keys(deployed.Resources ?? {}));
  const b = Object.keys(committed.Resources ?? {});
  const common = b.filter((id) => a.has(id)).length;
  if (common * 2 >= Math.max(a.size, b.length) && common > 0) return undefined;
  return `its Description differs and it shares ${common} of ${Math.max(a.size, b.length)} logical IDs`;
}

export async function main(argv: string[], term: Terminal, resolveIdentity?: IdentityResolver): Promise<number> {
  return runCommand(
    DIFF_SPEC,
    argv,
    term,
    (args) => planDiff(args),
    async (plan) => {
      const analyser = wideningAnalyser;
      const mode = plan.mode;
      if (mode.kind === 'stack') return againstStack(plan, mode.stack, term, analyser, resolveIdentity);
      let result: { changed: FileReport[]; unchanged: string[] };
      let title: string;
      const shown = path.relative(process.cwd(), plan.dir) || '.';
      if (mode.kind === 'base') {
        result = compareTrees(gitTree(plan.dir, mode.ref), readTree(plan.dir), plan.templates, term, analyser, `${shown}/ at ${mode.ref} or in the working tree`);
        title = `${shown}/ at ${mode.ref} -> working tree`;
      } else {
        const generated = new Map(renderAll(loadConfig(mode.config)).map((f) => [f.path, f.content]));
        result = compareTrees(readTree(plan.dir), generated, plan.templates, term, analyser, `${shown}/ and is not generated`);
        title = `${shown}/ -> generated from ${path.relative(process.cwd(), mode.config) || mode.config}`;
      }
      print(plan, title, result, term);
      if (mode.kind === 'generated' && !result.changed.length && plan.format === 'text') {
        term.out(term.paint.dim(`${shown}/ matches the configuration; to review a change against a branch: npm run diff -- --base origin/main`));
      }
      return result.changed.length ? 1 : 0;
    },
    () => [],
    DIFF_ERROR,
  );
}

if (require.main === module) runMain(main);

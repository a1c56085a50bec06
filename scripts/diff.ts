/**
 * Shows what would change in a template, as a semantic diff: resources added,
 * removed, modified or replaced, and IAM statements and security group rules widened or
 * narrowed.
 *
 *   npm run diff [-- TEMPLATE...]                   committed templates/ -> freshly generated
 *   npm run diff -- TEMPLATE --stack NAME [--region R]   deployed stack -> committed template
 *
 * With --exit-code the status is 1 when anything differs (for CI).
 */
import { CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE_CONFIG_PATH, loadConfig } from '../generator/config/load';
import { renderAll } from '../generator/render';
import { AWS_FLAGS, CommandSpec, ParsedArgs, TEMPLATES_DIR_FLAG, UsageError } from './lib/args';
import { awsOptions, AwsOptions, clientConfig } from './lib/aws';
import { valueChanges } from './lib/changeset';
import { formatDiff, summarizeDiff } from './lib/diff';
import { listTemplates, loadTemplate, parseParameterFile, templateName, templatesDir } from './lib/templates';
import { runCommand } from './lib/command';
import { runMain, Terminal } from './lib/terminal';

export const DIFF_SPEC: CommandSpec = {
  command: 'diff',
  positional: { name: '[TEMPLATE...]', min: 0, max: 20 },
  flags: [
    { name: 'stack', kind: 'string', valueName: 'NAME', description: 'compare the template of this deployed stack (GetTemplate) with the committed one' },
    { name: 'config', kind: 'string', valueName: 'FILE', description: 'configuration to generate from (default: generator/config/example.json)' },
    { name: 'exit-code', kind: 'boolean', description: 'exit 1 when anything differs' },
    ...AWS_FLAGS,
    TEMPLATES_DIR_FLAG,
  ],
};

export interface DiffPlan {
  readonly dir: string;
  readonly templates: string[];
  readonly stack?: string;
  readonly config: string;
  readonly exitCode: boolean;
  readonly aws: AwsOptions;
}

export function planDiff(args: ParsedArgs): DiffPlan {
  const dir = templatesDir(args);
  const stack = args.strings.stack;
  if (stack !== undefined && args.positionals.length !== 1) throw new UsageError('--stack compares one template: name it, e.g. npm run diff -- network --stack shop-network-dev');
  if (stack !== undefined && args.strings.config) throw new UsageError('--config applies to the generated comparison, not to --stack');
  const config = args.strings.config ? path.resolve(args.strings.config) : EXAMPLE_CONFIG_PATH;
  if (!fs.existsSync(config)) throw new UsageError(`configuration file ${config} does not exist`);
  return {
    dir,
    templates: args.positionals.map(templateName),
    stack,
    config,
    exitCode: args.booleans.has('exit-code'),
    aws: awsOptions(args),
  };
}

function parseJson(text: string, what: string): object {
  try {
    return JSON.parse(text) as object;
  } catch (e) {
    throw new UsageError(`${what} is not JSON: ${(e as Error).message}`);
  }
}

/** Committed templates/ against the generator's output for the configuration. */
function againstGenerated(plan: DiffPlan, term: Terminal): number {
  const generated = new Map(renderAll(loadConfig(plan.config)).map((f) => [f.path, f.content]));
  const generatedNames = [...generated.keys()].filter((f) => !f.includes('/')).map((f) => f.replace(/\.json$/, ''));
  const committed = listTemplates(plan.dir);
  const all = [...new Set([...committed, ...generatedNames])].sort();
  for (const t of plan.templates) {
    if (!all.includes(t)) throw new UsageError(`template ${JSON.stringify(t)} does not exist in templates/ and is not generated; templates: ${all.join(', ')}`);
  }
  const names = plan.templates.length ? plan.templates : all;
  let changed = 0;
  for (const name of names) {
    const file = path.join(plan.dir, `${name}.json`);
    const before = fs.existsSync(file) ? parseJson(fs.readFileSync(file, 'utf8'), file) : {};
    const text = generated.get(`${name}.json`);
    const after = text === undefined ? {} : parseJson(text, `generated ${name}.json`);
    const title = text === undefined ? `${name}.json (no longer generated)` : fs.existsSync(file) ? `${name}.json` : `${name}.json (new)`;
    const summary = summarizeDiff(before, after);
    if (!summary.empty) changed++;
    for (const line of formatDiff(title, summary, term.paint)) term.out(line);
    changed += parameterFileDiffs(plan.dir, name, generated, term);
  }
  return changed;
}

/** Parameter files of a template whose values the generator would change. */
function parameterFileDiffs(dir: string, name: string, generated: ReadonlyMap<string, string>, term: Terminal): number {
  const prefix = `parameters/${name}/`;
  const committedDir = path.join(dir, 'parameters', name);
  const files = new Set([...generated.keys()].filter((f) => f.startsWith(prefix)));
  if (fs.existsSync(committedDir)) for (const f of fs.readdirSync(committedDir)) files.add(`${prefix}${f}`);
  let changed = 0;
  for (const rel of [...files].sort()) {
    const onDisk = path.join(dir, rel);
    const read = (text: string | undefined, what: string) => (text === undefined ? { parameters: {}, tags: {} } : parseParameterFile(what, parseJson(text, what)));
    const before = read(fs.existsSync(onDisk) ? fs.readFileSync(onDisk, 'utf8') : undefined, onDisk);
    const after = read(generated.get(rel), `generated ${rel}`);
    const changes = [...valueChanges(before.parameters, after.parameters).map((c) => ({ ...c, kind: 'parameter' })), ...valueChanges(before.tags, after.tags).map((c) => ({ ...c, kind: 'tag' }))];
    if (!changes.length) continue;
    changed++;
    term.out(term.paint.bold(rel));
    for (const c of changes) {
      const marker = c.before === undefined ? '+' : c.after === undefined ? '-' : '~';
      term.out(`  ${marker} ${c.kind} ${c.key}: ${c.before ?? '(none)'} -> ${c.after ?? '(none)'}`);
    }
  }
  return changed;
}

/** A deployed stack's template against the committed one. */
async function againstStack(plan: DiffPlan, term: Terminal): Promise<number> {
  const template = loadTemplate(plan.dir, plan.templates[0]);
  const cf = new CloudFormationClient(clientConfig(plan.aws));
  try {
    const out = await cf.send(new GetTemplateCommand({ StackName: plan.stack, TemplateStage: 'Original' }));
    const deployed = parseJson(out.TemplateBody ?? '{}', `the template of stack ${plan.stack}`);
    const summary = summarizeDiff(deployed, template.json);
    for (const line of formatDiff(`stack ${plan.stack} -> ${path.basename(template.file)}`, summary, term.paint)) term.out(line);
    return summary.empty ? 0 : 1;
  } finally {
    cf.destroy();
  }
}

export async function main(argv: string[], term: Terminal): Promise<number> {
  return runCommand(DIFF_SPEC, argv, term, planDiff, async (plan) => {
    const changed = plan.stack ? await againstStack(plan, term) : againstGenerated(plan, term);
    return plan.exitCode && changed > 0 ? 1 : 0;
  });
}

if (require.main === module) runMain(main);

/** docs/architecture.md, configuration-guide.md, reviewing.md, security.md, testing.md, walkthrough.md. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXAMPLE_CONFIG_PATH, MAX_REPORTED_PROBLEMS, parseConfig } from '../../generator/config/load';
import { PROJECT_ROOT } from '../../generator/core/paths';
import { CONFIG_MAX_BYTES } from '../../generator/core/read-file';
import { CONFIGURED_NAMES, NAME_RULES, NameShape, measureName } from '../../generator/core/naming';
import { checkTags } from '../../generator/validate/parameter-values';
import { main as generate } from '../../scripts/generate';
import { RACY_MS } from '../../scripts/lib/tree-manifest';
import { LONGEST_PARTS } from './code';
import { Stated, sourceMatch, statements, word } from './stated';

const example = () => JSON.parse(fs.readFileSync(EXAMPLE_CONFIG_PATH, 'utf8'));

/** What the configuration check says about `config`, as the command prints it. */
function refused(config: unknown): string {
  try {
    parseConfig(JSON.stringify(config), 'my-project.json');
  } catch (e) {
    return `error: ${(e as Error).message}`.replace(/\s+/g, ' ');
  }
  throw new Error('the configuration was accepted');
}

/** `npm run generate`'s exit statuses: a run written, a configuration refused, a usage error. */
function generateStatuses(): { written: number; refused: number; usage: number } {
  const quiet = { stdout: () => undefined, stderr: () => undefined };
  const out = path.join(os.tmpdir(), `cdt-docs-facts-${process.pid}`);
  const config = path.join(os.tmpdir(), `cdt-docs-facts-${process.pid}.json`);
  fs.writeFileSync(config, JSON.stringify(example()));
  try {
    return {
      written: generate(['--config', config, '--out', out], quiet),
      refused: generate(['--config', `${config}.missing`, '--out', out], quiet),
      usage: generate(['--no-such-flag'], quiet),
    };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(config, { force: true });
  }
}

const PLACEHOLDERS: Record<string, string> = { ProjectName: 'project', ServiceName: 'service', EnvironmentSuffix: 'suffix', 'AWS::Region': 'region', 'AWS::AccountId': 'account' };

/** A row of the name lengths table: the name, its shape, the limit and the longest it gets. */
function nameRow(shape: NameShape): string {
  const limit = NAME_RULES[shape.kind].max;
  if (shape.kind === 'synthetics-canary') return `| ${shape.what} | \`{service}-{suffix}\`, the service shortened to fit | ${limit} | ${limit} |`;
  const m = measureName(shape.kind, shape.parts(LONGEST_PARTS));
  const suffix = shape.scope === 'service-tools' ? 'toolsSuffix' : 'suffix';
  const text = m.name.replace(/\$\{([^}]+)\}/g, (_x, id: string) => `{${id === 'EnvironmentSuffix' ? suffix : PLACEHOLDERS[id]}}`);
  return `| ${shape.what} | \`${text.replace(/\|/g, '\\|')}\` | ${limit} | ${m.length}${text.includes('{region}') ? ' with the longest region code' : ''} |`;
}

/** The most tags checkTags lets a stack have. */
function mostTags(): number {
  const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
  let n = 1;
  while (n < 1000 && !checkTags(tags(n + 1)).some((p) => p.startsWith('Tags: '))) n++;
  return n;
}

function guide(): Stated[] {
  const { code, cited } = statements('docs/configuration-guide.md');
  const status = generateStatuses();
  const three = example();
  three.services.push({ ...three.services[1], name: 'Web_App' });
  three.environments[2].accountId = three.environments[1].accountId;
  Object.assign(three.services[0], { cpu: 256, memoryMiB: 4096 });
  const canaries = example();
  canaries.services.push({ ...canaries.services[1], name: 'checkout-service' }, { ...canaries.services[1], name: 'checkout-servic2' });
  return [
    code(`the exit status is ${status.refused} and the output directory is left exactly as it was`),
    code(`Exit status: ${status.written} written (or already up to date); ${status.refused} a problem in the configuration`),
    code(`${status.usage} a usage error: an unknown argument`),
    code(`a regular UTF-8 file of at most ${CONFIG_MAX_BYTES / 1024 / 1024} MiB`),
    code(`a report lists the first ${MAX_REPORTED_PROBLEMS} problems and counts the rest`),
    code(refused(three)),
    code(refused(canaries).replace(/^error: my-project\.json: 1 problem in the configuration /, '')),
    ...CONFIGURED_NAMES.map((s) => cited(nameRow(s), "each service's API reference", true)),
    cited(`at most ${mostTags()} tags within CloudFormation's tag limits`, "CloudFormation's tag limits", true),
  ];
}

function others(): Stated[] {
  const racyMs = RACY_MS;
  const accounts = example() as { tools: { accountId: string }; environments: Array<{ name: string; accountId: string }> };
  const [dev, staging, prod] = accounts.environments;
  const [cfnLint] = sourceMatch('schemas/providers/SOURCE.md', /Exported from cfn-lint (\d+\.\d+)\./);
  const motoFiles = fs.readdirSync(path.join(PROJECT_ROOT, 'test', 'integration')).filter((f) => f.endsWith('.moto.test.ts')).length;
  const arch = statements('docs/architecture.md');
  const review = statements('docs/reviewing.md');
  const security = statements('docs/security.md');
  const testing = statements('docs/testing.md');
  const walk = statements('docs/walkthrough.md');
  return [
    arch.code(`changed within ${Number(racyMs) / 1000} s of the record`),
    review.label('`Everyone (IPv4)` is `0.0.0.0/0`'),
    security.code(`named \`*-alb-{suffix}\` (${NAME_RULES.alb.max} characters cannot hold the project)`),
    security.label('only after step 2 has reached every account'),
    security.measured('`node /tmp/nag/nag.js templates/*.json` reports 0 errors'),
    testing.code(`cfn-lint ${cfnLint} over every template`),
    testing.code(`the ${word(motoFiles)} moto integration files`),
    testing.measured(
      /Measured on \d{4}-\d\d-\d\d: `npm test` \(type check, lint and all \d+ files, [\d,]+ tests, dist\/ already built\) took \d+ min \d+ s wall and \d+ s of CPU \(\d+ s user, \d+ s system\) on the shared \d+-core machine at a load average of \d+ to \d+; the type check, the linter and the format check run side by side first \(`scripts\/checks\.js`, \d+ s for the three\)/,
    ),
    walk.code(
      `a tools account \`${accounts.tools.accountId}\` and member accounts ${dev.name} \`${dev.accountId}\`, ${staging.name} \`${staging.accountId}\` and ${prod.name} \`${prod.accountId}\``,
    ),
  ];
}

export const GUIDES = (): Stated[] => [...guide(), ...others()];

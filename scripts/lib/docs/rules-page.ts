/**
 * docs/rules.md: the project rules every template is checked against (generator/rules),
 * the scanner findings a template may suppress (SCANNER_RULES), and every suppression the
 * templates carry with its reason, per template: the list test/suppressions.test.ts
 * snapshots, for reviewers in one place.
 */
import { EXAMPLE_CONFIG_PATH, loadConfig } from '../../../generator/config/load';
import { PATTERN_REASON, SCANNER_RULES, ScannerRule, wildcardStatements } from '../../../generator/core/suppressions';
import { TEMPLATES } from '../../../generator/render';
import { RULES } from '../../../generator/rules';
import { anchor, code, generatedBanner, link, page, prose, table } from './markdown';

interface Accepted {
  readonly resource: string;
  readonly rule: string;
  /** The statement (IAM5) and the wildcard resources it grants on. */
  readonly statement?: string;
  readonly resources?: readonly string[];
  readonly reason: string;
}

/** What each template accepts: the Metadata suppressions, IAM5 by statement. */
function accepted(): Array<{ file: string; items: Accepted[] }> {
  const config = loadConfig(EXAMPLE_CONFIG_PATH);
  return TEMPLATES.map((entry) => {
    const template = entry.build(config);
    const items: Accepted[] = [];
    for (const [id, r] of Object.entries(template.Resources)) {
      const nag = (r.Metadata as { cdk_nag?: { rules_to_suppress?: Array<{ id: string; reason: string }> } } | undefined)?.cdk_nag;
      for (const s of nag?.rules_to_suppress ?? []) {
        if (s.id !== 'AwsSolutions-IAM5') items.push({ resource: id, rule: s.id, reason: s.reason });
      }
      for (const w of wildcardStatements(id, r)) {
        items.push({ resource: id, rule: 'AwsSolutions-IAM5', statement: w.sid, resources: w.resources, reason: w.reason });
      }
    }
    return { file: entry.file, items };
  });
}

const PATTERN_NOTE = 'Project ARN pattern';

function reasonText(reason: string): string {
  return reason === PATTERN_REASON ? `[ARN pattern](#${anchor(PATTERN_NOTE)})` : prose(reason);
}

function templateBlocks(file: string, items: readonly Accepted[]): string[] {
  const heading = `### ${file}`;
  if (items.length === 0) return [heading, 'No suppressions.'];
  const other = items.filter((i) => i.statement === undefined);
  const iam = items.filter((i) => i.statement !== undefined);
  const blocks = [heading];
  if (other.length)
    blocks.push(
      table(
        ['Resource', 'Finding', 'Reason'],
        other.map((i) => [code(i.resource), i.rule, prose(i.reason)]),
      ),
    );
  if (iam.length) {
    blocks.push(
      table(
        ['Resource', 'Statement', 'Wildcard resources (AwsSolutions-IAM5)', 'Reason'],
        iam.map((i) => [code(i.resource), code(i.statement!), (i.resources ?? []).map((r) => code(r)).join('<br>'), reasonText(i.reason)]),
      ),
    );
  }
  return blocks;
}

function scannerRow(rule: ScannerRule): string[] {
  const r = SCANNER_RULES[rule];
  const cfnNag = Object.entries(r.cfnNag).map(([type, ids]) => (type === '*' ? ids.join(', ') : `${ids.join(', ')} (${type})`));
  return [rule, r.what, cfnNag.join('; '), r.checkov.join(', ')];
}

export function renderRulesPage(): string {
  const perTemplate = accepted();
  const count = (rule: (a: Accepted) => boolean) => perTemplate.reduce((n, t) => n + t.items.filter(rule).length, 0);
  return page([
    generatedBanner(['generator/rules', 'generator/core/suppressions.ts', 'the templates built from generator/config/example.json']),
    '# Rules and suppressions',
    `Sections: ${[link('Project rules'), link('Scanner findings a template may accept'), link('Suppressions by template')].join(' · ')}`,
    '## Project rules',
    'Checked on every template when it is generated, after the provider schemas and before anything is written (generator/rules); a finding fails generation.',
    table(
      ['ID', 'Rule', 'Source'],
      RULES.map((r) => [code(r.id), prose(r.description), /^https?:\/\//.test(r.source) ? `<${r.source}>` : r.source]),
    ),
    '## Scanner findings a template may accept',
    "A template accepts a scanner finding only through `suppress(rule, reason)` (generator/core/suppressions.ts), written into the resource's Metadata for cdk-nag (with the reason), cfn_nag and checkov. IAM wildcards carry their reason beside each statement in the builder.",
    table(['cdk-nag', 'Finding', 'cfn_nag', 'checkov'], (Object.keys(SCANNER_RULES) as ScannerRule[]).map(scannerRow)),
    '## Suppressions by template',
    `${count((a) => a.statement === undefined)} suppressions and ${count((a) => a.statement !== undefined)} IAM statements with wildcard resources, in the templates built from the example configuration.`,
    ...perTemplate.flatMap((t) => templateBlocks(t.file, t.items)),
    `### ${PATTERN_NOTE}`,
    `The reason of an ARN pattern whose statement gives none of its own: ${prose(PATTERN_REASON)}.`,
  ]);
}

/**
 * Every scanner finding the templates accept, with its reason, in one place: the
 * snapshot (test/__snapshots__/suppressions.test.ts.snap) lists each suppression in
 * Metadata and, for IAM wildcards, each statement's own reason from the builders. A new
 * or changed suppression changes the snapshot, so it shows in review (`npx jest -u`
 * accepts it). Running the scanner itself: `node /tmp/nag/nag.js templates/*.json` (see
 * docs/security.md, "Security scanners").
 */
import { loadConfig } from '../generator/config/load';
import { SCANNER_RULES, Suppression, SuppressionError, suppress, suppressionMetadata, wildcardStatements } from '../generator/core/suppressions';
import { TEMPLATES } from '../generator/render';
import { ROOT, loadTemplate, templateFiles } from './helpers/template';
import * as path from 'node:path';

const config = loadConfig(path.join(ROOT, 'generator', 'config', 'example.json'));
const built = TEMPLATES.map((e) => ({ file: e.file, template: e.build(config) }));

describe('suppressions', () => {
  test('a suppression without a reason, or of an unknown rule, fails generation', () => {
    expect(() => suppress('AwsSolutions-S1', '')).toThrow(SuppressionError);
    expect(() => suppress('AwsSolutions-S1', 'too short')).toThrow('needs a reason');
    expect(() => suppress('AwsSolutions-S10' as never, 'a reason that is long enough')).toThrow('not a rule');
  });

  test('one declaration is written in the conventions of cdk-nag (with the reason), cfn_nag and checkov', () => {
    const s: Suppression = suppress('AwsSolutions-ELB2', 'the reason why the finding is accepted');
    expect(suppressionMetadata('AWS::ElasticLoadBalancingV2::LoadBalancer', [s])).toEqual({
      cdk_nag: { rules_to_suppress: [{ id: 'AwsSolutions-ELB2', reason: 'the reason why the finding is accepted' }] },
      cfn_nag: { rules_to_suppress: [{ id: 'W52' }] },
      checkov: { skip: [{ id: 'CKV_AWS_91' }] },
    });
  });

  test('the committed templates carry exactly the suppressions the builders declare', () => {
    expect(templateFiles().sort()).toEqual(built.map((b) => b.file).sort());
    for (const { file, template } of built) {
      const committed = loadTemplate(file);
      for (const [id, r] of Object.entries(template.Resources)) {
        expect(`${file} ${id}: ${JSON.stringify(committed.Resources[id].Metadata ?? {})}`).toBe(`${file} ${id}: ${JSON.stringify(r.Metadata ?? {})}`);
      }
    }
  });

  test('every suppression has its reason and names a rule of the table; cfn_nag and checkov name the same findings', () => {
    for (const { file, template } of built) {
      for (const [id, r] of Object.entries(template.Resources)) {
        const m = r.Metadata as Record<string, any> | undefined;
        if (!m?.cdk_nag) continue;
        for (const s of m.cdk_nag.rules_to_suppress) {
          expect(`${file} ${id} ${s.id}: ${s.id in SCANNER_RULES && s.reason.length >= 10}`).toBe(`${file} ${id} ${s.id}: true`);
        }
        // cfn_nag and checkov name the same findings; the reason is cdk_nag's, beside them.
        // (IAM5's only where they fire: cfn_nag on a bare "*", checkov on write access there.)
        const rules = m.cdk_nag.rules_to_suppress.map((s: { id: keyof typeof SCANNER_RULES }) => s.id).filter((r: string) => r !== 'AwsSolutions-IAM5');
        const skipped = (m.checkov?.skip ?? []).map((s: { id: string }) => s.id);
        for (const r of rules) for (const id of SCANNER_RULES[r as keyof typeof SCANNER_RULES].checkov) expect(skipped).toContain(id);
      }
    }
  });

  test('the list of every accepted finding and its reason', () => {
    const lines: string[] = [];
    for (const { file, template } of built) {
      for (const [id, r] of Object.entries(template.Resources)) {
        const m = r.Metadata as Record<string, any> | undefined;
        for (const s of m?.cdk_nag?.rules_to_suppress ?? []) {
          if (s.id !== 'AwsSolutions-IAM5') lines.push(`${file} ${id} ${s.id}: ${s.reason}`);
        }
        for (const w of wildcardStatements(id, r)) {
          lines.push(`${file} ${id} AwsSolutions-IAM5 ${w.sid} [${w.resources.join(', ')}]: ${w.reason}`);
        }
      }
    }
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).toMatchSnapshot();
  });
});

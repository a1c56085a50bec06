/**
 * Numbers the README and the hand-written pages of docs/ state that the code decides: each
 * is read from the code here, so a change to one fails until the pages say the same. (The
 * generated pages, docs/configuration.md, scripts.md and rules.md, take theirs from the
 * code directly.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HEALTH_CHECK } from '../generator/contracts/service';
import { TEMPLATE_BODY_LIMIT_BYTES } from '../generator/core/limits';
import { PROJECT_ROOT, SCHEMA_DIR } from '../generator/core/paths';
import { TEMPLATES_DIR } from './helpers/template';

function markdownFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? markdownFiles(path.join(dir, e.name)) : e.name.endsWith('.md') ? [path.join(dir, e.name)] : []));
}

/** The README and docs/, with line breaks as spaces, so that a sentence is found wherever it wraps. */
const readme = [path.join(PROJECT_ROOT, 'README.md'), ...markdownFiles(path.join(PROJECT_ROOT, 'docs'))]
  .map((f) => fs.readFileSync(f, 'utf8'))
  .join(' ')
  .replace(/\s+/g, ' ');
const schema = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, 'config.schema.json'), 'utf8')) as { properties: { environments: { maxItems: number } } };
const bytes = (n: number) => n.toLocaleString('en-US');

describe('the README states what the code does', () => {
  test("the target groups' health check", () => {
    const h = HEALTH_CHECK;
    expect(readme).toContain(
      `every ${h.intervalSeconds} s, timeout ${h.timeoutSeconds} s, healthy after ${h.healthyThresholdCount}, unhealthy after ${h.unhealthyThresholdCount}, matcher \`${h.matcher}\`, deregistration delay ${h.deregistrationDelaySeconds} s`,
    );
  });

  test('the template body limit, wherever it is named', () => {
    const stated = [...readme.matchAll(/([0-9][0-9,]*)[- ]byte/g)].map((m) => m[1]).filter((n) => n.startsWith('51'));
    expect(stated.length).toBeGreaterThan(0);
    expect(new Set(stated)).toEqual(new Set([bytes(TEMPLATE_BODY_LIMIT_BYTES)]));
  });

  test("monitoring.json's size, to the kilobyte", () => {
    const kb = Math.round(fs.statSync(path.join(TEMPLATES_DIR, 'monitoring.json')).size / 1000);
    expect(readme).toMatch(new RegExp(`about (${kb - 1}|${kb}|${kb + 1}) KB with ${['one', 'two', 'three'][schema.properties.environments.maxItems - 1]} environments`));
  });
});

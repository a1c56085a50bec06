/**
 * Every number the README and the hand-written pages of docs/ state comes from somewhere:
 * a number derived from the code is checked here against the code (so a change there
 * fails until the pages say the same), an outside fact (an AWS quota, an API limit) names
 * its source on the page and is checked against the code where the code holds it too,
 * and an example, a measurement or a label is marked as what it is. A number on a page
 * that no statement holds fails. (The generated pages, docs/configuration.md, scripts.md
 * and rules.md, take theirs from the code directly; docs/performance.md is the
 * benchmark's record.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEMPLATE_BODY_LIMIT_BYTES } from '../generator/core/limits';
import { PROJECT_ROOT } from '../generator/core/paths';
import { allStated } from './docs-facts';
import { HAND_WRITTEN_PAGES, Stated, grouped, numbersIn, occurrences, pageProse, pageText, unaccounted } from './docs-facts/stated';

const show = (s: Stated) => (typeof s.text === 'string' ? s.text : `/${s.text.source}/`);

let STATED: Stated[];
beforeAll(async () => {
  STATED = await allStated();
});

describe('the pages state what the code does', () => {
  test('every statement built from the code stands on its page', () => {
    const own = STATED.filter((s) => s.kind === 'code' || (s.kind === 'cited' && s.tied));
    expect(own.length).toBeGreaterThan(100);
    expect(own.filter((s) => occurrences(pageText(s.page), s).length === 0).map((s) => `${s.page}: ${show(s)}`)).toEqual([]);
  });

  test('every outside fact stands on its page with its source', () => {
    const cited = STATED.filter((s) => s.kind === 'cited');
    expect(cited.filter((s) => occurrences(pageText(s.page), s).length === 0 || !pageText(s.page).includes(s.cites!)).map((s) => `${s.page}: ${show(s)} (${s.cites})`)).toEqual([]);
  });
});

describe('every number of a page is accounted for', () => {
  test('the pages have numbers to account for, and statements of every kind', () => {
    expect(HAND_WRITTEN_PAGES).toContain('README.md');
    expect(HAND_WRITTEN_PAGES).toContain('docs/templates/ecs-service.md');
    expect(HAND_WRITTEN_PAGES.flatMap((p) => numbersIn(pageProse(p))).length).toBeGreaterThan(200);
    expect(new Set(STATED.map((s) => s.kind))).toEqual(new Set(['code', 'cited', 'example', 'measured', 'label']));
  });

  test.each(HAND_WRITTEN_PAGES)('%s', (page) => {
    const prose = pageProse(page);
    expect(unaccounted(page, STATED).map((n) => `${n.value} in "…${prose.slice(Math.max(0, n.at - 40), n.at + 30)}…"`)).toEqual([]);
  });

  test('examples, measurements and labels stand in the prose of their pages', () => {
    const plain = STATED.filter((s) => s.kind === 'example' || s.kind === 'measured' || s.kind === 'label');
    expect(plain.filter((s) => occurrences(pageProse(s.page), s).length === 0).map((s) => `${s.page}: ${show(s)}`)).toEqual([]);
  });

  test('every statement is of a hand-written page', () => {
    expect(STATED.map((s) => s.page).filter((p) => !HAND_WRITTEN_PAGES.includes(p))).toEqual([]);
  });
});

describe('the template body limit', () => {
  test('is the same wherever a page names it, generated pages included', () => {
    const pages = ['README.md', 'CONTRIBUTING.md', ...fs.readdirSync(path.join(PROJECT_ROOT, 'docs'), { recursive: true, encoding: 'utf8' }).map((f) => `docs/${f}`)];
    const text = pages.filter((p) => p.endsWith('.md')).map((p) => fs.readFileSync(path.join(PROJECT_ROOT, p), 'utf8').replace(/\s+/g, ' '));
    const stated = text.flatMap((t) => [...t.matchAll(/([0-9][0-9,]*)[- ]byte/g)].map((m) => m[1])).filter((n) => n.startsWith('51'));
    expect(stated.length).toBeGreaterThan(3);
    expect(new Set(stated)).toEqual(new Set([grouped(TEMPLATE_BODY_LIMIT_BYTES)]));
  });
});

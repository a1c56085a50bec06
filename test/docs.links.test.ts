/**
 * Every relative link of the hand-written and generated pages (README.md, CONTRIBUTING.md,
 * CHANGELOG.md, docs/) reaches a file of the repository, and every `#anchor` a heading of
 * the page it names, with the anchors GitHub gives headings. A page moved or a heading
 * renamed fails here instead of leaving a dead link.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../generator/core/paths';
import { anchor } from '../scripts/lib/docs/markdown';

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return markdownFiles(full);
    return e.name.endsWith('.md') ? [full] : [];
  });
}

const PAGES = [
  ...['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md'].map((f) => path.join(PROJECT_ROOT, f)).filter((f) => fs.existsSync(f)),
  ...markdownFiles(path.join(PROJECT_ROOT, 'docs')),
];

/** Markdown without its fenced code blocks, where a `#` line is no heading. */
function withoutFences(text: string): string {
  return text.replace(/^(```|~~~)[\s\S]*?^\1/gm, '');
}

/** ... and without code spans, where link-like text is not a link. */
function prose(text: string): string {
  return withoutFences(text).replace(/(`+)[^`]*?\1/g, '');
}

function headings(file: string): Set<string> {
  return new Set([...withoutFences(fs.readFileSync(file, 'utf8')).matchAll(/^#+ (.+)$/gm)].map((m) => anchor(m[1].trim())));
}

function links(file: string): string[] {
  return [...prose(fs.readFileSync(file, 'utf8')).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((href) => !/^[a-z]+:/i.test(href));
}

describe('links between the pages', () => {
  test('there are pages and links to check', () => {
    expect(PAGES.length).toBeGreaterThan(10);
    expect(PAGES.flatMap(links).length).toBeGreaterThan(20);
  });

  test.each(PAGES.map((p) => [path.relative(PROJECT_ROOT, p), p]))('%s: every relative link and anchor resolves', (_name, page) => {
    const broken: string[] = [];
    for (const href of links(page)) {
      const [target, hash] = href.split('#');
      const file = target ? path.resolve(path.dirname(page), decodeURIComponent(target)) : page;
      if (!fs.existsSync(file)) {
        broken.push(`${href}: no such file`);
        continue;
      }
      if (hash && file.endsWith('.md') && !headings(file).has(hash)) broken.push(`${href}: no heading with that anchor`);
    }
    expect(broken).toEqual([]);
  });
});

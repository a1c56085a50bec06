/**
 * What the hand-written pages state, and the numbers in them.
 *
 * A statement is words of one page with the numbers in them, of one kind:
 * - `code`: derived from the code; its text is built here from the constant, default,
 *   limit or generated template it comes from, so a change there fails until the page
 *   says the same;
 * - `cited`: a fact of AWS (a quota, an API limit) or of another outside source; the
 *   page cites where it comes from (`cites`), and where the code holds the same number
 *   the text is built from the code (`tied`);
 * - `example`: an example value or sample (worked examples, names of the example);
 * - `measured`: a measurement, marked as one on the page;
 * - `label`: a number that counts nothing: a step of a list, a version or year in a
 *   name, an issue number, a path index.
 * Every number of a page's prose must stand in one of its statements (docs.facts.test.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../generator/core/paths';

export type Kind = 'code' | 'cited' | 'example' | 'measured' | 'label';

export interface Stated {
  readonly page: string;
  readonly kind: Kind;
  /** The words as the page has them (white space folded to one space). */
  readonly text: string | RegExp;
  /** cited: the words of the page that name the source. */
  readonly cites?: string;
  /** cited: the text is built from the code, which holds the same number. */
  readonly tied?: boolean;
}

/** The pages of one file of statements. */
export function statements(page: string) {
  return {
    code: (text: string | RegExp): Stated => ({ page, kind: 'code', text }),
    cited: (text: string | RegExp, cites: string, tied = false): Stated => ({ page, kind: 'cited', text, cites, tied }),
    example: (text: string | RegExp): Stated => ({ page, kind: 'example', text }),
    measured: (text: string | RegExp): Stated => ({ page, kind: 'measured', text }),
    label: (text: string | RegExp): Stated => ({ page, kind: 'label', text }),
  };
}

/** Pages generated from the code (checked fresh by docs.pages.test.ts) or edited elsewhere. */
const NOT_HAND_WRITTEN = ['docs/configuration.md', 'docs/scripts.md', 'docs/rules.md', 'docs/performance.md'];

function markdownFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? markdownFiles(`${dir}/${e.name}`) : e.name.endsWith('.md') ? [`${dir}/${e.name}`] : []))
    .sort();
}

/** README.md and the hand-written pages of docs/, as paths from the project root. */
export const HAND_WRITTEN_PAGES = ['README.md', ...markdownFiles('docs')].filter((p) => !NOT_HAND_WRITTEN.includes(p));

const fold = (text: string) => text.replace(/\s+/g, ' ');

/** A page with white space folded, so that a sentence is found wherever it wraps. */
export function pageText(page: string): string {
  return fold(fs.readFileSync(path.join(PROJECT_ROOT, page), 'utf8'));
}

/**
 * A page's prose, white space folded: without fenced and indented code blocks (commands
 * and sample output, examples all) and with the numbers of ordered list items blanked.
 */
export function pageProse(page: string): string {
  const raw = fs.readFileSync(path.join(PROJECT_ROOT, page), 'utf8');
  const withoutBlocks = raw
    .replace(/^(```|~~~)[\s\S]*?^\1.*$/gm, ' ')
    .replace(/^(?: {4}|\t).*$/gm, ' ')
    .replace(/^(\s*(?:\*\*)?)\d+\.(?=[\s*])/gm, '$1#.');
  return fold(withoutBlocks);
}

/**
 * A digit run with its separators, not inside a word or name (`tg1`, `eu-west-1`,
 * `UTF-8`; the second number of a range such as `5-300` goes with the first). Numbers
 * written as words are not counted.
 */
const NUMBER = /(?<![\w.]|\w-)\d(?:[\d,.]*\d)?(?!\w)/g;

export interface StatedNumber {
  readonly value: string;
  readonly at: number;
}

export function numbersIn(prose: string): StatedNumber[] {
  return [...prose.matchAll(NUMBER)].map((m) => ({ value: m[0], at: m.index }));
}

/** Where the statement stands in the text: [start, end) of every occurrence. */
export function occurrences(text: string, s: Stated): Array<[number, number]> {
  if (typeof s.text === 'string') {
    const out: Array<[number, number]> = [];
    for (let i = text.indexOf(s.text); i >= 0; i = text.indexOf(s.text, i + 1)) out.push([i, i + s.text.length]);
    return out;
  }
  const flags = s.text.flags.includes('g') ? s.text.flags : `${s.text.flags}g`;
  return [...text.matchAll(new RegExp(s.text.source, flags))].map((m) => [m.index, m.index + m[0].length]);
}

/** The numbers of the page's prose that no statement of the page holds. */
export function unaccounted(page: string, stated: readonly Stated[]): StatedNumber[] {
  const prose = pageProse(page);
  const spans = stated.filter((s) => s.page === page).flatMap((s) => occurrences(prose, s));
  return numbersIn(prose).filter((n) => !spans.some(([a, b]) => a <= n.at && n.at + n.value.length <= b));
}

/** The groups of the first match of `re` in a source file of the project; fails when it has none. */
export function sourceMatch(file: string, re: RegExp): string[] {
  const m = re.exec(fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8'));
  if (!m) throw new Error(`${file} no longer has ${re}`);
  return m.slice(1);
}

/** Whole numbers as the pages write them: 1,000 and up with thousands separators. */
export const grouped = (n: number): string => n.toLocaleString('en-US');

/** Small counts the pages write as words. */
export const word = (n: number): string => {
  const words = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
  if (!(n in words)) throw new Error(`no word for ${n}`);
  return words[n];
};

/** Text for a RegExp, with its special characters escaped. */
export const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** "about N KB" of a size in bytes: N within one of the size in kilobytes, as "about" allows. */
export function aboutKb(bytes: number): string {
  const kb = Math.round(bytes / 1000);
  return `(?:${kb - 1}|${kb}|${kb + 1})`;
}

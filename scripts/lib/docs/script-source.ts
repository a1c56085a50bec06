/**
 * What a script says about itself in its source: the comment at the top of scripts/NAME.ts
 * (its first paragraph, and the `npm run` lines that show how it is called), and the npm
 * scripts of package.json that run it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../../generator/core/paths';

export interface ScriptHeader {
  /** The first paragraph, as one line. */
  readonly summary: string;
  /** The paragraphs of `npm run ...` lines, as written. */
  readonly usage: string[];
  /** The other paragraphs that say how the script exits, each as one line. */
  readonly exits: string[];
}

/** The paragraphs of the first doc comment of a source text, each a list of lines without the ` * `. */
function commentParagraphs(source: string): string[][] {
  const m = /^(?:#![^\n]*\n)?\s*\/\*\*([\s\S]*?)\*\//.exec(source);
  if (!m) return [];
  const lines = m[1].split('\n').map((l) => l.replace(/^\s*\* ?/, '').replace(/\s+$/, ''));
  const paragraphs: string[][] = [[]];
  for (const line of lines) {
    if (line === '') paragraphs.push([]);
    else paragraphs[paragraphs.length - 1].push(line);
  }
  return paragraphs.filter((p) => p.length > 0);
}

function dedent(lines: readonly string[]): string[] {
  const indent = Math.min(...lines.map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent));
}

export function scriptHeader(script: string): ScriptHeader {
  const source = fs.readFileSync(path.join(PROJECT_ROOT, 'scripts', `${script}.ts`), 'utf8');
  const paragraphs = commentParagraphs(source);
  const isUsage = (p: readonly string[]) => /^\s+npm run /.test(p[0]);
  const prose = paragraphs.filter((p) => !isUsage(p)).map((p) => p.join(' ').replace(/\s+/g, ' ').trim());
  return {
    summary: prose[0] ?? '',
    usage: paragraphs.filter(isUsage).flatMap((p) => dedent(p)),
    exits: prose.slice(1).filter((p) => /\bexits? (status|\d)|\(exit \d/i.test(p)),
  };
}

export interface NpmScript {
  /** `deploy`, `schemas:refresh`. */
  readonly name: string;
  readonly command: string;
  /** The script of scripts/ it runs through scripts/run.js, if it does. */
  readonly script?: string;
}

export function npmScripts(): NpmScript[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  return Object.entries(pkg.scripts ?? {}).map(([name, command]) => {
    const m = /^node scripts\/run\.js ([\w-]+)$/.exec(command);
    return m ? { name, command, script: m[1] } : { name, command };
  });
}

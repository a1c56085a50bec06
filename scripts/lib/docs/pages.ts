/**
 * The generated pages of docs/, by file name. Only these files are written and checked;
 * every other page in docs/ is written by hand and left alone.
 *
 * Importing this module imports the scripts (for their CommandSpecs): see scripts/docs.ts.
 */
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../../generator/core/paths';
import { renderConfigurationPage } from './configuration';
import { renderRulesPage } from './rules-page';
import { renderScriptsPage } from './scripts-page';

export const DOCS_DIR = path.join(PROJECT_ROOT, 'docs');

export const GENERATED_PAGES: ReadonlyArray<{ readonly file: string; render(): string | Promise<string> }> = [
  { file: 'configuration.md', render: renderConfigurationPage },
  { file: 'scripts.md', render: renderScriptsPage },
  { file: 'rules.md', render: renderRulesPage },
];

export interface DocPage {
  readonly file: string;
  readonly content: string;
}

/** Every generated page, in memory. */
export async function renderDocs(): Promise<DocPage[]> {
  const pages: DocPage[] = [];
  for (const p of GENERATED_PAGES) pages.push({ file: p.file, content: await p.render() });
  return pages;
}

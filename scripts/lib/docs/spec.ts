/** The command line of `npm run docs`, declared apart from scripts/docs.ts so the scripts page can list it. */
import { CommandSpec } from '../args';

/** The exit status of --check when a page is stale. */
export const DOCS_STALE_EXIT = 1;

export const DOCS_SPEC = {
  command: 'docs',
  positional: { name: '', min: 0, max: 0 },
  flags: [{ name: 'check', kind: 'boolean', description: `write nothing; exit ${DOCS_STALE_EXIT} when a generated page differs from what the code gives` }],
} as const satisfies CommandSpec;

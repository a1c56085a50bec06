/**
 * Lambda function code kept as real files beside this module, inlined into templates as
 * `Code.ZipFile`. A ZipFile holds at most 4096 characters for Node.js (AWS::Lambda::Function
 * Code, CloudFormation User Guide), so the inline text drops comment lines and indentation:
 * the file stays readable, the template holds only code. Each file is CommonJS that the
 * Node.js runtime runs as `index.js` with the AWS SDK for JavaScript v3 it ships.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../core/paths';

export const ZIP_FILE_LIMIT = 4096;

/** The inline form of function code: no comment-only lines, no leading indentation. */
export function inlineCode(source: string): string {
  return source
    .split('\n')
    .filter((line) => !/^\s*\/\//.test(line) && line.trim() !== '')
    .map((line) => line.trimStart())
    .join('\n')
    .concat('\n');
}

/** The source file, found from the project root, so that the bundled scripts in dist/ find it too. */
function sourcePath(file: string): string {
  const found = path.join(PROJECT_ROOT, 'generator', 'functions', file);
  if (!fs.existsSync(found)) throw new Error(`function code generator/functions/${file} not found (looked in ${found})`);
  return found;
}

/** The inline code of `generator/functions/<file>`; throws when it would not fit a ZipFile. */
export function functionCode(file: string): string {
  const code = inlineCode(fs.readFileSync(sourcePath(file), 'utf8'));
  if (code.length > ZIP_FILE_LIMIT) {
    throw new Error(`generator/functions/${file} is ${code.length} characters inline; a ZipFile holds at most ${ZIP_FILE_LIMIT}`);
  }
  return code;
}

/** The function that puts the DORA figures (monitoring.json). */
export const DORA_METRICS_FILE = 'dora-metrics.js';

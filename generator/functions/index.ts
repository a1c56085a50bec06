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

/**
 * Function code shipped as its file is written, indentation and comments included (the
 * form the templates have always carried, so a move of code into a file changes no byte of
 * a template). The file may open with a header of comment lines, which documents it here
 * and is not shipped; the shipped text starts at the first other line.
 *
 * Two things are resolved when the code is inlined:
 * - a line `// @include parts/NAME.js` becomes that file's shipped text (a part: code two
 *   functions share, which reads names the including file defines);
 * - `${NAME}` (capitals, digits, `_`) becomes `values[NAME]`: facts the generator declares
 *   once (a metric name, a verdict as an API spells it). Every placeholder must have a
 *   value and every value a placeholder, so a rename on either side fails generation.
 */
export function functionSource(file: string, values: Readonly<Record<string, string>> = {}): string {
  const used = new Set<string>();
  const code = withIncludes(file).replace(/\$\{([A-Z][A-Z0-9_]*)\}/g, (_m, name: string) => {
    if (!(name in values)) throw new Error(`generator/functions/${file}: no value for the placeholder \${${name}}`);
    used.add(name);
    return values[name];
  });
  const unused = Object.keys(values).filter((name) => !used.has(name));
  if (unused.length) throw new Error(`generator/functions/${file}: no placeholder for ${unused.join(', ')}`);
  if (code.length > ZIP_FILE_LIMIT) {
    throw new Error(`generator/functions/${file} is ${code.length} characters inline; a ZipFile holds at most ${ZIP_FILE_LIMIT}`);
  }
  return code;
}

/** A file's text without its header of comment lines, its includes resolved. */
function withIncludes(file: string, from: readonly string[] = []): string {
  if (from.includes(file)) throw new Error(`generator/functions/${file} includes itself (${[...from, file].join(' -> ')})`);
  const lines = fs.readFileSync(sourcePath(file), 'utf8').split('\n');
  const start = lines.findIndex((line) => !/^\s*(\/\/.*|\/\*.*\*\/)?\s*$/.test(line));
  return lines
    .slice(start)
    .map((line) => {
      const include = /^\/\/ @include (\S+)$/.exec(line);
      return include ? withIncludes(include[1], [...from, file]).replace(/\n$/, '') : line;
    })
    .join('\n');
}

/** The CodeDeploy lifecycle hook of ecs-service.json: the pre-traffic check. */
export const CODEDEPLOY_CHECK_FILE = 'codedeploy-check.js';
/** The ECS lifecycle hook of ecs-service-native.json. */
export const ECS_CHECK_FILE = 'ecs-check.js';
/** The function that puts a deploy stage's duration (monitoring.json). */
export const DEPLOYMENT_DURATION_FILE = 'deployment-duration.js';
/** The CloudWatch Synthetics canary script (service-canary.json). */
export const CANARY_SCRIPT_FILE = 'service-canary.js';

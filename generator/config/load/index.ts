/**
 * Reads and checks a project configuration. Every problem is collected and reported
 * at once, each naming its path in the file, the value found and what is allowed:
 *
 *   services[2].name: "Web_App" must match ^[a-z][a-z0-9-]{0,15}$
 *
 * Two layers: the JSON Schema (schemas/config.schema.json, compiled once per process),
 * then the rules a schema cannot say (duplicates, accounts, Fargate sizes, name lengths).
 * The second layer also runs when the first finds problems, on the parts that are well
 * formed, so one run reports everything.
 */
import type { ValidateFunction } from 'ajv';
import * as path from 'node:path';
import { PROJECT_ROOT, SCHEMA_DIR } from '../../core/paths';
import { CONFIG_MAX_BYTES, ReadFileError, readTextFile } from '../../core/read-file';
import { compiledValidators } from '../../core/compiled-validators';
import { ProjectConfig, ResolvedConfig, resolveConfig } from '../types';
import { describeError } from './messages';
import { semanticProblems } from './rules';
import { MAX_DEPTH, jsonErrorAt, lineColumn, scanSource } from './source';

export const CONFIG_SCHEMA_PATH = path.join(SCHEMA_DIR, 'config.schema.json');
export const EXAMPLE_CONFIG_PATH = path.join(PROJECT_ROOT, 'generator', 'config', 'example.json');
export { USER_CONFIG_PATH, userConfigPath } from '../../core/paths';
export { configPath } from './messages';
export { S3_FORBIDDEN_PREFIXES, branchProblem, mailboxProblem } from './aws-values';
export { nameProblems } from './rules';
export { MAX_DEPTH, duplicateKeys } from './source';

/** How many problems a report lists; the rest are counted. */
export const MAX_REPORTED_PROBLEMS = 50;

/** The first MAX_REPORTED_PROBLEMS lines, and a line counting the others. */
export function capProblems(problems: readonly string[], max = MAX_REPORTED_PROBLEMS): string[] {
  if (problems.length <= max) return [...problems];
  const rest = problems.length - max;
  return [...problems.slice(0, max), `... and ${rest} more problem${rest === 1 ? '' : 's'} (fix these and run again to see them)`];
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the configuration\n  ${capProblems(problems).join('\n  ')}`);
  }
}

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  compiled ??= compiledValidators('config').config;
  return compiled;
}

/** Parses and checks configuration text; throws ConfigError listing every problem. */
export function parseConfig(text: string, file: string): ResolvedConfig {
  if (text.trim() === '') throw new ConfigError(file, ['(root): the file is empty; expected a JSON object']);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(file, [`(root): not valid JSON: ${jsonErrorAt(text, (e as Error).message)}`]);
  }
  const scan = scanSource(text);
  if (scan.tooDeepAt !== undefined) {
    throw new ConfigError(file, [`(root): nested more than ${MAX_DEPTH} levels deep (at ${lineColumn(text, scan.tooDeepAt)}); a configuration nests at most a few levels`]);
  }
  const validate = validator();
  const problems: string[] = scan.duplicates;
  if (!validate(data)) {
    for (const e of validate.errors ?? []) {
      const line = describeError(data, e, scan.numbers);
      if (line !== undefined) problems.push(line);
    }
  }
  problems.push(...semanticProblems(data));
  const unique = [...new Set(problems)];
  if (unique.length) throw new ConfigError(file, unique);
  return resolveConfig(data as ProjectConfig);
}

/** The text of a configuration file: a regular file of at most CONFIG_MAX_BYTES, UTF-8 with or without a byte order mark. */
export function readConfigText(file: string): string {
  try {
    return readTextFile(file, CONFIG_MAX_BYTES);
  } catch (e) {
    if (e instanceof ReadFileError) throw new ConfigError(file, [`(root): ${e.reason}`]);
    throw e;
  }
}

export function loadConfig(file: string): ResolvedConfig {
  return parseConfig(readConfigText(file), file);
}

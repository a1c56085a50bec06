/** Reading the numbers the pages state from the code and from the templates it generates. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIGURED_NAMES, measureName } from '../../generator/core/naming';
import { ENVIRONMENT_SUFFIX, PROJECT_NAME, SERVICE_NAME } from '../../generator/core/parameters';
import { ParameterHandle, StringParameter, Template } from '../../generator/core/template';
import { SCHEMA_DIR } from '../../generator/core/paths';
import { TEMPLATES_DIR, loadTemplate, resource } from '../helpers/template';

const templates = new Map<string, Template>();

/** A generated template (of the tests' fixture configuration), parsed once. */
export function template(file: string): Template {
  if (!templates.has(file)) templates.set(file, loadTemplate(file));
  return templates.get(file)!;
}

/** The Properties of a resource of a generated template. */
export function props(file: string, id: string): any {
  return resource(template(file), id).Properties;
}

/** A parameter of a generated template. */
export function param(file: string, id: string): any {
  const p = template(file).Parameters?.[id];
  if (!p) throw new Error(`${file} has no parameter ${id}`);
  return p;
}

/** The Properties of the one resource of `type` in a generated template. */
export function onlyOfType(file: string, type: string): any {
  const found = Object.values(template(file).Resources).filter((r) => r.Type === type);
  if (found.length !== 1) throw new Error(`${file} has ${found.length} resources of type ${type}`);
  return found[0].Properties;
}

/** A generated template's size in bytes. */
export function templateBytes(file: string): number {
  return fs.statSync(path.join(TEMPLATES_DIR, file)).size;
}

/** The configuration schema. */
export const CONFIG_SCHEMA = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, 'config.schema.json'), 'utf8'));

/** The most environments a configuration may have. */
export const MOST_ENVIRONMENTS: number = CONFIG_SCHEMA.properties.environments.maxItems;

const handle = (logicalId: string, definition: StringParameter) => ({ logicalId, definition }) as unknown as ParameterHandle<string>;

/** Every part of a name at its longest: the parameters at their MaxLength. */
export const LONGEST_PARTS = {
  project: handle('ProjectName', PROJECT_NAME),
  service: handle('ServiceName', SERVICE_NAME),
  suffix: handle('EnvironmentSuffix', ENVIRONMENT_SUFFIX),
};

/** The longest a configured name gets (CONFIGURED_NAMES, by what it is called). */
export function longestName(what: string): number {
  const shape = CONFIGURED_NAMES.find((s) => s.what === what);
  if (!shape) throw new Error(`no configured name ${what}`);
  return measureName(shape.kind, shape.parts(LONGEST_PARTS)).length;
}

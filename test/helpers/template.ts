/**
 * Reading generated templates in tests, in the spirit of aws-cdk's assertions: find
 * resources by type, match their properties, and resolve Fn::Sub strings with concrete
 * parameter values.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Template, ResourceDef } from '../../generator/core/template';
import { loadConfig } from '../../generator/config/load';
import { ResolvedConfig } from '../../generator/config/types';
import { renderAll } from '../../generator/render';
import { FIXTURE_CONFIG_PATH } from './fixtures';

export const ROOT = path.resolve(__dirname, '..', '..');
export { FIXTURE_CONFIG_PATH };
/** templates/ as committed: generated from the user's configuration (checked by invariants only). */
export const COMMITTED_TEMPLATES_DIR = path.join(ROOT, 'templates');

function sourceHash(config: string): string {
  const hash = createHash('sha256').update(fs.readFileSync(config));
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|json)$/.test(e.name)) hash.update(p).update(fs.readFileSync(p));
    }
  };
  walk(path.join(ROOT, 'generator'));
  walk(path.join(ROOT, 'schemas'));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The generator's output for `config`, written once to a folder under the system's
 * temporary directory named by a hash of the configuration and the generator's sources
 * (so every test file and worker reads the same bytes, and a change regenerates it).
 */
export function renderedTemplates(config: string): string {
  const dir = path.join(os.tmpdir(), `cdt-rendered-${sourceHash(config)}`);
  if (fs.existsSync(path.join(dir, '.complete'))) return dir;
  const staging = fs.mkdtempSync(`${dir}.new-`);
  for (const f of renderAll(loadConfig(config))) {
    fs.mkdirSync(path.dirname(path.join(staging, f.path)), { recursive: true });
    fs.writeFileSync(path.join(staging, f.path), f.content);
  }
  fs.writeFileSync(path.join(staging, '.complete'), '');
  try {
    fs.renameSync(staging, dir);
  } catch {
    // Another worker won the race: its folder holds the same bytes.
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}

/** The fixture configuration's templates, as templates/ would hold them. */
export const TEMPLATES_DIR = renderedTemplates(FIXTURE_CONFIG_PATH);

export function exampleConfig(): ResolvedConfig {
  return loadConfig(FIXTURE_CONFIG_PATH);
}

/** The fixture's template <file>, parsed. */
export function loadTemplate(file: string): Template {
  return JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, file), 'utf8')) as Template;
}

/** The fixture's template files (top level). */
export function templateFiles(): string[] {
  return fs
    .readdirSync(TEMPLATES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

export function resourcesOfType(t: Template, type: string): Array<[string, ResourceDef]> {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}

export function resource(t: Template, id: string): ResourceDef {
  const r = t.Resources[id];
  if (!r) throw new Error(`template has no resource ${id}; it has ${Object.keys(t.Resources).join(', ')}`);
  return r;
}

/** True when `actual` contains `expected` (objects by subset, arrays element-wise by subset). */
export function matches(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.length === actual.length && expected.every((e, i) => matches(actual[i], e));
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([k, v]) => matches((actual as Record<string, unknown>)[k], v));
  }
  return actual === expected;
}

/** Fails with the candidates listed unless some resource of `type` has these properties. */
export function expectResourceWithProperties(t: Template, type: string, properties: Record<string, unknown>): string {
  const candidates = resourcesOfType(t, type);
  const hit = candidates.find(([, r]) => matches(r.Properties ?? {}, properties));
  if (!hit) {
    throw new Error(`no ${type} has properties ${JSON.stringify(properties)}; candidates: ${candidates.map(([id]) => id).join(', ') || '(none)'}`);
  }
  return hit[0];
}

/**
 * Resolves a value built from Fn::Sub / Ref / Fn::Join with literal parameter values
 * and pseudo parameters, as CloudFormation would; throws on anything else.
 */
export function resolve(value: unknown, params: Record<string, string>): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if ('Ref' in v) {
    const name = v.Ref as string;
    if (!(name in params)) throw new Error(`no value for Ref ${name}`);
    return params[name];
  }
  if ('Fn::Sub' in v) {
    const arg = v['Fn::Sub'];
    const [text, vars] = Array.isArray(arg) ? [arg[0] as string, arg[1] as Record<string, unknown>] : [arg as string, {}];
    return text.replace(/\$\{([^}!]+)\}/g, (_m, name: string) => {
      if (name in vars) return resolve(vars[name], params);
      if (name in params) return params[name];
      throw new Error(`no value for \${${name}}`);
    });
  }
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => resolve(p, params)).join(sep);
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

/**
 * Every statement that applies to a role: its inline policies and the customer-managed
 * policies of the same template attached to it (Roles: [{ Ref }]).
 */
export function roleStatements(t: Template, roleId: string): Array<Record<string, unknown>> {
  const attached = Object.values(t.Resources).filter(
    (r) => r.Type === 'AWS::IAM::ManagedPolicy' && ((r.Properties?.Roles ?? []) as Array<{ Ref?: string }>).some((x) => x.Ref === roleId),
  );
  const inline = ((resource(t, roleId).Properties?.Policies ?? []) as unknown[]).flatMap((p) =>
    policyStatements({ Type: 'inline', Properties: p as Record<string, unknown> } as ResourceDef),
  );
  return [...inline, ...attached.flatMap(policyStatements)];
}

/** Every IAM statement in a resource's properties, flattened. */
export function policyStatements(r: ResourceDef): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const visit = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(visit);
    else if (typeof x === 'object' && x !== null) {
      const o = x as Record<string, unknown>;
      if (Array.isArray(o.Statement) && o.Version === '2012-10-17') out.push(...(o.Statement as Array<Record<string, unknown>>));
      else Object.values(o).forEach(visit);
    }
  };
  visit(r.Properties);
  return out;
}

export function asList<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** A generated parameter file's values (`parameters/{rel}`) with the pseudo parameters of account 222222222222 in eu-west-1. */
export function memberParameterValues(rel: string): Record<string, string> {
  return {
    ...(JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, 'parameters', rel), 'utf8')).Parameters as Record<string, string>),
    'AWS::Partition': 'aws',
    'AWS::Region': 'eu-west-1',
    'AWS::AccountId': '222222222222',
  };
}

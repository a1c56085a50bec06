/**
 * The reference check `build()` runs: every Ref, GetAtt, Sub variable, condition name and
 * DependsOn of a template points at something the template declares.
 */
import { PSEUDO } from '../intrinsics';
import { Template, TemplateError } from './model';

const PSEUDO_NAMES = new Set<string>(Object.values(PSEUDO));
const SUB_VARIABLE = /\$\{([^}!][^}]*)\}/g;

/** What a template declares, the problems found so far, and the walk that finds more. */
interface Scan {
  readonly params: ReadonlySet<string>;
  readonly resources: ReadonlySet<string>;
  readonly conditions: ReadonlySet<string>;
  readonly problems: string[];
  walk(value: unknown, where: string, inRules: boolean): void;
}

/** A name Ref may take outside Rules: a parameter, a resource or a pseudo parameter. */
function refOk(s: Scan, name: string): boolean {
  return s.params.has(name) || s.resources.has(name) || PSEUDO_NAMES.has(name);
}

function checkRef(s: Scan, arg: unknown, where: string, inRules: boolean): void {
  if (typeof arg !== 'string' || !(inRules ? s.params.has(arg) || PSEUDO_NAMES.has(arg) : refOk(s, arg))) {
    s.problems.push(`${where}: Ref to undeclared ${JSON.stringify(arg)}`);
  }
}

function checkGetAtt(s: Scan, arg: unknown, where: string): void {
  const target = Array.isArray(arg) ? arg[0] : typeof arg === 'string' ? arg.split('.')[0] : undefined;
  if (typeof target !== 'string' || !s.resources.has(target)) {
    s.problems.push(`${where}: Fn::GetAtt to undeclared resource ${JSON.stringify(target)}`);
  }
}

function checkSub(s: Scan, arg: unknown, where: string, inRules: boolean): void {
  const [text, vars] = Array.isArray(arg) ? [arg[0], (arg[1] ?? {}) as Record<string, unknown>] : [arg, {}];
  if (typeof text !== 'string') {
    s.problems.push(`${where}: Fn::Sub needs a string`);
    return;
  }
  for (const m of text.matchAll(SUB_VARIABLE)) {
    const name = m[1];
    const base = name.includes('.') ? name.split('.')[0] : name;
    const ok = name in vars || PSEUDO_NAMES.has(name) || (name.includes('.') ? s.resources.has(base) : refOk(s, name));
    if (!ok) s.problems.push(`${where}: Fn::Sub variable \${${name}} is not declared`);
  }
  s.walk(vars, `${where}.Fn::Sub`, inRules);
}

function checkIf(s: Scan, arg: unknown, where: string, inRules: boolean): void {
  const name = Array.isArray(arg) ? arg[0] : undefined;
  if (typeof name !== 'string' || !s.conditions.has(name)) {
    s.problems.push(`${where}: Fn::If names undeclared condition ${JSON.stringify(name)}`);
  }
  s.walk(Array.isArray(arg) ? arg.slice(1) : arg, `${where}.Fn::If`, inRules);
}

/** Checks a one-key object that is an intrinsic or a condition name; false when it is neither. */
function checkIntrinsic(s: Scan, key: string, arg: unknown, where: string, inRules: boolean): boolean {
  if (key === 'Ref') checkRef(s, arg, where, inRules);
  else if (key === 'Fn::GetAtt') checkGetAtt(s, arg, where);
  else if (key === 'Fn::Sub') checkSub(s, arg, where, inRules);
  else if (key === 'Fn::If') checkIf(s, arg, where, inRules);
  else if (key === 'Condition' && !where.endsWith('.Resources') && typeof arg === 'string') {
    if (!s.conditions.has(arg)) s.problems.push(`${where}: Condition ${JSON.stringify(arg)} is not declared`);
  } else return false;
  return true;
}

function scan(template: Template): Scan {
  const s: Scan = {
    params: new Set(Object.keys(template.Parameters ?? {})),
    resources: new Set(Object.keys(template.Resources)),
    conditions: new Set(Object.keys(template.Conditions ?? {})),
    problems: [],
    walk(value, where, inRules) {
      if (Array.isArray(value)) {
        value.forEach((v, i) => s.walk(v, `${where}[${i}]`, inRules));
        return;
      }
      if (typeof value !== 'object' || value === null) return;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj);
      if (keys.length === 1 && checkIntrinsic(s, keys[0], obj[keys[0]], where, inRules)) return;
      for (const k of keys) s.walk(obj[k], `${where}.${k}`, inRules);
    },
  };
  return s;
}

/**
 * Checks that every reference in the template resolves: Ref to a parameter, resource or
 * pseudo parameter; GetAtt to a resource; `${Var}` in Fn::Sub to one of those, a
 * `Resource.Attribute`, or a key of the Sub's own variable map; condition names; DependsOn.
 */
export function checkReferences(template: Template): void {
  const s = scan(template);
  for (const [id, res] of Object.entries(template.Resources)) {
    if (res.Condition !== undefined && !s.conditions.has(res.Condition)) {
      s.problems.push(`Resources.${id}: Condition ${res.Condition} is not declared`);
    }
    const deps = res.DependsOn === undefined ? [] : Array.isArray(res.DependsOn) ? res.DependsOn : [res.DependsOn];
    for (const d of deps) if (!s.resources.has(d)) s.problems.push(`Resources.${id}: DependsOn undeclared resource ${d}`);
    s.walk(res.Properties, `Resources.${id}.Properties`, false);
    s.walk(res.Metadata, `Resources.${id}.Metadata`, false);
  }
  for (const [id, out] of Object.entries(template.Outputs ?? {})) {
    if (out.Condition !== undefined && !s.conditions.has(out.Condition)) {
      s.problems.push(`Outputs.${id}: Condition ${out.Condition} is not declared`);
    }
    s.walk(out.Value, `Outputs.${id}.Value`, false);
    s.walk(out.Export, `Outputs.${id}.Export`, false);
  }
  for (const [id, c] of Object.entries(template.Conditions ?? {})) s.walk(c, `Conditions.${id}`, false);
  for (const [id, r] of Object.entries(template.Rules ?? {})) s.walk(r, `Rules.${id}`, true);
  for (const [id, h] of Object.entries(template.Hooks ?? {})) {
    for (const [k, v] of Object.entries(h.Properties)) {
      s.walk(v, `Hooks.${id}.Properties.${k}`, false);
    }
  }
  if (s.problems.length > 0) {
    throw new TemplateError(`template "${template.Description}" has unresolved references:\n  ${s.problems.join('\n  ')}`);
  }
}

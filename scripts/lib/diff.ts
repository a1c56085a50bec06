/**
 * Semantic template diff, the pure part. The comparison itself is
 * @aws-cdk/cloudformation-diff (replacement semantics from the resource specification,
 * IAM statement and security group rule extraction); this module turns its result into
 * a summary and the lines a reviewer reads.
 */
import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { Painter } from './color';

export type ResourceChangeKind = 'added' | 'removed' | 'modified' | 'replaced' | 'may-replace' | 'orphaned';

export interface ValueDelta {
  /** Path below the property, e.g. `[0].PolicyDocument.Statement[1].Action`; empty for the property itself. */
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface PropertyChange {
  readonly name: string;
  /** Whether changing this property replaces the resource. */
  readonly replacement: 'always' | 'conditional' | 'never';
  readonly deltas: ValueDelta[];
}

export interface ResourceChange {
  readonly logicalId: string;
  readonly type: string;
  readonly kind: ResourceChangeKind;
  readonly properties: PropertyChange[];
}

export interface SectionChange {
  readonly section: 'parameter' | 'output' | 'condition' | 'mapping' | 'metadata' | 'transform' | 'description';
  readonly name: string;
  readonly marker: '+' | '-' | '~';
}

export interface TemplateDiffSummary {
  readonly resources: ResourceChange[];
  readonly sections: SectionChange[];
  /** Rows of [marker, resource, effect, action, principal, condition]; `+` added, `-` removed. */
  readonly iamStatements: string[][];
  /** Rows of [marker, group, direction, protocol, peer]; `+` (a rule added) widens, `-` narrows. */
  readonly securityGroupRules: string[][];
  /** An Allow statement or a security group rule added, or a Deny removed. */
  readonly permissionsBroadened: boolean;
  /**
   * The net effect of the IAM changes, statement by statement, when a widening analyser
   * is given (see `WideningAnalyser`); absent otherwise.
   */
  readonly netEffect?: NetEffect;
  readonly empty: boolean;
}

/**
 * One statement whose net effect an analyser found: a message, or the parts it is
 * made of. Only these fields are read; others are ignored.
 */
export interface WideningFinding {
  readonly summary?: string;
  readonly message?: string;
  readonly logicalId?: string;
  readonly resource?: string;
  readonly sid?: string;
  readonly statement?: string;
  readonly actions?: readonly string[];
  readonly [key: string]: unknown;
}

export interface NetEffect {
  readonly widened: readonly WideningFinding[];
  readonly narrowed: readonly WideningFinding[];
}

/**
 * `widening(oldTemplate, newTemplate)` of scripts/lib/widening: for each changed
 * statement, whether the change widens or narrows what it allows (one of the two).
 */
export type WideningAnalyser = (oldTemplate: object, newTemplate: object) => NetEffect;

/**
 * The analyser of scripts/lib/widening.js, the module the pipeline's deploy check runs in
 * CodeBuild: the diff and the gate judge a change alike. (A plain `require` of a literal
 * path, so that the bundled scripts carry it.)
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the literal require is what the bundle needs (above)
export const wideningAnalyser: WideningAnalyser = (require('./widening.js') as { widening: WideningAnalyser }).widening;

type Json = unknown;

/** A template as the diff reads it. */
export interface TemplateJsonObject {
  readonly Description?: unknown;
  readonly Resources?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** Keys that identify the items of a list (policy statements, policies, tags), so an insertion is one change. */
const ALIGNMENT_KEYS = ['Sid', 'PolicyName', 'Key', 'Name', 'Id'];

function alignmentKey(a: readonly Json[], b: readonly Json[]): string | undefined {
  const items = [...a, ...b];
  if (items.length === 0 || !items.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x))) return undefined;
  return ALIGNMENT_KEYS.find((k) =>
    [a, b].every((arr) => {
      const values = arr.map((x) => (x as Record<string, Json>)[k]);
      return values.every((v) => typeof v === 'string') && new Set(values).size === values.length;
    }),
  );
}

/** Leaf-level differences between two JSON values, as paths; capped at `limit`. */
export function valueDeltas(before: Json, after: Json, limit = 20, path = ''): ValueDelta[] {
  const out: ValueDelta[] = [];
  const walk = (a: Json, b: Json, p: string) => {
    if (out.length >= limit) return;
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    const isObj = (v: Json) => typeof v === 'object' && v !== null;
    if (Array.isArray(a) && Array.isArray(b)) {
      const key = alignmentKey(a, b);
      if (key) {
        const byKey = (arr: Json[]) => new Map(arr.map((x) => [String((x as Record<string, Json>)[key]), x]));
        const ma = byKey(a);
        const mb = byKey(b);
        for (const k of [...new Set([...ma.keys(), ...mb.keys()])]) walk(ma.get(k), mb.get(k), `${p}[${key}=${k}]`);
        return;
      }
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${p}[${i}]`);
      return;
    }
    if (isObj(a) && isObj(b) && !Array.isArray(a) && !Array.isArray(b)) {
      const ka = a as Record<string, Json>;
      const kb = b as Record<string, Json>;
      for (const k of [...new Set([...Object.keys(ka), ...Object.keys(kb)])]) walk(ka[k], kb[k], p ? `${p}.${k}` : k);
      return;
    }
    out.push({ path: p, ...(a !== undefined ? { before: a } : {}), ...(b !== undefined ? { after: b } : {}) });
  };
  walk(before, after, path);
  return out;
}

const KIND: Partial<Record<ResourceImpact, ResourceChangeKind>> = {
  [ResourceImpact.WILL_CREATE]: 'added',
  [ResourceImpact.WILL_DESTROY]: 'removed',
  [ResourceImpact.WILL_UPDATE]: 'modified',
  [ResourceImpact.WILL_REPLACE]: 'replaced',
  [ResourceImpact.MAY_REPLACE]: 'may-replace',
  [ResourceImpact.WILL_ORPHAN]: 'orphaned',
};

function replacementOf(impact: ResourceImpact | undefined): PropertyChange['replacement'] {
  return impact === ResourceImpact.WILL_REPLACE ? 'always' : impact === ResourceImpact.MAY_REPLACE ? 'conditional' : 'never';
}

/** Compares two templates: `before` is what is committed or deployed, `after` what would replace it. */
export function summarizeDiff(before: object, after: object, analyser?: WideningAnalyser): TemplateDiffSummary {
  const diff = fullDiff(before as Record<string, unknown>, after as Record<string, unknown>);
  const resources: ResourceChange[] = [];
  diff.resources.forEachDifference((logicalId, change) => {
    const kind = KIND[change.changeImpact] ?? 'modified';
    const properties: PropertyChange[] = [];
    if (kind !== 'added' && kind !== 'removed') {
      for (const [name, d] of Object.entries(change.propertyUpdates)) {
        properties.push({ name, replacement: replacementOf(d.changeImpact), deltas: valueDeltas(d.oldValue, d.newValue) });
      }
      for (const [name, d] of Object.entries(change.otherChanges)) {
        properties.push({ name, replacement: 'never', deltas: valueDeltas(d.oldValue, d.newValue) });
      }
    }
    const type = change.resourceTypeChanged ? `${change.oldResourceType} -> ${change.newResourceType}` : (change.resourceType ?? '?');
    resources.push({ logicalId, type, kind, properties: properties.sort((a, b) => a.name.localeCompare(b.name)) });
  });
  const sections: SectionChange[] = [];
  const collect = (section: SectionChange['section'], coll: { forEachDifference(cb: (k: string, d: { isAddition: boolean; isRemoval: boolean }) => void): void }) =>
    coll.forEachDifference((name, d) => sections.push({ section, name, marker: d.isAddition ? '+' : d.isRemoval ? '-' : '~' }));
  collect('parameter', diff.parameters);
  collect('output', diff.outputs);
  collect('condition', diff.conditions);
  collect('mapping', diff.mappings);
  collect('metadata', diff.metadata);
  if (diff.transform?.isDifferent) sections.push({ section: 'transform', name: 'Transform', marker: '~' });
  if (diff.description?.isDifferent) sections.push({ section: 'description', name: 'Description', marker: '~' });
  const iamStatements = diff.iamChanges.hasChanges ? diff.iamChanges.summarizeStatements().slice(1) : [];
  const securityGroupRules = diff.securityGroupChanges.hasChanges ? diff.securityGroupChanges.summarize().slice(1) : [];
  return {
    resources: resources.sort((a, b) => a.logicalId.localeCompare(b.logicalId)),
    sections,
    iamStatements,
    securityGroupRules,
    permissionsBroadened: iamStatements.some(statementWidens) || securityGroupRules.some((r) => r[0] === '+'),
    ...(analyser && iamStatements.length ? { netEffect: analyser(before, after) } : {}),
    empty: resources.length === 0 && sections.length === 0,
  };
}

const show = (v: unknown) => (v === undefined ? '(none)' : readable(v));

const SHORT_FORM = /^Fn::(\w+)$/;

/**
 * A JSON value as a reviewer reads it, intrinsics in their YAML short form:
 * `!Ref Bucket`, `!GetAtt Role.Arn`, `!Sub "arn:${AWS::Partition}:s3:::x"`, `!Join ["-", [...]]`.
 */
export function readable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(readable).join(', ')}]`;
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, arg] = entries[0];
      if (key === 'Ref' && typeof arg === 'string') return `!Ref ${arg}`;
      if (key === 'Fn::GetAtt' && Array.isArray(arg) && arg.every((x) => typeof x === 'string')) return `!GetAtt ${arg.join('.')}`;
      const m = SHORT_FORM.exec(key);
      if (m) return `!${m[1]} ${readable(arg)}`;
    }
    return `{${entries.map(([k, x]) => `${/^[A-Za-z_][\w:.-]*$/.test(k) ? k : JSON.stringify(k)}: ${readable(x)}`).join(', ')}}`;
  }
  return JSON.stringify(v);
}

/** One finding of the widening analyser as a line. */
export function describeFinding(f: WideningFinding): string {
  if (typeof f.summary === 'string' && f.summary) return f.summary;
  if (typeof f.message === 'string' && f.message) return f.message;
  const where = [f.logicalId ?? f.resource, f.sid ?? f.statement].filter((x): x is string => typeof x === 'string' && x !== '').join(' ');
  const actions = Array.isArray(f.actions) ? ` ${f.actions.join(', ')}` : '';
  return `${where || 'statement'}${actions}`;
}

/**
 * Whether an IAM row widens access: an Allow added or a Deny removed. (An added Deny,
 * like the ec2:TerminateInstances deny, narrows.)
 */
export function statementWidens(row: readonly string[]): boolean {
  const [marker, , effect] = row;
  return (marker === '+' && effect === 'Allow') || (marker === '-' && effect === 'Deny');
}

/** A cell item that is an intrinsic in JSON (`{"Fn::Sub":"..."}`), in its short form. */
function readableItem(item: string): string {
  if (!item.startsWith('{')) return item;
  try {
    return readable(JSON.parse(item));
  } catch {
    return item;
  }
}

const list = (cell: string | undefined) =>
  (cell ?? '')
    .split('\n')
    .map((x) => readableItem(x.trim()))
    .filter((x) => x !== '')
    .join(', ');
const collapse = (cell: string | undefined) => (cell ?? '').replace(/\s*\n\s*/g, ' ').trim();

/** One block per statement: marker, widens/narrows, effect and principal; then actions, resources, condition. */
function iamBlocks(rows: readonly string[][], p: Painter): string[] {
  const out: string[] = [];
  for (const r of rows) {
    const [marker, resource, effect, action, principal, condition] = r;
    const colour = statementWidens(r) ? p.red : p.green;
    out.push(colour(`    ${marker} ${statementWidens(r) ? 'widens ' : 'narrows'}  ${effect}  ${list(principal)}`));
    out.push(`        actions:   ${list(action)}`);
    out.push(`        resources: ${list(resource)}`);
    if (collapse(condition)) out.push(`        condition: ${collapse(condition)}`);
  }
  return out;
}

function ruleLines(rows: readonly string[][], p: Painter): string[] {
  return rows.map(([marker, group, dir, protocol, peer]) =>
    (marker === '+' ? p.red : p.green)(`    ${marker} ${marker === '+' ? 'widens ' : 'narrows'}  ${list(group)} ${dir} ${list(protocol)} ${list(peer)}`),
  );
}

/** The reviewer's view of one template's diff. */
export function formatDiff(title: string, s: TemplateDiffSummary, p: Painter): string[] {
  if (s.empty) return [`${title}: no changes`];
  const out = [p.bold(title)];
  const count = (k: ResourceChangeKind) => s.resources.filter((r) => r.kind === k).length;
  for (const r of s.resources) {
    const head =
      r.kind === 'added'
        ? p.green(`  + add     ${r.logicalId} (${r.type})`)
        : r.kind === 'removed'
          ? p.red(`  - remove  ${r.logicalId} (${r.type})`)
          : r.kind === 'orphaned'
            ? p.red(`  - orphan  ${r.logicalId} (${r.type})  DeletionPolicy Retain: left running outside the stack`)
            : p.yellow(`  ~ modify  ${r.logicalId} (${r.type})`) +
              (r.kind === 'replaced' ? `  ${p.bold(p.red('replacement: True'))}` : r.kind === 'may-replace' ? `  ${p.bold(p.yellow('replacement: Conditional'))}` : '');
    out.push(head);
    for (const prop of r.properties) {
      const why = prop.replacement === 'always' ? ' (requires replacement)' : prop.replacement === 'conditional' ? ' (may require replacement)' : '';
      out.push(`      ~ ${prop.name}${why}`);
      for (const d of prop.deltas) {
        const where = d.path ? `${d.path}: ` : '';
        const line =
          d.before === undefined
            ? p.green(`+ ${where}${show(d.after)}`)
            : d.after === undefined
              ? p.red(`- ${where}${show(d.before)}`)
              : `${where}${p.red(show(d.before))} -> ${p.green(show(d.after))}`;
        out.push(`          ${line}`);
      }
    }
  }
  for (const c of s.sections) out.push(`  ${c.marker} ${c.section} ${c.name}`);
  if (s.iamStatements.length) {
    out.push(`  IAM statements (+ added, - removed)${s.permissionsBroadened ? `  ${p.bold(p.red('permissions widened'))}` : ''}`);
    out.push(...iamBlocks(s.iamStatements, p));
    if (s.netEffect) {
      const { widened, narrowed } = s.netEffect;
      for (const f of widened) out.push(p.red(`    net effect: widened   ${describeFinding(f)}`));
      for (const f of narrowed) out.push(p.green(`    net effect: narrowed  ${describeFinding(f)}`));
      if (!widened.length && !narrowed.length) out.push('    net effect: neither widened nor narrowed');
    }
  }
  if (s.securityGroupRules.length) {
    out.push('  security group rules (+ added, - removed)');
    out.push(...ruleLines(s.securityGroupRules, p));
  }
  out.push(
    `  ${count('added')} added, ${count('modified')} modified, ${count('replaced')} replaced, ${count('may-replace')} maybe replaced, ${count('removed') + count('orphaned')} removed`,
  );
  return out;
}

/**
 * A pull-request comment: one heading, one fenced diff block per changed file (so + and -
 * lines are coloured), and the unchanged files on one line.
 */
export function markdownReport(title: string, blocks: readonly { readonly file: string; readonly lines: readonly string[] }[], unchanged: readonly string[]): string[] {
  const fence = '`'.repeat(3);
  const out = [`### ${title}`, ''];
  if (!blocks.length) out.push('No changes.');
  for (const b of blocks) {
    out.push(`**${b.file}**`, '', `${fence}diff`, ...b.lines.map((l) => l.replace(/^ {2}/, '').split(fence).join("'''")), fence, '');
  }
  if (unchanged.length) out.push(`Unchanged: ${unchanged.join(', ')}`);
  while (out[out.length - 1] === '') out.pop();
  return out;
}

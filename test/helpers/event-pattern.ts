/**
 * Small evaluators for the matching languages the monitoring template uses, so tests can
 * run documented events through the generated rules and filters:
 *
 * - EventBridge event patterns (Amazon EventBridge User Guide, "Event patterns" and
 *   "Content filtering"): a pattern field is an array of alternatives; an object recurses;
 *   an event array matches when any element does. Supported alternatives: literal strings,
 *   numbers, booleans and null, `prefix`, `suffix`, `wildcard` (`*` for any run of
 *   characters), `anything-but` (a value or a list) and `exists`. Anything else throws, so
 *   a pattern using an operator this file does not know cannot pass by accident.
 * - CloudWatch Logs JSON filter patterns (CloudWatch Logs User Guide, "Filter pattern
 *   syntax"): `{ (sel = "value") && (sel NOT EXISTS) ... }` with `=`, `!=`, `*` wildcards in
 *   quoted values, `EXISTS`/`NOT EXISTS` and `&&`/`||` (no mixing without parentheses).
 * - JSONPath as EventBridge input paths and metric filter selectors write it: `$.a.b-c`.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function wildcardRegExp(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 's');
}

function matchesAlternative(value: Json | undefined, present: boolean, alt: Json): boolean {
  if (alt === null || typeof alt !== 'object') return present && value === alt;
  if (Array.isArray(alt)) throw new Error(`nested arrays are not event pattern syntax: ${JSON.stringify(alt)}`);
  const keys = Object.keys(alt);
  if (keys.length !== 1) throw new Error(`an operator object has exactly one key: ${JSON.stringify(alt)}`);
  const [op] = keys;
  const arg = alt[op];
  switch (op) {
    case 'prefix':
      return present && typeof value === 'string' && typeof arg === 'string' && value.startsWith(arg);
    case 'suffix':
      return present && typeof value === 'string' && typeof arg === 'string' && value.endsWith(arg);
    case 'wildcard':
      if (typeof arg !== 'string') throw new Error('wildcard takes a string');
      return present && typeof value === 'string' && wildcardRegExp(arg).test(value);
    case 'anything-but': {
      if (!present) return false;
      const excluded = Array.isArray(arg) ? arg : [arg];
      if (excluded.some((e) => typeof e === 'object' && e !== null)) throw new Error('anything-but with operators is not supported here');
      return !excluded.includes(value as Json);
    }
    case 'exists':
      return arg === present;
    default:
      throw new Error(`event pattern operator "${op}" is not supported by this matcher`);
  }
}

function matchesField(value: Json | undefined, present: boolean, alternatives: Json[]): boolean {
  if (present && Array.isArray(value)) {
    // An event array matches when one of its elements does.
    return value.some((element) => alternatives.some((alt) => matchesAlternative(element, true, alt)));
  }
  return alternatives.some((alt) => matchesAlternative(value, present, alt));
}

/** True when `event` matches the EventBridge `pattern`. */
export function matchesEventPattern(pattern: Record<string, Json>, event: Record<string, Json>): boolean {
  for (const [key, expected] of Object.entries(pattern)) {
    const present = Object.prototype.hasOwnProperty.call(event, key);
    const value = present ? event[key] : undefined;
    if (Array.isArray(expected)) {
      if (!matchesField(value, present, expected)) return false;
    } else if (typeof expected === 'object' && expected !== null) {
      if (!present || typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      if (!matchesEventPattern(expected, value as Record<string, Json>)) return false;
    } else {
      throw new Error(`event pattern field "${key}" must be an array or an object, got ${JSON.stringify(expected)}`);
    }
  }
  return true;
}

/** The value at a JSONPath such as `$.detail.execution-id`; `undefined` when absent. */
export function jsonPath(document: unknown, path: string): Json | undefined {
  if (!path.startsWith('$')) throw new Error(`not a JSONPath: ${path}`);
  let value: unknown = document;
  for (const part of path
    .slice(2)
    .split('.')
    .filter((p) => p !== '')) {
    if (typeof value !== 'object' || value === null || !(part in (value as object))) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value as Json;
}

/** Applies an EventBridge input transformer as the target would receive it. */
export function applyInputTransformer(transformer: { InputPathsMap: Record<string, string>; InputTemplate: string }, event: Record<string, Json>): string {
  const values: Record<string, string> = {};
  for (const [name, path] of Object.entries(transformer.InputPathsMap)) {
    const value = jsonPath(event, path);
    if (value === undefined) throw new Error(`input path ${path} (${name}) is not in the event`);
    values[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  const rendered = transformer.InputTemplate.replace(/<([A-Za-z0-9_.-]+)>/g, (m, name: string) => (name in values ? values[name] : m));
  // A template that is one quoted string delivers that string.
  return JSON.parse(rendered) as string;
}

// --- CloudWatch Logs JSON filter patterns ------------------------------------------------

interface Term {
  readonly selector: string;
  readonly op: '=' | '!=' | 'EXISTS' | 'NOT EXISTS';
  readonly value?: string;
}

const TERM = /^\(?\s*(\$[A-Za-z0-9_.-]*)\s*(?:(=|!=)\s*("(?:[^"\\]|\\.)*"|[^\s)]+)|(NOT EXISTS|EXISTS))\s*\)?$/;

function parseTerm(text: string): Term {
  const m = TERM.exec(text.trim());
  if (!m) throw new Error(`filter term not supported by this evaluator: ${text}`);
  if (m[4]) return { selector: m[1], op: m[4] as Term['op'] };
  const raw = m[3];
  return { selector: m[1], op: m[2] as Term['op'], value: raw.startsWith('"') ? (JSON.parse(raw) as string) : raw };
}

function termMatches(term: Term, document: unknown): boolean {
  const value = jsonPath(document, term.selector);
  if (term.op === 'EXISTS') return value !== undefined;
  if (term.op === 'NOT EXISTS') return value === undefined;
  if (value === undefined || value === null || typeof value === 'object') return false;
  const equal = wildcardRegExp(term.value!).test(String(value));
  return term.op === '=' ? equal : !equal;
}

/** True when a JSON log event (the EventBridge event, as delivered to CloudWatch Logs) matches the filter pattern. */
export function matchesJsonFilter(pattern: string, document: unknown): boolean {
  const body = pattern.trim();
  if (!body.startsWith('{') || !body.endsWith('}')) throw new Error(`not a JSON filter pattern: ${pattern}`);
  const inner = body.slice(1, -1).trim();
  const hasAnd = inner.includes('&&');
  const hasOr = inner.includes('||');
  if (hasAnd && hasOr) throw new Error('mixing && and || is not supported by this evaluator');
  const terms = inner.split(hasOr ? '||' : '&&').map(parseTerm);
  return hasOr ? terms.some((t) => termMatches(t, document)) : terms.every((t) => termMatches(t, document));
}

/**
 * What the configuration's text says beyond its JSON value: where a parse error is, keys
 * that appear twice in one object, nesting depth, and numbers as written.
 */
export function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `line ${before.split('\n').length}, column ${offset - before.lastIndexOf('\n')}`;
}

/** `line 3, column 7` for a JSON.parse error that names a position. */
export function jsonErrorAt(text: string, message: string): string {
  const m = /at position (\d+)/.exec(message);
  const detail = message.replace(/^(Unexpected token .*?|.*?) in JSON at position \d+.*$/s, '$1').replace(/\s*\(line \d+ column \d+\)$/, '');
  if (!m) return detail;
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const column = Number(m[1]) - before.lastIndexOf('\n');
  return `${detail} at line ${line}, column ${column}`;
}

/** How deep a configuration may nest; the schema's deepest field is 5 levels down. */
export const MAX_DEPTH = 32;

interface SourceScan {
  /** Keys that appear twice in one object. */
  readonly duplicates: string[];
  /** The source text of every number, by JSON pointer: 1e309 and 9007199254740993 as written. */
  readonly numbers: Map<string, string>;
  /** Where the nesting first goes deeper than MAX_DEPTH, as a character offset. */
  readonly tooDeepAt: number | undefined;
}

/**
 * One pass over text that has already parsed: its strings, numbers and brackets. It finds
 * keys that appear twice in one object (JSON.parse keeps the last silently, so a second
 * `services` list would hide the first), the source text of numbers (JSON.parse turns
 * 1e309 into Infinity and rounds 9007199254740993), and nesting too deep to check. It
 * keeps its own stack, so no depth overflows it.
 */
export function scanSource(text: string): SourceScan {
  interface Frame {
    readonly object: boolean;
    readonly path: string;
    readonly pointer: string;
    readonly keys: Set<string>;
    expectKey: boolean;
    key: string;
    index: number;
  }
  const duplicates: string[] = [];
  const numbers = new Map<string, string>();
  const stack: Frame[] = [];
  const childPath = (f: Frame | undefined) => (f === undefined ? '' : f.object ? (f.path ? `${f.path}.${f.key}` : f.key) : `${f.path}[${f.index}]`);
  const childPointer = (f: Frame | undefined) => (f === undefined ? '' : `${f.pointer}/${f.object ? f.key.replace(/~/g, '~0').replace(/\//g, '~1') : f.index}`);
  for (const m of text.matchAll(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[{}[\],]/g)) {
    const token = m[0];
    const top = stack[stack.length - 1];
    if (token === '{' || token === '[') {
      if (stack.length >= MAX_DEPTH) return { duplicates, numbers, tooDeepAt: m.index };
      stack.push({ object: token === '{', path: childPath(top), pointer: childPointer(top), keys: new Set(), expectKey: token === '{', key: '', index: 0 });
    } else if (token === '}' || token === ']') {
      stack.pop();
    } else if (token === ',') {
      if (top?.object) top.expectKey = true;
      else if (top) top.index++;
    } else if (top?.object && top.expectKey) {
      const key = JSON.parse(token) as string;
      top.key = key;
      top.expectKey = false;
      if (top.keys.has(key)) duplicates.push(`${childPath(top) || key}: the key appears twice in one object; only the last would count`);
      top.keys.add(key);
    } else if (token[0] !== '"') {
      numbers.set(childPointer(top), token);
    }
  }
  return { duplicates, numbers, tooDeepAt: undefined };
}

/** Keys that appear twice in one object, each as a problem line. */
export function duplicateKeys(text: string): string[] {
  return scanSource(text).duplicates;
}

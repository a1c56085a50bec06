/**
 * CodeBuild build specs written inline as YAML text (a BuildSpec string).
 *
 * The spec is given as a plain object and emitted as YAML. A line that names a template
 * value as `${LogicalId}` or `${LogicalId.Attribute}` becomes an Fn::Sub, and the
 * template assembler checks that the name exists; shell code in a spec therefore writes
 * its own variables as `$NAME`, never `${NAME}`.
 */
import { Value, sub } from '../core/intrinsics';

export type BuildSpecNode = string | number | readonly BuildSpecNode[] | { readonly [key: string]: BuildSpecNode };

/** A plain YAML scalar when that reads the same, a double-quoted one otherwise. */
export function yamlScalar(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const plain =
    value.length > 0 && !/^[\s\-?:,[\]{}#&*!|>'"%@`]/.test(value) && !/(: |\s#|:$|\s$)/.test(value) && !/^(true|false|yes|no|on|off|null|~|[0-9.+-][0-9.eE+-]*)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}

function emit(node: BuildSpecNode, indent: string, lines: string[]): void {
  if (Array.isArray(node)) {
    for (const item of node as readonly BuildSpecNode[]) {
      if (typeof item === 'object') throw new Error('build spec lists hold scalars only');
      lines.push(`${indent}- ${yamlScalar(item)}`);
    }
    return;
  }
  for (const [key, value] of Object.entries(node as Record<string, BuildSpecNode>)) {
    if (typeof value === 'object') {
      lines.push(`${indent}${key}:`);
      emit(value, `${indent}  `, lines);
    } else {
      lines.push(`${indent}${key}: ${yamlScalar(value)}`);
    }
  }
}

/** The YAML lines of a build spec. */
export function buildSpecLines(spec: { readonly [key: string]: BuildSpecNode }): string[] {
  const lines: string[] = [];
  emit(spec, '', lines);
  return lines;
}

const TEMPLATE_VARIABLE = /\$\{[A-Za-z0-9:.]+\}/;

/** The BuildSpec property: the YAML text, as Fn::Sub when it names a template value. */
export function buildSpec(spec: { readonly [key: string]: BuildSpecNode }): Value<string> {
  const text = `${buildSpecLines(spec).join('\n')}\n`;
  return TEMPLATE_VARIABLE.test(text) ? sub(text) : text;
}

/** A shell command run up to three times, ten seconds apart, for steps that fail now and then (registry logins, pushes). */
export function withRetries(command: string): string {
  return `for attempt in 1 2 3; do ${command} && break; [ "$attempt" -lt 3 ] || exit 1; sleep 10; done`;
}

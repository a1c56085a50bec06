/**
 * The one serializer: every file the generator writes goes through `toJson`.
 *
 * Sections, resource attributes, parameter and output attributes are written in a fixed
 * order whatever order the builders used; everything else keeps the builders' order,
 * which is deterministic. Two-space indentation and a final newline, so that a one-line
 * change in a builder is a small diff in templates/.
 */
import { RESOURCE_ATTRIBUTE_ORDER, SECTION_ORDER, Template } from './template';

const PARAMETER_ATTRIBUTE_ORDER = [
  'Type',
  'Description',
  'Default',
  'AllowedValues',
  'AllowedPattern',
  'MinLength',
  'MaxLength',
  'MinValue',
  'MaxValue',
  'ConstraintDescription',
] as const;

const OUTPUT_ATTRIBUTE_ORDER = ['Description', 'Condition', 'Value', 'Export'] as const;

function ordered(obj: Record<string, unknown>, order: readonly string[], what: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of order) if (obj[key] !== undefined) out[key] = obj[key];
  for (const key of Object.keys(obj)) {
    if (!order.includes(key) && obj[key] !== undefined) {
      throw new Error(`${what}: unknown attribute ${key}`);
    }
  }
  return out;
}

function mapValues(
  section: Record<string, unknown> | undefined,
  fn: (value: Record<string, unknown>, id: string) => Record<string, unknown>,
): Record<string, unknown> | undefined {
  if (section === undefined) return undefined;
  return Object.fromEntries(Object.entries(section).map(([id, v]) => [id, fn(v as Record<string, unknown>, id)]));
}

/** Puts a template in canonical order (sections, then attributes inside each entry). */
export function canonicalTemplate(template: Template): Record<string, unknown> {
  const t = template as unknown as Record<string, unknown>;
  const withOrderedEntries: Record<string, unknown> = {
    ...t,
    Parameters: mapValues(t.Parameters as Record<string, unknown>, (p, id) =>
      ordered(p, PARAMETER_ATTRIBUTE_ORDER, `parameter ${id}`),
    ),
    Resources: mapValues(t.Resources as Record<string, unknown>, (r, id) =>
      ordered(r, RESOURCE_ATTRIBUTE_ORDER, `resource ${id}`),
    ),
    Outputs: mapValues(t.Outputs as Record<string, unknown>, (o, id) => ordered(o, OUTPUT_ATTRIBUTE_ORDER, `output ${id}`)),
  };
  return ordered(withOrderedEntries, SECTION_ORDER, 'template');
}

/** Serializes any JSON document the generator writes: two spaces, final newline. */
export function toJson(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function serializeTemplate(template: Template): string {
  return toJson(canonicalTemplate(template));
}

/**
 * The default of each optional configuration field, read from the code that applies the
 * defaults (resolveConfig), not restated: a sample configuration sets every field to a
 * value of its own (a marker), each optional field is left out in turn, and what the
 * resolved configuration holds there is its default: a value, another field (when the
 * marker of that field shows up) or none. Arrays get two items and maps two keys, so a
 * default that depends on the position (the first environment and the later ones) shows.
 */
import { ProjectConfig, resolveConfig } from '../../../generator/config/types';
import { JsonSchema, SchemaField, Segment, pathOf } from './config-schema';

type Json = unknown;
type Key = string | number;

/** Markers: a string or number that names the concrete place it was set. */
interface Markers {
  readonly byValue: Map<string, Key[]>;
  next: number;
}

/** Map keys of the sample: the configuration's only map is keyed by environment name. */
const MAP_KEY_SOURCE = 'environments';

function markerString(at: readonly Key[]): string {
  return `~${at.join('/')}~`;
}

function sampleValue(schema: JsonSchema, at: Key[], markers: Markers, mapKeys: readonly string[]): Json {
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ('const' in schema) return schema.const;
  // A choice (containerHealthCheck: false or an object): the object form, whose fields a default may fill.
  if (Array.isArray(schema.anyOf)) {
    const branches = schema.anyOf as JsonSchema[];
    return sampleValue(branches.find((b) => b.type === 'object') ?? branches[0], at, markers, mapKeys);
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': {
      const v = markerString(at);
      markers.byValue.set(JSON.stringify(v), at);
      return v;
    }
    case 'integer':
    case 'number': {
      const v = 900_000 + markers.next++;
      markers.byValue.set(JSON.stringify(v), at);
      return v;
    }
    case 'boolean':
      return true;
    case 'array':
      return [0, 1].map((i) => sampleValue((schema.items ?? {}) as JsonSchema, [...at, i], markers, mapKeys));
    case 'object': {
      const out: Record<string, Json> = {};
      for (const [name, child] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
        if (at.length === 0 && name === '$schema') continue;
        out[name] = sampleValue(child, [...at, name], markers, mapKeys);
      }
      if (typeof schema.additionalProperties === 'object') {
        for (const k of mapKeys) out[k] = sampleValue(schema.additionalProperties as JsonSchema, [...at, k], markers, mapKeys);
      }
      return out;
    }
    default:
      return null;
  }
}

/** The schema with every $ref resolved, so the sample can be built by walking it. */
function inline(root: JsonSchema, node: unknown): unknown {
  if (Array.isArray(node)) return node.map((n) => inline(root, n));
  if (typeof node !== 'object' || node === null) return node;
  const o = node as JsonSchema;
  const m = typeof o.$ref === 'string' ? /^#\/(definitions|\$defs)\/(.+)$/.exec(o.$ref) : null;
  const { $ref: _ref, ...rest } = o;
  const base = m ? (inline(root, (root[m[1]] as Record<string, unknown>)[m[2]]) as JsonSchema) : {};
  return { ...base, ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, inline(root, v)])) };
}

/** Every concrete place of a field in a value: the keys leading there. */
function places(value: Json, segments: readonly Segment[], at: Key[] = []): Key[][] {
  if (segments.length === 0) return [at];
  const [s, ...rest] = segments;
  if (typeof value !== 'object' || value === null) return [];
  if (s.kind === 'key') return s.name in (value as object) ? places((value as Record<string, Json>)[s.name], rest, [...at, s.name]) : [];
  if (s.kind === 'item') return Array.isArray(value) ? value.flatMap((v, i) => places(v, rest, [...at, i])) : [];
  return Object.entries(value as Record<string, Json>).flatMap(([k, v]) => places(v, rest, [...at, k]));
}

function without(value: Json, place: readonly Key[]): Json {
  const copy = structuredClone(value) as Record<Key, Json>;
  let parent = copy;
  for (const k of place.slice(0, -1)) parent = parent[k] as Record<Key, Json>;
  delete parent[place[place.length - 1]];
  return copy;
}

const NOT_FOUND = Symbol('not found');

/**
 * The value at a place in the resolved configuration; a key missing on the way is looked
 * for one object further down (resolveConfig groups some settings, e.g. `native`).
 */
function lookup(value: Json, place: readonly Key[]): Json | typeof NOT_FOUND {
  let v: Json = value;
  for (const k of place) {
    if (typeof v !== 'object' || v === null) return NOT_FOUND;
    const o = v as Record<Key, Json>;
    if (k in o) v = o[k];
    else {
      const holder = Object.values(o).find((c) => typeof c === 'object' && c !== null && !Array.isArray(c) && k in (c as object));
      if (!holder) return NOT_FOUND;
      v = (holder as Record<Key, Json>)[k];
    }
  }
  return v;
}

/** The generic path of a concrete place: `environments[].name` for `environments/1/name`. */
function genericPath(place: readonly Key[], mapKeys: readonly string[]): string {
  const segs: Segment[] = place.map((k) => (typeof k === 'number' ? { kind: 'item' } : mapKeys.includes(k) ? { kind: 'map' } : { kind: 'key', name: k }));
  return pathOf(segs);
}

function describe(v: Json | typeof NOT_FOUND, markers: Markers, mapKeys: readonly string[]): string | undefined {
  if (v === NOT_FOUND) return undefined;
  if (v === undefined) return 'none';
  const origin = markers.byValue.get(JSON.stringify(v));
  if (origin) return `same as \`${genericPath(origin, mapKeys)}\``;
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return undefined;
  // Built from other fields' values (the container health check's command): the description words it.
  if (typeof v === 'string' && /~[^~]+~/.test(v)) return undefined;
  return `\`${JSON.stringify(v)}\``;
}

/** The position a default varies with, in words: `first environment` / `later ones`. */
function byPosition(places: readonly Key[][], values: readonly string[]): string | undefined {
  for (let d = 0; d < places[0].length; d++) {
    const first = new Set<string>();
    const later = new Set<string>();
    places.forEach((p, i) => {
      const k = p[d];
      const siblings = [...new Set(places.map((q) => q[d]))];
      (siblings.indexOf(k) === 0 ? first : later).add(values[i]);
    });
    if (first.size === 1 && later.size === 1 && [...first][0] !== [...later][0]) {
      const owner = typeof places[0][d] === 'number' ? String(places[0][d - 1]) : MAP_KEY_SOURCE;
      const noun = owner.replace(/s$/, '');
      return `${[...first][0]} for the first ${noun}, ${[...later][0]} for later ones`;
    }
  }
  return undefined;
}

export interface DefaultProbe {
  /** The default of an optional field, in words, or undefined when the code applies none that shows. */
  defaultOf(field: SchemaField): string | undefined;
}

export function probeDefaults(root: JsonSchema): DefaultProbe {
  const schema = inline(root, root) as JsonSchema;
  const markers: Markers = { byValue: new Map(), next: 1 };
  const envNames = [0, 1].map((i) => markerString([MAP_KEY_SOURCE, i, 'name']));
  const sample = sampleValue(schema, [], markers, envNames);
  const resolve = (c: Json) => resolveConfig(c as ProjectConfig) as Json;
  resolve(sample);
  return {
    defaultOf(field) {
      if (field.required || field.schema.type === 'object') return undefined;
      const where = places(sample, field.segments);
      if (where.length === 0) return undefined;
      const values = where.map((p) => describe(lookup(resolve(without(sample, p)), p), markers, envNames));
      if (values.some((v) => v === undefined)) return undefined;
      const distinct = [...new Set(values as string[])];
      if (distinct.length === 1) return distinct[0];
      return byPosition(where, values as string[]) ?? distinct.join(' or ');
    },
  };
}

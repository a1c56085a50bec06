/**
 * docs/configuration.md: every field of the configuration, from schemas/config.schema.json
 * (type, what is allowed, description), with the defaults resolveConfig applies and the
 * limits the loader and the naming module check beyond the schema.
 */
import * as fs from 'node:fs';
import { TRACKS_REQUESTS } from '../../../generator/config/autoscaling';
import { BAKE_TIME_MAX_MINUTES, CANARY_PERCENT_MIN, LINEAR_PERCENT_MIN, TOTAL_BAKE_MAX_MINUTES } from '../../../generator/core/ecs-traffic-limits';
import { FARGATE_SIZES, describeMemory } from '../../../generator/config/fargate';
import { CONFIG_SCHEMA_PATH, MAX_DEPTH, MAX_REPORTED_PROBLEMS, S3_FORBIDDEN_PREFIXES } from '../../../generator/config/load';
import { ACCOUNT_ID_LENGTH, CONFIGURED_NAMES, NAME_RULES, NameKind, REGION_MAX_LENGTH, measureName } from '../../../generator/core/naming';
import { CONFIG_MAX_BYTES } from '../../../generator/core/read-file';
import { probeDefaults } from './config-defaults';
import { JsonSchema, SchemaField, constraintsOf, schemaFields, typeOf } from './config-schema';
import { code, generatedBanner, link, page, prose, table } from './markdown';

function readSchema(): JsonSchema {
  return JSON.parse(fs.readFileSync(CONFIG_SCHEMA_PATH, 'utf8')) as JsonSchema;
}

/** Rows worth a line: an array item or map entry that is an object only repeats its parent. */
function shown(f: SchemaField): boolean {
  const last = f.segments[f.segments.length - 1];
  return last.kind === 'key' || f.schema.type !== 'object';
}

function fieldTable(fields: readonly SchemaField[], defaultOf: (f: SchemaField) => string | undefined): string {
  return table(
    ['Field', 'Type', 'Required', 'Allowed', 'Default', 'Description'],
    fields
      .filter(shown)
      .map((f) => [
        code(f.path),
        typeOf(f.schema),
        f.required && f.segments[f.segments.length - 1].kind === 'key' ? 'yes' : '',
        constraintsOf(f.schema).join('; '),
        defaultOf(f) ?? '',
        typeof f.schema.description === 'string' ? prose(f.schema.description) : '',
      ]),
  );
}

function sections(schema: JsonSchema): Array<{ name: string; blocks: string[] }> {
  const probe = probeDefaults(schema);
  const fields = schemaFields(schema);
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const top = fields.filter((f) => f.segments.length === 1);
  return top.map((section) => {
    const name = section.path;
    const inside = fields.filter((f) => f.segments.length > 1 && f.path.startsWith(name) && /^[.[]/.test(f.path.slice(name.length)));
    const about = [
      required.has(name) ? '**Required.**' : '**Optional.**',
      `${typeOf(section.schema)}${constraintsOf(section.schema).length ? `, ${constraintsOf(section.schema).join('; ')}` : ''}.`,
      typeof section.schema.description === 'string' ? prose(section.schema.description) : '',
    ]
      .filter(Boolean)
      .join(' ');
    return { name, blocks: [`## ${name}`, about, inside.length ? fieldTable(inside, probe.defaultOf) : ''] };
  });
}

function nameKindsTable(): string {
  return table(
    ['Kind', 'Longest', 'Characters'],
    (Object.keys(NAME_RULES) as NameKind[]).map((k) => [code(k), String(NAME_RULES[k].max), code(NAME_RULES[k].pattern.source)]),
  );
}

/** A name with placeholders for the configured parts; undefined when it cannot be shown so (it is built from the values). */
function nameForm(parts: () => ReturnType<(typeof CONFIGURED_NAMES)[number]['parts']>, kind: NameKind): string | undefined {
  try {
    return measureName(kind, parts()).name;
  } catch {
    return undefined;
  }
}

function configuredNamesTable(): string {
  return table(
    ['Name', 'Per', 'Form', 'Longest', 'Left for project, service and suffix together'],
    CONFIGURED_NAMES.map((n) => {
      const form = nameForm(() => n.parts({ project: '{project}', service: '{service}', suffix: '{suffix}' }), n.kind);
      // With the configured parts empty, what is left is the fixed text (region and account at their longest).
      const fixed = form ? measureName(n.kind, n.parts({ project: '', service: '', suffix: '' })).length : undefined;
      const max = NAME_RULES[n.kind].max;
      return [n.what, n.scope.replace('-', ' and '), form ? code(form) : `built from the values (${code(n.kind)})`, String(max), fixed === undefined ? '' : String(max - fixed)];
    }),
  );
}

/** The strategies that may track requests per target, as the loader checks them. */
function requestTrackingStrategies(): string {
  return Object.entries(TRACKS_REQUESTS)
    .filter(([, tracks]) => tracks)
    .map(([strategy]) => code(strategy))
    .join(', ');
}

function limitsBlocks(): string[] {
  return [
    '## Checks beyond the schema',
    'The loader (generator/config/load/) reports every problem of a file at once, each naming the field, the value and what is allowed.',
    table(
      ['Limit', 'Value'],
      [
        ['Size of the configuration file', `${CONFIG_MAX_BYTES} bytes`],
        ['Nesting depth', String(MAX_DEPTH)],
        ['Problems listed per run (the rest are counted)', String(MAX_REPORTED_PROBLEMS)],
        ['`project.name` may not start with (S3 bucket names)', S3_FORBIDDEN_PREFIXES.map((p) => code(p)).join(', ')],
        ['ECS-native canary step (`trafficStepPercent`), percent', `at least ${CANARY_PERCENT_MIN}`],
        ['ECS-native linear step (`trafficStepPercent`), percent', `at least ${LINEAR_PERCENT_MIN}`],
        ['ECS-native bake times, minutes', `at most ${BAKE_TIME_MAX_MINUTES} each`],
        ['ECS-native total bake time of one deployment, minutes', `at most ${TOTAL_BAKE_MAX_MINUTES}`],
        ['`autoScaling.minCount`', 'at most `maxCount`'],
        ['`autoScaling` policies', 'at least one of `cpuTargetPercent` and `requestsPerTarget`'],
        ['`autoScaling.requestsPerTarget` (one target group)', `deploymentStrategy ${requestTrackingStrategies()} only: blue/green alternates two target groups`],
        ["`autoScaling` and the environment's `desiredCount`", 'not both'],
      ],
    ),
    '### Fargate CPU and memory',
    "`memoryMiB` must be one of the sizes Fargate offers for the service's `cpu`:",
    table(
      ['cpu', 'memoryMiB'],
      FARGATE_SIZES.map((s) => [String(s.cpu), describeMemory(s.memoryMiB)]),
    ),
    '### Name lengths',
    `Each configured project name, service name and environment suffix ends up in physical names. The loader builds these names from the configured values, with the longest region code (${REGION_MAX_LENGTH} characters) and ${ACCOUNT_ID_LENGTH}-digit account IDs, and reports a name that exceeds its limit:`,
    configuredNamesTable(),
    'Every name the templates set is checked against the limit of its kind when the template is generated (generator/core/naming):',
    nameKindsTable(),
  ];
}

export function renderConfigurationPage(): string {
  const schema = readSchema();
  const parts = sections(schema);
  return page([
    generatedBanner(['schemas/config.schema.json', 'generator/config', 'generator/core/naming']),
    '# Configuration reference',
    `${typeof schema.description === 'string' ? prose(schema.description) : ''} The file is \`delivery.config.json\` at the project root; \`npm run init\` writes a first one. Defaults are those the loader applies (\`resolveConfig\`).`,
    `Sections: ${[...parts.map((p) => link(p.name)), link('Checks beyond the schema')].join(' · ')}`,
    ...parts.flatMap((p) => p.blocks),
    ...limitsBlocks(),
  ]);
}

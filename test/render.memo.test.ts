/**
 * The render memo (generator/render.ts): a template is a function of its declared inputs,
 * so a render given the memo of another render (by the same build) returns exactly what a
 * render without one returns, building only the templates whose inputs changed and
 * checking only the templates whose bytes changed.
 */
import { parseConfig } from '../generator/config/load';
import { ResolvedConfig } from '../generator/config/types';
import { serializeTemplate } from '../generator/core/serialize';
import { settingsSizeProblems } from '../generator/blocks/app-settings';
import { TEMPLATE_BODY_LIMIT_BYTES } from '../generator/core/limits';
import { checkParameterValues } from '../generator/validate/parameter-values';
import * as validate from '../generator/validate';
import { RenderMemo, TEMPLATES, render, renderAll } from '../generator/render';
import { RawConfig, exampleRaw, syntheticConfig } from './helpers/config';

function resolved(raw: RawConfig): ResolvedConfig {
  return parseConfig(JSON.stringify(raw), 'memo-test.json');
}

/** The example with `edit` applied to a copy. */
function edited(edit: (raw: RawConfig) => void): ResolvedConfig {
  const raw = exampleRaw();
  edit(raw);
  return resolved(raw);
}

const example = resolved(exampleRaw());
const CONFIGS: ReadonlyArray<[string, ResolvedConfig]> = [
  ['the example', example],
  ['a desired count changed', edited((r) => (r.services[0].desiredCount += 1))],
  [
    'a task role action added',
    edited((r) => (r.services[0].taskRoleStatements = [{ sid: 'SendOrders', actions: ['sqs:SendMessage'], resources: ['arn:aws:sqs:eu-west-1:444444444444:orders'] }])),
  ],
  ['a service removed', edited((r) => r.services.pop())],
  ['the project renamed', edited((r) => (r.project.name = 'store'))],
  ['a synthetic project of 3 services', resolved(syntheticConfig(3))],
];

function memoOf(config: ResolvedConfig): RenderMemo {
  return render(config, {}).memo;
}

afterEach(() => jest.restoreAllMocks());

test('each template built from the JSON round trip of its inputs has the same bytes', () => {
  for (const [, config] of CONFIGS) {
    for (const entry of TEMPLATES) {
      const inputs = entry.inputs(config);
      const bytes = serializeTemplate(entry.build(config));
      expect(serializeTemplate(entry.fromInputs(JSON.parse(JSON.stringify(inputs ?? null))))).toBe(bytes);
    }
  }
});

test('with the memo of another configuration, a render returns what a render without one does', () => {
  // A render with an empty memo builds and checks everything, as one without a memo does.
  const plain = new Map(CONFIGS.map(([name, c]) => [name, render(c, {})]));
  expect(plain.get('the example')!.files).toEqual(renderAll(example));
  // Each configuration from the example's memo, and the example from each one's.
  for (const [other, config] of CONFIGS.slice(1)) {
    const fromExample = render(config, plain.get('the example')!.memo).files;
    expect({ from: 'the example', to: other, files: fromExample }).toEqual({ from: 'the example', to: other, files: plain.get(other)!.files });
    const toExample = render(example, plain.get(other)!.memo).files;
    expect({ from: other, to: 'the example', files: toExample }).toEqual({ from: other, to: 'the example', files: plain.get('the example')!.files });
  }
});

test('after one service edit, only the templates built from the whole configuration are built, and none is checked', () => {
  const memo = memoOf(example);
  const built = TEMPLATES.map((e) => jest.spyOn(e, 'fromInputs'));
  const checks = jest.spyOn(validate, 'templateChecks');
  render(CONFIGS[1][1], memo);
  const rebuilt = TEMPLATES.filter((_, i) => built[i].mock.calls.length > 0).map((e) => e.file);
  expect(rebuilt).toEqual(TEMPLATES.filter((e) => e.inputs(example) === example).map((e) => e.file));
  expect(rebuilt).not.toContain('member-roles.json');
  expect(checks).not.toHaveBeenCalled();
});

test('a template whose inputs changed is built, and checked when its bytes changed', () => {
  const memo = memoOf(example);
  const check = jest.fn(() => []);
  jest.spyOn(validate, 'templateChecks').mockReturnValue({ check } as unknown as ReturnType<typeof validate.templateChecks>);
  const built = jest.spyOn(
    TEMPLATES.find((e) => e.file === 'member-roles.json')!,
    'fromInputs',
  );
  render(CONFIGS[2][1], memo);
  expect(built).toHaveBeenCalledTimes(1);
  const checked = check.mock.calls.map((args: unknown[]) => args[1] as string);
  expect(checked).toContain(render(CONFIGS[2][1]).files.find((f) => f.path === 'member-roles.json')!.content);
  expect(checked).toHaveLength(new Set(checked).size);
});

test('a render without a memo builds and checks everything and returns no memo', () => {
  const checks = jest.spyOn(validate, 'templateChecks');
  const built = TEMPLATES.map((e) => jest.spyOn(e, 'fromInputs'));
  expect(render(example).memo).toEqual({});
  expect(checks).toHaveBeenCalledTimes(1);
  expect(built.every((b) => b.mock.calls.length === 1)).toBe(true);
});

test('the memo holds each template with the hash of its inputs and its bytes', () => {
  const { files, memo } = render(example, {});
  expect(Object.keys(memo).sort()).toEqual(TEMPLATES.map((e) => e.file).sort());
  for (const e of TEMPLATES) {
    expect(memo[e.file].content).toBe(files.find((f) => f.path === e.file)!.content);
    expect(memo[e.file].inputs).toMatch(/^[0-9a-f]{64}$/);
  }
  expect(memoOf(CONFIGS[1][1])['member-roles.json'].inputs).toBe(memo['member-roles.json'].inputs);
  expect(memoOf(CONFIGS[4][1])['member-roles.json'].inputs).toBe(memo['member-roles.json'].inputs);
  expect(memoOf(CONFIGS[2][1])['member-roles.json'].inputs).not.toBe(memo['member-roles.json'].inputs);
});

test('a template taken from the memo answers the parameter checks as the built one does', () => {
  for (const [, config] of CONFIGS) {
    for (const entry of TEMPLATES) {
      const template = entry.build(config);
      const parsed = JSON.parse(serializeTemplate(template));
      for (const pf of entry.parameterFiles?.(config) ?? []) {
        const broken = {
          ...pf.parameters,
          NoSuchParameter: 'x',
          ...Object.fromEntries(
            Object.keys(pf.parameters)
              .slice(0, 1)
              .map((k) => [k, '']),
          ),
        };
        for (const values of [pf.parameters, broken]) {
          expect(checkParameterValues(parsed, values, pf.suppliedAtDeploy)).toEqual(checkParameterValues(template, values, pf.suppliedAtDeploy));
        }
        const tiny = 1000;
        expect(settingsSizeProblems(config, parsed, pf, tiny)).toEqual(settingsSizeProblems(config, template, pf, tiny));
        expect(settingsSizeProblems(config, parsed, pf, TEMPLATE_BODY_LIMIT_BYTES)).toEqual(settingsSizeProblems(config, template, pf, TEMPLATE_BODY_LIMIT_BYTES));
      }
    }
  }
});

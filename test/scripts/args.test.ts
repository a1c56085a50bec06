import { choiceFlag, CommandSpec, intFlag, keyValuePairs, parseArgs, usage, UsageError } from '../../scripts/lib/args';
import { colorEnabled, painter } from '../../scripts/lib/color';

const SPEC = {
  command: 'demo',
  positional: { name: 'TEMPLATE', min: 1, max: 1 },
  flags: [
    { name: 'stack-name', kind: 'string', valueName: 'NAME', description: 'stack' },
    { name: 'tags', kind: 'list', valueName: 'K=V', description: 'tags' },
    { name: 'yes', kind: 'boolean', description: 'go' },
    { name: 'percent', kind: 'string', valueName: 'N', description: 'n' },
    { name: 'mode', kind: 'string', valueName: 'M', description: 'm' },
  ],
} as const satisfies CommandSpec;

describe('parseArgs', () => {
  test('reads positionals, values (spaced and with =), lists and booleans', () => {
    const a = parseArgs(SPEC, ['network', '--stack-name=s1', '--tags', 'A=1,B=2', '--tags', 'C=3', '--yes']);
    expect(a.positionals).toEqual(['network']);
    expect(a.strings['stack-name']).toBe('s1');
    expect(a.lists.tags).toEqual(['A=1', 'B=2', 'C=3']);
    expect(a.booleans.has('yes')).toBe(true);
    expect(a.help).toBe(false);
  });

  test('--help needs no positional', () => {
    expect(parseArgs(SPEC, ['--help']).help).toBe(true);
  });

  test.each([
    ['an unknown flag', ['t', '--nope'], 'unknown flag --nope'],
    ['a missing value', ['t', '--stack-name'], '--stack-name needs a value (NAME)'],
    ['a flag as the value', ['t', '--stack-name', '--yes'], '--stack-name needs a value (NAME)'],
    ['an empty value', ['t', '--stack-name='], '--stack-name needs a non-empty value (NAME)'],
    ['a value on a boolean', ['t', '--yes=1'], '--yes takes no value'],
    ['a repeated single flag', ['t', '--stack-name', 'a', '--stack-name', 'b'], '--stack-name is given twice'],
    ['no positional', [], 'missing TEMPLATE'],
    ['too many positionals', ['a', 'b'], 'unexpected argument "b"'],
  ])('rejects %s', (_name, argv, message) => {
    expect(() => parseArgs(SPEC, argv)).toThrow(new UsageError(message));
  });

  test.each([
    ['0', 1, 100, '--percent "0" must be a whole number from 1 to 100'],
    ['101', 1, 100, '--percent "101" must be a whole number from 1 to 100'],
    ['5.5', 0, 100, '--percent "5.5" must be a whole number from 0 to 100'],
  ])('intFlag rejects %s', (value, min, max, message) => {
    expect(() => intFlag(parseArgs(SPEC, ['t', '--percent', value]), 'percent', min, max)).toThrow(message);
  });

  test('intFlag and choiceFlag return the value, or undefined when absent', () => {
    const a = parseArgs(SPEC, ['t', '--percent', '25', '--mode', 'PARALLEL']);
    expect(intFlag(a, 'percent', 1, 100)).toBe(25);
    expect(choiceFlag(a, 'mode', ['SEQUENTIAL', 'PARALLEL'] as const)).toBe('PARALLEL');
    expect(choiceFlag(parseArgs(SPEC, ['t']), 'mode', ['X'] as const)).toBeUndefined();
    expect(() => choiceFlag(parseArgs(SPEC, ['t', '--mode', 'fast']), 'mode', ['SEQUENTIAL', 'PARALLEL'] as const)).toThrow('--mode "fast" must be one of SEQUENTIAL, PARALLEL');
  });

  test('keyValuePairs keeps "=" inside values and rejects items without a key', () => {
    expect(keyValuePairs('tags', ['Owner=team=a', 'Empty='])).toEqual({ Owner: 'team=a', Empty: '' });
    expect(() => keyValuePairs('tags', ['=x'])).toThrow('--tags "=x" must be KEY=VALUE');
    expect(() => keyValuePairs('tags', ['novalue'])).toThrow('--tags "novalue" must be KEY=VALUE');
  });

  test('usage lists every flag with its value name', () => {
    const text = usage(SPEC);
    expect(text.split('\n')[0]).toBe('usage: npm run demo -- TEMPLATE [flags]');
    expect(text).toMatch(/--stack-name NAME +stack/);
    expect(text).toMatch(/--yes +go/);
  });
});

describe('colour', () => {
  test.each([
    [true, {}, true],
    [false, {}, false],
    [undefined, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [true, { TERM: 'dumb' }, false],
  ])('tty %s with %j: %s', (tty, env, expected) => {
    expect(colorEnabled(tty, env)).toBe(expected);
  });

  test('a disabled painter leaves text alone; an enabled one wraps it in escape codes', () => {
    expect(painter(false).red('x')).toBe('x');
    expect(painter(true).red('x')).toBe('\u001b[31mx\u001b[39m');
  });
});

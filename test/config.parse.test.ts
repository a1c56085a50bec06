/**
 * Reading the configuration text: keys given twice, wherever they are, and the path
 * reported for them.
 */
import { configPath, duplicateKeys } from '../generator/config/load';

describe('keys given twice', () => {
  test.each([
    ['none', '{"a": 1, "b": {"a": 2}, "c": [{"a": 1}, {"a": 2}]}', []],
    ['at the top', '{"a": 1, "a": 2}', ['a: the key appears twice in one object; only the last would count']],
    ['in an item of a list', '{"s": [{"n": 1}, {"n": 2, "n": 3}]}', ['s[1].n: the key appears twice in one object; only the last would count']],
    ['in a nested list', '{"s": [[], [{"x": {"y": 1, "y": 2}}]]}', ['s[1][0].x.y: the key appears twice in one object; only the last would count']],
    ['with escaped quotes and brackets in strings', '{"a\\"{": "}]", "a\\"{": 1, "b": "\\\\"}', ['a"{: the key appears twice in one object; only the last would count']],
    ['a value equal to a key is not a key', '{"a": "b", "b": "a"}', []],
  ] as const)('%s', (_name, text, expected) => {
    JSON.parse(text);
    expect(duplicateKeys(text)).toEqual(expected);
  });
});

describe('paths in messages', () => {
  test.each([
    ['', '(root)'],
    ['/services/2/name', 'services[2].name'],
    ['/services/0/environments/prod/desiredCount', 'services[0].environments.prod.desiredCount'],
    ['/a~1b/c~0d', 'a/b.c~d'],
  ])('%s reads %s', (pointer, expected) => {
    expect(configPath(pointer)).toBe(expected);
  });
});

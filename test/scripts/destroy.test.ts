import { batches, deletionOrder, isProduction } from '../../scripts/lib/destroy';

describe('production stacks', () => {
  test.each([
    ['shop-network-prod', {}, true],
    ['shop-network-production', {}, true],
    ['shop-network-dev', { Environment: 'prod' }, true],
    ['shop-network-dev', { Environment: 'Production' }, true],
    ['shop-network-dev', {}, false],
    ['shop-product-dev', {}, false],
    ['shop-network-staging', { Environment: 'staging' }, false],
  ])('%s with tags %j: %s', (name, tags, expected) => {
    expect(isProduction(name, tags)).toBe(expected);
  });
});

describe('deletionOrder', () => {
  test('without imports, the reverse of the order given', () => {
    expect(
      deletionOrder([
        { name: 'network', importedBy: [] },
        { name: 'service', importedBy: [] },
      ]),
    ).toEqual(['service', 'network']);
  });

  test('an importer goes before the stack it imports from, whatever the order given', () => {
    expect(
      deletionOrder([
        { name: 'service', importedBy: [] },
        { name: 'network', importedBy: ['service', 'monitoring'] },
        { name: 'monitoring', importedBy: [] },
      ]),
    ).toEqual(['monitoring', 'service', 'network']);
  });

  test('an importer that is not being destroyed is an error naming it', () => {
    expect(() => deletionOrder([{ name: 'network', importedBy: ['service'] }])).toThrow(
      'network has exports imported by service, which is not being destroyed; destroy service first or with it',
    );
  });

  test('a cycle is an error', () => {
    expect(() =>
      deletionOrder([
        { name: 'a', importedBy: ['b'] },
        { name: 'b', importedBy: ['a'] },
      ]),
    ).toThrow('stacks import from each other in a cycle: a, b');
  });

  test('batches splits into chunks of at most the size', () => {
    expect(batches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batches([], 1000)).toEqual([]);
  });
});

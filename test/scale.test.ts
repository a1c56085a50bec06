/**
 * A project of 100 services across dev, staging and prod: the configuration is valid and
 * every template renders and passes its checks (renderAll throws otherwise), rule CD001's
 * limit for a template passed in the request body among them.
 */
import { parseConfig } from '../generator/config/load';
import { TEMPLATES, renderAll } from '../generator/render';
import { syntheticConfig } from './helpers/config';

describe('100 services', () => {
  const config = parseConfig(JSON.stringify(syntheticConfig(100)), 'synthetic-100.json');
  const files = renderAll(config);
  const templates = files.filter((f) => !f.path.includes('/'));

  test('the synthetic configuration has 100 services and 3 environments', () => {
    expect(config.services).toHaveLength(100);
    expect(config.environments.map((e) => e.name)).toEqual(['dev', 'staging', 'prod']);
  });

  test('every registered template is rendered', () => {
    expect(templates.map((t) => t.path).sort()).toEqual(TEMPLATES.map((t) => t.file).sort());
  });
});

describe('the services cap', () => {
  // CodePipeline's default quota: 1000 pipelines per Region in an account, one per service
  // in the tools account (https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html).
  test('1,000 services are a valid configuration', () => {
    expect(parseConfig(JSON.stringify(syntheticConfig(1000)), 'synthetic-1000.json').services).toHaveLength(1000);
  });

  test('1,001 are refused, naming the field and the limit', () => {
    expect(() => parseConfig(JSON.stringify(syntheticConfig(1001)), 'synthetic-1001.json')).toThrow('services: has 1001 items; must have at most 1000');
  });
});

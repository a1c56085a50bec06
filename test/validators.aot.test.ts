/**
 * The validators compiled ahead of time (dist/validators/, written by the build): they
 * are the standalone code of the schemas as they are now, and they load and answer as the
 * schemas compiled at run time do.
 */
import Ajv from 'ajv';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { SCHEMA_DIR } from '../generator/core/paths';
import { TEMPLATE_AJV_OPTIONS } from '../generator/validate';
import { storedProviderTypes, validatorSources } from '../generator/validate/aot';
import { CONFIG_AJV_OPTIONS, codeCacheFile, compiledValidators, VALIDATOR_FILES, VALIDATORS_DIR } from '../generator/core/compiled-validators';
import { providerRegExp } from '../generator/validate/provider-schemas';
import { exampleRaw } from './helpers/config';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { freshness } = require('../scripts/build') as { freshness(): { fresh: boolean } };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SCRIPT_V8_FLAGS } = require('../scripts/v8-flags') as { SCRIPT_V8_FLAGS: string[] };

describe('the compiled validators', () => {
  test('dist/ was built from the sources and schemas as they are now', () => {
    expect(freshness().fresh).toBe(true);
  });

  test('are, byte for byte, what the schemas compile to now', () => {
    const sources = validatorSources();
    expect(Object.keys(sources).sort()).toEqual(Object.values(VALIDATOR_FILES).sort());
    for (const [file, code] of Object.entries(sources)) {
      expect({ file, fresh: fs.readFileSync(path.join(VALIDATORS_DIR, file), 'utf8') === code }).toEqual({ file, fresh: true });
    }
  });

  test('the provider validators load with their V8 code cache, and export every stored type', () => {
    // The cache the build warmed is the one for the scripts' V8 flags (scripts/v8-flags.js).
    const tag = Number(execFileSync(process.execPath, [...SCRIPT_V8_FLAGS, '-p', "require('node:v8').cachedDataVersionTag()"], { encoding: 'utf8' }));
    expect(tag).not.toBe(v8.cachedDataVersionTag());
    expect(fs.existsSync(codeCacheFile(path.join(VALIDATORS_DIR, VALIDATOR_FILES.providers), tag))).toBe(true);
    expect(Object.keys(compiledValidators('providers')).sort()).toEqual(storedProviderTypes());
  });

  test('the configuration validator answers as the schema compiled at run time, errors included', () => {
    const runtime = new Ajv(CONFIG_AJV_OPTIONS).compile(JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, 'config.schema.json'), 'utf8')));
    const compiled = compiledValidators('config').config;
    const good = exampleRaw() as Record<string, unknown>;
    const bad = { ...good, bogus: 1, project: 7 };
    for (const config of [good, bad]) {
      expect(compiled(config)).toBe(runtime(config));
      expect(JSON.stringify(compiled.errors ?? null)).toBe(JSON.stringify(runtime.errors ?? null));
    }
    expect(compiled(bad)).toBe(false);
  });

  test('the anatomy and policy validators answer as the schemas compiled at run time', () => {
    const ajv = new Ajv(TEMPLATE_AJV_OPTIONS);
    const read = (f: string) => JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, f), 'utf8')) as Record<string, unknown>;
    const anatomy = ajv.compile(read('template.schema.json'));
    const policy = ajv.compile(read('policy-rules.schema.json'));
    const compiled = compiledValidators('template');
    const broken = { AWSTemplateFormatVersion: '2010-09-09', Resources: { A: { Type: 'AWS::SNS::Topic', DeletionPolicy: 'Retain' } }, Bogus: 1 };
    const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'broken-template.json'), 'utf8')) as unknown;
    for (const template of [broken, fixture]) {
      expect(compiled.anatomy(template)).toBe(anatomy(template));
      expect(JSON.stringify(compiled.anatomy.errors ?? null)).toBe(JSON.stringify(anatomy.errors ?? null));
      expect(compiled.policy(template)).toBe(policy(template));
      expect(JSON.stringify(compiled.policy.errors ?? null)).toBe(JSON.stringify(policy.errors ?? null));
    }
    expect(compiled.anatomy(broken)).toBe(false);
  });

  test('the pattern engine written into the code is the one ajv uses at run time', () => {
    const written = eval(providerRegExp.code) as typeof providerRegExp;
    // Valid in Unicode mode; and an escaped `-` outside a class, valid only without it.
    for (const pattern of ['^[a-z]+$', '^arn:aws\\-[a-z]+$', '^([a-z])([A-Za-z0-9\\_]*)$']) {
      const a = providerRegExp(pattern, 'u');
      const b = written(pattern, 'u');
      expect([b.source, b.flags]).toEqual([a.source, a.flags]);
    }
    expect(written('^a\\-b$', 'u').flags).toBe('');
  });
});

/**
 * The in-memory checks every template passes before anything is written: the template
 * anatomy schema, the resource provider schemas, the project policy schema and the
 * project rules. `npm run generate` refuses to write when any of them finds a problem,
 * and the tests run the same checks.
 */
import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import * as path from 'node:path';
import { SCHEMA_DIR } from '../core/paths';
import { Template } from '../core/template';
import { RULES } from '../rules';
import { compiledValidators } from '../core/compiled-validators';
import { ProviderSchemas } from './provider-schemas';

export interface Finding {
  readonly check: string;
  readonly message: string;
}

/**
 * The options the anatomy and policy schemas are compiled with, ahead of time by the build
 * (generator/validate/aot.ts). The project's schemas are checked against draft-07 by the
 * tests, not at every start.
 */
export const TEMPLATE_AJV_OPTIONS: Options = { strict: false, allErrors: true, validateSchema: false };

function formatAjv(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(template)';
    const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : '';
    return `${where}: ${e.message ?? e.keyword}${extra}`;
  });
}

export class TemplateChecks {
  readonly anatomy: ValidateFunction;
  readonly policy: ValidateFunction;
  readonly providers: ProviderSchemas;

  constructor() {
    const compiled = compiledValidators('template');
    this.anatomy = compiled.anatomy;
    this.policy = compiled.policy;
    this.providers = new ProviderSchemas(path.join(SCHEMA_DIR, 'providers'));
  }

  /** Runs every check on one template; an empty list means it may be written. */
  check(template: Template, serialized: string): Finding[] {
    const findings: Finding[] = [];
    if (!this.anatomy(template)) {
      for (const m of formatAjv(this.anatomy.errors)) findings.push({ check: 'anatomy', message: m });
    }
    if (!this.policy(template)) {
      for (const m of formatAjv(this.policy.errors)) {
        if (m.endsWith('must match "then" schema')) continue;
        findings.push({ check: 'policy', message: m });
      }
    }
    for (const f of this.providers.validate(template)) {
      findings.push({ check: 'provider-schema', message: `Resources.${f.resource} (${f.type}) ${f.message}` });
    }
    for (const rule of RULES) {
      for (const m of rule.check(template, serialized)) findings.push({ check: rule.id, message: m });
    }
    return findings;
  }
}

let shared: TemplateChecks | undefined;
export function templateChecks(): TemplateChecks {
  shared ??= new TemplateChecks();
  return shared;
}

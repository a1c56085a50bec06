/**
 * Exports the CloudFormation resource provider schemas (us-east-1) of every resource
 * type the generator may emit from the installed cfn-lint into schemas/providers/,
 * regenerates from them the property types of generator/core/resource-properties.ts, and
 * writes from the registry the types schemas/policy-rules.schema.json requires the
 * standard tags on.
 *
 *   npm run schemas:refresh
 *
 * cfn-lint ships the provider schemas AWS publishes per region; it keeps them under
 * cfnlint/data/schemas, with one file per distinct schema and an index per region.
 *
 * generator/core/resource-properties.ts holds, per type, the property names
 * `TemplateBuilder.resource` accepts (scripts/lib/resource-properties.ts renders it);
 * scripts/lib/policy-rules.ts renders the policy rules' part that lists types.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../generator/core/paths';
import { RESOURCE_TYPES } from '../generator/core/resource-types';
import { toJson } from '../generator/core/serialize';
import { providerSchemaFile } from '../generator/validate/provider-schemas';
import { POLICY_RULES_FILE, writePolicyRules } from './lib/policy-rules';
import { RESOURCE_PROPERTIES_FILE, writeResourceProperties } from './lib/resource-properties';

const REGION = 'us_east_1';

function cfnLintSchemaDir(): string {
  const script = 'import cfnlint, os; print(os.path.join(os.path.dirname(cfnlint.__file__), "data", "schemas"))';
  try {
    return execFileSync('python3', ['-c', script], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('cfn-lint is not installed for python3: run `python3 -m pip install cfn-lint`');
  }
}

function main(): void {
  const dir = cfnLintSchemaDir();
  const index = fs.readFileSync(path.join(dir, 'providers', `${REGION}.py`), 'utf8');
  const hashes = new Map<string, string>();
  for (const m of index.matchAll(/"([A-Za-z0-9:]+)": "([0-9a-f]+)"/g)) hashes.set(m[1], m[2]);
  const version = execFileSync('python3', ['-c', 'import cfnlint.version as v; print(v.__version__)'], { encoding: 'utf8' }).trim();

  const outDir = path.join(PROJECT_ROOT, 'schemas', 'providers');
  fs.mkdirSync(outDir, { recursive: true });
  const wanted = new Set<string>();
  for (const type of Object.keys(RESOURCE_TYPES).sort()) {
    const hash = hashes.get(type);
    if (!hash) throw new Error(`cfn-lint ${version} has no ${REGION} schema for ${type}`);
    const schema = JSON.parse(fs.readFileSync(path.join(dir, 'resources', `${hash}.json`), 'utf8'));
    const file = providerSchemaFile(type);
    wanted.add(file);
    fs.writeFileSync(path.join(outDir, file), toJson(schema));
  }
  for (const file of fs.readdirSync(outDir)) {
    if (file.endsWith('.json') && !wanted.has(file)) fs.unlinkSync(path.join(outDir, file));
  }
  fs.writeFileSync(
    path.join(outDir, 'SOURCE.md'),
    `# Resource provider schemas\n\nExported from cfn-lint ${version} (region ${REGION.replace(/_/g, '-')}) by \`npm run schemas:refresh\`\nfor the ${wanted.size} resource types in generator/core/resource-types.ts. Do not edit by hand.\n`,
  );
  writeResourceProperties();
  process.stdout.write(`exported ${wanted.size} provider schemas from cfn-lint ${version}\n`);
  process.stdout.write(`wrote ${path.relative(PROJECT_ROOT, RESOURCE_PROPERTIES_FILE)}\n`);
  const policyRules = path.relative(PROJECT_ROOT, POLICY_RULES_FILE);
  process.stdout.write(writePolicyRules() ? `wrote ${policyRules}\n` : `${policyRules} is up to date\n`);
}

main();

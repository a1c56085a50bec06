/**
 * Checks a set of parameter values against a template's Parameters section, as
 * CloudFormation would when the stack is created: every parameter without a Default is
 * given, no unknown names, and each value meets its AllowedPattern, AllowedValues,
 * MinLength/MaxLength and MinValue/MaxValue.
 */
import { ParameterDef, Template } from '../core/template';

export function checkParameterValues(
  template: Template,
  values: Readonly<Record<string, string>>,
  /** Parameters the deployment passes as overrides: required, but not in the file. */
  suppliedAtDeploy: readonly string[] = [],
): string[] {
  const problems: string[] = [];
  const params = template.Parameters ?? {};
  for (const name of Object.keys(values)) {
    if (!(name in params)) problems.push(`${name}: the template has no such parameter`);
    if (suppliedAtDeploy.includes(name)) problems.push(`${name}: is supplied at deploy time and must not be in the file`);
  }
  for (const name of suppliedAtDeploy) {
    if (!(name in params)) problems.push(`${name}: is supplied at deploy time, but the template has no such parameter`);
  }
  for (const [name, def] of Object.entries(params)) {
    const value = values[name];
    if (value === undefined) {
      if (suppliedAtDeploy.includes(name)) continue;
      if (def.Default === undefined) problems.push(`${name}: is required (no default)`);
      continue;
    }
    problems.push(...checkOne(name, def, value));
  }
  return problems;
}

function checkOne(name: string, def: ParameterDef, value: string): string[] {
  const problems: string[] = [];
  const show = JSON.stringify(value);
  if (def.Type === 'Number') {
    const n = Number(value);
    if (value.trim() === '' || Number.isNaN(n)) return [`${name}: ${show} is not a number`];
    if (def.MinValue !== undefined && n < def.MinValue) problems.push(`${name}: ${show} is below MinValue ${def.MinValue}`);
    if (def.MaxValue !== undefined && n > def.MaxValue) problems.push(`${name}: ${show} is above MaxValue ${def.MaxValue}`);
    if (def.AllowedValues && !def.AllowedValues.includes(n)) problems.push(`${name}: ${show} is not one of ${def.AllowedValues.join(', ')}`);
    return problems;
  }
  const items = def.Type.startsWith('List<') || def.Type === 'CommaDelimitedList' ? value.split(',') : [value];
  for (const item of items) {
    if (def.AllowedPattern !== undefined && !new RegExp(`^(?:${def.AllowedPattern})$`).test(item)) {
      problems.push(`${name}: ${JSON.stringify(item)} does not match ${def.AllowedPattern}`);
    }
    if (def.AllowedValues && !(def.AllowedValues as readonly (string | number)[]).includes(item)) {
      problems.push(`${name}: ${JSON.stringify(item)} is not one of ${def.AllowedValues.join(', ')}`);
    }
  }
  if ('MinLength' in def && def.MinLength !== undefined && value.length < def.MinLength) {
    problems.push(`${name}: ${show} is shorter than MinLength ${def.MinLength}`);
  }
  if ('MaxLength' in def && def.MaxLength !== undefined && value.length > def.MaxLength) {
    problems.push(`${name}: ${show} is longer than MaxLength ${def.MaxLength}`);
  }
  return problems;
}

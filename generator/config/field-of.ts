/**
 * The configuration field a parameter value came from, so that a problem the second layer
 * finds in a parameter file (`parameters/network/dev.json: VpcCidr: ...`) names the field
 * a person edits (`environments[0].vpcCidr`).
 *
 * The parameter files are built from the resolved configuration, whose fields have the
 * names and places of the file's; the field is found by value, narrowed by the parameter's
 * name (VpcCidr -> vpcCidr, SourceBranch -> branch) and by the environment or service the
 * file is for. Undefined when no single field fits (a value the generator derives).
 */
import { ResolvedConfig } from './types';

interface Leaf {
  readonly path: string;
  readonly key: string;
  readonly value: string;
}

function leaves(value: unknown, path: string, key: string, out: Leaf[]): Leaf[] {
  if (Array.isArray(value)) value.forEach((v, i) => leaves(v, `${path}[${i}]`, key, out));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, k, out);
  } else if (value !== undefined) out.push({ path, key, value: String(value) });
  return out;
}

export function configFieldOf(config: ResolvedConfig, parameter: string, value: string, file: string): string | undefined {
  const name = parameter.toLowerCase();
  let found = leaves(config, '', '', []).filter((l) => l.value === value && l.key && name.includes(l.key.toLowerCase()));
  if (found.length > 1) {
    // The environment or service the file is for: parameters/<template>/[<service>/]<environment>.json.
    const parts = file
      .replace(/\.json$/, '')
      .split('/')
      .slice(2);
    const index = (list: ReadonlyArray<{ name: string }>, prefix: string) => list.flatMap((x, i) => (parts.includes(x.name) ? [`${prefix}[${i}]`] : []));
    const scopes = [...index(config.environments, 'environments'), ...index(config.services, 'services')];
    const narrowed = found.filter((l) => scopes.some((s) => l.path.startsWith(`${s}.`)));
    if (narrowed.length) found = narrowed;
  }
  return found.length === 1 ? found[0].path : undefined;
}

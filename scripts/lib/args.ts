/**
 * Command-line parsing shared by the scripts: pure, no I/O. Each script declares its
 * flags once; the same declaration prints the usage text. Declared `as const satisfies
 * CommandSpec`, it types the parsed arguments: a flag is read by a name it declares.
 */

export class UsageError extends Error {}

export type FlagKind = 'string' | 'boolean' | 'list';

export interface FlagSpec {
  readonly name: string;
  readonly kind: FlagKind;
  readonly description: string;
  /** Shown in the usage text, e.g. FILE. */
  readonly valueName?: string;
}

export interface CommandSpec {
  readonly command: string;
  /** e.g. `TEMPLATE` or `STACK...`. */
  readonly positional: { readonly name: string; readonly min: number; readonly max: number };
  readonly flags: readonly FlagSpec[];
}

/** The names of the flags of one kind that `flags` declares. */
type FlagNames<F extends readonly FlagSpec[], K extends FlagKind> = F[number] extends infer E
  ? E extends { readonly kind: K; readonly name: infer N extends string }
    ? N
    : never
  : never;

export type StringFlagOf<S extends { readonly flags: readonly FlagSpec[] }> = FlagNames<S['flags'], 'string'>;
export type BooleanFlagOf<S extends { readonly flags: readonly FlagSpec[] }> = FlagNames<S['flags'], 'boolean'>;
export type ListFlagOf<S extends { readonly flags: readonly FlagSpec[] }> = FlagNames<S['flags'], 'list'>;

/** The values of string flags by name; a flag not given has no value. */
export type StringFlags<N extends string> = { readonly [K in N]: string | undefined };
/** The values of list flags by name; a flag not given has no value. */
export type ListFlags<N extends string> = { readonly [K in N]: string[] | undefined };
/** The boolean flags given. A function property, so that it takes only the names declared. */
export interface BooleanFlags<N extends string> {
  readonly has: (name: N) => boolean;
}

/**
 * Arguments with these string, boolean and list flag names. Typed by the names rather than
 * by the spec, so that the compiler compares two of them by their names: one with more
 * flags is also one with fewer, never the other way.
 */
export interface FlagArgs<Str extends string, Bool extends string, List extends string> {
  readonly positionals: string[];
  readonly strings: StringFlags<Str>;
  readonly booleans: BooleanFlags<Bool>;
  readonly lists: ListFlags<List>;
  readonly help: boolean;
}

/**
 * The arguments as `S` declares them: reading a flag `S` does not declare fails to compile.
 * They are also the ParsedArgs of any spec whose flags are among S's (see ArgsWith).
 */
export type ParsedArgs<S extends { readonly flags: readonly FlagSpec[] }> = FlagArgs<StringFlagOf<S>, BooleanFlagOf<S>, ListFlagOf<S>>;

/** The arguments of any command that declares (at least) these flags: what a shared reader takes. */
export type ArgsWith<F extends readonly FlagSpec[]> = ParsedArgs<{ readonly flags: F }>;

/** Flags every AWS-calling script takes. */
export const AWS_FLAGS = [
  { name: 'region', kind: 'string', valueName: 'REGION', description: "AWS region (default: AWS_REGION or the profile's region)" },
  { name: 'profile', kind: 'string', valueName: 'NAME', description: 'named profile from ~/.aws/config' },
  { name: 'endpoint-url', kind: 'string', valueName: 'URL', description: 'send AWS calls to this endpoint (a local emulator)' },
  { name: 'allow-account-mismatch', kind: 'boolean', description: 'go on (with a warning) when the credentials are not of the account the configuration gives the environment' },
] as const satisfies readonly FlagSpec[];

export const TEMPLATES_DIR_FLAG = {
  name: 'templates-dir',
  kind: 'string',
  valueName: 'DIR',
  description: 'directory the templates are read from (default: templates/)',
} as const satisfies FlagSpec;

export function parseArgs<const S extends CommandSpec>(spec: S, argv: readonly string[]): ParsedArgs<S> {
  const byName = new Map(spec.flags.map((f) => [f.name, f]));
  const positionals: string[] = [];
  const strings: Record<string, string> = {};
  const booleans = new Set<string>();
  const lists: Record<string, string[]> = {};
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const flag = byName.get(name);
    if (!flag) throw new UsageError(`unknown flag --${name}`);
    if (flag.kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      booleans.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value (${flag.valueName ?? 'VALUE'})`);
      i++;
    }
    if (value === '') throw new UsageError(`--${name} needs a non-empty value (${flag.valueName ?? 'VALUE'})`);
    if (flag.kind === 'list')
      (lists[name] ??= []).push(
        ...value
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v !== ''),
      );
    else if (name in strings) throw new UsageError(`--${name} is given twice`);
    else strings[name] = value;
  }
  if (!help) {
    const { name, min, max } = spec.positional;
    if (positionals.length < min) throw new UsageError(`missing ${name}`);
    if (positionals.length > max) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[max])}`);
  }
  return { positionals, strings, booleans, lists, help } as ParsedArgs<S>;
}

/** An integer flag within [min, max], or undefined when absent. */
export function intFlag<N extends string>(args: { readonly strings: StringFlags<NoInfer<N>> }, name: N, min: number, max: number): number | undefined {
  const raw = args.strings[name];
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new UsageError(`--${name} ${JSON.stringify(raw)} must be a whole number from ${min} to ${max}`);
  }
  return Number(raw);
}

/** A flag restricted to a few values, or undefined when absent. */
export function choiceFlag<N extends string, T extends string>(args: { readonly strings: StringFlags<NoInfer<N>> }, name: N, allowed: readonly T[]): T | undefined {
  const raw = args.strings[name];
  if (raw === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new UsageError(`--${name} ${JSON.stringify(raw)} must be one of ${allowed.join(', ')}`);
  }
  return raw as T;
}

/** `K=V` pairs (from `--tags A=1,B=2` or repeated flags) as a record. */
export function keyValuePairs(flag: string, items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${flag} ${JSON.stringify(item)} must be KEY=VALUE`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

export function usage(spec: CommandSpec): string {
  const width = Math.max(...spec.flags.map((f) => flagLabel(f).length), 10);
  const lines = [`usage: npm run ${spec.command} -- ${spec.positional.name ? `${spec.positional.name} ` : ''}[flags]`, '', 'flags:'];
  for (const f of spec.flags) lines.push(`  ${flagLabel(f).padEnd(width)}  ${f.description}`);
  lines.push(`  ${'--help'.padEnd(width)}  show this text`);
  return lines.join('\n');
}

function flagLabel(f: FlagSpec): string {
  return f.kind === 'boolean' ? `--${f.name}` : `--${f.name} ${f.valueName ?? 'VALUE'}`;
}

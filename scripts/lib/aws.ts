/**
 * AWS client settings from the common flags (with connection and request timeouts), the
 * profile check, and AWS errors turned into one clear line that names the endpoint.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ArgsWith, AWS_FLAGS, UsageError } from './args';

export interface AwsOptions {
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
}

export function awsOptions(args: ArgsWith<typeof AWS_FLAGS>): AwsOptions {
  const endpoint = args.strings['endpoint-url'];
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
    throw new UsageError(`--endpoint-url ${JSON.stringify(endpoint)} must be an http(s) URL`);
  }
  const region = args.strings.region;
  if (region !== undefined && !/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(region)) {
    throw new UsageError(`--region ${JSON.stringify(region)} is not a region code such as eu-west-1`);
  }
  return { region, profile: args.strings.profile, endpoint };
}

/** Seconds from the environment (tests shorten them), else the default. */
function seconds(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n * 1000 : fallback;
}

/**
 * Connection and request timeouts of every client: an endpoint that takes the connection
 * and never answers fails after `requestTimeout` instead of hanging.
 */
export function timeouts(env: Readonly<Record<string, string | undefined>> = process.env): { connectionTimeout: number; requestTimeout: number } {
  return { connectionTimeout: seconds(env.CDT_CONNECT_TIMEOUT_SECONDS, 10_000), requestTimeout: seconds(env.CDT_REQUEST_TIMEOUT_SECONDS, 60_000) };
}

/** Constructor settings shared by every client. */
export function clientConfig(o: AwsOptions): {
  region?: string;
  profile?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  maxAttempts: number;
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: boolean };
} {
  return {
    ...(o.region ? { region: o.region } : {}),
    ...(o.profile ? { profile: o.profile } : {}),
    ...(o.endpoint ? { endpoint: o.endpoint, forcePathStyle: true } : {}),
    maxAttempts: o.endpoint ? 2 : 5,
    requestHandler: { ...timeouts(), throwOnRequestTimeout: true },
  };
}

interface Stackable {
  middlewareStack: { add(mw: unknown, options: { step: 'build'; name: string }): void };
}

/**
 * A client of `Ctor` with the common settings; an error from any of its calls carries
 * the endpoint it was sent to (`$endpoint`), so the message can name it.
 */
export function awsClient<C extends Stackable>(Ctor: new (config: ReturnType<typeof clientConfig>) => C, o: AwsOptions): C {
  const client = new Ctor(clientConfig(o));
  type Args = { request?: { protocol?: string; hostname?: string; port?: number } };
  client.middlewareStack.add(
    (next: (a: Args) => Promise<unknown>) => async (args: Args) => {
      try {
        return await next(args);
      } catch (e) {
        const r = args.request;
        if (e && typeof e === 'object' && r?.hostname && !('$endpoint' in e)) {
          Object.defineProperty(e, '$endpoint', { value: `${r.protocol ?? 'https:'}//${r.hostname}${r.port ? `:${r.port}` : ''}`, enumerable: false });
        }
        throw e;
      }
    },
    { step: 'build', name: 'endpointInErrors' },
  );
  return client;
}

/** The shared config and credentials files the SDK reads. */
export function awsFiles(env: Readonly<Record<string, string | undefined>> = process.env): { config: string; credentials: string } {
  const home = os.homedir();
  return {
    config: env.AWS_CONFIG_FILE ?? path.join(home, '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, '.aws', 'credentials'),
  };
}

/** Profile names declared in a config (`[profile x]`, `[default]`) or credentials (`[x]`) file. */
export function profilesIn(text: string, kind: 'config' | 'credentials'): string[] {
  const names: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*\[\s*([^\]]+?)\s*\]\s*$/.exec(line);
    if (!m) continue;
    const section = m[1];
    if (kind === 'credentials') names.push(section);
    else if (section === 'default') names.push('default');
    else if (/^profile\s+/.test(section)) names.push(section.replace(/^profile\s+/, ''));
  }
  return names;
}

/**
 * Refuses a profile (from --profile or AWS_PROFILE) that neither file declares: the SDK
 * would only say "Could not load credentials from any providers".
 */
export function checkProfile(o: AwsOptions, env: Readonly<Record<string, string | undefined>> = process.env): void {
  const profile = o.profile ?? env.AWS_PROFILE;
  if (!profile) return;
  const files = awsFiles(env);
  const known = new Set<string>();
  for (const [kind, file] of [
    ['config', files.config],
    ['credentials', files.credentials],
  ] as const) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const name of profilesIn(text, kind)) known.add(name);
  }
  if (!known.has(profile)) {
    const from = o.profile ? '--profile' : 'AWS_PROFILE';
    throw new UsageError(
      `profile ${JSON.stringify(profile)} (${from}) is not in ${files.config} or ${files.credentials}; profiles there: ${[...known].sort().join(', ') || '(none)'}`,
    );
  }
}

/** One line for an error from the SDK: missing credentials and region say how to fix them. */
export function describeAwsError(e: unknown): string {
  const err = e as { name?: string; message?: string; code?: string; cause?: { code?: string }; $endpoint?: string; $metadata?: { httpStatusCode?: number } };
  const message = err.message ?? String(e);
  const endpoint = err.$endpoint ?? 'the AWS endpoint';
  const status = err.$metadata?.httpStatusCode;
  if (err.name === 'TimeoutError' || /requestTimeout|Connection timed out|ETIMEDOUT/.test(message)) {
    const t = timeouts();
    return `${endpoint} did not answer in time (connection timeout ${t.connectionTimeout / 1000} s, request timeout ${t.requestTimeout / 1000} s); check --endpoint-url, the network and any proxy`;
  }
  if (status !== undefined && (err.name === 'Unknown' || message === 'Unknown' || /XML parse error|Deserialization error|Unexpected token|not valid JSON/i.test(message))) {
    return `${endpoint} answered HTTP ${status} with something that is not an AWS API response; check --endpoint-url (is it the CloudFormation endpoint?)`;
  }
  if (err.name === 'CredentialsProviderError' || /Could not load credentials from any providers/i.test(message)) {
    return `no AWS credentials: pass --profile, set AWS_PROFILE, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (${message})`;
  }
  if (/Region is missing/i.test(message)) return 'no AWS region: pass --region or set AWS_REGION';
  const code = err.code ?? err.cause?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || /ECONNREFUSED|ENOTFOUND/.test(message)) {
    return `cannot reach ${endpoint}: ${message}`;
  }
  const text = err.name && err.name !== 'Error' ? `${err.name}: ${message}` : message;
  return status !== undefined && status >= 500 ? `${text} (HTTP ${status} from ${endpoint})` : text;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How often the scripts poll CloudFormation; `CDT_POLL_SECONDS` shortens it against an emulator. */
export function pollIntervalMs(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const s = Number(env.CDT_POLL_SECONDS);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 5000;
}

/**
 * Calls `check` until it returns a value (not undefined), first at once, then every
 * interval; gives up after `timeoutMs` with `what` in the message.
 */
export async function pollUntil<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = pollIntervalMs()): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 60000)} min waiting for ${what}`);
    await sleep(intervalMs);
  }
}

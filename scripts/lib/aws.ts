/**
 * AWS client settings from the common flags, and AWS errors turned into one clear line.
 */
import { ParsedArgs, UsageError } from './args';

export interface AwsOptions {
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
}

export function awsOptions(args: ParsedArgs): AwsOptions {
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

/** Constructor settings shared by every client. */
export function clientConfig(o: AwsOptions): { region?: string; profile?: string; endpoint?: string; forcePathStyle?: boolean; maxAttempts: number } {
  return {
    ...(o.region ? { region: o.region } : {}),
    ...(o.profile ? { profile: o.profile } : {}),
    ...(o.endpoint ? { endpoint: o.endpoint, forcePathStyle: true } : {}),
    maxAttempts: o.endpoint ? 2 : 5,
  };
}

/** One line for an error from the SDK: missing credentials and region say how to fix them. */
export function describeAwsError(e: unknown): string {
  const err = e as { name?: string; message?: string; code?: string; cause?: { code?: string } };
  const message = err.message ?? String(e);
  if (err.name === 'CredentialsProviderError' || /Could not load credentials from any providers/i.test(message)) {
    return `no AWS credentials: pass --profile, set AWS_PROFILE, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (${message})`;
  }
  if (/Region is missing/i.test(message)) return 'no AWS region: pass --region or set AWS_REGION';
  const code = err.code ?? err.cause?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || /ECONNREFUSED|ENOTFOUND/.test(message)) {
    return `cannot reach the AWS endpoint: ${message}`;
  }
  return err.name && err.name !== 'Error' ? `${err.name}: ${message}` : message;
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

/**
 * A moto_server of its own for one integration test file: a free loopback port, dummy
 * credentials, a bounded start, and a stop that waits for the process to exit.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as http from 'node:http';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Moto {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Dummy credentials and region for the SDK; moto maps this key to account 123456789012. */
export const MOTO_ENV = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_SESSION_TOKEN: 'testing',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  CDT_POLL_SECONDS: '0.2',
} as const;

export const MOTO_DEFAULT_ACCOUNT = '123456789012';

export function motoAvailable(): boolean {
  return spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' }).status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function ping(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/moto-api/`, (res) => {
      res.resume();
      resolve(res.statusCode !== undefined && res.statusCode < 500);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => {
      req.destroy();
      resolve(false);
    });
  });
}

/**
 * Sets the SDK's environment to the dummy credentials (restored by `stop`). The start is
 * bounded at 45 s: moto imports for several seconds of CPU, and jest runs the integration
 * files in parallel, one per core, on machines that may be busy with other work.
 */
export async function startMoto(timeoutMs = 45_000): Promise<Moto> {
  if (!motoAvailable()) throw new Error('moto_server is not on PATH: install moto[server] (python3 -m pip install "moto[server]")');
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(MOTO_ENV)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  delete process.env.AWS_PROFILE;
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + timeoutMs;
  while (!(await ping(endpoint))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not start on port ${port}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    endpoint,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}

/**
 * One named profile per account, as a platform engineer has them: in each account an
 * IAM user with an access key (moto maps the key to its account), written to a config
 * and a credentials file in `dir`. Returns the environment that points the SDK at them.
 */
export async function motoProfiles(
  endpoint: string,
  dir: string,
  accounts: Readonly<Record<string, string>>,
): Promise<{ AWS_CONFIG_FILE: string; AWS_SHARED_CREDENTIALS_FILE: string }> {
  const { CreateAccessKeyCommand, CreateUserCommand } = await import('@aws-sdk/client-iam');
  const { iamClient } = await import('./aws');
  const config: string[] = [];
  const credentials: string[] = [];
  for (const [name, account] of Object.entries(accounts)) {
    const iam = iamClient(endpoint, account);
    try {
      await iam.send(new CreateUserCommand({ UserName: `rehearsal-${name}` }));
      const key = (await iam.send(new CreateAccessKeyCommand({ UserName: `rehearsal-${name}` }))).AccessKey!;
      config.push(`[profile ${name}]`, 'region = us-east-1', '');
      credentials.push(`[${name}]`, `aws_access_key_id = ${key.AccessKeyId}`, `aws_secret_access_key = ${key.SecretAccessKey}`, '');
    } finally {
      iam.destroy();
    }
  }
  const files = { AWS_CONFIG_FILE: path.join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials') };
  fs.writeFileSync(files.AWS_CONFIG_FILE, config.join('\n'));
  fs.writeFileSync(files.AWS_SHARED_CREDENTIALS_FILE, credentials.join('\n'), { mode: 0o600 });
  return files;
}

/**
 * The set-up of an integration test file that runs the scripts as an operator would: its
 * own moto_server and one profile per account of `accounts` (motoProfiles), started
 * before the file's tests and stopped, with the AWS file variables restored, after them.
 * Read `endpoint` inside tests, once the server is up.
 */
export function motoWithProfiles(prefix: string, accounts: Readonly<Record<string, string>>): { readonly endpoint: string } {
  let moto: Moto | undefined;
  let tmp: string | undefined;
  const saved = { AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE: process.env.AWS_SHARED_CREDENTIALS_FILE };
  beforeAll(async () => {
    moto = await startMoto();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    Object.assign(process.env, await motoProfiles(moto.endpoint, tmp, accounts));
  });
  afterAll(async () => {
    await moto?.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });
  return {
    get endpoint(): string {
      if (!moto) throw new Error('moto_server is not started yet: read endpoint inside a test');
      return moto.endpoint;
    },
  };
}

/**
 * Ctrl-C during a wait, in a real process: the script stops with exit 130 and names
 * what keeps running in AWS and how to watch it. On Node 20 the SDK's version warning
 * is one line.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

test('SIGINT during a wait: exit 130, with what keeps running', async () => {
  const child = spawn(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', path.join('test', 'fixtures', 'interrupt-child.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killer = setTimeout(() => child.kill('SIGKILL'), 50_000);
  try {
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('waiting')) resolve();
      }),
    );
    child.kill('SIGINT');
    expect(await exited).toBe(130);
  } finally {
    clearTimeout(killer);
    child.kill('SIGKILL');
  }
  const lines = err.split('\n').filter((l) => l !== '');
  expect(lines.slice(-3)).toEqual([
    'interrupted; this keeps running in AWS:',
    '  stack shop-network-dev: change set deploy-1 is being executed',
    '  watch it: aws cloudformation describe-stack-events --stack-name shop-network-dev',
  ]);
  // The one-line note replaces the SDK's warning on Node 20 only; from Node 22 on, warnings pass through unchanged.
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    expect(lines[0]).toBe(`note: Node ${process.version} is past end of life; the AWS SDK will require Node 22 or later: use Node 22 or 24`);
    expect(err).not.toContain('versions published after');
  } else {
    expect(err).toContain('versions published after');
  }
}, 60_000);

/**
 * The build spec sandbox of test/helpers/sandbox.ts: the commands run as CodeBuild runs
 * a phase, the stand-ins behave as scripts would, and the cases do not see each other.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runSandboxes, sandboxTable } from './helpers/sandbox';

describe('runSandboxes', () => {
  const results = runSandboxes(
    ['echo "$GREETING" > out.txt', 'probe one two; echo "probe said $?" >> out.txt', 'false', 'echo never > after.txt'],
    [
      { name: 'a', env: { GREETING: 'hello a' }, setup: (box) => box.tool('probe', ['echo "args $*" >> out.txt', 'exit 3']) },
      { name: 'b', env: { GREETING: "it's b" }, setup: (box) => box.tool('probe', ['exit 0']) },
    ],
    ['out.txt', 'after.txt'],
  );

  test('each case runs the commands in its own directory, with its own environment and stand-ins', () => {
    expect(results.a.files['out.txt']).toBe('hello a\nargs one two\nprobe said 3\n');
    expect(results.b.files['out.txt']).toBe("it's b\nprobe said 0\n");
  });

  test('a stand-in that exits ends only itself; the first failing command ends the phase with its status', () => {
    expect(results.a.status).toBe(1);
    expect(results.a.files['after.txt']).toBe('');
  });

  test('nothing but PATH and the case environment is inherited, and no shell start-up file is read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-rc-'));
    const rc = path.join(dir, 'rc.sh');
    fs.writeFileSync(rc, 'echo "start-up file read"\n');
    process.env.SANDBOX_LEAK = 'leaked';
    process.env.BASH_ENV = rc;
    try {
      const r = runSandboxes(['echo "[${SANDBOX_LEAK:-}] [${HOME:-}]"'], [{ name: 'x', env: {} }]).x;
      expect(r.stdout).toBe('[] []\n');
      expect(r.stderr).toBe('');
    } finally {
      delete process.env.SANDBOX_LEAK;
      delete process.env.BASH_ENV;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a stand-in is also a script on the PATH, for programs that run it themselves', () => {
    const r = runSandboxes(['env probe'], [{ name: 'x', env: {}, setup: (box) => box.tool('probe', ['echo from the script']) }]).x;
    expect(r.stdout).toBe('from the script\n');
  });
});

test('sandboxTable runs the cases added so far together, and a later one in a batch of its own', () => {
  const table = sandboxTable(['echo "$N" > n.txt'], ['n.txt']);
  const one = table.add({ name: 'one', env: { N: '1' } });
  const two = table.add({ name: 'two', env: { N: '2' } });
  expect(table.result(one).files['n.txt']).toBe('1\n');
  expect(table.result(two).files['n.txt']).toBe('2\n');
  expect(table.result(table.add({ name: 'three', env: { N: '3' } })).files['n.txt']).toBe('3\n');
  expect(() => table.result('four')).toThrow('no sandbox case "four"');
});

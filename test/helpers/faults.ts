/** File-system faults for the writer's tests: the real operations, an injected error, and the error a call throws. */
import * as fs from 'node:fs';
import { SwapOps } from '../../scripts/lib/write-tree';

export const REAL_OPS: SwapOps = { renameSync: fs.renameSync, rmSync: fs.rmSync, writeFileSync: (f, d) => fs.writeFileSync(f, d) };

/** An error as the file system gives it, with its code and path. */
export function errno(code: string, p: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected`), { code, path: p });
}

/** The error `f` throws; fails the test when it throws none. */
export function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

/** An entry's own stat (a link's, not its target's) without throwing for what is not there. */
import * as fs from 'node:fs';

/** The entry at `p`, or undefined when there is none (also below something that is not a directory). */
export function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

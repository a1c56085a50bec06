/**
 * Reads a small text file a person gave on the command line (a configuration, a parameter
 * file), refusing at once what would hang or exhaust memory, and naming the encoding when
 * it is not UTF-8:
 *
 * - only a regular file (or a link to one): a FIFO would wait for a writer forever, and
 *   /dev/zero or /dev/urandom never end. The file is opened without blocking and checked
 *   with fstat before one byte is read;
 * - at most `maxBytes`, checked on the size and again while reading (a file in /proc says
 *   it is empty and is not);
 * - UTF-8, with or without a byte order mark; UTF-16 (with a byte order mark or NUL bytes
 *   between ASCII characters) and invalid UTF-8 are refused with what to do about it.
 *
 * Every refusal is a ReadFileError whose `reason` completes a sentence about the file.
 */
import * as fs from 'node:fs';

/** A configuration of 1,000 services is about 250 KB; 4 MiB leaves room and bounds memory. */
export const CONFIG_MAX_BYTES = 4 * 1024 * 1024;
/**
 * A CloudFormation parameter file: at most 200 parameters of at most 4,096 bytes each
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html),
 * plus 50 tags; 1 MiB is above any valid one.
 */
export const PARAMETER_FILE_MAX_BYTES = 1024 * 1024;

export class ReadFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

const OPEN_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file (a part of the path is not a directory)',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many symbolic links (a link loop)',
  ENAMETOOLONG: 'the path is too long',
  EISDIR: 'is a directory; expected a regular file',
};

function sizeText(bytes: number): string {
  const mib = bytes / 1024 / 1024;
  return Number.isInteger(mib) ? `${bytes} bytes (${mib} MiB)` : `${bytes} bytes`;
}

/** The text of `file`, decoded as UTF-8 without a byte order mark. Throws ReadFileError. */
export function readTextFile(file: string, maxBytes: number): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a writer.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new ReadFileError(file, `cannot read the file: ${OPEN_ERRORS[code] ?? code ?? (e as Error).message}`);
  }
  let bytes: Buffer;
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new ReadFileError(file, `is ${kindOf(stat)}; expected a regular file`);
    const limit = `the limit is ${sizeText(maxBytes)}`;
    if (stat.size > maxBytes) throw new ReadFileError(file, `is ${sizeText(stat.size)}; ${limit}`);
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.allocUnsafe(Math.min(maxBytes + 1, 1024 * 1024));
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        throw new ReadFileError(file, `cannot read the file: ${OPEN_ERRORS[code] ?? code}`);
      }
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw new ReadFileError(file, `is more than ${sizeText(maxBytes)}; ${limit}`);
      chunks.push(Buffer.from(chunk.subarray(0, n)));
    }
    bytes = Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
  return decodeUtf8(file, bytes);
}

/** UTF-8 text from bytes, or a ReadFileError that names the encoding found. */
export function decodeUtf8(file: string, bytes: Buffer): string {
  const resave = 'save it as UTF-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) throw new ReadFileError(file, `is UTF-16 (little-endian, with a byte order mark); ${resave}`);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) throw new ReadFileError(file, `is UTF-16 (big-endian, with a byte order mark); ${resave}`);
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    // ASCII text in UTF-16 has a NUL beside every character.
    const utf16 = bytes.length >= 2 && (bytes[0] === 0 || bytes[1] === 0);
    if (utf16) throw new ReadFileError(file, `is UTF-16 (${bytes[0] === 0 ? 'big' : 'little'}-endian, without a byte order mark); ${resave}`);
    throw new ReadFileError(file, `holds a NUL byte at offset ${nul}; expected UTF-8 text`);
  }
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start));
  } catch {
    throw new ReadFileError(file, `is not valid UTF-8; ${resave}`);
  }
}

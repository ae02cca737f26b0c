import { readFileSync, statSync } from 'node:fs';
import { UsageError } from '../core/errors.ts';

/** A profile, a CA bundle, a key or an expectations file is small; anything bigger is a mistake (or an attack). */
export const MAX_INPUT_BYTES = 1024 * 1024;

/**
 * Reads a small input file named by `field`. It must be a regular file (a FIFO or a device would block the run
 * forever before any timeout applies) of at most `maxBytes`. Every problem is one UsageError line.
 */
export function readInputFile(
  file: string,
  field: string,
  maxBytes = MAX_INPUT_BYTES,
  encoding: BufferEncoding = 'utf8',
): string {
  return readInputBytes(file, field, maxBytes).toString(encoding);
}

export function readInputBytes(file: string, field: string, maxBytes = MAX_INPUT_BYTES): Buffer {
  // "profile p.yaml: is a directory", "tls.caFile: ca.pem is a directory": the file is named once.
  const name = field.endsWith(file) ? '' : `${file} `;
  const fail = (what: string) => new UsageError(`${field}: ${name}${what}`);
  const unreadable = (err: unknown) =>
    new UsageError(`${field}: cannot read${name ? ` ${file}` : ''}: ${reason(err)}`);
  let st;
  try {
    st = statSync(file);
  } catch (err) {
    throw unreadable(err);
  }
  if (st.isDirectory()) throw fail('is a directory, not a file');
  if (!st.isFile()) throw fail('is not a regular file (a pipe or a device?)');
  if (st.size > maxBytes)
    throw fail(`is ${size(st.size)}: more than the ${size(maxBytes)} an input file may have`);
  try {
    return readFileSync(file);
  } catch (err) {
    throw unreadable(err);
  }
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  return code ?? (err as Error).message;
}

function size(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

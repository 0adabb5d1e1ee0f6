import { openSync, readSync, closeSync, fstatSync } from 'node:fs';

export type ReadResult =
  | { ok: true; text: string }
  | { ok: false; code: 'limits/file-size' | 'io/binary' | 'io/encoding' | 'io/unreadable'; message: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a workspace file as UTF-8 text, refusing before reading it whole when it is over the size
 * limit, and refusing binary content (a NUL byte) and invalid UTF-8 rather than parsing garbage.
 */
export function readWorkspaceFile(path: string, maxBytes: number): ReadResult {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    if (size > maxBytes) return { ok: false, code: 'limits/file-size', message: `${size} bytes, over the limit of ${maxBytes} (maxFileSize); not analysed` };
    const buffer = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    const bytes = buffer.subarray(0, read);
    if (bytes.includes(0)) return { ok: false, code: 'io/binary', message: 'binary content (NUL bytes); not analysed' };
    try {
      return { ok: true, text: utf8.decode(bytes) };
    } catch {
      return { ok: false, code: 'io/encoding', message: 'not valid UTF-8; not analysed' };
    }
  } catch (error) {
    return { ok: false, code: 'io/unreadable', message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

// The one way a workspace path is read (CLI, `test`, language server, config): the repository is
// not trusted, so a path must resolve inside the workspace roots, must be a regular file (a FIFO
// would block the reader forever, /dev/zero would never end), and is bounded before it is read.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, sep } from 'node:path';

export type ReadProblemCode = 'limits/file-size' | 'io/binary' | 'io/encoding' | 'io/unreadable' | 'io/not-regular' | 'io/outside-workspace';

export type ReadResult = { ok: true; text: string } | { ok: false; code: ReadProblemCode; message: string };

export interface SafeReadOptions {
  /**
   * Real paths (symlinks resolved, see `workspaceRoots`) of the folders reads are confined to.
   * A path whose real path is outside all of them is refused; an empty list confines nothing.
   */
  roots: readonly string[];
  /** Bytes; a larger file is refused without reading it. */
  maxBytes: number;
  /**
   * The path's real path when the caller resolved it moments ago (discovery does, once per folder):
   * resolving it per file again is a tenth of a command-line run over a large repository. It is
   * still held to `roots`, and a symlink swapped in since is refused at open (O_NOFOLLOW).
   */
  realPath?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

// O_NONBLOCK: opening a FIFO that has no writer returns at once instead of waiting for one (the
// file type is refused right after). O_NOFOLLOW: the real path was resolved just before, so a
// symlink in its place now is a swap between the two calls and is refused.
export const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0) | (constants.O_NOCTTY ?? 0);

/** Real paths of the given folders, for `SafeReadOptions.roots` (a path that does not resolve is kept as given). */
export function workspaceRoots(folders: readonly string[]): string[] {
  return folders.map((folder) => {
    try {
      return realpathSync(folder);
    } catch {
      return folder;
    }
  });
}

/**
 * The roots reads are confined to for a run over these paths (the command line's arguments): a
 * folder is a root; a file given by name confines to the folder it is named in, so a link named on
 * the command line is held to the same rule as one found in a folder.
 */
export function confinementRoots(paths: readonly string[]): string[] {
  return workspaceRoots(paths.map((path) => (statSync(path, { throwIfNoEntry: false })?.isDirectory() ? path : dirname(path))));
}

/** Whether `target` is `root` or lies below it (both real, absolute paths). */
export function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

/**
 * Reads a workspace file as UTF-8 text. Never throws and never blocks on a special file: every
 * refusal comes back as a code (the finding's code) and a one-line message without the content.
 */
export function readWorkspacePath(path: string, options: SafeReadOptions): ReadResult {
  let real: string;
  try {
    real = options.realPath ?? realpathSync(path);
  } catch (error) {
    return unreadable(error);
  }
  if (options.roots.length > 0 && !options.roots.some((root) => isInside(root, real))) {
    return { ok: false, code: 'io/outside-workspace', message: 'resolves (through a symbolic link) outside the workspace; not read' };
  }
  let fd: number | undefined;
  try {
    fd = openSync(real, OPEN_FLAGS);
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { ok: false, code: 'io/not-regular', message: `not a regular file (${kindOf(stat)}); not read` };
    if (stat.size > options.maxBytes) return { ok: false, code: 'limits/file-size', message: `${stat.size} bytes, over the limit of ${options.maxBytes} (maxFileSize); not analysed` };
    // One byte more than allowed: a file that grows while it is read is still caught by the bound.
    const buffer = Buffer.alloc(Math.min(stat.size, options.maxBytes) + 1);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, read);
      if (n === 0) break;
      read += n;
    }
    if (read > options.maxBytes) return { ok: false, code: 'limits/file-size', message: `over the limit of ${options.maxBytes} bytes (maxFileSize); not analysed` };
    const bytes = buffer.subarray(0, read);
    if (bytes.includes(0)) return { ok: false, code: 'io/binary', message: 'binary content (NUL bytes); not analysed' };
    try {
      return { ok: true, text: utf8.decode(bytes) };
    } catch {
      return { ok: false, code: 'io/encoding', message: 'not valid UTF-8; not analysed' };
    }
  } catch (error) {
    return unreadable(error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function unreadable(error: unknown): ReadResult {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return { ok: false, code: 'io/unreadable', message: 'replaced by a symbolic link while being read; not read' };
  return { ok: false, code: 'io/unreadable', message: `cannot read: ${code ?? String(error)}` };
}

function kindOf(stat: import('node:fs').Stats): string {
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  if (stat.isDirectory()) return 'a directory';
  return 'a special file';
}

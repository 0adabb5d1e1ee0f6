import { closeSync, constants, lstatSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { Finding } from '../findings.ts';
import { readWorkspacePath } from './safeRead.ts';

interface CacheData {
  key: string;
  files: Record<string, { hash: string; findings: Finding[] }>;
  workspace?: { hash: string; findings: Finding[]; summary: Record<string, number> };
}

/**
 * What is on disk: the data as a JSON string and its SHA-256. A file whose checksum does not match
 * its body was not written whole by the analyzer (edited, truncated, planted) and is ignored.
 */
interface CacheEnvelope {
  format: typeof FORMAT;
  version: number;
  checksum: string;
  body: string;
}

const FORMAT = 'kyverno-analyzer-cache';
/** Raised whenever the envelope or the data's shape changes. */
const CACHE_VERSION = 2;
/** A cache file larger than this is not read (it is rewritten at the next save). */
export const MAX_CACHE_BYTES = 256 * 1024 * 1024;
/** Folders created for a cache location, at most; a deeper missing path is refused. */
const MAX_CREATED_FOLDERS = 32;

const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/**
 * Per-file results stored by content hash (eslint's `--cache` convention). The key covers the
 * analyzer version and the configuration, so a new build or a config change starts afresh.
 * The folder may be controlled by whoever wrote the repository (a pull request in CI), so: the
 * file is written under a fresh name that must not exist (no symlink is followed) and renamed over
 * the old one, which also keeps concurrent runs from seeing or removing each other's halves; what
 * is read is checked against its checksum; and no failure throws — it is given to `onProblem`
 * once (the analysis itself is never lost to the cache).
 */
export class ResultCache {
  private data: CacheData;
  private readonly path: string;
  private problem: string | undefined;
  dirty = false;

  constructor(
    private readonly location: string,
    key: string,
    private readonly onProblem: (message: string) => void = () => {},
  ) {
    this.path = join(location, 'results.json');
    const loaded = this.load();
    this.data = loaded && loaded.key === key ? loaded : { key, files: {} };
  }

  private load(): CacheData | undefined {
    let stat;
    try {
      stat = lstatSync(this.path);
    } catch {
      return undefined;
    }
    // A link or anything but a regular file in the cache's place is not the analyzer's.
    if (!stat.isFile()) return undefined;
    const read = readWorkspacePath(this.path, { roots: [], maxBytes: MAX_CACHE_BYTES });
    if (!read.ok) return undefined;
    try {
      const envelope = JSON.parse(read.text) as Partial<CacheEnvelope>;
      if (envelope.format !== FORMAT || envelope.version !== CACHE_VERSION || typeof envelope.body !== 'string') return undefined;
      if (envelope.checksum !== checksumOf(envelope.body)) return undefined;
      const data = JSON.parse(envelope.body) as CacheData;
      return data && typeof data.key === 'string' && data.files && typeof data.files === 'object' ? data : undefined;
    } catch {
      return undefined;
    }
  }

  getFile(path: string, hash: string): Finding[] | undefined {
    const entry = Object.hasOwn(this.data.files, path) ? this.data.files[path] : undefined;
    return entry && entry.hash === hash && Array.isArray(entry.findings) ? entry.findings : undefined;
  }

  setFile(path: string, hash: string, findings: Finding[]): void {
    this.data.files[path] = { hash, findings };
    this.dirty = true;
  }

  getWorkspace(hash: string) {
    const workspace = this.data.workspace;
    return workspace?.hash === hash && Array.isArray(workspace.findings) ? workspace : undefined;
  }

  setWorkspace(hash: string, findings: Finding[], summary: Record<string, number>): void {
    this.data.workspace = { hash, findings, summary };
    this.dirty = true;
  }

  /** Writes the cache if anything changed; a failure is reported once, never thrown. */
  save(): void {
    if (!this.dirty || this.problem) return;
    const failed = (message: string) => {
      this.problem = message;
      this.onProblem(message);
    };
    const folder = ensureFolder(this.location);
    if (folder) return failed(`cannot use the cache location ${this.location}: ${folder}`);
    const body = JSON.stringify(this.data);
    const envelope: CacheEnvelope = { format: FORMAT, version: CACHE_VERSION, checksum: checksumOf(body), body };
    const temp = join(this.location, `results.json.${process.pid}.${randomBytes(8).toString('hex')}.tmp`);
    let fd: number | undefined;
    try {
      fd = openSync(temp, WRITE_FLAGS, 0o644);
      const bytes = Buffer.from(JSON.stringify(envelope));
      for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
      closeSync(fd);
      fd = undefined;
      renameSync(temp, this.path);
      this.dirty = false;
    } catch (error) {
      if (fd !== undefined) closeSync(fd);
      try {
        unlinkSync(temp);
      } catch {
        // Nothing was created, or it is already gone.
      }
      failed(`cannot write the cache in ${this.location}: ${errorCode(error)}`);
    }
  }
}

/**
 * Creates the cache folder one level at a time: `mkdirSync(…, { recursive: true })` loops without
 * end under /proc, where creating fails with ENOENT for ever. The folder itself must be a real
 * folder, not a link to one elsewhere. Returns what is wrong, or undefined.
 */
function ensureFolder(location: string): string | undefined {
  const missing: string[] = [];
  let current = location;
  for (;;) {
    let stat;
    try {
      stat = lstatSync(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return errorCode(error);
      const parent = dirname(current);
      if (parent === current || missing.length >= MAX_CREATED_FOLDERS) return 'no such folder';
      missing.push(current);
      current = parent;
      continue;
    }
    if (current === location && !stat.isDirectory()) return stat.isSymbolicLink() ? 'a symbolic link, not a folder' : 'not a folder';
    break;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return errorCode(error);
    }
  }
  const stat = lstatSync(location, { throwIfNoEntry: false });
  return stat?.isDirectory() ? undefined : 'not a folder';
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

function checksumOf(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

export function hashOf(...parts: string[]): string {
  const h = createHash('sha1');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

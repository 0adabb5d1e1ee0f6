import { closeSync, constants, lstatSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { homedir } from 'node:os';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Finding } from '../findings.ts';
import { readWorkspacePath } from './safeRead.ts';

interface CacheData {
  key: string;
  files: Record<string, { hash: string; findings: Finding[] }>;
  workspace?: { hash: string; findings: Finding[]; summary: Record<string, number> };
}

/**
 * What is on disk: the data as a JSON string and its checksum, an HMAC-SHA256 under a key kept
 * outside any workspace (`keyFile`). A file whose checksum does not match its body was not written
 * whole by the analyzer on this machine (edited, truncated, planted by a pull request that could
 * recompute a plain hash) and is ignored.
 */
interface CacheEnvelope {
  format: typeof FORMAT;
  version: number;
  checksum: string;
  body: string;
}

const FORMAT = 'kyverno-analyzer-cache';
/** Raised whenever the envelope or the data's shape changes. */
const CACHE_VERSION = 3;
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
  /** Without a key nothing read can be trusted: the cache is then written but never used. */
  private readonly key: Buffer | undefined;
  dirty = false;

  constructor(
    private readonly location: string,
    key: string,
    private readonly onProblem: (message: string) => void = () => {},
  ) {
    this.path = join(location, 'results.json');
    this.key = machineKey();
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
    if (!stat.isFile() || !this.key) return undefined;
    const read = readWorkspacePath(this.path, { roots: [], maxBytes: MAX_CACHE_BYTES });
    if (!read.ok) return undefined;
    try {
      const envelope = JSON.parse(read.text) as Partial<CacheEnvelope>;
      if (envelope.format !== FORMAT || envelope.version !== CACHE_VERSION || typeof envelope.body !== 'string') return undefined;
      if (envelope.checksum !== checksumOf(this.key, envelope.body)) return undefined;
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
    const envelope: CacheEnvelope = { format: FORMAT, version: CACHE_VERSION, checksum: this.key ? checksumOf(this.key, body) : '', body };
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

function checksumOf(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest('hex');
}

/** `$XDG_CACHE_HOME/kyverno-analyzer/cache-key` (or `~/.cache/…`): the user's, never the workspace's. */
export function keyFile(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kyverno-analyzer', 'cache-key');
}

const KEY_HEX = /^[0-9a-f]{64}$/;

/** The machine's cache key, created (mode 0600, never through a link) on first use; undefined when it cannot be. */
function machineKey(): Buffer | undefined {
  const path = keyFile();
  const read = () => {
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (!stat?.isFile()) return undefined;
    const text = readWorkspacePath(path, { roots: [], maxBytes: 1024 });
    return text.ok && KEY_HEX.test(text.text.trim()) ? Buffer.from(text.text.trim(), 'hex') : undefined;
  };
  const existing = read();
  if (existing || lstatSync(path, { throwIfNoEntry: false })) return existing;
  if (ensureFolder(dirname(path))) return undefined;
  let fd: number | undefined;
  try {
    fd = openSync(path, WRITE_FLAGS, 0o600);
    writeSync(fd, randomBytes(32).toString('hex'));
  } catch {
    // Another run created it first (EEXIST): its key is the one.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return read();
}

export function hashOf(...parts: string[]): string {
  const h = createHash('sha1');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

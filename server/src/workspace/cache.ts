import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Finding } from '../findings.ts';

interface CacheFile {
  key: string;
  files: Record<string, { hash: string; findings: Finding[] }>;
  workspace?: { hash: string; findings: Finding[]; summary: Record<string, number> };
}

/**
 * Per-file results stored by content hash (eslint's `--cache` convention). The key covers the
 * analyzer version and the configuration, so a new build or a config change starts afresh.
 */
export class ResultCache {
  private data: CacheFile;
  private readonly path: string;
  dirty = false;

  constructor(location: string, key: string) {
    this.path = join(location, 'results.json');
    let loaded: CacheFile | undefined;
    try {
      loaded = JSON.parse(readFileSync(this.path, 'utf8')) as CacheFile;
    } catch {
      loaded = undefined;
    }
    this.data = loaded && loaded.key === key ? loaded : { key, files: {} };
    mkdirSync(location, { recursive: true });
  }

  getFile(path: string, hash: string): Finding[] | undefined {
    const entry = this.data.files[path];
    return entry && entry.hash === hash ? entry.findings : undefined;
  }

  setFile(path: string, hash: string, findings: Finding[]): void {
    this.data.files[path] = { hash, findings };
    this.dirty = true;
  }

  getWorkspace(hash: string) {
    return this.data.workspace?.hash === hash ? this.data.workspace : undefined;
  }

  setWorkspace(hash: string, findings: Finding[], summary: Record<string, number>): void {
    this.data.workspace = { hash, findings, summary };
    this.dirty = true;
  }

  save(): void {
    if (!this.dirty) return;
    const temp = this.path + '.tmp';
    writeFileSync(temp, JSON.stringify(this.data));
    renameSync(temp, this.path);
  }
}

export function hashOf(...parts: string[]): string {
  const h = createHash('sha1');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

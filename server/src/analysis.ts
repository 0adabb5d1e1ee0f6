import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Finding } from './findings.ts';
import { WorkspaceIndex } from './workspace/index.ts';
import { discoverFiles } from './workspace/discover.ts';
import { readWorkspaceFile } from './workspace/readFile.ts';
import { contentHash, type IndexedFile } from './workspace/document.ts';
import { LineIndex } from './yaml/lineIndex.ts';
import { CONFIG_FILE_NAME, defaultConfig, parseConfig, type AnalyzerConfig } from './workspace/config.ts';
import { ResultCache, hashOf } from './workspace/cache.ts';
import { runDocumentChecks, runWorkspaceChecks, type RunHooks } from './checks/run.ts';
import type { Check } from './checks/types.ts';
import { allChecks } from './checks/registry.ts';

export const ANALYZER_VERSION = '0.1.0';

export interface AnalysisSummary {
  files: number;
  documents: number;
  policies: number;
  rules: number;
  durationMs: number;
}

export interface AnalysisResult {
  findings: Finding[];
  summary: AnalysisSummary;
  /** Present unless every result came from the cache. */
  index?: WorkspaceIndex;
}

export interface LoadedConfig {
  config: AnalyzerConfig;
  path?: string;
  findings: Finding[];
}

export function loadConfig(path: string | undefined): LoadedConfig {
  if (!path) return { config: defaultConfig, findings: [] };
  const text = readFileSync(path, 'utf8');
  const { config, problems } = parseConfig(text);
  return { config, path, findings: problems.map((p) => ({ code: 'config/invalid', severity: 'error', message: p.message, file: path, span: p.span })) };
}

export interface AnalyzeRequest {
  roots: string[];
  workspaceRoot: string;
  config: LoadedConfig;
  checks?: readonly Check[];
  cacheLocation?: string;
  hooks?: RunHooks;
}

/** The whole analysis over files on disk, as the CLI runs it. The language server drives the same pieces incrementally. */
export function analyzeWorkspace(request: AnalyzeRequest): AnalysisResult {
  const started = performance.now();
  const { config } = request.config;
  const checks = request.checks ?? allChecks;
  const { files, problems } = discoverFiles(request.roots, request.workspaceRoot, config);
  const findings: Finding[] = [...request.config.findings];
  for (const p of problems) findings.push({ code: p.code, severity: 'warning', message: p.message, file: p.path, span: { start: 0, end: 0 } });

  const texts: { path: string; text: string; hash: string }[] = [];
  for (const { path } of files) {
    const read = readWorkspaceFile(path, config.maxFileSize);
    if (read.ok) texts.push({ path, text: read.text, hash: contentHash(read.text) });
    else findings.push({ code: read.code, severity: 'warning', message: `${path}: ${read.message}`, file: path, span: { start: 0, end: 0 } });
  }

  const cache = request.cacheLocation ? new ResultCache(request.cacheLocation, hashOf(ANALYZER_VERSION, JSON.stringify(config), checks.map((c) => c.id).join(','))) : undefined;
  const workspaceHash = hashOf(...texts.map((t) => `${t.path}:${t.hash}`));
  const cachedWorkspace = cache?.getWorkspace(workspaceHash);
  const allFilesCached = cache && texts.every((t) => cache.getFile(t.path, t.hash));
  if (cache && cachedWorkspace && allFilesCached) {
    for (const t of texts) findings.push(...cache.getFile(t.path, t.hash)!);
    findings.push(...cachedWorkspace.findings);
    return { findings, summary: { ...(cachedWorkspace.summary as unknown as AnalysisSummary), durationMs: Math.round(performance.now() - started) } };
  }

  const index = new WorkspaceIndex(config);
  for (const t of texts) {
    const { indexed } = index.setFile(t.path, t.text);
    const cached = cache?.getFile(t.path, t.hash);
    if (cached) {
      findings.push(...cached);
      continue;
    }
    const fileFindings = runDocumentChecks(indexed, checks, config, request.hooks);
    cache?.setFile(t.path, t.hash, fileFindings);
    findings.push(...fileFindings);
  }
  const workspaceFindings = runWorkspaceChecks(index, checks, request.hooks);
  findings.push(...workspaceFindings);
  const summary: AnalysisSummary = {
    files: texts.length,
    documents: index.files().reduce((n, f) => n + f.documents.length, 0),
    policies: index.policies().length,
    rules: index.policies().reduce((n, p) => n + p.rules.length, 0),
    durationMs: 0,
  };
  cache?.setWorkspace(workspaceHash, workspaceFindings, summary as unknown as Record<string, number>);
  cache?.save();
  summary.durationMs = Math.round(performance.now() - started);
  return { findings, summary, index };
}

/** Line indexes for the files findings point at, read lazily (cached results carry offsets only). */
export class LineIndexes {
  private readonly cache = new Map<string, LineIndex>();
  constructor(private readonly index?: WorkspaceIndex) {}
  get(file: string): LineIndex {
    let lines = this.cache.get(file) ?? this.index?.getFile(file)?.lines;
    if (!lines) {
      let text = '';
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        // A finding about an unreadable file points at 0:0.
      }
      lines = new LineIndex(text);
    }
    this.cache.set(file, lines);
    return lines;
  }
}

export function findConfigFile(roots: string[], cwd: string, exists: (p: string) => boolean): string | undefined {
  const candidates = [...roots.map((r) => resolve(cwd, r)), cwd];
  return candidates.map((dir) => resolve(dir, CONFIG_FILE_NAME)).find(exists);
}

export type { IndexedFile };

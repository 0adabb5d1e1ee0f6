import { resolve } from 'node:path';
import type { Finding } from './findings.ts';
import { WorkspaceIndex, analyzeOptions } from './workspace/index.ts';
import { discoverFiles } from './workspace/discover.ts';
import { confinementRoots, readWorkspacePath, workspaceRoots } from './workspace/safeRead.ts';
import { contentHash, type IndexedFile } from './workspace/document.ts';
import { LineIndex } from './yaml/lineIndex.ts';
import { CONFIG_FILE_NAME, defaultConfig, parseConfig, type AnalyzerConfig } from './workspace/config.ts';
import { ResultCache, hashOf } from './workspace/cache.ts';
import { admit, runDocumentChecks, runWorkspaceChecks, type RunHooks } from './checks/run.ts';
import type { Check } from './checks/types.ts';
import { allChecks } from './checks/registry.ts';
import { applySuppressionsToAll, type CheckIds } from './checks/hygiene/suppression.ts';
import { availableParallelism } from 'node:os';
import { indexInWorkers, workerScript } from './workspace/parallel.ts';
import { isTestRelevant, registryOf, type TestDataRegistry } from './workspace/testData.ts';

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

/** The configuration file is read like a workspace file, under its own small bound. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Throws an Error with a one-line message when the file cannot be read (not regular, too big, outside its folder). */
export function loadConfig(path: string | undefined): LoadedConfig {
  if (!path) return { config: defaultConfig, findings: [] };
  const read = readWorkspacePath(path, { roots: workspaceRoots([resolve(path, '..')]), maxBytes: MAX_CONFIG_BYTES });
  if (!read.ok) throw new Error(read.message);
  const text = read.text;
  const { config, problems } = parseConfig(text);
  return { config, path, findings: problems.map((p) => ({ code: 'config/invalid', severity: 'error', message: p.message, file: path, span: p.span })) };
}

export interface AnalyzeRequest {
  roots: string[];
  workspaceRoot: string;
  config: LoadedConfig;
  checks?: readonly Check[];
  cacheLocation?: string;
  /** Called once when the cache cannot be read or written; the analysis goes on without it. */
  onCacheProblem?: (message: string) => void;
  hooks?: RunHooks;
}

interface Prepared {
  started: number;
  config: AnalyzerConfig;
  checks: readonly Check[];
  findings: Finding[];
  texts: { path: string; text: string; hash: string }[];
  cache?: ResultCache;
  workspaceHash: string;
  testData: TestDataRegistry;
}

/** Discovery, reading and the cache lookup; a result when everything came from the cache. */
function prepare(request: AnalyzeRequest): Prepared | AnalysisResult {
  const started = performance.now();
  const { config } = request.config;
  const checks = request.checks ?? allChecks;
  const { files, problems } = discoverFiles(request.roots, request.workspaceRoot, config);
  const findings: Finding[] = [...request.config.findings];
  // Through the same gate as every other finding, so `io/*: off` silences these too.
  const push = (f: Finding) => {
    const admitted = admit(config, f);
    if (admitted) findings.push(admitted);
  };
  for (const p of problems) push({ code: p.code, severity: 'warning', message: p.message, file: p.path, span: { start: 0, end: 0 } });

  const texts: { path: string; text: string; hash: string }[] = [];
  const roots = confinementRoots(request.roots);
  // Hashes key the result cache; a run without one does not pay for them.
  const hashes = Boolean(request.cacheLocation);
  for (const { path, realPath } of files) {
    const read = readWorkspacePath(path, { roots, maxBytes: config.maxFileSize, realPath });
    if (read.ok) texts.push({ path, text: read.text, hash: hashes ? contentHash(read.text) : '' });
    else push({ code: read.code, severity: 'warning', message: `${path}: ${read.message}`, file: path, span: { start: 0, end: 0 } });
  }

  // Every test is read before any file is indexed, so each file is indexed once, in its role; the
  // role joins the cache key (a test that starts naming a file changes the file's findings). The
  // tests' parses are kept for indexing on this thread.
  const testData = registryOf(texts, request.workspaceRoot, config.testData, analyzeOptions(config));
  if (hashes) {
    for (const t of texts) {
      const info = testData.lookup(t.path);
      if (isTestRelevant(info)) t.hash = hashOf(t.hash, JSON.stringify(info));
    }
  }

  const cache = request.cacheLocation ? new ResultCache(request.cacheLocation, hashOf(ANALYZER_VERSION, JSON.stringify(config), checks.map((c) => c.id).join(',')), request.onCacheProblem) : undefined;
  const workspaceHash = hashes ? hashOf(...texts.map((t) => `${t.path}:${t.hash}`)) : '';
  const cachedWorkspace = cache?.getWorkspace(workspaceHash);
  const allFilesCached = cache && texts.every((t) => cache.getFile(t.path, t.hash));
  if (cache && cachedWorkspace && allFilesCached) {
    for (const t of texts) findings.push(...cache.getFile(t.path, t.hash)!);
    findings.push(...cachedWorkspace.findings);
    return { findings: applySuppressionsToAll(findings, texts, config, checkIdsOf(checks)), summary: { ...(cachedWorkspace.summary as unknown as AnalysisSummary), durationMs: Math.round(performance.now() - started) } };
  }
  return { started, config, checks, findings, texts, cache, workspaceHash, testData };
}

/** One file's document findings: from the cache, or computed (and cached). */
function documentFindings(p: Prepared, t: Prepared['texts'][number], compute: () => Finding[]): Finding[] {
  const cached = p.cache?.getFile(t.path, t.hash);
  if (cached) return cached;
  const fileFindings = compute();
  p.cache?.setFile(t.path, t.hash, fileFindings);
  return fileFindings;
}

function indexOnThisThread(p: Prepared, request: AnalyzeRequest): WorkspaceIndex {
  const index = new WorkspaceIndex(p.config, p.testData);
  for (const t of p.texts) {
    const { indexed } = index.setFile(t.path, t.text);
    p.findings.push(...documentFindings(p, t, () => runDocumentChecks(indexed, p.checks, p.config, request.hooks)));
  }
  return index;
}

/** The cross-file checks, the summary and the cache. */
function finish(p: Prepared, index: WorkspaceIndex, request: AnalyzeRequest): AnalysisResult {
  const workspaceFindings = runWorkspaceChecks(index, p.checks, request.hooks);
  p.findings.push(...workspaceFindings);
  const summary: AnalysisSummary = {
    files: p.texts.length,
    documents: index.files().reduce((n, f) => n + f.documents.length, 0),
    policies: index.policies().length,
    rules: index.policies().reduce((n, policy) => n + policy.rules.length, 0),
    durationMs: 0,
  };
  p.cache?.setWorkspace(p.workspaceHash, workspaceFindings, summary as unknown as Record<string, number>);
  p.cache?.save();
  summary.durationMs = Math.round(performance.now() - p.started);
  // Suppression comments apply to what every check found, whichever way it was collected (and cached).
  const findings = applySuppressionsToAll(p.findings, p.texts, p.config, checkIdsOf(p.checks));
  return { findings, summary, index };
}

function checkIdsOf(checks: readonly Check[]): CheckIds {
  return { known: allChecks.map((c) => c.id), ran: checks.map((c) => c.id) };
}

/** The whole analysis over files on disk, on this thread. The language server drives the same pieces incrementally. */
export function analyzeWorkspace(request: AnalyzeRequest): AnalysisResult {
  const p = prepare(request);
  if (!('started' in p)) return p;
  return finish(p, indexOnThisThread(p, request), request);
}

/** Below this many files, starting workers costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 200;

/**
 * The same analysis with parsing, modelling and the document checks spread over worker threads
 * (the command line's default; `workers` ≤ 1, a small workspace, a check outside the registry, or
 * running from sources keep everything on this thread). The result is the same either way.
 */
export async function analyzeWorkspaceInParallel(request: AnalyzeRequest, workers = availableParallelism(), minFiles = MIN_FILES_FOR_WORKERS): Promise<AnalysisResult> {
  const p = prepare(request);
  if (!('started' in p)) return p;
  const script = workerScript();
  const registered = p.checks.every((c) => allChecks.includes(c));
  if (workers <= 1 || p.texts.length < minFiles || !script || !registered) return finish(p, indexOnThisThread(p, request), request);
  p.testData.dropParses();
  let results;
  try {
    const files = p.texts.map((t) => ({ path: t.path, text: t.text, runChecks: !p.cache?.getFile(t.path, t.hash), testData: p.testData.lookup(t.path) }));
    results = await indexInWorkers(files, p.config, p.checks.map((c) => c.id), workers, script);
  } catch {
    // A worker that cannot start or dies: this thread does the work instead (same result, slower).
    return finish(p, indexOnThisThread(p, request), request);
  }
  const index = new WorkspaceIndex(p.config, p.testData);
  p.texts.forEach((t, i) => {
    const { indexed, findings, failures } = results[i];
    index.setIndexed(indexed);
    for (const f of failures) request.hooks?.onCheckFailure?.({ checkId: f.checkId, file: f.file, error: new Error(f.message) });
    p.findings.push(...documentFindings(p, t, () => findings ?? []));
  });
  return finish(p, index, request);
}

const MAX_LINE_INDEX_BYTES = 64 * 1024 * 1024;

/** Line indexes for the files findings point at, read lazily (cached results carry offsets only). */
export class LineIndexes {
  private readonly cache = new Map<string, LineIndex>();
  constructor(private readonly index?: WorkspaceIndex) {}
  get(file: string): LineIndex {
    let lines = this.cache.get(file) ?? this.index?.getFile(file)?.lines;
    if (!lines) {
      // Only positions are taken from this text; a file that cannot be read (a FIFO, a device,
      // too big) has its findings at 0:0.
      const read = readWorkspacePath(file, { roots: [], maxBytes: MAX_LINE_INDEX_BYTES });
      lines = new LineIndex(read.ok ? read.text : '');
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

// The command line's indexing on worker threads: files go out in batches to a pool (one worker per
// core), come back as snapshots with their document findings, and are stored in the index in
// discovery order, so the result is the one a single thread gives. Written by hand because what it
// sends (plain snapshots, a fixed worker bundle) is too specific for a pool library to help much.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../findings.ts';
import { replayInternalError } from '../internalErrors.ts';
import type { AnalyzerConfig } from './config.ts';
import type { IndexedFile } from './document.ts';
import { analyzeOptions } from './index.ts';
import { fromSnapshot } from './snapshot.ts';
import type { IndexBatch, IndexedBatch } from './indexWorker.ts';
import type { TestDataInfo } from './testData.ts';

export interface ParallelFile {
  path: string;
  text: string;
  /** False when the result cache already holds the file's document findings. */
  runChecks: boolean;
  /** What the workspace's tests say about the file (the main thread holds the registry). */
  testData?: TestDataInfo;
}

export interface ParallelResult {
  indexed: IndexedFile;
  findings?: Finding[];
  failures: { checkId: string; file?: string; message: string }[];
}

const BATCH_FILES = 48;
const IN_FLIGHT_PER_WORKER = 2;
// A worker's garbage is parse trees that die within the file: a young generation three times the
// default lets them die there instead of being promoted (measured on the corpus: ~10% faster; more
// did not help).
const YOUNG_GENERATION_MB = 48;

/** The worker bundle beside the running bundle (dist/), or undefined when running from sources. */
export function workerScript(): string | undefined {
  const path = join(__dirname, 'indexWorker.js');
  return existsSync(path) ? path : undefined;
}

/**
 * Indexes `files` on `workers` threads. Resolves with one result per file, in the order given;
 * rejects when a worker fails (the caller falls back to indexing on its own thread).
 */
export function indexInWorkers(files: ParallelFile[], config: AnalyzerConfig, checkIds: string[], workers: number, script: string): Promise<ParallelResult[]> {
  const batches: ParallelFile[][] = [];
  for (let i = 0; i < files.length; i += BATCH_FILES) batches.push(files.slice(i, i + BATCH_FILES));
  const results: ParallelResult[][] = new Array(batches.length);
  const limits = analyzeOptions(config);
  const pool = Array.from({ length: Math.max(1, Math.min(workers, batches.length)) }, () => new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } }));
  return new Promise<ParallelResult[]>((resolve, reject) => {
    let next = 0;
    let done = 0;
    let failed = false;
    const finish = (error?: unknown) => {
      if (failed) return;
      if (error !== undefined) failed = true;
      for (const worker of pool) void worker.terminate();
      if (error !== undefined) reject(error);
      else resolve(results.flat());
    };
    const send = (worker: Worker) => {
      if (next >= batches.length) return;
      const batch = next++;
      worker.postMessage({ batch, config, checkIds, files: batches[batch] } satisfies IndexBatch);
    };
    for (const worker of pool) {
      worker.on('message', ({ batch, results: batchResults, internalErrors }: IndexedBatch) => {
        for (const error of internalErrors) replayInternalError(error);
        results[batch] = batchResults.map((r, i) => ({ indexed: fromSnapshot(r.snapshot, batches[batch][i].text, limits), findings: r.findings, failures: r.failures }));
        if (++done === batches.length) finish();
        else send(worker);
      });
      worker.on('error', (error) => finish(error));
      worker.on('exit', (code) => {
        if (done < batches.length && code !== 0) finish(new Error(`an indexing worker exited with code ${code}`));
      });
      for (let i = 0; i < IN_FLIGHT_PER_WORKER; i++) send(worker);
    }
  });
}

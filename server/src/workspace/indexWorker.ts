// A worker thread of the parallel indexer (workspace/parallel.ts): it parses, models and runs the
// document checks on the files it is sent, and answers with snapshots and findings. Its own copy
// of every module: nothing is shared with the main thread but messages.
import { parentPort } from 'node:worker_threads';
import type { Finding } from '../findings.ts';
import type { AnalyzerConfig } from './config.ts';
import { indexText } from './document.ts';
import { analyzeOptions } from './index.ts';
import { toSnapshot, type FileSnapshot } from './snapshot.ts';
import type { ParallelFile } from './parallel.ts';
import { runDocumentChecks, type CheckFailure } from '../checks/run.ts';
import { allChecks } from '../checks/registry.ts';
import { onInternalError, type InternalError } from '../internalErrors.ts';

export interface IndexBatch {
  batch: number;
  config: AnalyzerConfig;
  /** Ids of the checks to run (the main thread's selection); document checks only run here. */
  checkIds: string[];
  files: ParallelFile[];
}

export interface IndexedBatch {
  batch: number;
  results: { snapshot: FileSnapshot; findings?: Finding[]; failures: { checkId: string; file?: string; message: string }[] }[];
  /** Simulation and autogen steps that gave up on this thread: the main thread counts them with its own. */
  internalErrors: InternalError[];
}

parentPort?.on('message', (message: IndexBatch) => {
  const internalErrors: InternalError[] = [];
  const stopListening = onInternalError((e) => internalErrors.push(e));
  const checks = allChecks.filter((c) => message.checkIds.includes(c.id));
  const results: IndexedBatch['results'] = message.files.map(({ path, text, runChecks, testData }) => {
    const indexed = indexText(path, text, analyzeOptions(message.config), testData);
    const failures: IndexedBatch['results'][number]['failures'] = [];
    const onCheckFailure = (f: CheckFailure) => failures.push({ checkId: f.checkId, file: f.file, message: f.error instanceof Error ? f.error.stack ?? f.error.message : String(f.error) });
    const findings = runChecks ? runDocumentChecks(indexed, checks, message.config, { onCheckFailure }) : undefined;
    return { snapshot: toSnapshot(indexed), findings, failures };
  });
  stopListening();
  parentPort!.postMessage({ batch: message.batch, results, internalErrors } satisfies IndexedBatch);
});

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeWorkspaceInParallel, LineIndexes, ANALYZER_VERSION } from '../analysis.ts';
import { availableParallelism } from 'node:os';
import { severityRank, type Severity } from '../findings.ts';
import { allChecks } from '../checks/registry.ts';
import { collectInternalErrors } from '../internalErrors.ts';
import { toJsonReport } from './format/json.ts';
import { toText } from './format/text.ts';
import { toSarif } from './format/sarif.ts';
import type { CliIo } from './io.ts';
import { UsageError } from './io.ts';
import { commandConfig, oneOf } from './options.ts';

const formats = ['text', 'json', 'sarif'] as const;
const failLevels = ['error', 'warning', 'info', 'never'] as const;

export async function runCheckCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgsOrThrow(args);
  const format = oneOf('format', values.format, formats, 'text');
  const failOn = oneOf('fail-on', values['fail-on'], failLevels, 'error');
  const roots = positionals.length ? positionals : ['.'];
  for (const root of roots) if (!existsSync(resolve(io.cwd, root))) throw new UsageError(`${root}: no such file or directory`);
  const { configPath, config } = commandConfig(roots, values.config, io.cwd);
  const asked = values.jobs === undefined ? DEFAULT_JOBS : Number(values.jobs);
  if (!Number.isInteger(asked) || asked < 1) throw new UsageError(`--jobs must be a whole number of threads, 1 or more (got ${values.jobs})`);
  const jobs = threadsFor(asked);
  const cacheLocation = values.cache || values['cache-location'] ? resolve(io.cwd, values['cache-location'] ?? '.kyverno-analyzer-cache') : undefined;
  const absoluteRoots = roots.map((r) => resolve(io.cwd, r));
  let cacheProblem: string | undefined;
  const workspaceRoot = configPath ? resolve(configPath, '..') : io.cwd;
  // Work the analysis caught and dropped (a simulation or an autogen expansion that threw) is
  // counted in the summary and listed with --debug: a missed finding must not go unseen.
  const { result, errors: internalErrors } = await collectInternalErrors(() => analyzeWorkspaceInParallel({
    roots: absoluteRoots,
    workspaceRoot,
    config,
    cacheLocation,
    onCacheProblem: (message) => (cacheProblem ??= message),
    hooks: { onCheckFailure: (f) => io.stderr(`internal error in check ${f.checkId}${f.file ? ` on ${f.file}` : ''}: ${(f.error as Error)?.stack ?? f.error}\n`) },
  }, jobs));
  const summary = { ...result.summary, internalErrors: internalErrors.length };
  if (values.debug) for (const e of internalErrors) io.stderr(`internal error (${e.where}): ${e.message}\n`);
  const findings = result.findings.sort((a, b) => (a.file === b.file ? a.span.start - b.span.start || a.code.localeCompare(b.code) : a.file < b.file ? -1 : 1));
  const lines = new LineIndexes(result.index);
  if (format === 'json') io.stdout(JSON.stringify(toJsonReport(findings, summary, lines, io.cwd), null, 2) + '\n');
  else if (format === 'sarif') io.stdout(JSON.stringify(toSarif(findings, allChecks, lines, io.cwd, ANALYZER_VERSION), null, 2) + '\n');
  else io.stdout(toText(findings, summary, lines, io.cwd));
  // The findings are printed first: a finished analysis is not thrown away for its cache.
  if (cacheProblem) throw new UsageError(cacheProblem);
  const threshold = severityRank[failOn as Severity | 'never'];
  return findings.some((f) => severityRank[f.severity] >= threshold) ? 1 : 0;
}

/**
 * One thread unless asked: since most files are read line by line and without trees, a worker's
 * share of the work (reading and the document checks, under half of a run) no longer pays for its
 * start (its own copy of the bundle and validators), for sending every file's model back, and for a
 * third heap to collect. Measured on Kyverno's library (6,172 files, 2 idle cores): `--jobs 2`
 * took 4.3-4.6 s wall and 7.6-8.0 s CPU against 3.3-3.6 s and 5.0-5.4 s for one thread.
 */
export const DEFAULT_JOBS = 1;

/** More threads than cores only adds memory (each worker has its own heap and module copies). */
export function threadsFor(asked: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(asked, cores));
}

function parseArgsOrThrow(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        'fail-on': { type: 'string' },
        config: { type: 'string' },
        cache: { type: 'boolean' },
        'cache-location': { type: 'string' },
        jobs: { type: 'string' },
        debug: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

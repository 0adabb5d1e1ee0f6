// The command line indexes on worker threads (workspace/parallel.ts). Whatever the number of
// threads, the result must be exactly the single-thread one: same findings, same spans, same
// messages (conflict messages depend on the order rules were indexed in), same summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { AnalysisResult, AnalyzeRequest } from '../../../server/src/analysis.ts';
import type { Finding } from '../../../server/src/findings.ts';

// The built bundle: the worker script is dist/indexWorker.js, beside it (from sources there are no workers).
const core = createRequire(__filename)(resolve('dist/core.js')) as {
  analyzeWorkspace(request: AnalyzeRequest): AnalysisResult;
  analyzeWorkspaceInParallel(request: AnalyzeRequest, workers?: number, minFiles?: number): Promise<AnalysisResult>;
  loadConfig(path: string | undefined): AnalyzeRequest['config'];
  allChecks: AnalyzeRequest['checks'];
};

const canonical = (findings: Finding[]) =>
  findings.map((f) => JSON.stringify([f.code, f.severity, f.file, f.span.start, f.span.end, f.message, f.related ?? []]));

function request(...roots: string[]): AnalyzeRequest {
  return { roots: roots.map((r) => resolve(r)), workspaceRoot: resolve('.'), config: core.loadConfig(undefined) };
}

// The fixtures whose findings depend on other files (conflicts, workloads blocked by policies,
// orphans and duplicates) and the examples: a result that depends on how files are split across
// threads shows there. Per-document findings are computed the same way on any thread.
const CROSS_FILE = ['examples', 'test/fixtures/conflict', 'test/fixtures/workload', 'test/fixtures/cronjob', 'test/fixtures/hygiene', 'test/fixtures/policy'];

test('indexing on worker threads gives exactly the single-thread result (examples and the cross-file fixtures)', async () => {
  const req = request(...CROSS_FILE);
  const single = core.analyzeWorkspace(req);
  // Three threads: the files are split in three chunks whose batches come back in any order, which
  // covers what two would (one run of each count doubled this file's time for no new case).
  // minFiles 0: workers even for this small set, which is the point here.
  const parallel = await core.analyzeWorkspaceInParallel(req, 3, 0);
  assert.deepEqual(canonical(parallel.findings), canonical(single.findings));
  assert.deepEqual({ ...parallel.summary, durationMs: 0 }, { ...single.summary, durationMs: 0 });
  assert.ok(single.findings.some((f) => f.code.startsWith('conflict/')), 'the set holds cross-file findings');
  // Writes whose value is computed cross threads as a marker and come back as the model's UNKNOWN:
  // a conflict check that treated them as literal strings would report differently from the single-thread run.
  assert.ok(single.index!.policies().some((p) => p.rules.some((r) => r.effect.writes.some((w) => typeof w.value === 'symbol'))), 'the set holds computed writes');
});

test('positions the snapshot did not keep are found again from the text after the thread hop', async () => {
  const req = request('examples');
  const parallel = await core.analyzeWorkspaceInParallel(req, 2, 0);
  const file = parallel.index!.files().find((f) => f.documents.some((d) => d.policy));
  assert.ok(file);
  const document = file.documents.find((d) => d.policy)!;
  // No tree came over: the document re-parses its own text on demand, with the original ranges.
  const range = document.yaml.doc.contents?.range;
  assert.ok(range && file.text.slice(range[0], range[1]).includes('kind:'));
});

test('the command line accepts --jobs and refuses a bad value with a usage error', () => {
  const ok = spawnSync(process.execPath, ['dist/cli.js', 'check', 'examples', '--jobs', '1', '--format', 'json', '--fail-on', 'never'], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  const bad = spawnSync(process.execPath, ['dist/cli.js', 'check', 'examples', '--jobs', 'many'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--jobs must be a whole number/);
});

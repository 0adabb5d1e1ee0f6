// Test data through the command line's paths: one thread, worker threads, and the result cache
// (a file's role joins its cache key, so a test that stops naming a file brings its findings back).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import type { AnalysisResult, AnalyzeRequest } from '../../../server/src/analysis.ts';
import { badCronJob } from '../../helpers/testDataTexts.ts';

const core = createRequire(__filename)(resolve('dist/core.js')) as {
  analyzeWorkspace(request: AnalyzeRequest): AnalysisResult;
  analyzeWorkspaceInParallel(request: AnalyzeRequest, workers?: number, minFiles?: number): Promise<AnalysisResult>;
  loadConfig(path: string | undefined): AnalyzeRequest['config'];
};

const cronJob = badCronJob();
const suite = (named: string) => `apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata:\n  name: t\npolicies: []\nresources: [${named}]\n`;

test('test data is quiet on one thread, on worker threads and through the cache, and follows the tests', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'kpa-testdata-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const dir of ['suite', 'prod', 'fixtures']) mkdirSync(join(root, dir));
  writeFileSync(join(root, 'suite', 'kyverno-test.yaml'), suite('cron.yaml'));
  writeFileSync(join(root, 'suite', 'cron.yaml'), cronJob);
  writeFileSync(join(root, 'prod', 'cron.yaml'), cronJob);
  writeFileSync(join(root, 'fixtures', 'cron.yaml'), cronJob);
  writeFileSync(join(root, '.kyverno-analyzer.yaml'), 'testData: ["fixtures/**"]\n');
  const request: AnalyzeRequest = { roots: [root], workspaceRoot: root, config: core.loadConfig(join(root, '.kyverno-analyzer.yaml')), cacheLocation: join(root, '.cache') };
  const cronFiles = (r: AnalysisResult) => [...new Set(r.findings.filter((f) => f.code.startsWith('cronjob/')).map((f) => f.file.slice(root.length + 1)))].sort();

  assert.deepEqual(cronFiles(core.analyzeWorkspace({ ...request, cacheLocation: undefined })), ['prod/cron.yaml']);
  assert.deepEqual(cronFiles(await core.analyzeWorkspaceInParallel({ ...request, cacheLocation: undefined }, 2, 0)), ['prod/cron.yaml']);
  assert.deepEqual(cronFiles(core.analyzeWorkspace(request)), ['prod/cron.yaml'], 'first run, filling the cache');
  // The test now names another file: suite/cron.yaml's text is unchanged, its role is not.
  writeFileSync(join(root, 'suite', 'kyverno-test.yaml'), suite('other.yaml'));
  const after = core.analyzeWorkspace(request);
  assert.deepEqual(cronFiles(after), ['prod/cron.yaml', 'suite/cron.yaml']);
  // Document findings (cached per file) and cross-file ones alike: the same as the identical CronJob in prod/.
  const codesOf = (file: string) => after.findings.filter((f) => f.file === join(root, file)).map((f) => f.code).sort();
  assert.deepEqual(codesOf('suite/cron.yaml'), codesOf('prod/cron.yaml'));
});

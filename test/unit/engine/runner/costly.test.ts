import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runSuites } from '../../../../server/src/engine/testRunner/index.ts';

test('a suite with a CEL cost bomb and a backtracking regex completes: over budget is an error, the regex runs on RE2', () => {
  const report = runSuites([join(process.cwd(), 'test/fixtures/engine-suites/costly')]);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.failures.map((f) => `${f.policy} ${f.actual}: ${f.reason}`), []);
  assert.deepEqual(report.results, { total: 2, agree: 2, disagree: 0, unknown: 0 });
});

// Suites whose policies read Kyverno's CEL libraries (namespaced resource lookups, http mocks,
// time.now(), global context) and ValidatingAdmissionPolicy bindings, run as `kyverno test` would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runSuites } from '../../../../server/src/engine/testRunner/index.ts';

const suites = join(import.meta.dirname, '../../../fixtures/engine-suites/suites');
const outcomes = (name: string) => {
  const report = runSuites([join(suites, name)]);
  return { errors: report.errors, results: report.results, failures: report.failures.map((f) => `${f.policy} ${f.resource}: ${f.actual} (${f.reason})`) };
};

test('a namespaced policy\'s resource.Get(3) and resource.List(2, labels) read its own namespace from the context file', () => {
  assert.deepEqual(outcomes('cel-lib-namespaced'), { errors: [], results: { total: 3, agree: 3, disagree: 0, unknown: 0 }, failures: [] });
});

test('http.Post answered by POST mocks, time.now() by the clock, an unsupplied global context entry as null', () => {
  assert.deepEqual(outcomes('cel-lib-http-time'), { errors: [], results: { total: 5, agree: 5, disagree: 0, unknown: 0 }, failures: [] });
});

test('a VAP binding selects by namespace labels from the values file and applies every params object', () => {
  assert.deepEqual(outcomes('vap-bindings'), { errors: [], results: { total: 3, agree: 3, disagree: 0, unknown: 0 }, failures: [] });
});

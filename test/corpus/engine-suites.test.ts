// The corpus's kyverno-test.yaml suites as the engine's conformance suite: no crashes, and
// agreement no lower than what was measured, so a regression fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSuites } from '../../server/src/engine/testRunner/index.ts';
import { corpusRoot } from '../helpers/corpus.ts';

// Measured 2026-11-23 with `kyverno-analyzer test ../shared/corpus/kyverno-policies --format json`:
// 4835 / 4843 = 99.8% overall (legacy 3390/3392, CEL 1445/1451 plus 2 unknown), 492 suites, one
// of them without a results list. The floors leave a little room for legitimate churn.
const FLOOR_OVERALL = 0.995;
const FLOOR_CEL = 0.99;

test('the corpus suites run without crashes and agree at least as well as measured', () => {
  const report = runSuites([corpusRoot()]);
  assert.ok(report.suites >= 400, `found only ${report.suites} suites`);
  for (const e of report.errors) {
    assert.ok(e.suite.endsWith('kyverno-test.yaml'), `error without a suite path: ${JSON.stringify(e)}`);
    assert.ok(e.error.length > 0 && !e.error.includes('\n    at '), `error is not a clear message: ${e.error}`);
  }
  // Every suite that loaded yields results; an evaluation that threw would show as a disagreement
  // whose reason is a stack-less exception message, never as a crash of the run.
  assert.ok(report.errors.length <= report.suites * 0.01, `${report.errors.length} suites failed to load`);
  const { total, agree } = report.results;
  const ratio = agree / total;
  assert.ok(ratio >= FLOOR_OVERALL, `overall agreement ${(100 * ratio).toFixed(1)}% < ${100 * FLOOR_OVERALL}%`);
  const cel = report.byFamily.cel;
  assert.ok(cel.agree / cel.total >= FLOOR_CEL, `CEL agreement ${(100 * cel.agree / cel.total).toFixed(1)}% < ${100 * FLOOR_CEL}%`);
});

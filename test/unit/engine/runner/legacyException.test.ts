import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runSuites } from '../../../../server/src/engine/testRunner/index.ts';
import { evaluatePolicyDoc as runEvaluate } from '../../../../server/src/engine/simulate.ts';

const fixtures = join(import.meta.dirname, '../../../fixtures/engine-suites');

test('a suite with a kyverno.io PolicyException: the excepted resources skip, the others fail or pass', () => {
  const report = runSuites([join(fixtures, 'legacy-exception')]);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.failures, []);
  // Pod/important-tool and Deployment/important-tool skip, Pod/other-tool fails, Pod/plain passes
  assert.deepEqual(report.results, { total: 4, agree: 4, disagree: 0, unknown: 0 });
  assert.equal(report.excludedAgreements, 0);
});

test('without its exceptions file the same suite disagrees on the excepted resources only', () => {
  const report = runSuites([join(fixtures, 'legacy-exception')], {
    evaluate: (policy, resource, context) => {
      const clusterResources = (context.clusterResources ?? []).filter((d) => d.kind !== 'PolicyException');
      return runEvaluate(policy, resource, { ...context, clusterResources });
    },
  });
  assert.deepEqual(report.results, { total: 4, agree: 2, disagree: 2, unknown: 0 });
  assert.deepEqual(report.failures.map((f) => `${f.resource}:${f.actual}`).sort(), ['Deployment/important-tool:fail', 'Pod/important-tool:fail']);
});

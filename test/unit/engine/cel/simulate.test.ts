import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mutationOrders, simulate, MAX_ENUMERATED_MUTATIONS } from '../../../../server/src/engine/simulate.ts';
import { create, pod, podRules, vpol } from './helpers.ts';

const setLabel = (name: string, value: string) => ({
  doc: { apiVersion: 'policies.kyverno.io/v1alpha1', kind: 'MutatingPolicy', metadata: { name }, spec: { matchConstraints: podRules, mutations: [{ patchType: 'ApplyConfiguration', applyConfiguration: { expression: `Object{metadata: Object.metadata{labels: {"app": "${value}"}}}` } }] } },
});
const requireApp = (value: string, actions: string[]) => ({ doc: vpol({ validationActions: actions, matchConstraints: podRules, validations: [{ expression: `object.metadata.labels.app == '${value}'`, message: `app must be ${value}` }] }, `require-${value}`) });

test('validations run on the mutated object: a mutation that writes the wrong value is denied', () => {
  const out = simulate(pod('a', { labels: { app: 'frontend' } }), [setLabel('set-default', 'default'), requireApp('frontend', ['Deny'])], create);
  assert.deepEqual(out.mutations.map((r) => r.status), ['pass']);
  assert.equal(out.verdict.admitted, false);
  assert.equal(out.verdict.deniedBy?.policy, 'require-frontend');
});

test('Audit failures are reported but do not deny', () => {
  const out = simulate(pod('a', { labels: { app: 'x' } }), [requireApp('frontend', ['Audit'])], create);
  assert.deepEqual(out.validations.map((r) => r.status), ['fail']);
  assert.equal(out.verdict.admitted, true);
});

test('mutation order decides the last writer; afterEachMutation records each step', () => {
  const policies = [setLabel('one', 'first'), setLabel('two', 'second'), requireApp('second', ['Deny'])];
  const forward = simulate(pod('a', { labels: {} }), policies, create, { order: [0, 1] });
  assert.equal(forward.verdict.admitted, true);
  assert.deepEqual(forward.afterEachMutation.map((o) => (o.metadata as { labels: Record<string, string> }).labels.app), ['first', 'second']);
  const reverse = simulate(pod('a', { labels: {} }), policies, create, { order: [1, 0] });
  assert.equal(reverse.verdict.admitted, false);
});

test('mutationOrders enumerates every permutation up to the bound, then samples both relative orders of each pair', () => {
  assert.deepEqual(mutationOrders(3), [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]);
  assert.equal(mutationOrders(MAX_ENUMERATED_MUTATIONS).length, 120);
  const big = mutationOrders(8);
  assert.ok(big.length < 40320);
  for (let a = 0; a < 8; a++) for (let b = 0; b < 8; b++) {
    if (a === b) continue;
    assert.ok(big.some((o) => o.indexOf(a) < o.indexOf(b)), `${a} before ${b}`);
  }
});

test('dispatch: a legacy ClusterPolicy mutation runs before a CEL validation of the same object', () => {
  const legacy = {
    doc: {
      apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'legacy-label' },
      spec: { rules: [{ name: 'set-app', match: { any: [{ resources: { kinds: ['Pod'] } }] }, mutate: { patchStrategicMerge: { metadata: { labels: { app: 'frontend' } } } } }] },
    },
  };
  const out = simulate(pod('a', { labels: { app: 'x' } }), [requireApp('frontend', ['Deny']), legacy], create);
  // the legacy evaluator also lists the rule's autogen variants, skipped for a Pod
  assert.deepEqual(out.mutations.filter((r) => r.status !== 'skip').map((r) => [r.policy, r.rule, r.status]), [['legacy-label', 'set-app', 'pass']]);
  assert.deepEqual(out.validations.map((r) => [r.policy, r.status]), [['require-frontend', 'pass']]);
  assert.equal(out.verdict.admitted, true);
});

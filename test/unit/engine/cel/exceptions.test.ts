import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateCelPolicy } from '../../../../server/src/engine/cel/index.ts';
import { create, pod, podRules, vpol } from './helpers.ts';

const policy = vpol({ matchConstraints: podRules, validations: [{ expression: 'false', message: 'always denied' }] }, 'deny-all');
const exception = (expression: string, ref = 'deny-all') => ({
  apiVersion: 'policies.kyverno.io/v1alpha1', kind: 'PolicyException', metadata: { name: 'exc', namespace: 'default' },
  spec: { policyRefs: [{ name: ref, kind: 'ValidatingPolicy' }], matchConditions: [{ name: 'c', expression }] },
});

test('an exception whose conditions hold skips the policy', () => {
  const out = evaluateCelPolicy(policy, pod('allowed'), { ...create, clusterResources: [exception("object.metadata.name == 'allowed'")] });
  assert.equal(out.rules[0]!.status, 'skip');
});

test('an exception whose conditions do not hold changes nothing', () => {
  const out = evaluateCelPolicy(policy, pod('other'), { ...create, clusterResources: [exception("object.metadata.name == 'allowed'")] });
  assert.equal(out.rules[0]!.status, 'fail');
});

test('an exception for another policy changes nothing', () => {
  const out = evaluateCelPolicy(policy, pod('allowed'), { ...create, clusterResources: [exception('true', 'some-other-policy')] });
  assert.equal(out.rules[0]!.status, 'fail');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runSuites, sameResource } from '../../../../server/src/engine/testRunner/index.ts';

const fixtures = join(import.meta.dirname, '../../../fixtures/engine-suites');

test('suites that match the engine agree entry by entry, each resource of an entry counted once', () => {
  const report = runSuites([join(fixtures, 'suites/vpol'), join(fixtures, 'suites/mpol')]);
  assert.equal(report.suites, 2);
  // vpol: labelled, unlabelled, default/unlabelled, kube-system/system-pod, unlabelled-deploy; mpol: web
  assert.deepEqual(report.results, { total: 6, agree: 6, disagree: 0, unknown: 0 });
  assert.deepEqual(report.failures, []);
});

test('a wrong expectation and a missing resource are disagreements (old un-versioned format)', () => {
  const report = runSuites([join(fixtures, 'suites/wrong-expectation')]);
  assert.deepEqual(report.results, { total: 2, agree: 0, disagree: 2, unknown: 0 });
  const byResource = Object.fromEntries(report.failures.map((f) => [f.resource, f]));
  assert.equal(byResource['Pod/unlabelled']!.expected, 'pass');
  assert.equal(byResource['Pod/unlabelled']!.actual, 'fail');
  assert.equal(byResource['Pod/no-such-pod']!.actual, 'not found');
});

test('a malformed test file is reported by path and the other suites still run', () => {
  const report = runSuites([join(fixtures, 'suites')]);
  assert.equal(report.errors.length, 1);
  assert.match(report.errors[0]!.suite, /malformed[/\\]kyverno-test\.yaml$/);
  assert.ok(report.results.total >= 15);
});

test('a path outside the root is refused, naming the path, and never read', () => {
  const report = runSuites([join(fixtures, 'traversal/suite')]);
  assert.equal(report.errors.length, 1);
  assert.match(report.errors[0]!.error, /\.\.\/outside\.txt/);
  assert.match(report.errors[0]!.error, /outside the test root/);
  assert.doesNotMatch(JSON.stringify(report), /TOP-SECRET-CONTENT/);
});

test('the same test from a wider root may read the neighbouring file', () => {
  const report = runSuites([join(fixtures, 'traversal')]);
  // ../outside.txt is now inside the root; ../../etc/passwd is still outside.
  assert.equal(report.errors.length, 1);
  assert.match(report.errors[0]!.error, /\.\.\/\.\.\/etc\/passwd/);
});

test('resource comparison ignores what kyverno test tidies away, and nothing else', () => {
  const a = { kind: 'Pod', metadata: { name: 'a', labels: { x: '1' }, annotations: {} }, spec: { containers: [{ name: 'c', env: [] }], nodeSelector: null } };
  const e = { kind: 'Pod', metadata: { name: 'a', labels: { x: '1', 'generate.kyverno.io/policy': 'p' } }, spec: { containers: [{ name: 'c' }] } };
  assert.equal(sameResource(a, e), true);
  assert.equal(sameResource(a, { ...e, spec: { containers: [{ name: 'd' }] } }), false);
  assert.equal(sameResource({ kind: 'Pod', spec: { replicas: 1 } }, { kind: 'Pod', spec: { replicas: '1' } }), false);
});

test('values: namespace labels feed namespaceSelector, request.operation sets the operation, a policies directory is read', () => {
  const report = runSuites([join(fixtures, 'suites/values')]);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.results, { total: 4, agree: 4, disagree: 0, unknown: 0 });
  // the sandbox entry agrees only because nothing applied
  assert.equal(report.excludedAgreements, 1);
});

test('a patchedResources file that differs from the mutation is a disagreement even when the status matches', () => {
  const report = runSuites([join(fixtures, 'suites/wrong-patch')]);
  assert.deepEqual(report.results, { total: 1, agree: 0, disagree: 1, unknown: 0 });
  assert.match(report.failures[0]!.actual, /patched resource differs/);
});

test('a ValidatingAdmissionPolicy runs through its binding with params from paramResources', () => {
  const report = runSuites([join(fixtures, 'suites/vap')]);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.results, { total: 2, agree: 2, disagree: 0, unknown: 0 });
});

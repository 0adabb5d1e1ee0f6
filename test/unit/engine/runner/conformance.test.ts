// The runner's judgement as `kyverno test` makes it: the order policies apply in, how values and
// context entries combine, how entries find their responses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runSuites } from '../../../../server/src/engine/testRunner/index.ts';
import { assertTree, expressionIn } from '../../../../server/src/engine/testRunner/assertTree.ts';
import { backgroundInvalidity } from '../../../../server/src/engine/testRunner/invalid.ts';
import { resolveApiCall } from '../../../../server/src/engine/legacy/apiCall.ts';
import { UnsupportedError } from '../../../../server/src/engine/jmespath/errors.ts';

const suites = join(import.meta.dirname, '../../../fixtures/engine-suites/suites');

test('every legacy mutation applies before any validation, and a mutate response carries what earlier policies patched', () => {
  const report = runSuites([join(suites, 'conf-mutate-order')]);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.failures, []);
  assert.deepEqual(report.results, { total: 4, agree: 4, disagree: 0, unknown: 0 });
  assert.equal(report.excludedAgreements, 0);
});

test('a variable context entry overwrites the value the values file gives; a ConfigMap entry without a cluster keeps it', () => {
  const report = runSuites([join(suites, 'conf-variable-precedence')]);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.failures, []);
  assert.deepEqual(report.results, { total: 3, agree: 3, disagree: 0, unknown: 0 });
});

test('with clusterResources listed, configMap and apiCall entries are loaded over the values file\'s answers', () => {
  const report = runSuites([join(suites, 'conf-cluster-lookups')]);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.failures, []);
  assert.deepEqual(report.results, { total: 2, agree: 2, disagree: 0, unknown: 0 });
});

test('legacy apiCall lists read the suite as the whole cluster only when it lists clusterResources (a context file alone is not enough)', () => {
  const deployments = [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a', namespace: 'shop' } }];
  const call = { urlPath: '/apis/apps/v1/namespaces/shop/deployments', jmesPath: 'length(items)' };
  const base = { operation: 'CREATE' as const, clusterResources: deployments };
  assert.equal(resolveApiCall('running', call, {}, { ...base, suite: { legacyLookups: true } }), 1);
  assert.throws(() => resolveApiCall('running', call, {}, { ...base, suite: { legacyLookups: false } }), UnsupportedError);
  assert.throws(() => resolveApiCall('running', call, {}, base), UnsupportedError);
});

test('resourceSpecs add the resources of that apiVersion, namespace and name to an entry\'s resources', () => {
  const report = runSuites([join(suites, 'conf-resource-specs')]);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.failures, []);
  assert.deepEqual(report.results, { total: 3, agree: 3, disagree: 0, unknown: 0 });
});

test('a legacy policy its validation rejects (background mode reading the requester) is skipped: its entries are not failures', () => {
  const report = runSuites([join(suites, 'conf-invalid-policy')]);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.failures, []);
  assert.deepEqual(report.results, { total: 1, agree: 1, disagree: 0, unknown: 0 });
  const rule = (extra: Record<string, unknown>) => ({ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, ...extra });
  const policy = (spec: Record<string, unknown>) => ({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p' }, spec });
  const deny = (key: string) => ({ validate: { deny: { conditions: { any: [{ key, operator: 'Equals', value: 'x' }] } } } });
  assert.match(backgroundInvalidity(policy({ rules: [rule({ match: { any: [{ subjects: [{ kind: 'User', name: 'u' }] }] } })] }))!, /match selects subjects/);
  assert.match(backgroundInvalidity(policy({ rules: [rule(deny('{{request.roles}}'))] }))!, /request.roles/);
  assert.equal(backgroundInvalidity(policy({ background: false, rules: [rule(deny('{{request.userInfo.username}}'))] })), undefined);
  assert.equal(backgroundInvalidity(policy({ rules: [rule(deny('{{request.object.spec.serviceAccountName}}'))] })), undefined);
  assert.equal(backgroundInvalidity(policy({ rules: [rule(deny('\\{{request.userInfo.username}}'))] })), undefined);
  assert.equal(backgroundInvalidity(policy({ rules: [rule({ mutate: { targets: [{ kind: 'ConfigMap' }] } }), rule(deny('{{serviceAccountName}}'))] })), undefined);
});

test('resources sharing group, kind, namespace and name: the first one read is the one evaluated', () => {
  const report = runSuites([join(suites, 'conf-duplicates')]);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.failures, []);
  assert.deepEqual(report.results, { total: 2, agree: 2, disagree: 0, unknown: 0 });
});

test("an entry finds its resources by name whatever kind it states, as kyverno test does", () => {
  const report = runSuites([join(suites, 'conf-entry-kind')]);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.failures, []);
  assert.deepEqual(report.results, { total: 2, agree: 2, disagree: 0, unknown: 0 });
});

test('a legacy rule whose match or exclude leaves the resource out has no response (excluded); a false precondition is a skip', () => {
  const report = runSuites([join(suites, 'conf-not-applied')]);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.failures, []);
  assert.deepEqual(report.results, { total: 4, agree: 4, disagree: 0, unknown: 0 });
  // staging/web expected pass and agreed only as excluded
  assert.equal(report.excludedAgreements, 1);
});

test('CEL mutations apply after legacy validation and before ValidatingPolicies, whatever the order the suite lists them in', () => {
  const report = runSuites([join(suites, 'conf-cel-order')]);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.failures, []);
  assert.deepEqual(report.results, { total: 3, agree: 3, disagree: 0, unknown: 0 });
});

test('an entry finds its policy by the name after the last slash, whatever namespace it writes before it', () => {
  const report = runSuites([join(suites, 'conf-policy-name')]);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.failures, []);
  assert.deepEqual(report.results, { total: 2, agree: 2, disagree: 0, unknown: 0 });
});

test('checks: one row per selected rule response, assert must hold and error must not; a tree reading the message stays unknown', () => {
  const report = runSuites([join(suites, 'conf-checks')]);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.results, { total: 0, agree: 0, disagree: 0, unknown: 0 });
  assert.deepEqual(report.checks, { total: 4, agree: 2, disagree: 1, unknown: 1 });
  const byCheck = Object.fromEntries(report.checkFailures.map((f) => [f.expected, f]));
  assert.equal(byCheck['check 3']!.resource, 'Pod/default/unlabelled');
  assert.equal(byCheck['check 3']!.actual, 'fail');
  assert.match(byCheck['check 4']!.reason, /message/);
});

test('assertion trees: maps by field, lists element by element, scalars equal; expressions are found, not evaluated', () => {
  assert.equal(assertTree({ a: { b: 1 } }, { a: { b: 1, c: 2 } }).kind, 'holds');
  assert.equal(assertTree({ a: { b: 1 } }, { a: { b: 2 } }).kind, 'fails');
  assert.equal(assertTree({ a: 1 }, {}).kind, 'fails');
  assert.equal(assertTree([{ n: 'x' }], [{ n: 'x' }, { n: 'y' }]).kind, 'fails');
  assert.equal(assertTree([{ n: 'x' }, { n: 'y' }], [{ n: 'x', m: 1 }, { n: 'y' }]).kind, 'holds');
  assert.equal(expressionIn({ spec: { '(length(containers))': 1 } }), '.spec.(length(containers))');
  assert.equal(expressionIn({ spec: { '~.containers': { name: 'x' } } }), '.spec.~.containers');
  assert.equal(expressionIn({ status: 'pass' }), undefined);
});

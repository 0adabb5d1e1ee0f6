import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateCelPolicy } from '../../../../server/src/engine/cel/index.ts';
import { create, deployment } from './helpers.ts';

const vap = {
  apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'max-replicas' },
  spec: {
    paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
    matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['deployments'] }] },
    validations: [{ expression: 'object.spec.replicas <= int(params.data.max)', message: 'too many replicas' }],
  },
};
const binding = (paramRef: Record<string, unknown>) => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'b' }, spec: { policyName: 'max-replicas', validationActions: ['Deny'], paramRef } });
const limits = (max: string, name = 'limits') => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels: { role: 'limits' } }, data: { max } });
const withReplicas = (n: number) => { const d = deployment('d'); (d.spec as Record<string, unknown>).replicas = n; return d; };

test('params from the binding decide the verdict', () => {
  const ctx = { ...create, clusterResources: [binding({ name: 'limits', namespace: 'default' }), limits('3')] };
  assert.equal(evaluateCelPolicy(vap, withReplicas(2), ctx).rules[0]!.status, 'pass');
  assert.equal(evaluateCelPolicy(vap, withReplicas(5), ctx).rules[0]!.status, 'fail');
});

test('params found by selector: every matching object is applied and one that denies decides', () => {
  const ctx = { ...create, clusterResources: [binding({ selector: { matchLabels: { role: 'limits' } } }), limits('10', 'a'), limits('3', 'b')] };
  assert.deepEqual(evaluateCelPolicy(vap, withReplicas(5), ctx).rules.map((r) => r.status), ['fail']);
  assert.deepEqual(evaluateCelPolicy(vap, withReplicas(2), ctx).rules.map((r) => r.status), ['pass']);
});

const matching = (name: string, matchResources: Record<string, unknown>, max: string) => ({
  apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name },
  spec: { policyName: 'max-replicas', validationActions: ['Deny'], paramRef: { name: `limits-${max}`, namespace: 'default' }, matchResources },
});

test('the first binding whose matchResources select the request decides alone', () => {
  const staging = matching('staging', { namespaceSelector: { matchLabels: { env: 'staging' } } }, '10');
  const labelled = matching('labelled', { objectSelector: { matchLabels: { app: 'd' } } }, '3');
  const params = [limits('10', 'limits-10'), limits('3', 'limits-3')];
  const inProd = { ...create, namespaceLabels: { env: 'prod' }, clusterResources: [staging, labelled, ...params] };
  const d = withReplicas(5);
  (d.metadata as Record<string, unknown>).labels = { app: 'd' };
  assert.deepEqual(evaluateCelPolicy(vap, d, inProd).rules.map((r) => [r.rule, r.status]), [['labelled', 'fail']]);
  assert.deepEqual(evaluateCelPolicy(vap, withReplicas(5), inProd).rules, []);
  const inStaging = { ...inProd, namespaceLabels: { env: 'staging' } };
  assert.deepEqual(evaluateCelPolicy(vap, d, inStaging).rules.map((r) => [r.rule, r.status]), [['staging', 'pass']]);
});

test('no binding selecting the request: the policy does not apply', () => {
  const excluding = matching('not-default', { excludeResourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['*'], resources: ['deployments'] }] }, '3');
  const otherKind = matching('pods-only', { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['*'], resources: ['pods'] }] }, '3');
  const ctx = { ...create, clusterResources: [excluding, otherKind, limits('3', 'limits-3')] };
  assert.deepEqual(evaluateCelPolicy(vap, withReplicas(5), ctx).rules, []);
});

test('a missing params object denies unless the binding allows it', () => {
  const deny = { ...create, clusterResources: [binding({ name: 'nope', parameterNotFoundAction: 'Deny' })] };
  assert.equal(evaluateCelPolicy(vap, withReplicas(1), deny).rules[0]!.status, 'fail');
  const allow = { ...create, clusterResources: [binding({ name: 'nope', parameterNotFoundAction: 'Allow' })] };
  assert.equal(evaluateCelPolicy(vap, withReplicas(1), allow).rules[0]!.status, 'skip');
});

test('a policy that takes params, with neither binding nor params, is unknown; in a suite it runs with null params', () => {
  assert.equal(evaluateCelPolicy(vap, withReplicas(1), create).rules[0]!.status, 'unknown');
  const out = evaluateCelPolicy(vap, withReplicas(1), { ...create, suite: { legacyLookups: false } }).rules[0]!;
  assert.equal(out.status, 'error');
  const noParamsUsed = { ...vap, spec: { ...vap.spec, validations: [{ expression: 'params == null' }] } };
  assert.equal(evaluateCelPolicy(noParamsUsed, withReplicas(1), { ...create, suite: { legacyLookups: false } }).rules[0]!.status, 'pass');
});

test('a MutatingAdmissionPolicy applies its JSONPatch', () => {
  const map = {
    apiVersion: 'admissionregistration.k8s.io/v1alpha1', kind: 'MutatingAdmissionPolicy', metadata: { name: 'set-replicas' },
    spec: { matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['deployments'] }] },
      mutations: [{ patchType: 'JSONPatch', jsonPatch: { expression: '[JSONPatch{op: "add", path: "/spec/replicas", value: 2}]' } }] },
  };
  const out = evaluateCelPolicy(map, deployment('d'), create);
  assert.equal(out.rules[0]!.status, 'pass');
  assert.equal((out.patched.spec as Record<string, unknown>).replicas, 2);
});

test('a MutatingAdmissionPolicy binding applies through its matchResources; one without them selects nothing', () => {
  const map = {
    apiVersion: 'admissionregistration.k8s.io/v1alpha1', kind: 'MutatingAdmissionPolicy', metadata: { name: 'set-replicas' },
    spec: { matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['deployments'] }] },
      mutations: [{ patchType: 'JSONPatch', jsonPatch: { expression: '[JSONPatch{op: "add", path: "/spec/replicas", value: 2}]' } }] },
  };
  const mapBinding = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'admissionregistration.k8s.io/v1alpha1', kind: 'MutatingAdmissionPolicyBinding', metadata: { name }, spec: { policyName: 'set-replicas', ...spec } });
  const bare = { ...create, clusterResources: [mapBinding('bare', {})] };
  assert.deepEqual(evaluateCelPolicy(map, deployment('d'), bare).rules, []);
  const selecting = { ...create, clusterResources: [mapBinding('bare', {}), mapBinding('all', { matchResources: { namespaceSelector: {} } })] };
  const out = evaluateCelPolicy(map, deployment('d'), selecting);
  assert.deepEqual(out.rules.map((r) => [r.rule, r.status]), [['all', 'pass']]);
  assert.equal((out.patched.spec as Record<string, unknown>).replicas, 2);
});

test("in a suite a binding's matchResources alone select the request; outside one the policy's matchConstraints apply too", () => {
  // The policy matches Deployments only; the binding selects by namespace label, whatever the kind.
  const stsPolicy = { ...vap, spec: { ...vap.spec, paramKind: undefined, validations: [{ expression: 'object.spec.replicas <= 3', message: 'too many replicas' }] } };
  const b = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'prod' }, spec: { policyName: 'max-replicas', validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { env: 'prod' } } } } };
  const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's', namespace: 'default' }, spec: { replicas: 5 } };
  const ctx = { ...create, namespaceLabels: { env: 'prod' }, clusterResources: [b] };
  assert.deepEqual(evaluateCelPolicy(stsPolicy, sts, { ...ctx, suite: { legacyLookups: false } }).rules.map((r) => [r.rule, r.status]), [['prod', 'fail']]);
  assert.deepEqual(evaluateCelPolicy(stsPolicy, sts, ctx).rules, []);
});

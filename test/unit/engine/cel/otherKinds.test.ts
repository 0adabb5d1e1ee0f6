import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateCelPolicy } from '../../../../server/src/engine/cel/index.ts';
import { create, pod, podRules } from './helpers.ts';

const nsRules = { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['namespaces'] }] };
const namespace = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });

test('GeneratingPolicy: generator.Apply records the objects, placed in the target namespace', () => {
  const gpol = {
    apiVersion: 'policies.kyverno.io/v1alpha1', kind: 'GeneratingPolicy', metadata: { name: 'g' },
    spec: {
      matchConstraints: nsRules,
      variables: [{ name: 'ns', expression: 'object.metadata.name' }, { name: 'cm', expression: '[{"apiVersion": dyn("v1"), "kind": dyn("ConfigMap"), "metadata": dyn({"name": "defaults"}), "data": dyn({"k": "v"})}]' }],
      generate: [{ expression: 'generator.Apply(variables.ns, variables.cm)' }],
    },
  };
  const out = evaluateCelPolicy(gpol, namespace('team-a'), create);
  assert.equal(out.rules[0]!.status, 'pass');
  assert.deepEqual(out.rules[0]!.generated, [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'defaults', namespace: 'team-a' }, data: { k: 'v' } }]);
  const other = evaluateCelPolicy(gpol, pod('p'), create);
  assert.deepEqual(other.rules, []);
});

test('DeletingPolicy: pass when it would delete the resource, fail when a condition or the match says no', () => {
  const dpol = {
    apiVersion: 'policies.kyverno.io/v1alpha1', kind: 'DeletingPolicy', metadata: { name: 'd' },
    spec: { schedule: '*/5 * * * *', matchConstraints: podRules, conditions: [{ name: 'bare', expression: '!has(object.metadata.ownerReferences)' }] },
  };
  assert.equal(evaluateCelPolicy(dpol, pod('bare'), create).rules[0]!.status, 'pass');
  const owned = pod('owned', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: '1' }] });
  assert.equal(evaluateCelPolicy(dpol, owned, create).rules[0]!.status, 'fail');
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } };
  assert.equal(evaluateCelPolicy(dpol, cm, create).rules[0]!.status, 'fail');
});

test('Namespaced DeletingPolicy and ImageValidatingPolicy: a resource in another namespace gets no response', () => {
  const ndpol = {
    apiVersion: 'policies.kyverno.io/v1', kind: 'NamespacedDeletingPolicy', metadata: { name: 'd', namespace: 'team-a' },
    spec: { schedule: '*/5 * * * *', matchConstraints: podRules, conditions: [{ name: 'always', expression: 'true' }] },
  };
  const inTeam = pod('p', { namespace: 'team-a' });
  assert.deepEqual(evaluateCelPolicy(ndpol, inTeam, create).rules.map((r) => r.status), ['pass']);
  assert.deepEqual(evaluateCelPolicy(ndpol, pod('p'), create).rules, []);
  const nivpol = {
    apiVersion: 'policies.kyverno.io/v1', kind: 'NamespacedImageValidatingPolicy', metadata: { name: 'iv', namespace: 'team-a' },
    spec: { matchConstraints: podRules, matchImageReferences: [{ glob: '*' }], validations: [{ expression: "images.containers.all(i, image(i).registry() == 'ghcr.io')" }] },
  };
  assert.deepEqual(evaluateCelPolicy(nivpol, inTeam, create).rules.map((r) => r.status), ['fail']);
  assert.deepEqual(evaluateCelPolicy(nivpol, pod('p'), create).rules, []);
});

test('ImageValidatingPolicy: images outside matchImageReferences skip; signature checks are unknown', () => {
  const ivpol = {
    apiVersion: 'policies.kyverno.io/v1alpha1', kind: 'ImageValidatingPolicy', metadata: { name: 'iv' },
    spec: {
      matchConstraints: podRules,
      matchImageReferences: [{ glob: 'ghcr.io/acme/*' }],
      attestors: [{ name: 'cosign', cosign: { key: { data: 'KEY' } } }],
      validations: [{ expression: 'images.containers.map(i, verifyImageSignatures(i, [attestors.cosign])).all(e, e > 0)' }],
    },
  };
  assert.equal(evaluateCelPolicy(ivpol, pod('a'), create).rules[0]!.status, 'skip');
  const acme = pod('b', {}, { containers: [{ name: 'x', image: 'ghcr.io/acme/app:1' }] });
  assert.equal(evaluateCelPolicy(ivpol, acme, create).rules[0]!.status, 'unknown');
});

test('ImageValidatingPolicy: checks that only read image references are decided', () => {
  const ivpol = {
    apiVersion: 'policies.kyverno.io/v1alpha1', kind: 'ImageValidatingPolicy', metadata: { name: 'registry' },
    spec: { matchConstraints: podRules, matchImageReferences: [{ glob: '*' }], validations: [{ expression: "images.containers.all(i, image(i).registry() == 'ghcr.io')" }] },
  };
  assert.equal(evaluateCelPolicy(ivpol, pod('a', {}, { containers: [{ name: 'x', image: 'ghcr.io/acme/app:1' }] }), create).rules[0]!.status, 'pass');
  assert.equal(evaluateCelPolicy(ivpol, pod('b'), create).rules[0]!.status, 'fail');
});

test('image globs: * spans slashes, ? one character, {a,b} alternatives', async () => {
  const { globMatches } = await import('../../../../server/src/engine/cel/imageValidating.ts');
  assert.equal(globMatches('ghcr.io/*', 'ghcr.io/acme/app:1'), true);
  assert.equal(globMatches('ghcr.io/*', 'docker.io/acme/app:1'), false);
  assert.equal(globMatches('app:v?', 'app:v1'), true);
  assert.equal(globMatches('app:v?', 'app:v10'), false);
  assert.equal(globMatches('{ghcr.io,quay.io}/acme/*', 'quay.io/acme/x'), true);
  assert.equal(globMatches('{ghcr.io,quay.io}/acme/*', 'gcr.io/acme/x'), false);
});

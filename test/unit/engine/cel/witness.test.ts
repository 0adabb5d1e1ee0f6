import { test } from 'node:test';
import assert from 'node:assert/strict';
import { witnessFor } from '../../../../server/src/engine/witness.ts';

type O = Record<string, any>;

test('a Pod witness has one container with a name and an image', () => {
  const p = witnessFor('Pod') as O;
  assert.equal(p.apiVersion, 'v1');
  assert.equal(p.spec.containers.length, 1);
  assert.ok(p.spec.containers[0].name && p.spec.containers[0].image);
  assert.equal(p.metadata.namespace, 'default');
});

test('controllers wrap the Pod spec in their templates', () => {
  const d = witnessFor('Deployment') as O;
  assert.equal(d.apiVersion, 'apps/v1');
  assert.deepEqual(d.spec.selector.matchLabels, d.spec.template.metadata.labels);
  assert.equal(d.spec.template.spec.containers.length, 1);
  const c = witnessFor('CronJob') as O;
  assert.equal(c.apiVersion, 'batch/v1');
  assert.equal(c.spec.jobTemplate.spec.template.spec.containers.length, 1);
  assert.equal(c.spec.jobTemplate.spec.template.spec.restartPolicy, 'Never');
});

test('cluster-scoped kinds have no namespace', () => {
  assert.equal((witnessFor('Namespace') as O).metadata.namespace, undefined);
  assert.equal((witnessFor('ClusterRole') as O).apiVersion, 'rbac.authorization.k8s.io/v1');
});

test('required paths are filled, through every list element, without overwriting', () => {
  const p = witnessFor('Pod', [['spec', 'containers', '*', 'securityContext', 'runAsNonRoot'], ['metadata', 'labels', 'app']]) as O;
  assert.equal(p.spec.containers[0].securityContext.runAsNonRoot, 'placeholder');
  assert.notEqual(p.metadata.labels.app, 'placeholder');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldsOf, resolvePath, typeOfKind } from '../../../server/src/k8s/types.ts';
import { isNamespaced, kindsForResource, resourceForKind } from '../../../server/src/k8s/discovery.ts';

test('built-in kinds map to the model types of @kubernetes/client-node', () => {
  assert.equal(typeOfKind('v1', 'Pod'), 'V1Pod');
  assert.equal(typeOfKind('batch/v1', 'CronJob'), 'V1CronJob');
  assert.equal(typeOfKind('apps/v1', 'Deployment'), 'V1Deployment');
  assert.equal(typeOfKind('v1', 'Event'), 'CoreV1Event');
  assert.equal(typeOfKind('v1', 'CronJob'), undefined);
  assert.equal(typeOfKind('example.com/v1', 'Widget'), undefined);
});

test('V1Pod has spec.containers as a list of V1Container', () => {
  assert.deepEqual(fieldsOf('V1Pod')?.spec, { kind: 'object', name: 'V1PodSpec' });
  assert.deepEqual(resolvePath('v1', 'Pod', ['spec', 'containers']), { kind: 'array', items: { kind: 'object', name: 'V1Container' } });
  assert.deepEqual(resolvePath('v1', 'Pod', ['spec', 'containers', '*', 'image']), { kind: 'primitive', name: 'string' });
  assert.deepEqual(resolvePath('v1', 'Pod', ['spec', 'containers', '0', 'securityContext', 'runAsUser']), { kind: 'primitive', name: 'integer' });
});

test("CronJob's jobTemplate resolves down to the pod template's containers", () => {
  assert.deepEqual(resolvePath('batch/v1', 'CronJob', ['spec', 'jobTemplate']), { kind: 'object', name: 'V1JobTemplateSpec' });
  assert.deepEqual(
    resolvePath('batch/v1', 'CronJob', ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', '*']),
    { kind: 'object', name: 'V1Container' },
  );
  assert.deepEqual(resolvePath('batch/v1', 'CronJob', ['spec', 'startingDeadlineSeconds']), { kind: 'primitive', name: 'integer' });
  assert.deepEqual(resolvePath('batch/v1', 'CronJob', ['spec', 'suspend']), { kind: 'primitive', name: 'boolean' });
});

test('maps, quantities, int-or-string and dates are typed', () => {
  assert.deepEqual(resolvePath('v1', 'Pod', ['metadata', 'labels']), { kind: 'map', values: { kind: 'primitive', name: 'string' } });
  assert.deepEqual(resolvePath('v1', 'Pod', ['metadata', 'labels', 'app']), { kind: 'primitive', name: 'string' });
  assert.deepEqual(resolvePath('v1', 'Pod', ['spec', 'containers', '*', 'resources', 'limits', 'memory']), { kind: 'primitive', name: 'quantity' });
  assert.deepEqual(resolvePath('v1', 'Pod', ['spec', 'containers', '*', 'livenessProbe', 'httpGet', 'port']), { kind: 'primitive', name: 'int-or-string' });
  assert.deepEqual(resolvePath('v1', 'Pod', ['metadata', 'creationTimestamp']), { kind: 'primitive', name: 'date-time' });
});

test('a path that leaves the model resolves to undefined', () => {
  assert.equal(resolvePath('v1', 'Pod', ['spec', 'nope']), undefined);
  assert.equal(resolvePath('v1', 'Pod', ['spec', 'containers', 'image']), undefined);
  assert.equal(fieldsOf('V1Nope'), undefined);
});

test('discovery: pods is the namespaced Pod, nodes the cluster-scoped Node, cronjobs the batch/v1 CronJob', () => {
  assert.deepEqual(kindsForResource('', 'v1', 'pods'), ['Pod']);
  assert.equal(isNamespaced('Pod'), true);
  assert.deepEqual(kindsForResource('', 'v1', 'nodes'), ['Node']);
  assert.equal(isNamespaced('Node'), false);
  assert.deepEqual(kindsForResource('batch', 'v1', 'cronjobs'), ['CronJob']);
  assert.deepEqual(resourceForKind('CronJob'), { group: 'batch', version: 'v1', kind: 'CronJob', plural: 'cronjobs', namespaced: true });
});

test('discovery: wildcards, the Endpoints plural, and kinds it does not know', () => {
  assert.deepEqual(kindsForResource('apps', '*', 'deployments'), ['Deployment']);
  assert.deepEqual(kindsForResource('', '*', 'endpoints'), ['Endpoints']);
  assert.equal(resourceForKind('Endpoints')?.plural, 'endpoints');
  assert.equal(resourceForKind('NetworkPolicy')?.plural, 'networkpolicies');
  assert.equal(resourceForKind('Ingress')?.plural, 'ingresses');
  assert.equal(resourceForKind('Event')?.group, '', 'the core Event is preferred');
  assert.equal(resourceForKind('Event', 'events.k8s.io/v1')?.group, 'events.k8s.io');
  assert.equal(isNamespaced('ClusterRole'), false);
  assert.equal(isNamespaced('Widget'), undefined);
  assert.deepEqual(kindsForResource('example.com', 'v1', 'widgets'), []);
});

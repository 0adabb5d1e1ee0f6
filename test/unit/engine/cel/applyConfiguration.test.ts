import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyConfiguration } from '../../../../server/src/engine/cel/applyConfiguration.ts';

test('maps merge key by key', () => {
  const out = applyConfiguration({ metadata: { name: 'a', labels: { x: '1' } } }, { metadata: { labels: { y: '2' } } });
  assert.deepEqual(out, { metadata: { name: 'a', labels: { x: '1', y: '2' } } });
});

test('containers merge by name: an existing one is updated in place, a new one appended', () => {
  const target = { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } };
  const out = applyConfiguration(target, { spec: { containers: [{ name: 'b', imagePullPolicy: 'Always' }, { name: 'c', image: 'z' }] } });
  assert.deepEqual(out, { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y', imagePullPolicy: 'Always' }, { name: 'c', image: 'z' }] } });
});

test('a list Kubernetes declares atomic is replaced, not merged', () => {
  const target = { spec: { tolerations: [{ key: 'a', operator: 'Exists' }] } };
  const out = applyConfiguration(target, { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } });
  assert.deepEqual(out, { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } });
});

test('container ports merge by containerPort and protocol (TCP by default)', () => {
  const target = { ports: [{ containerPort: 80, name: 'http' }] };
  const out = applyConfiguration(target, { ports: [{ containerPort: 80, protocol: 'TCP', hostPort: 8080 }, { containerPort: 80, protocol: 'UDP' }] });
  assert.deepEqual(out, { ports: [{ containerPort: 80, name: 'http', protocol: 'TCP', hostPort: 8080 }, { containerPort: 80, protocol: 'UDP' }] });
});

test('finalizers are a set: union without duplicates', () => {
  assert.deepEqual(applyConfiguration({ metadata: { finalizers: ['a'] } }, { metadata: { finalizers: ['a', 'b'] } }), { metadata: { finalizers: ['a', 'b'] } });
});

test('scalars overwrite; the target is not modified', () => {
  const target = { spec: { replicas: 1 } };
  assert.deepEqual(applyConfiguration(target, { spec: { replicas: 3 } }), { spec: { replicas: 3 } });
  assert.deepEqual(target, { spec: { replicas: 1 } });
});

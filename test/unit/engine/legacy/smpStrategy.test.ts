// Strategic merge per field, as Kyverno's merge reads the Kubernetes schema: lists with a patch
// merge key merge by it at any depth, lists without one are replaced whole, finalizers are a set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { strategicMerge } from '../../../../server/src/engine/legacy/smp.ts';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', finalizers: ['a.example/x'] },
  spec: {
    tolerations: [{ key: 'k1', operator: 'Exists' }],
    dnsConfig: { options: [{ name: 'ndots', value: '5' }, { name: 'timeout', value: '2' }] },
    containers: [{ name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }], envFrom: [{ configMapRef: { name: 'base' } }] }],
  },
};

test('lists without a merge key are replaced, at any depth', () => {
  const out = strategicMerge(pod, {
    spec: {
      tolerations: [{ key: 'k2', operator: 'Exists' }],
      dnsConfig: { options: [{ name: 'ndots', value: '2' }] },
      containers: [{ name: 'app', envFrom: [{ secretRef: { name: 'creds' } }] }],
    },
  }, 'Pod') as any;
  assert.deepEqual(out.spec.tolerations, [{ key: 'k2', operator: 'Exists' }]);
  assert.deepEqual(out.spec.dnsConfig.options, [{ name: 'ndots', value: '2' }]);
  assert.deepEqual(out.spec.containers[0].envFrom, [{ secretRef: { name: 'creds' } }]);
  assert.equal(out.spec.containers[0].image, 'app:1', 'containers still merge by name');
});

test('lists with a merge key merge by it; finalizers merge as a set; unknown kinds keep the name heuristic', () => {
  const out = strategicMerge(pod, { metadata: { finalizers: ['b.example/y'] }, spec: { containers: [{ name: 'app', env: [{ name: 'B', value: '2' }] }] } }, 'Pod') as any;
  assert.deepEqual(out.spec.containers[0].env.map((e: any) => e.name).sort(), ['A', 'B']);
  assert.deepEqual([...out.metadata.finalizers].sort(), ['a.example/x', 'b.example/y']);
  const custom = strategicMerge({ kind: 'Widget', spec: { parts: [{ name: 'a', size: 1 }] } }, { spec: { parts: [{ name: 'b', size: 2 }] } }, 'Widget') as any;
  assert.deepEqual(custom.spec.parts.map((p: any) => p.name).sort(), ['a', 'b']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateLegacyPolicy } from '../../../../server/src/engine/legacy/index.ts';
import { applyJsonPatch } from '../../../../server/src/engine/legacy/jsonPatch.ts';
import { strategicMerge } from '../../../../server/src/engine/legacy/smp.ts';

const policy = (mutate: unknown, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  metadata: { name: 'm', annotations: { 'pod-policies.kyverno.io/autogen-controllers': 'none' } },
  spec: { rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, mutate, ...extra }] },
});
const pod = (spec: Record<string, unknown>, labels?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels }, spec });
const run = (p: unknown, r: Record<string, unknown>) => evaluateLegacyPolicy(p as Record<string, unknown>, r, { operation: 'CREATE' });

test('strategic merge: maps merge, named lists merge by name, null deletes, other lists are replaced', () => {
  const base = { a: { b: 1, c: 2 }, containers: [{ name: 'x', image: 'i' }], args: ['1', '2'] };
  assert.deepEqual(strategicMerge(base, { a: { c: null, d: 3 }, containers: [{ name: 'x', imagePullPolicy: 'Always' }], args: ['3'] }), {
    a: { b: 1, d: 3 },
    containers: [{ name: 'x', image: 'i', imagePullPolicy: 'Always' }],
    args: ['3'],
  });
});

test('add-if-absent anchor adds only missing keys', () => {
  const p = policy({ patchStrategicMerge: { metadata: { labels: { '+(team)': 'core' } } } });
  const added = run(p, pod({ containers: [] }, { app: 'a' }));
  assert.equal(added.rules[0]!.status, 'pass');
  assert.deepEqual((added.patched.metadata as any).labels, { app: 'a', team: 'core' });
  const kept = run(p, pod({ containers: [] }, { team: 'other' }));
  assert.equal(kept.rules[0]!.status, 'skip');
  assert.deepEqual((kept.patched.metadata as any).labels, { team: 'other' });
});

test('conditional anchors select list elements by merge key', () => {
  const p = policy({ patchStrategicMerge: { spec: { containers: [{ '(image)': '*:latest', imagePullPolicy: 'Always' }] } } });
  const r = run(p, pod({ containers: [{ name: 'a', image: 'nginx:latest' }, { name: 'b', image: 'redis:7' }] }));
  assert.equal(r.rules[0]!.status, 'pass');
  assert.deepEqual((r.patched.spec as any).containers, [{ name: 'a', image: 'nginx:latest', imagePullPolicy: 'Always' }, { name: 'b', image: 'redis:7' }]);
  const none = run(p, pod({ containers: [{ name: 'b', image: 'redis:7' }] }));
  assert.equal(none.rules[0]!.status, 'skip');
});

test('a failing top-level conditional anchor skips the rule', () => {
  const p = policy({ patchStrategicMerge: { metadata: { labels: { '(env)': 'prod', tier: 'gold' } } } });
  assert.equal(run(p, pod({ containers: [] }, { env: 'dev' })).rules[0]!.status, 'skip');
  const hit = run(p, pod({ containers: [] }, { env: 'prod' }));
  assert.equal(hit.rules[0]!.status, 'pass');
  assert.deepEqual((hit.patched.metadata as any).labels, { env: 'prod', tier: 'gold' });
});

test('global anchor gates the whole patch', () => {
  const p = policy({ patchStrategicMerge: { spec: { containers: [{ '<(image)': 'corp.io/*' }], imagePullSecrets: [{ name: 'corp' }] } } });
  assert.equal(run(p, pod({ containers: [{ name: 'a', image: 'docker.io/x' }] })).rules[0]!.status, 'skip');
  const hit = run(p, pod({ containers: [{ name: 'a', image: 'corp.io/x' }] }));
  assert.deepEqual((hit.patched.spec as any).imagePullSecrets, [{ name: 'corp' }]);
});

test('patchesJson6902 creates missing parents and tolerates removing a missing path', () => {
  const doc = { metadata: {} };
  assert.deepEqual(applyJsonPatch(doc, [{ op: 'add', path: '/metadata/labels/a', value: 'b' }]), { metadata: { labels: { a: 'b' } } });
  assert.deepEqual(applyJsonPatch(doc, [{ op: 'remove', path: '/metadata/labels/a' }]), { metadata: {} });
  assert.throws(() => applyJsonPatch(doc, [{ op: 'replace', path: '/spec/x', value: 1 }]));
  const p = policy({ patchesJson6902: '- op: add\n  path: /spec/containers/0/env\n  value: [{name: A, value: "1"}]' });
  const r = run(p, pod({ containers: [{ name: 'a', image: 'x' }] }));
  assert.equal(r.rules[0]!.status, 'pass');
  assert.deepEqual((r.patched.spec as any).containers[0].env, [{ name: 'A', value: '1' }]);
});

test('foreach mutation with element variables and preconditions', () => {
  const p = policy({
    foreach: [{
      list: 'request.object.spec.containers',
      preconditions: { all: [{ key: '{{ element.image }}', operator: 'Equals', value: '*:latest' }] },
      patchStrategicMerge: { spec: { containers: [{ name: '{{ element.name }}', imagePullPolicy: 'Always' }] } },
    }],
  });
  const r = run(p, pod({ containers: [{ name: 'a', image: 'nginx:latest' }, { name: 'b', image: 'redis:7' }] }));
  assert.equal(r.rules[0]!.status, 'pass');
  assert.deepEqual((r.patched.spec as any).containers, [{ name: 'a', image: 'nginx:latest', imagePullPolicy: 'Always' }, { name: 'b', image: 'redis:7' }]);
  const none = run(p, pod({ containers: [{ name: 'b', image: 'redis:7' }] }));
  assert.equal(none.rules[0]!.status, 'skip');
});

test('mutations apply before validations of the same policy', () => {
  const p = {
    apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'mv', annotations: { 'pod-policies.kyverno.io/autogen-controllers': 'none' } },
    spec: { rules: [
      { name: 'check', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { pattern: { metadata: { labels: { team: '?*' } } } } },
      { name: 'label', match: { any: [{ resources: { kinds: ['Pod'] } }] }, mutate: { patchStrategicMerge: { metadata: { labels: { team: 'core' } } } } },
    ] },
  };
  const r = run(p, pod({ containers: [] }));
  assert.deepEqual(r.rules.map((x) => [x.rule, x.status]), [['check', 'pass'], ['label', 'pass']]);
});

test('a global anchor in a list element with no list at all skips the patch', () => {
  const p = policy({ patchStrategicMerge: { metadata: { annotations: { '+(safe-to-evict)': 'true' } }, spec: { volumes: [{ '<(emptyDir)': {} }] } } });
  assert.equal(run(p, pod({ containers: [] })).rules[0]!.status, 'skip');
  assert.equal(run(p, pod({ containers: [], volumes: [{ name: 'c', configMap: { name: 'x' } }] })).rules[0]!.status, 'skip');
  const hit = run(p, pod({ containers: [], volumes: [{ name: 'v', emptyDir: {} }] }));
  assert.equal(hit.rules[0]!.status, 'pass');
  assert.deepEqual((hit.patched.metadata as any).annotations, { 'safe-to-evict': 'true' });
  assert.deepEqual((hit.patched.spec as any).volumes, [{ name: 'v', emptyDir: {} }]);
});

test('a conditional anchor holding add-if-absent keys patches inside the matched element', () => {
  const p = policy({ patchStrategicMerge: { spec: { volumes: [{ '(emptyDir)': { '+(sizeLimit)': '20Mi' } }] } } });
  const r = run(p, pod({ containers: [], volumes: [{ name: 'a', emptyDir: {} }, { name: 'b', emptyDir: { sizeLimit: '1Gi' } }, { name: 'c', configMap: { name: 'x' } }] }));
  assert.equal(r.rules[0]!.status, 'pass');
  assert.deepEqual((r.patched.spec as any).volumes, [
    { name: 'a', emptyDir: { sizeLimit: '20Mi' } },
    { name: 'b', emptyDir: { sizeLimit: '1Gi' } },
    { name: 'c', configMap: { name: 'x' } },
  ]);
});

test('conditional list elements only patch resource elements that have a name', () => {
  const p = policy({ patchStrategicMerge: { spec: { tolerations: [{ '(key)': 'gpu', effect: 'NoSchedule' }] } } });
  const r = run(p, pod({ containers: [], tolerations: [{ key: 'gpu', operator: 'Exists' }] }));
  assert.equal(r.rules[0]!.status, 'skip');
});

test('mutate existing with foreach: the list reads the trigger as request.object, each element patches the target', () => {
  const p = policy({
    targets: [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: '{{ request.object.metadata.namespace }}', name: 'images' }],
    foreach: [{
      list: 'request.object.spec.containers',
      patchStrategicMerge: { data: { '{{ element.name }}': '{{ element.image }}' } },
    }],
  });
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'images', namespace: 'default' }, data: { old: 'x' } };
  const trigger = pod({ containers: [{ name: 'a', image: 'nginx:1' }, { name: 'b', image: 'redis:7' }] });
  const r = evaluateLegacyPolicy(p, trigger, { operation: 'CREATE', clusterResources: [cm] });
  const rule = r.rules[0]!;
  assert.equal(rule.status, 'pass');
  assert.deepEqual(r.patched, trigger);
  assert.deepEqual(rule.targets!.map((t) => [t.status, (t.resource as any).data]), [['pass', { old: 'x', a: 'nginx:1', b: 'redis:7' }]]);
});

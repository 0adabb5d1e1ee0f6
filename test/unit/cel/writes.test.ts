import { test } from 'node:test';
import assert from 'node:assert/strict';
import { celMutationWrites } from '../../../server/src/cel/writes.ts';
import { UNKNOWN } from '../../../server/src/model/types.ts';

test('nested apply configuration writes the leaf field', () => {
  assert.deepEqual(
    celMutationWrites('Object{spec: Object.spec{securityContext: Object.spec.securityContext{runAsNonRoot: true}}}'),
    [{ path: ['spec', 'securityContext', 'runAsNonRoot'], value: true, guard: 'always' }],
  );
});

test('a map literal writes each key', () => {
  assert.deepEqual(
    celMutationWrites("Object{metadata: Object.metadata{labels: {'app': 'default', 'tier': object.metadata.name}}}"),
    [
      { path: ['metadata', 'labels', 'app'], value: 'default', guard: 'always' },
      { path: ['metadata', 'labels', 'tier'], value: UNKNOWN, guard: 'always' },
    ],
  );
});

test('list elements of containers become a * segment', () => {
  assert.deepEqual(
    celMutationWrites("Object{spec: Object.spec{containers: [Object.spec.containers{name: 'app', imagePullPolicy: 'Always'}]}}"),
    [
      { path: ['spec', 'containers', '*', 'name'], value: 'app', guard: 'always' },
      { path: ['spec', 'containers', '*', 'imagePullPolicy'], value: 'Always', guard: 'always' },
    ],
  );
  const mapped = celMutationWrites('Object{spec: Object.spec{containers: object.spec.containers.map(c, Object.spec.containers{name: c.name, securityContext: Object.spec.containers.securityContext{privileged: false}})}}');
  assert.deepEqual(mapped.at(-1), { path: ['spec', 'containers', '*', 'securityContext', 'privileged'], value: false, guard: 'always' });
});

test('orValue on the written field itself is add-if-absent', () => {
  assert.deepEqual(
    celMutationWrites("Object{metadata: Object.metadata{labels: {'app': object.metadata.?labels.app.orValue('default')}}}"),
    [{ path: ['metadata', 'labels', 'app'], value: 'default', guard: 'ifAbsent' }],
  );
});

test('has() ternary keeping the existing value is add-if-absent', () => {
  assert.deepEqual(
    celMutationWrites("Object{spec: Object.spec{hostNetwork: has(object.spec.hostNetwork) ? object.spec.hostNetwork : false}}"),
    [{ path: ['spec', 'hostNetwork'], value: false, guard: 'ifAbsent' }],
  );
  assert.deepEqual(
    celMutationWrites('!has(object.spec.hostNetwork) ? Object{spec: Object.spec{hostNetwork: false}} : Object{}'),
    [{ path: ['spec', 'hostNetwork'], value: false, guard: 'ifAbsent' }],
  );
});

test('any other condition makes the write conditional', () => {
  assert.deepEqual(
    celMutationWrites("object.metadata.name == 'x' ? Object{spec: Object.spec{replicas: 2}} : Object{}"),
    [{ path: ['spec', 'replicas'], value: 2, guard: 'conditional' }],
  );
});

test('JSONPatch add with a literal pointer', () => {
  assert.deepEqual(
    celMutationWrites("[JSONPatch{op: 'add', path: '/metadata/labels/app', value: 'default'}]"),
    [{ path: ['metadata', 'labels', 'app'], value: 'default', guard: 'always' }],
  );
});

test('JSONPatch pointer with escapeKey and computed indexes', () => {
  assert.deepEqual(
    celMutationWrites('[JSONPatch{op: "add", path: "/metadata/annotations/" + jsonpatch.escapeKey("karpenter.sh/do-not-evict"), value: "true"}]'),
    [{ path: ['metadata', 'annotations', 'karpenter.sh/do-not-evict'], value: 'true', guard: 'always' }],
  );
  assert.deepEqual(
    celMutationWrites("object.spec.containers.map(c, JSONPatch{op: 'replace', path: '/spec/containers/' + string(object.spec.containers.indexOf(c)) + '/image', value: c.image + '-x'})"),
    [{ path: ['spec', 'containers', '*', 'image'], value: UNKNOWN, guard: 'always' }],
  );
  assert.deepEqual(
    celMutationWrites("[JSONPatch{op: 'add', path: '/spec/tolerations/-', value: {'key': 'a', 'operator': 'Exists'}}]"),
    [{ path: ['spec', 'tolerations', '*'], value: { key: 'a', operator: 'Exists' }, guard: 'always' }],
  );
});

test('JSONPatch remove and test write nothing; a syntax error yields no writes', () => {
  assert.deepEqual(celMutationWrites("[JSONPatch{op: 'remove', path: '/spec/x'}, JSONPatch{op: 'test', path: '/a', value: 1}]"), []);
  assert.deepEqual(celMutationWrites('Object{spec: '), []);
});

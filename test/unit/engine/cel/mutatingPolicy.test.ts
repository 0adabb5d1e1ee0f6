import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateCelPolicy } from '../../../../server/src/engine/cel/index.ts';
import { create, deployment, pod, podRules } from './helpers.ts';

const mpol = (mutations: unknown[], extra: Record<string, unknown> = {}) => ({ apiVersion: 'policies.kyverno.io/v1alpha1', kind: 'MutatingPolicy', metadata: { name: 'm' }, spec: { matchConstraints: podRules, mutations, ...extra } });

test('ApplyConfiguration: Object{...} merges into the object', () => {
  const p = mpol([{ patchType: 'ApplyConfiguration', applyConfiguration: { expression: 'Object{metadata: Object.metadata{labels: {"env": "prod"}}}' } }]);
  const out = evaluateCelPolicy(p, pod('a', { labels: { app: 'a' } }), create);
  assert.equal(out.rules[0]!.status, 'pass');
  assert.deepEqual((out.patched.metadata as Record<string, unknown>).labels, { app: 'a', env: 'prod' });
});

test('ApplyConfiguration: containers merged by name keep their other fields', () => {
  const p = mpol([{ patchType: 'ApplyConfiguration', applyConfiguration: { expression: 'Object{spec: Object.spec{containers: [Object.spec.containers{name: "app", imagePullPolicy: "Always"}]}}' } }]);
  const out = evaluateCelPolicy(p, pod('a'), create);
  assert.deepEqual((out.patched.spec as Record<string, unknown>).containers, [{ name: 'app', image: 'nginx:1.27', imagePullPolicy: 'Always' }]);
});

test('JSONPatch: operations apply in order; a failing test op is an error', () => {
  const add = mpol([{ patchType: 'JSONPatch', jsonPatch: { expression: '[JSONPatch{op: "add", path: "/metadata/annotations", value: {"a": "b"}}, JSONPatch{op: "replace", path: "/spec/containers/0/image", value: "nginx:1.28"}]' } }]);
  const out = evaluateCelPolicy(add, pod('a'), create);
  assert.deepEqual((out.patched.metadata as Record<string, unknown>).annotations, { a: 'b' });
  assert.equal(((out.patched.spec as Record<string, unknown>).containers as Record<string, unknown>[])[0]!.image, 'nginx:1.28');
  const bad = mpol([{ patchType: 'JSONPatch', jsonPatch: { expression: '[JSONPatch{op: "test", path: "/metadata/name", value: "other"}]' } }]);
  assert.equal(evaluateCelPolicy(bad, pod('a'), create).rules[0]!.status, 'error');
});

test('JSONPatch: jsonpatch.escapeKey escapes "/" in a label key', () => {
  const p = mpol([{ patchType: 'JSONPatch', jsonPatch: { expression: '[JSONPatch{op: "add", path: "/metadata/labels/" + jsonpatch.escapeKey("example.com/team"), value: "x"}]' } }]);
  const out = evaluateCelPolicy(p, pod('a', { labels: {} }), create);
  assert.deepEqual((out.patched.metadata as Record<string, unknown>).labels, { 'example.com/team': 'x' });
});

test('each mutation sees the previous one\'s output', () => {
  const p = mpol([
    { patchType: 'ApplyConfiguration', applyConfiguration: { expression: 'Object{metadata: Object.metadata{labels: {"step": "1"}}}' } },
    { patchType: 'ApplyConfiguration', applyConfiguration: { expression: 'Object{metadata: Object.metadata{labels: {"seen": object.metadata.labels.step}}}' } },
  ]);
  const out = evaluateCelPolicy(p, pod('a', { labels: {} }), create);
  assert.deepEqual((out.patched.metadata as Record<string, unknown>).labels, { step: '1', seen: '1' });
});

test('a false matchCondition leaves the object untouched', () => {
  const p = mpol([{ patchType: 'ApplyConfiguration', applyConfiguration: { expression: 'Object{metadata: Object.metadata{labels: {"x": "y"}}}' } }], { matchConditions: [{ name: 'c', expression: "object.metadata.name == 'other'" }] });
  const resource = pod('a', { labels: {} });
  const out = evaluateCelPolicy(p, resource, create);
  assert.equal(out.rules[0]!.status, 'skip');
  assert.deepEqual(out.patched, resource);
});

test('autogen: an apply configuration for Pods is wrapped into a Deployment template', () => {
  const p = mpol([{ patchType: 'ApplyConfiguration', applyConfiguration: { expression: 'Object{spec: Object.spec{priorityClassName: "high"}}' } }]);
  const out = evaluateCelPolicy(p, deployment('d'), create);
  assert.equal(out.rules[0]!.rule, 'autogen-m');
  const tmpl = ((out.patched.spec as Record<string, unknown>).template as Record<string, unknown>).spec as Record<string, unknown>;
  assert.equal(tmpl.priorityClassName, 'high');
  assert.equal((out.patched.spec as Record<string, unknown>).priorityClassName, undefined);
});

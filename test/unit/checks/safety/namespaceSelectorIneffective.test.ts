import { test } from 'node:test';
import assert from 'node:assert/strict';
import { namespaceSelectorIneffectiveCheck } from '../../../../server/src/checks/safety/namespaceSelectorIneffective.ts';
import { analyze } from '../harness.ts';

const legacy = (clause: string, kinds: string, selector: string) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: p}
spec:
  rules:
    - name: r
      match:
        any:
          - resources: {kinds: [${kinds}]}
      ${clause}:
        any:
          - resources:
              kinds: [${kinds}]
              namespaceSelector: ${selector}
      validate: {message: m, pattern: {metadata: {name: "?*"}}}
`;
const messages = (text: string) => analyze({ '/ws/p.yaml': text }, [namespaceSelectorIneffectiveCheck]).map((f) => f.message);

test('legacy: a selector that needs labels never holds for a cluster-scoped kind (Kyverno reads an empty label set)', () => {
  const [m] = messages(legacy('match', 'ClusterRole', '{matchExpressions: [{key: env, operator: Exists}]}'));
  assert.match(m, /which it never matches, so this filter never matches any ClusterRole/);
  const [e] = messages(legacy('exclude', 'ClusterRole', '{matchLabels: {env: prod}}'));
  assert.match(e, /this exclude never excludes any ClusterRole/);
});

test('legacy: NotIn and DoesNotExist hold for no labels, so the filter covers every object of the kind', () => {
  const [m] = messages(legacy('match', 'PersistentVolume, StorageClass', '{matchExpressions: [{key: env, operator: NotIn, values: [dev]}, {key: x, operator: DoesNotExist}]}'));
  assert.match(m, /always matches, so the rule applies to every PersistentVolume or StorageClass, cluster-wide/);
});

test('legacy: Namespace objects skip the selector, alone, beside namespaced kinds or under `*`', () => {
  const [m] = messages(legacy('exclude', 'Namespace', '{matchLabels: {env: prod}}'));
  assert.match(m, /this exclude applies to every Namespace whatever its labels/);
  const [mixed] = messages(legacy('match', 'Namespace, Pod', '{matchLabels: {env: prod}}'));
  assert.match(mixed, /this filter matches every Namespace whatever its labels/);
  assert.doesNotMatch(mixed, /Pod/);
  const [wildcard] = messages(legacy('match', '"*"', '{matchLabels: {freeze: "true"}}'));
  assert.match(wildcard, /`\*` includes Namespace objects, and Kyverno skips/);
  assert.deepEqual(messages(legacy('match', 'Pod, ConfigMap', '{matchLabels: {env: prod}}')), []);
});

test('cleanup policies: the selector of spec.match is read the same way', () => {
  const text = `apiVersion: kyverno.io/v2
kind: ClusterCleanupPolicy
metadata: {name: c}
spec:
  schedule: "0 * * * *"
  match:
    any:
      - resources:
          kinds: [PersistentVolume]
          namespaceSelector: {matchLabels: {env: dev}}
`;
  const findings = analyze({ '/ws/c.yaml': text }, [namespaceSelectorIneffectiveCheck]);
  assert.equal(findings.length, 1);
  assert.match(findings[0].message, /never matches any PersistentVolume/);
  assert.equal(text.slice(findings[0].span.start, findings[0].span.end), 'namespaceSelector');
});

// safety/fail-closed-critical and safety/namespace-selector-ineffective in one file: one process and one
// import of the checks instead of two (test time is budgeted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { failClosedCriticalCheck } from '../../../../server/src/checks/safety/failClosedCritical.ts';
import { schemaCheck } from '../../../../server/src/checks/schema/schema.ts';
import { namespaceSelectorIneffectiveCheck } from '../../../../server/src/checks/safety/namespaceSelectorIneffective.ts';
import { analyze, applyEdits, yamlErrors } from '../harness.ts';

const fires = readFileSync(join(process.cwd(), 'test/fixtures/safety/fail-closed-critical/fires.yaml'), 'utf8');

// Each fix, applied finding by finding, must silence the check and leave schema-valid YAML.
for (const [title, pick] of [['failurePolicy: Ignore', /failurePolicy: Ignore/], ['the recovery match condition', /matchConditions/]] as const) {
  test(`fail-closed-critical: the ${title} fix removes every finding and stays schema-valid`, () => {
    let files: Record<string, string> = { '/ws/p.yaml': fires };
    const count = analyze(files, [failClosedCriticalCheck]).length;
    assert.equal(count, 5);
    for (let i = 0; i < count; i++) {
      const [next] = analyze(files, [failClosedCriticalCheck]);
      const fix = next.fixes!.find((f) => pick.test(f.title));
      assert.ok(fix, `no "${title}" fix on: ${next.message}`);
      files = applyEdits(files, fix.edits);
      assert.deepEqual(yamlErrors(files), []);
    }
    assert.deepEqual(analyze(files, [failClosedCriticalCheck]), []);
    assert.deepEqual(analyze(files, [schemaCheck]).map((f) => f.message), []);
  });
}

test('fail-closed-critical: Ignore replaces the failurePolicy that is written, in the field Kyverno reads first', () => {
  const files = { '/ws/p.yaml': fires };
  const findings = analyze(files, [failClosedCriticalCheck]);
  const after = (n: number) => applyEdits(files, findings[n].fixes!.find((f) => /Ignore/.test(f.title))!.edits)['/ws/p.yaml'];
  assert.match(after(1), /webhookConfiguration:\n {4}failurePolicy: Ignore\n/);
  assert.match(after(2), /\n {2}failurePolicy: Ignore\n {2}rules:/);
  // Unset on a legacy policy: the current field, not the deprecated spec.failurePolicy.
  assert.match(after(0), /\n {2}webhookConfiguration:\n {4}failurePolicy: Ignore\n/);
  assert.match(after(3), /\n {2}failurePolicy: Ignore\n/);
});

test('fail-closed-critical: a CEL namespaceSelector keeps Namespaces and Leases out, not cluster-scoped kinds', () => {
  const policy = (resources: string) => `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: p}
spec:
  matchConstraints:
    namespaceSelector: {matchLabels: {tenant: "true"}}
    resourceRules:
      - apiGroups: ["", coordination.k8s.io, rbac.authorization.k8s.io]
        apiVersions: ["*"]
        operations: [UPDATE]
        resources: [${resources}]
  validations: [{expression: "true"}]
`;
  assert.deepEqual(analyze({ '/ws/p.yaml': policy('namespaces, leases') }, [failClosedCriticalCheck]), []);
  // Without the selector, node heartbeats (Leases in kube-node-lease) are on the webhook.
  const [lease] = analyze({ '/ws/p.yaml': policy('leases').replace(/ {4}namespaceSelector: .*\n/, '') }, [failClosedCriticalCheck]);
  assert.match(lease.message, /Lease: node heartbeats/);
  const [finding] = analyze({ '/ws/p.yaml': policy('leases, clusterroles') }, [failClosedCriticalCheck]);
  assert.match(finding.message, /ClusterRole:/);
  assert.doesNotMatch(finding.message, /Lease/);
  const [wildcard] = analyze({ '/ws/p.yaml': policy('"*"') }, [failClosedCriticalCheck]);
  assert.match(wildcard.message, /every cluster-scoped object .* is still sent/);
  assert.doesNotMatch(wildcard.message, /node heartbeats/);
});

// namespace-selector-ineffective
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

test('legacy rules: a filter with a namespaceSelector never matches a Namespace itself, alone, beside namespaced kinds or under `*`', () => {
  // Kyverno's engine (doesResourceMatchConditionBlock) fails the filter for Namespace objects.
  const [m] = messages(legacy('exclude', 'Namespace', '{matchLabels: {env: prod}}'));
  assert.match(m, /this exclude never excludes a Namespace itself, whatever its labels/);
  const [mixed] = messages(legacy('match', 'Namespace, Pod', '{matchLabels: {env: prod}}'));
  assert.match(mixed, /this filter never matches a Namespace itself/);
  assert.doesNotMatch(mixed, /Pod/);
  const [wildcard] = messages(legacy('match', '"*"', '{matchLabels: {freeze: "true"}}'));
  assert.match(wildcard, /`\*` does not cover Namespace objects here: Kyverno's rule matching fails/);
  assert.deepEqual(messages(legacy('match', 'Pod, ConfigMap', '{matchLabels: {env: prod}}')), []);
});

test('cleanup policies: their matcher (pkg/utils/match) skips the selector for a Namespace, so every Namespace matches', () => {
  const text = `apiVersion: kyverno.io/v2
kind: ClusterCleanupPolicy
metadata: {name: c}
spec:
  schedule: "0 * * * *"
  match:
    any:
      - resources:
          kinds: [Namespace]
          namespaceSelector: {matchLabels: {env: dev}}
`;
  const [finding] = analyze({ '/ws/c.yaml': text }, [namespaceSelectorIneffectiveCheck]);
  assert.match(finding.message, /cleanup matching skips a namespaceSelector for Namespace objects, so this filter matches every Namespace/);
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

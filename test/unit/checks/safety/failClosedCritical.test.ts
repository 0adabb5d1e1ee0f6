import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { failClosedCriticalCheck } from '../../../../server/src/checks/safety/failClosedCritical.ts';
import { schemaCheck } from '../../../../server/src/checks/schema/schema.ts';
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
  const [finding] = analyze({ '/ws/p.yaml': policy('leases, clusterroles') }, [failClosedCriticalCheck]);
  assert.match(finding.message, /ClusterRole:/);
  assert.doesNotMatch(finding.message, /Lease/);
  const [wildcard] = analyze({ '/ws/p.yaml': policy('"*"') }, [failClosedCriticalCheck]);
  assert.match(wildcard.message, /every cluster-scoped object .* is still sent/);
  assert.doesNotMatch(wildcard.message, /node heartbeats/);
});

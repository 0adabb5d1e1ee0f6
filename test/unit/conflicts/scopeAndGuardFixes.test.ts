// The namespace-exclusion quick fix (legacy exclude.any, CEL namespaceSelector) and the has()
// guard of CEL MutatingPolicy writes: applied, each removes its finding and adds no error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, applyEdits, yamlErrors } from '../checks/harness.ts';
import { allChecks } from '../../../server/src/checks/registry.ts';
import type { Finding } from '../../../server/src/findings.ts';

const conflictChecks = allChecks.filter((c) => c.id.startsWith('conflict/'));
const fixture = (check: string, name: string) => readFileSync(join(process.cwd(), 'test', 'fixtures', 'conflict', check, name), 'utf8');
const errors = (findings: Finding[]) => findings.filter((f) => f.severity === 'error').map((f) => `${f.code}: ${f.message}`);

/** Applies every fix whose title matches; each removes the finding `code` and adds no error under any check. */
function prove(code: string, text: string, title: RegExp, expect: number): Record<string, string>[] {
  const files = { '/ws/p.yaml': text };
  const before = new Set(errors(analyze(files, allChecks)));
  const fixes = analyze(files, conflictChecks).filter((f) => f.code === code).flatMap((f) => f.fixes ?? []).filter((f) => title.test(f.title));
  assert.equal(fixes.length, expect, `fixes: ${fixes.map((f) => f.title).join('; ')}`);
  return fixes.map((fix) => {
    const after = applyEdits(files, fix.edits);
    assert.deepEqual(yamlErrors(after), [], `${fix.title} leaves invalid YAML:\n${after['/ws/p.yaml']}`);
    const remaining = analyze(after, conflictChecks).filter((f) => f.code === code);
    assert.equal(remaining.length, 0, `${fix.title} leaves: ${remaining.map((f) => f.message).join('\n')}\n${after['/ws/p.yaml']}`);
    const added = errors(analyze(after, allChecks)).filter((e) => !before.has(e));
    assert.deepEqual(added, [], `${fix.title} adds errors:\n${after['/ws/p.yaml']}`);
    return after;
  });
}

const legacyMutation = (name: string, user: number, match: string, extra = '') => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: ${name}
spec:
  rules:
    - name: ${name}
      match:
        any:
          - resources:
              kinds: [Pod]
${match}${extra}
      mutate:
        patchStrategicMerge:
          spec:
            securityContext:
              runAsUser: ${user}
`;
const ns = (list: string) => `              namespaces: ${list}\n`;

test('exclude namespaces (legacy): the all-namespaces rule gets an exclude block for the other\'s namespaces', () => {
  const text = `${legacyMutation('user-everywhere', 1000, '')}---\n${legacyMutation('user-in-teams', 2000, ns('[team-a, team-b]'))}`;
  const [after] = prove('conflict/mutation-overwrite', text, /^Exclude/, 1);
  assert.match(after['/ws/p.yaml'], /      exclude:\n        any:\n          - resources:\n              namespaces: \[team-a, team-b\]\n      mutate:/);
});

test('exclude namespaces (legacy): merged into an existing exclude.any; a wildcard match counts as broad', () => {
  const existing = '      exclude:\n        any:\n          - resources:\n              namespaces: [kube-system]\n';
  const text = `${legacyMutation('user-teams', 1000, ns('["team-*"]'), existing)}---\n${legacyMutation('user-in-team-a', 2000, ns('[team-a]'))}`;
  const [after] = prove('conflict/mutation-overwrite', text, /^Exclude/, 1);
  assert.match(after['/ws/p.yaml'], /any:\n          - resources:\n              namespaces: \[team-a\]\n          - resources:\n              namespaces: \[kube-system\]/);
});

test('exclude namespaces: not offered when the other side is a wildcard or matches every namespace too', () => {
  const titles = (text: string) => analyze({ '/ws/p.yaml': text }, conflictChecks).flatMap((f) => f.fixes ?? []).map((f) => f.title);
  const wildcard = `${legacyMutation('user-everywhere', 1000, '')}---\n${legacyMutation('user-in-teams', 2000, ns('["team-*"]'))}`;
  assert.ok(titles(wildcard).length > 0 && !titles(wildcard).some((t) => t.startsWith('Exclude')), titles(wildcard).join('; '));
  const both = `${legacyMutation('user-a', 1000, '')}---\n${legacyMutation('user-b', 2000, '')}`;
  assert.ok(!titles(both).some((t) => t.startsWith('Exclude')));
});

const celNonRootVsUser0 = fixture('incompatible-mutations', 'cel-run-as-non-root-vs-user-0.yaml');
const inTeamA = (text: string, name: string) =>
  text.replace(new RegExp(`(name: ${name}[^\\n]*\\n(?:#[^\\n]*\\n)*spec:\\n)`), `$1  matchConditions:\n    - name: team-a\n      expression: "object.metadata.namespace == 'team-a'"\n`);

test('exclude namespaces (CEL): the broad MutatingPolicy gets a namespaceSelector NotIn on kubernetes.io/metadata.name', () => {
  const text = inTeamA(celNonRootVsUser0, 'force-run-as-user-0');
  const [after] = prove('conflict/incompatible-mutations', text, /^Exclude namespace team-a from enforce-non-root/, 1);
  assert.match(after['/ws/p.yaml'], /  matchConstraints:\n    namespaceSelector:\n      matchExpressions:\n        - key: kubernetes.io\/metadata.name\n          operator: NotIn\n          values: \[team-a\]\n    resourceRules:/);
});

test('exclude namespaces (CEL): merged into an existing namespaceSelector and into an existing NotIn', () => {
  const withLabels = inTeamA(celNonRootVsUser0, 'force-run-as-user-0').replace('  mutations:', '    namespaceSelector:\n      matchLabels:\n        tier: apps\n  mutations:');
  const [a] = prove('conflict/incompatible-mutations', withLabels, /^Exclude/, 1);
  assert.match(a['/ws/p.yaml'], /namespaceSelector:\n      matchExpressions:\n        - key: kubernetes.io\/metadata.name\n          operator: NotIn\n          values: \[team-a\]\n      matchLabels:/);
  const withNotIn = inTeamA(celNonRootVsUser0, 'force-run-as-user-0').replace('  mutations:', '    namespaceSelector:\n      matchExpressions:\n        - key: kubernetes.io/metadata.name\n          operator: NotIn\n          values: [kube-system]\n  mutations:');
  const [b] = prove('conflict/incompatible-mutations', withNotIn, /^Exclude/, 1);
  assert.match(b['/ws/p.yaml'], /values: \[kube-system, team-a\]/);
});

test('exclude namespaces (mutation-rejected): a legacy mutation everywhere vs a namespaced CEL validation', () => {
  const text = fixture('mutation-rejected', 'mixed-legacy-mutation-cel-validation.yaml');
  const validation = text.split(/^---\n/m).find((d) => /kind: ValidatingPolicy/.test(d));
  assert.ok(validation);
  const narrowed = inTeamA(text, validation.match(/name: ([a-z0-9-]+)/)![1]);
  prove('conflict/mutation-rejected', narrowed, /^Exclude/, 1);
});

test('add-if-absent (CEL): has() guards on every level make both applyConfiguration writes add-if-absent', () => {
  const [after] = prove('conflict/mutation-overwrite', fixture('mutation-overwrite', 'cel-label-values.yaml'), /only when absent \(has\(\) guard on both rules\)/, 2);
  assert.match(after['/ws/p.yaml'], /expression: \|\n          !has\(object.metadata.labels\) \|\| !has\(object.metadata.labels.team\) \? \(\n            Object\{/);
  // A quoted expression is wrapped inside its quotes.
  const quoted = fixture('mutation-overwrite', 'cel-label-values.yaml').replace(/expression: \|\n\s+Object\{\n\s+metadata: Object.metadata\{\n\s+labels: \{"team": "a"\}\n\s+\}\n\s+\}/, `expression: "Object{metadata: Object.metadata{labels: {'team': 'a'}}}"`);
  assert.notEqual(quoted, fixture('mutation-overwrite', 'cel-label-values.yaml'));
  const [q] = prove('conflict/mutation-overwrite', quoted, /only when absent/, 2);
  assert.match(q['/ws/p.yaml'], /expression: "!has\(object.metadata.labels\) \|\| !has\(object.metadata.labels.team\) \? \(Object\{metadata: Object.metadata\{labels: \{'team': 'a'\}\}\}\) : Object\{\}"/);
});

test('add-if-absent (CEL and legacy together): a has() guard on one side and a +() anchor on the other', () => {
  const cel = celNonRootVsUser0.split(/^---\n/m)[1].replace('runAsUser: 0', 'runAsUser: 1000').replace('name: force-run-as-user-0', 'name: cel-user-1000');
  const text = `${cel}---\n${legacyMutation('legacy-user-2000', 2000, '')}`;
  const [after] = prove('conflict/mutation-overwrite', text, /only when absent/, 2);
  assert.match(after['/ws/p.yaml'], /!has\(object.spec.securityContext\) \|\| !has\(object.spec.securityContext.runAsUser\) \? \(/);
  assert.match(after['/ws/p.yaml'], /\+\(runAsUser\): 2000/);
});

test('add-if-absent (CEL): not offered for a JSONPatch add', () => {
  const jsonPatch = `apiVersion: policies.kyverno.io/v1alpha1
kind: MutatingPolicy
metadata:
  name: patch-user
spec:
  matchConstraints:
    resourceRules:
      - apiGroups: [""]
        apiVersions: ["v1"]
        operations: ["CREATE"]
        resources: ["pods"]
  mutations:
    - patchType: JSONPatch
      jsonPatch:
        expression: |
          [JSONPatch{op: "add", path: "/spec/securityContext/runAsUser", value: 3000}]
`;
  const text = `${jsonPatch}---\n${legacyMutation('legacy-user-2000', 2000, '')}`;
  const findings = analyze({ '/ws/p.yaml': text }, conflictChecks).filter((f) => f.code === 'conflict/mutation-overwrite');
  assert.equal(findings.length, 2, findings.map((f) => f.message).join('\n'));
  assert.ok(!findings.flatMap((f) => f.fixes ?? []).some((f) => /only when absent/.test(f.title)));
});

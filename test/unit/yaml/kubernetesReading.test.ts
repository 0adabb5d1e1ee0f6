import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexText } from '../../../server/src/workspace/document.ts';
import { spanOf } from '../../../server/src/yaml/paths.ts';

const options = { maxFileSize: 1 << 20, maxDocuments: 100, maxAliasCount: 100 };
const policy = (annotations: string) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team
  annotations:
${annotations}spec:
  rules:
  - name: team-label
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: a team label is required
      pattern:
        metadata:
          labels:
            team: "?*"
`;
const at = (text: string, needle: string, from = 0) => ({ start: text.indexOf(needle, from), end: text.indexOf(needle, from) + needle.length });

test('a duplicate key keeps the document: the last value wins, the repeated key is an error at its exact range', () => {
  const text = policy('    policies.kyverno.io/category: Old\n    policies.kyverno.io/title: Team\n    policies.kyverno.io/category: Best Practices\n');
  const file = indexText('/w/p.yaml', text, options);
  const doc = file.documents[0];
  assert.equal(doc.policy?.rules[0].name, 'team-label', 'the policy is still analysed');
  assert.equal((doc.yaml.value as { metadata: { annotations: Record<string, string> } }).metadata.annotations['policies.kyverno.io/category'], 'Best Practices');
  assert.deepEqual(file.problems.map((p) => [p.code, p.severity, p.span]), [['yaml/duplicate-key', 'error', at(text, 'policies.kyverno.io/category', text.indexOf('title'))]]);
  assert.match(file.problems[0].message, /line 6/);
});

test('a quoted scalar with under-indented continuation lines is folded as go-yaml folds it; positions after it stay exact', () => {
  const text = policy('    policies.kyverno.io/description: "Every Pod needs\n  a team label\n\n for chargeback."\n    policies.kyverno.io/title: \'It\'\'s\nteam time\'\n');
  const file = indexText('/w/p.yaml', text, options);
  const doc = file.documents[0];
  assert.equal(doc.policy?.rules[0].name, 'team-label');
  const annotations = (doc.yaml.value as { metadata: { annotations: Record<string, string> } }).metadata.annotations;
  assert.equal(annotations['policies.kyverno.io/description'], 'Every Pod needs a team label\nfor chargeback.');
  assert.equal(annotations['policies.kyverno.io/title'], "It's team time");
  assert.deepEqual(file.problems.map((p) => [p.code, p.severity, text.slice(p.span.start, p.span.end)]), [
    ['yaml/under-indented', 'info', '  a team label'],
    ['yaml/under-indented', 'info', ' for chargeback."'],
    ['yaml/under-indented', 'info', "team time'"],
  ]);
  const span = spanOf(doc.yaml.doc, ['spec', 'rules', 0, 'name'], 'value');
  assert.equal(text.slice(span.start, span.end), 'team-label');
});

test('an unterminated quote is still a syntax error and the document has no value', () => {
  const file = indexText('/w/p.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "x\ndata: {}\n', options);
  assert.equal(file.documents[0].yaml.value, undefined);
  assert.ok(file.problems.some((p) => p.code === 'yaml/syntax' && p.severity === 'error'));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, parseDocument } from 'yaml';
import { spanOf } from '../../../server/src/yaml/paths.ts';
import { validateAgainstSchema, type SchemaProblem } from '../../../server/src/schema/validate.ts';

const clusterPolicy = (rule: string, spec = '') => parse(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: example
  annotations:
    policies.kyverno.io/title: Anything goes in metadata
spec:
${spec}
  rules:
${rule}
`);

const validRule = `
  - name: require-labels
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      failureAction: Enforce
      message: label app is required
      pattern:
        metadata:
          labels:
            app: "?*"
`;

const check = (value: unknown, kind = 'ClusterPolicy', version = 'v1', group = 'kyverno.io'): SchemaProblem[] =>
  validateAgainstSchema(group, kind, version, value);

test('a valid ClusterPolicy has no problems, including free-form metadata and pattern', () => {
  assert.deepEqual(check(clusterPolicy(validRule)), []);
});

test('an empty (null) optional field is accepted, as the apiserver prunes nulls', () => {
  const doc = clusterPolicy(`${validRule}    exclude:\n    preconditions:\n`);
  assert.deepEqual(check(doc), []);
});

test('an unknown key is reported on the key, naming the closest known field', () => {
  const doc = clusterPolicy(validRule.replace('validate:', 'validat:'));
  const problems = check(doc);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.equal(problems[0].code, 'schema/additionalProperties');
  assert.deepEqual(problems[0].path, ['spec', 'rules', 0, 'validat']);
  assert.equal(problems[0].target, 'key');
  assert.match(problems[0].message, /`spec\.rules\[0\]\.validat` is not a known field/);
  assert.match(problems[0].message, /did you mean `validate`\?/);
});

test('an unknown key in a small object lists the allowed keys', () => {
  const doc = clusterPolicy(`
  - name: cm
    match:
      any:
      - resources:
          kinds: [Pod]
    context:
    - name: cfg
      configMap:
        name: settings
        namespace: default
        key: foo
    validate:
      message: m
      deny: {}
`);
  const problems = check(doc);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.deepEqual(problems[0].path, ['spec', 'rules', 0, 'context', 0, 'configMap', 'key']);
  assert.match(problems[0].message, /allowed here: `name` or `namespace`/);
});

test('a missing required field is reported on the parent object, naming the field', () => {
  const doc = clusterPolicy(validRule.replace('  - name: require-labels\n', '  - \n'));
  const problems = check(doc);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.equal(problems[0].code, 'schema/required');
  assert.deepEqual(problems[0].path, ['spec', 'rules', 0]);
  assert.equal(problems[0].target, 'key');
  assert.match(problems[0].message, /`spec\.rules\[0\]` is missing the required field `name`/);
});

test('several missing fields of one object are one problem naming them all', () => {
  const doc = parse('apiVersion: cli.kyverno.io/v1alpha1\nkind: Context\nmetadata: {name: c}\nspec:\n  images:\n  - image: busybox\n');
  const problems = check(doc, 'Context', 'v1alpha1', 'cli.kyverno.io');
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.deepEqual(problems[0].path, ['spec', 'images', 0]);
  assert.match(problems[0].message, /missing the required fields `registry`, `repository` and `resolvedImage`/);
});

test('a wrong type is reported on the value, saying what was expected and found', () => {
  const doc = clusterPolicy(`
  - name: quota
    match:
      any:
      - resources:
          kinds: [Namespace]
    context:
    - name: hour
      variable: "{{ time_now_utc() }}"
    validate:
      message: m
      deny: {}
`);
  const problems = check(doc);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.equal(problems[0].code, 'schema/type');
  assert.deepEqual(problems[0].path, ['spec', 'rules', 0, 'context', 0, 'variable']);
  assert.equal(problems[0].target, 'value');
  assert.equal(problems[0].message, '`spec.rules[0].context[0].variable` must be an object, not a string');
});

test('a value outside an enum is reported on the value, with the allowed values and a suggestion', () => {
  const doc = clusterPolicy(validRule.replace('failureAction: Enforce', 'failureAction: enforce'));
  const problems = check(doc);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.equal(problems[0].code, 'schema/enum');
  assert.deepEqual(problems[0].path, ['spec', 'rules', 0, 'validate', 'failureAction']);
  assert.equal(problems[0].target, 'value');
  assert.match(problems[0].message, /must be one of `Audit` or `Enforce`, not the string `enforce`; did you mean `Enforce`\?/);
});

test('a context entry with no source collapses oneOf noise into one sentence', () => {
  const doc = clusterPolicy(`
  - name: r
    match:
      any:
      - resources:
          kinds: [Pod]
    context:
    - name: nothing
    validate:
      message: m
      deny: {}
`);
  const problems = check(doc);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.equal(problems[0].code, 'schema/oneOf');
  assert.deepEqual(problems[0].path, ['spec', 'rules', 0, 'context', 0]);
  assert.match(problems[0].message, /must set one of `configMap`, `apiCall`, `imageRegistry`, `variable`/);
});

test('a context entry with two sources is told to keep one', () => {
  const doc = clusterPolicy(`
  - name: r
    match:
      any:
      - resources:
          kinds: [Pod]
    context:
    - name: both
      variable: {value: 1}
      configMap: {name: a, namespace: b}
    validate:
      message: m
      deny: {}
`);
  const problems = check(doc);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.match(problems[0].message, /must set only one of `configMap` and `variable`/);
});

test('a Go duration is not checked as an ISO 8601 duration (the format is informational)', () => {
  const doc = parse(`
apiVersion: kyverno.io/v2beta1
kind: GlobalContextEntry
metadata: {name: g}
spec:
  apiCall:
    urlPath: /api/v1/namespaces
    refreshInterval: 1h30m
`);
  assert.deepEqual(check(doc, 'GlobalContextEntry', 'v2beta1'), []);
});

test('CEL policies validate too: a string where a list is expected', () => {
  const doc = parse(`
apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: v}
spec:
  validations: "object.spec.replicas < 5"
`);
  const problems = check(doc, 'ValidatingPolicy', 'v1', 'policies.kyverno.io');
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.deepEqual(problems[0].path, ['spec', 'validations']);
  assert.equal(problems[0].message, '`spec.validations` must be a list, not a string');
});

test('an unknown group, kind or version gives no problems rather than a guess', () => {
  assert.deepEqual(check({ spec: 1 }, 'ClusterPolicy', 'v9'), []);
  assert.deepEqual(check({ spec: 1 }, 'Nope', 'v1'), []);
  assert.deepEqual(check({ spec: 1 }, 'ClusterPolicy', 'v1', 'example.com'), []);
});

test('the paths land on the exact key or value in the YAML text', () => {
  const text = [
    'apiVersion: kyverno.io/v1',
    'kind: ClusterPolicy',
    'metadata: {name: p}',
    'spec:',
    '  rules:',
    '  - name: r',
    '    match:',
    '      any:',
    '      - resources: {kinds: [Pod]}',
    '    context:',
    '    - name: now',
    '      variable: "{{ time_now_utc() }}"',
    '    validate:',
    '      failureActoin: Enforce',
    '      deny: {}',
  ].join('\n');
  const doc = parseDocument(text);
  const problems = check(doc.toJS());
  const at = (code: string) => {
    const p = problems.find((x) => x.code === code);
    assert.ok(p, `no ${code} in ${JSON.stringify(problems)}`);
    const span = spanOf(doc, p.path, p.target);
    return text.slice(span.start, span.end);
  };
  assert.equal(at('schema/type'), '"{{ time_now_utc() }}"');
  assert.equal(at('schema/additionalProperties'), 'failureActoin');
});

test('a null enum field is pruned like any other null, but a null list item is not', () => {
  const doc = clusterPolicy(validRule.replace('failureAction: Enforce', 'failureAction:').replace('kinds: [Pod]', 'kinds: [Pod, null]'), '  validationFailureAction:');
  const problems = check(doc);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.equal(problems[0].code, 'schema/type');
  assert.deepEqual(problems[0].path, ['spec', 'rules', 0, 'match', 'any', 0, 'resources', 'kinds', 1]);
  assert.equal(problems[0].message, '`spec.rules[0].match.any[0].resources.kinds[1]` must be a string, not null');
});

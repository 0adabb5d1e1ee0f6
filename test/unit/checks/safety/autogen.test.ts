// The autogen checks' code actions (each applied, then the check re-run on the result) and the
// model's skip reasons they report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, applyEdits, yamlErrors } from '../harness.ts';
import { autogenSkippedCheck } from '../../../../server/src/checks/safety/autogenSkipped.ts';
import { autogenTranslationCheck } from '../../../../server/src/checks/safety/autogenTranslation.ts';
import { autogenKinds, autogenSkip } from '../../../../server/src/model/autogen.ts';
import { celAutogenKinds, celAutogenSkip } from '../../../../server/src/model/celAutogen.ts';
import { parse as parseYaml } from 'yaml';

const parse = (text: string) => parseYaml(text) as Record<string, unknown>;

const legacy = (metadataExtra: string, filter: string, body: string) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: p${metadataExtra}
spec:
  rules:
    - name: r
      match:
        any:
          - resources:
              kinds:
                - Pod${filter}
${body}`;

const PATTERN = `      validate:
        failureAction: Enforce
        message: m
        pattern:
          metadata:
            namespace: "!default"
`;

function fixNamed(files: Record<string, string>, check: typeof autogenSkippedCheck, title: RegExp) {
  const [finding, ...rest] = analyze(files, [check]);
  assert.ok(finding, 'the check fires before the fix');
  assert.equal(rest.length, 0);
  const fix = finding.fixes?.find((f) => title.test(f.title));
  assert.ok(fix, `a fix titled ${title}: ${finding.fixes?.map((f) => f.title).join(' | ')}`);
  const after = applyEdits(files, fix.edits);
  assert.deepEqual(yamlErrors(after), []);
  return after;
}

test('autogen-skipped: the opt-out annotation is added under existing annotations, and silences the check', () => {
  const files = { '/w/p.yaml': legacy('\n  annotations:\n    owner: platform', '\n              names: ["web-*"]', PATTERN) };
  const after = fixNamed(files, autogenSkippedCheck, /autogen-controllers: none/);
  assert.match(after['/w/p.yaml']!, /annotations:\n {4}owner: platform\n {4}pod-policies\.kyverno\.io\/autogen-controllers: none\n/);
  assert.deepEqual(analyze(after, [autogenSkippedCheck]), []);
});

test('autogen-skipped: a requested controller list is replaced by none (the list does not bring autogen back)', () => {
  const files = { '/w/p.yaml': legacy('\n  annotations:\n    pod-policies.kyverno.io/autogen-controllers: Deployment', '\n              names: ["web-*"]', PATTERN) };
  const after = fixNamed(files, autogenSkippedCheck, /autogen-controllers: none/);
  assert.match(after['/w/p.yaml']!, /autogen-controllers: none\n/);
  assert.doesNotMatch(after['/w/p.yaml']!, /Deployment/);
});

test('autogen-skipped on a CEL policy: the opt-out is an empty controller list', () => {
  const text = `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata:
  name: v
spec:
  validationActions: [Deny]
  matchConstraints:
    resourceRules:
      - apiGroups: [""]
        apiVersions: [v1]
        operations: [CREATE]
        resources: [pods]
        resourceNames: [debug]
  validations:
    - expression: "object.spec.hostNetwork != true"
`;
  const after = fixNamed({ '/w/v.yaml': text }, autogenSkippedCheck, /controllers: \[\]/);
  assert.match(after['/w/v.yaml']!, /spec:\n {2}validationActions: \[Deny\][\s\S]*\n {2}autogen:\n {4}podControllers:\n {6}controllers: \[\]/);
  assert.deepEqual(analyze(after, [autogenSkippedCheck]), []);
});

test('autogen-translation: request."object" keeps a reference on the controller and silences the check', () => {
  const body = `      preconditions:
        all:
          - key: "{{ request.object.metadata.name }}"
            operator: NotEquals
            value: debug
      validate:
        failureAction: Enforce
        message: m
        pattern:
          spec:
            hostNetwork: false
`;
  const files = { '/w/p.yaml': legacy('', '', body) };
  const after = fixNamed(files, autogenTranslationCheck, /request\."object"\.metadata\.name/);
  assert.match(after["/w/p.yaml"]!, /key: "\{\{ request\.\\"object\\"\.metadata\.name \}\}"/);
  assert.deepEqual(analyze(after, [autogenTranslationCheck]), []);
});

test('autogen-translation: the opt-out turns autogen off for a metadata pattern', () => {
  const after = fixNamed({ '/w/p.yaml': legacy('', '', PATTERN) }, autogenTranslationCheck, /autogen-controllers: none/);
  assert.match(after['/w/p.yaml']!, /name: p\n {2}annotations:\n {4}pod-policies\.kyverno\.io\/autogen-controllers: none\n/);
  assert.deepEqual(analyze(after, [autogenTranslationCheck]), []);
});

test('model: the first field that disables legacy autogen, in Kyverno order, and autogen kinds agree', () => {
  const policy = (rules: unknown[]) => ({ spec: { rules } });
  const pod = { name: 'a', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { pattern: {} } };
  assert.equal(autogenSkip(policy([pod])), undefined);
  assert.ok(autogenKinds(policy([pod])).includes('Deployment'));
  const excluded = { ...pod, exclude: { all: [{ resources: { kinds: ['Pod'], annotations: { a: 'b' } } }] } };
  assert.deepEqual(autogenSkip(policy([pod, excluded])), { reason: 'annotations', rule: 1, path: ['spec', 'rules', 1, 'exclude', 'all', 0, 'resources', 'annotations'] });
  assert.deepEqual(autogenKinds(policy([pod, excluded])), []);
  const json = { name: 'j', match: { resources: { kinds: ['Pod'] } }, mutate: { foreach: [{ list: 'x', patchStrategicMerge: {} }, { list: 'y', patchesJson6902: '[]' }] } };
  assert.deepEqual(autogenSkip(policy([json])), { reason: 'patchesJson6902', rule: 0, path: ['spec', 'rules', 0, 'mutate', 'foreach', 1, 'patchesJson6902'] });
  assert.equal(autogenSkip(policy([{ ...pod, match: { resources: { kinds: ['Pod'], namespaces: ['a'] } } }])), undefined);
});

test('model: CEL autogen is off with excludeResourceRules, and the reason names it', () => {
  const rule = { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] };
  const spec = (mc: Record<string, unknown>) => ({ matchConstraints: { resourceRules: [rule], ...mc } });
  assert.ok(celAutogenKinds('ValidatingPolicy', spec({})).includes('Deployment'));
  assert.deepEqual(celAutogenSkip(spec({ excludeResourceRules: [rule] }).matchConstraints), { reason: 'excludeResourceRules', path: ['excludeResourceRules'] });
  assert.deepEqual(celAutogenKinds('ValidatingPolicy', spec({ excludeResourceRules: [rule] })), []);
  assert.deepEqual(celAutogenSkip(spec({ objectSelector: { matchLabels: { a: 'b' } } }).matchConstraints)?.reason, 'objectSelector');
});

test('autogen-skipped: splitting a Pod + Service filter keeps Pod alone, copies the rule for Service, and autogen applies', () => {
  const text = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: owner
spec:
  rules:
    - name: owner-label
      match:
        any:
          - resources:
              kinds:
                - Pod
                - Service   # services too
      validate:
        failureAction: Enforce
        message: An owner label is required.
        pattern:
          metadata:
            labels:
              owner: "?*"
    - name: last
      match:
        any:
          - resources:
              kinds: [ConfigMap]
      validate:
        message: m
        pattern:
          data:
            a: "?*"
`;
  const after = fixNamed({ '/w/p.yaml': text }, autogenSkippedCheck, /^Split the rule/)['/w/p.yaml']!;
  assert.match(after, /kinds:\n {16}- Pod\n {6}validate:/);
  assert.match(after, /\n {4}- name: owner-label-other-kinds\n {6}match:\n {8}any:\n {10}- resources:\n {14}kinds:\n {16}- Service\n/);
  assert.ok(after.indexOf('owner-label-other-kinds') < after.indexOf('name: last'));
  assert.deepEqual(analyze({ '/w/p.yaml': after }, [autogenSkippedCheck]), []);
  assert.ok(autogenKinds(parse(after)).includes('Deployment'));
});

test('autogen-skipped: no split is offered when another cause would still disable autogen', () => {
  const text = legacy('', '\n                - Service', `      validate:
        message: m
        pattern:
          metadata:
            labels:
              owner: "?*"
    - name: gen
      match:
        any:
          - resources:
              kinds: [Namespace]
      generate:
        apiVersion: v1
        kind: ConfigMap
        name: x
        namespace: "{{request.object.metadata.name}}"
        data: {}
`);
  const [finding] = analyze({ '/w/p.yaml': text }, [autogenSkippedCheck]);
  assert.ok(finding);
  assert.deepEqual(finding.fixes?.map((f) => f.title.split(':')[0]), ['Keep the policy Pod-only on purpose (pod-policies.kyverno.io/autogen-controllers']);
});

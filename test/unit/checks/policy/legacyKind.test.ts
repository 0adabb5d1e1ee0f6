import { test } from 'node:test';
import assert from 'node:assert/strict';
import { legacyKindCheck } from '../../../../server/src/checks/policy/legacyKind.ts';
import { patternToCel } from '../../../../server/src/checks/policy/migrate.ts';
import { allChecks } from '../../../../server/src/checks/registry.ts';
import { simulate } from '../../../../server/src/engine/simulate.ts';
import { parse } from 'yaml';
import { analyze, applyEdits, yamlErrors } from '../harness.ts';

const LEGACY = `# the policy
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-app-label
spec:
  validationFailureAction: Enforce
  rules:
    - name: app-label
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: The app label is required.
        pattern:
          metadata:
            labels:
              app: "?*"
          spec:
            containers:
              - securityContext:
                  runAsNonRoot: "true"
`;

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: { app: web }
spec:
  containers:
    - name: web
      image: nginx:1.27
      securityContext: { runAsNonRoot: true }
`;

test('plain patterns become CEL predicates', () => {
  assert.equal(patternToCel({ metadata: { labels: { app: '?*' } } }, 'object'), "has(object.metadata) && has(object.metadata.labels) && 'app' in object.metadata.labels && string(object.metadata.labels['app']) != ''");
  assert.equal(patternToCel({ spec: { containers: [{ image: 'nginx:1.27' }] } }, 'object'), "has(object.spec) && has(object.spec.containers) && object.spec.containers.all(e2, has(e2.image) && string(e2.image) == 'nginx:1.27')");
  assert.equal(patternToCel({ spec: { '=(hostNetwork)': false } }, 'object'), undefined, 'anchors are not mechanical');
  assert.equal(patternToCel({ spec: { containers: [{ image: '*:latest' }] } }, 'object'), undefined, 'wildcards are not mechanical');
});

test('a mechanical validate policy gets a migration that keeps the engine verdicts and removes the finding', () => {
  const files = { '/ws/policy.yaml': LEGACY, '/ws/pod.yaml': POD };
  const [finding] = analyze(files, [legacyKindCheck]);
  assert.equal(finding.code, 'policy/legacy-kind');
  const fix = finding.fixes?.[0];
  assert.ok(fix, 'a migration is offered');
  const after = applyEdits(files, fix.edits);
  assert.deepEqual(yamlErrors(after), []);
  assert.match(after['/ws/policy.yaml'], /^# the policy\napiVersion: policies\.kyverno\.io\/v1\nkind: ValidatingPolicy\n/);
  assert.deepEqual(analyze(after, [legacyKindCheck]), []);
  const errors = analyze(after, allChecks).filter((f) => f.severity === 'error');
  assert.deepEqual(errors.map((f) => `${f.code}: ${f.message}`), []);
  const oldDoc = parse(LEGACY);
  const newDoc = parse(after['/ws/policy.yaml']);
  for (const pod of [parse(POD), { ...parse(POD), metadata: { name: 'nolabel' } }]) {
    const verdict = (doc: unknown) => simulate(pod, [{ doc: doc as Record<string, unknown> }], { operation: 'CREATE' }).verdict.admitted;
    assert.equal(verdict(newDoc), verdict(oldDoc));
  }
});

test('no migration where it is not mechanical', () => {
  const text = LEGACY.replace('runAsNonRoot: "true"', '=(runAsNonRoot): "true"');
  const [finding] = analyze({ '/ws/policy.yaml': text }, [legacyKindCheck]);
  assert.equal(finding.code, 'policy/legacy-kind');
  assert.deepEqual(finding.fixes ?? [], []);
});

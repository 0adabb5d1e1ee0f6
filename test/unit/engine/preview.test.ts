// The admission preview as plain data: a mutation, then the validation it breaks, then the verdict;
// and one outcome per distinct result when the mutation order matters.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { admissionPreview, previewMarkdown } from '../../../server/src/engine/preview.ts';

const docs = (...files: string[]) => files.flatMap((f) => parseAllDocuments(readFileSync(`examples/conflicts/${f}`, 'utf8')).map((d) => ({ doc: d.toJS() as Record<string, unknown> })));
const pod = parseAllDocuments(readFileSync('examples/conflicts/workloads/web.yaml', 'utf8'))[0]!.toJS() as Record<string, unknown>;

const setLabel = (name: string, value: string) => ({
  doc: {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name },
    spec: { rules: [{ name: `${name}-rule`, match: { any: [{ resources: { kinds: ['Pod'] } }] }, mutate: { patchStrategicMerge: { metadata: { labels: { tier: value } } } } }] },
  },
});
const requireTier = (value: string) => ({
  doc: {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: `require-tier-${value}` },
    spec: { validationFailureAction: 'Enforce', rules: [{ name: 'check', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { message: `tier must be ${value}`, pattern: { metadata: { labels: { tier: value } } } } }] },
  },
});

describe('admission preview', () => {
  it('given the default-label mutation and the frontend validation, then the mutation comes first, the validation fails, and the Pod is denied', () => {
    const preview = admissionPreview(pod, docs('cel/add-default-app-label.yaml', 'cel/require-app-frontend.yaml', 'legacy/app-label.yaml'));
    assert.deepEqual(preview.resource, { kind: 'Pod', name: 'web', namespace: 'shop' });
    assert.deepEqual(preview.matching, ['add-default-app-label', 'require-app-frontend']);
    assert.deepEqual(preview.skipped.map((s) => s.policy), ['legacy-add-default-app-label', 'legacy-require-app-frontend']);
    assert.equal(preview.outcomes.length, 1);
    const [outcome] = preview.outcomes;
    assert.equal(outcome!.mutations.length, 1);
    assert.equal(outcome!.mutations[0]!.policy, 'add-default-app-label');
    assert.ok(outcome!.mutations[0]!.changed);
    assert.match(outcome!.mutations[0]!.objectYaml, /app: default/);
    assert.deepEqual(outcome!.validations.map((v) => [v.policy, v.status, v.enforcing]), [['require-app-frontend', 'fail', true]]);
    assert.equal(outcome!.verdict.admitted, false);
    assert.equal(outcome!.verdict.deniedBy?.policy, 'require-app-frontend');

    const md = previewMarkdown(preview, { linkOf: (s) => `file:///p/${s.policy}.yaml#L1` });
    const [mutation, validation, verdict] = ['add-default-app-label', '- **fail**', '**Denied**'].map((x) => md.indexOf(x));
    assert.ok(mutation > 0 && mutation < validation && validation < verdict, md);
    assert.match(md, /\[add-default-app-label\]\(file:\/\/\/p\/add-default-app-label\.yaml#L1\)/);
  });

  it('given two mutations writing one label and a validation requiring one value, then each order is its own outcome, admitted in one and denied in the other', () => {
    const preview = admissionPreview(pod, [setLabel('tier-a', 'a'), setLabel('tier-b', 'b'), requireTier('b')]);
    assert.equal(preview.ordersTried, 2);
    assert.equal(preview.outcomes.length, 2);
    assert.ok(preview.verdictDependsOnOrder);
    const admitted = preview.outcomes.find((o) => o.verdict.admitted)!;
    assert.deepEqual(admitted.orders, [['tier-a', 'tier-b']]);
    assert.deepEqual(admitted.mutations.map((m) => m.policy), ['tier-a', 'tier-b']);
    const denied = preview.outcomes.find((o) => !o.verdict.admitted)!;
    assert.deepEqual(denied.orders, [['tier-b', 'tier-a']]);
    assert.match(denied.finalYaml, /tier: a/);
    const md = previewMarkdown(preview);
    assert.match(md, /depends on the mutation order/);
    assert.match(md, /Outcome 1 of 2/);
  });

  it('given an audit-only validation that fails, then it is reported as not enforcing and the Pod is admitted', () => {
    const audit = requireTier('z');
    (audit.doc.spec as any).validationFailureAction = 'Audit';
    const preview = admissionPreview(pod, [audit]);
    assert.deepEqual(preview.outcomes[0]!.validations.map((v) => [v.status, v.enforcing]), [['fail', false]]);
    assert.equal(preview.outcomes[0]!.verdict.admitted, true);
  });

  it('given runAsNonRoot and runAsUser 0 from two policies, then the Pod is admitted and never starts, and the verdict says why', () => {
    const preview = admissionPreview(pod, docs('cel/enforce-non-root.yaml', 'cel/force-run-as-user-0.yaml'));
    const [outcome] = preview.outcomes;
    assert.equal(outcome!.verdict.admitted, true);
    assert.equal(outcome!.fate?.outcome, 'never-starts');
    const md = previewMarkdown(preview);
    assert.match(md, /\*\*Admitted with the mutations above, and the Pod never starts\*\*: container `web`: the kubelet refuses to start a container with runAsNonRoot: true and runAsUser: 0/);
    assert.doesNotMatch(md, /\*\*Admitted\*\* \(with the mutations above\)/);
  });

  it('given the whole example, then the denial comes first and what would follow it is said after', () => {
    const preview = admissionPreview(pod, docs('cel/add-default-app-label.yaml', 'cel/enforce-non-root.yaml', 'cel/force-run-as-user-0.yaml', 'cel/require-app-frontend.yaml'));
    const md = previewMarkdown(preview);
    assert.match(md, /\*\*Denied\*\* by `require-app-frontend\/require-app-frontend`: Pods must be labelled app=frontend\.\n\nWere it admitted, the Pod would never start: container `web`: the kubelet refuses/);
  });

  it('each mutation shows what it changed, not the whole object', () => {
    const preview = admissionPreview(pod, docs('cel/enforce-non-root.yaml', 'cel/force-run-as-user-0.yaml'));
    const byPolicy = Object.fromEntries(preview.outcomes[0]!.mutations.map((m) => [m.policy, m.diff]));
    assert.deepEqual(byPolicy['force-run-as-user-0'], ['+ spec.securityContext.runAsUser: 0']);
    const md = previewMarkdown(preview);
    assert.match(md, /```diff\n {3}\+ spec\.securityContext\.runAsUser: 0\n {3}```/);
    assert.doesNotMatch(md, /```yaml/);
  });

  it('given a validation whose CEL does not compile, then failurePolicy Fail (the default) denies and Ignore admits', () => {
    const broken = docs('cel/require-app-frontend.yaml')[0]!;
    ((broken.doc.spec as any).validations[0]).expression = "object.metadata.name == 'web'))";
    const failing = admissionPreview(pod, [broken]);
    assert.deepEqual(failing.outcomes[0]!.validations.map((v) => v.status), ['error']);
    assert.equal(failing.outcomes[0]!.verdict.admitted, false);
    assert.match(failing.outcomes[0]!.verdict.deniedBy!.reason, /failurePolicy: Fail \(the default\)/);
    (broken.doc.spec as any).failurePolicy = 'Ignore';
    assert.equal(admissionPreview(pod, [broken]).outcomes[0]!.verdict.admitted, true);
  });

  it('given no matching policy, then there is no outcome and the Markdown says so', () => {
    const preview = admissionPreview({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, docs('cel/require-app-frontend.yaml'));
    assert.deepEqual(preview.matching, []);
    assert.match(previewMarkdown(preview), /No policy in the workspace applies/);
  });
});

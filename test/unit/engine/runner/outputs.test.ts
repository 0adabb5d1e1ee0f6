import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runSuites } from '../../../../server/src/engine/testRunner/index.ts';
import { evaluatePolicyDoc } from '../../../../server/src/engine/simulate.ts';
import type { PolicyEvaluator } from '../../../../server/src/engine/types.ts';
import { loadDocuments } from '../../../../server/src/engine/testRunner/files.ts';

const suites = join(import.meta.dirname, '../../../fixtures/engine-suites/suites');

test('legacy generate rules: data, clone from cloneSourceResource (namespace-less source in default), cloneList with a selector, foreach, $(references) in a namespaced Policy; each generated resource compared', () => {
  const report = runSuites([join(suites, 'generate-legacy')]);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.failures, []);
  assert.deepEqual(report.results, { total: 6, agree: 6, disagree: 0, unknown: 0 });
  // every entry was compared with its generatedResource, none passed as excluded
  assert.equal(report.excludedAgreements, 0);
});

test('a generated resource that differs from generatedResource is a disagreement naming it', () => {
  // the second of the two ConfigMaps the foreach rule generates gets another port
  const evaluate: PolicyEvaluator = (policy, resource, context) => {
    const out = evaluatePolicyDoc(policy, resource, context);
    return { ...out, rules: out.rules.map((r) => (r.generated && r.generated.length === 2 ? { ...r, generated: [r.generated[0]!, { ...r.generated[1]!, data: { port: 'port-9091' } }] } : r)) };
  };
  const report = runSuites([join(suites, 'generate-legacy')], { evaluate });
  assert.deepEqual(report.results, { total: 6, agree: 5, disagree: 1, unknown: 0 });
  assert.equal(report.failures[0]!.resource, 'Pod/web');
  assert.match(report.failures[0]!.actual, /generated resource differs/);
  assert.match(report.failures[0]!.reason, /ConfigMap team-a\/web-metrics/);
});

test('patchedResources holding several documents: each resource is compared with its own (kind, namespace, name); one without a document is left out', () => {
  const report = runSuites([join(suites, 'patched-multi')]);
  assert.deepEqual(report.failures, []);
  assert.deepEqual(report.results, { total: 4, agree: 4, disagree: 0, unknown: 0 });
  // shop/cron has no document: kyverno test reports nothing for it, which proves nothing
  assert.equal(report.excludedAgreements, 1);
});

test('patchedResources: the document of another namespace is never taken for the resource', () => {
  // staging/api mutated as shop/api would be: the staging document must not match it
  const evaluate: PolicyEvaluator = (policy, resource, context) => {
    const out = evaluatePolicyDoc(policy, resource, context);
    const meta = resource.metadata as Record<string, unknown>;
    if (meta.namespace !== 'staging') return out;
    return { ...out, patched: { ...out.patched, spec: { containers: [{ name: 'api', image: 'shop/api:2.1' }] } } };
  };
  const report = runSuites([join(suites, 'patched-multi')], { evaluate });
  assert.deepEqual(report.results, { total: 4, agree: 3, disagree: 1, unknown: 0 });
  assert.match(report.failures[0]!.actual, /patched resource differs/);
});

test('warn: a failure of a policy annotated scored "false" is reported as warn; Audit alone stays fail', () => {
  const report = runSuites([join(suites, 'warn-unscored')]);
  assert.deepEqual(report.failures, []);
  assert.deepEqual(report.results, { total: 3, agree: 3, disagree: 0, unknown: 0 });
});

test('GeneratingPolicy: generator.Apply in a loop over namespaces, YAML templates with placeholders, an expression; each generated resource compared', () => {
  const report = runSuites([join(suites, 'generate-cel')]);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.failures, []);
  assert.deepEqual(report.results, { total: 3, agree: 3, disagree: 0, unknown: 0 });
  // both generating entries were compared, not excluded for generating nothing
  assert.equal(report.excludedAgreements, 0);
});

test('GeneratingPolicy: the CEL PolicyException is what keeps the sandbox namespace from generating', () => {
  const evaluate: PolicyEvaluator = (policy, resource, context) =>
    evaluatePolicyDoc(policy, resource, { ...context, clusterResources: (context.clusterResources ?? []).filter((d) => d.kind !== 'PolicyException') });
  const report = runSuites([join(suites, 'generate-cel')], { evaluate });
  assert.deepEqual(report.results, { total: 3, agree: 2, disagree: 1, unknown: 0 });
  assert.equal(report.failures[0]!.resource, 'Namespace/sandbox');
  assert.equal(report.failures[0]!.actual, 'pass');
});

test('generator.Apply is recorded wherever the evaluation reaches it: under a condition, in a loop that stops early, in either case', () => {
  const policy = (expression: string) => ({
    apiVersion: 'policies.kyverno.io/v1', kind: 'GeneratingPolicy', metadata: { name: 'p' },
    spec: {
      matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] }] },
      variables: [{ name: 'cm', expression: '[{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "copy"}}]' }],
      generate: [{ expression }],
    },
  });
  const trigger = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'seed', namespace: 'default' }, data: { enabled: 'false', targets: 'a,b,c' } };
  const where = (expression: string) => (evaluatePolicyDoc(policy(expression), trigger, { operation: 'CREATE' }).rules[0]!.generated ?? []).map((g) => (g.metadata as { namespace: string }).namespace);
  assert.deepEqual(where('object.data.enabled == "true" ? generator.Apply("a", variables.cm) : generator.apply("off", variables.cm)'), ['off']);
  assert.deepEqual(where('object.data.targets.split(",").all(n, generator.apply(n, variables.cm))'), ['a', 'b', 'c']);
  // exists stops at the first true: Kyverno generates once
  assert.deepEqual(where('object.data.targets.split(",").exists(n, generator.Apply(n, variables.cm))'), ['a']);
});

test('mutate existing: an entry naming a targetResource is judged on the patched target, compared with patchedResources', () => {
  const report = runSuites([join(suites, 'mutate-existing')]);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.failures, []);
  assert.deepEqual(report.results, { total: 1, agree: 1, disagree: 0, unknown: 0 });
  assert.equal(report.excludedAgreements, 0);
});

test('mutate existing: targets are resolved by namespace and name pattern, each with its own preconditions; the trigger is left as it is', () => {
  const dir = join(suites, 'mutate-existing');
  const [policy] = loadDocuments(join(dir, 'policy.yaml'));
  const [trigger] = loadDocuments(join(dir, 'trigger.yaml'));
  const targets = loadDocuments(join(dir, 'targets.yaml'));
  const out = evaluatePolicyDoc(policy!, trigger!, { operation: 'CREATE', clusterResources: targets });
  assert.deepEqual(out.patched, trigger);
  const rule = out.rules[0]!;
  assert.equal(rule.status, 'pass');
  const byName = Object.fromEntries((rule.targets ?? []).map((t) => [(t.resource.metadata as { name: string }).name, t]));
  assert.deepEqual(Object.keys(byName).sort(), ['consumer-a', 'consumer-b']);
  assert.equal(byName['consumer-a']!.status, 'pass');
  assert.equal((byName['consumer-a']!.resource.spec as any).template.metadata.annotations['config/revision'], '42');
  assert.equal(byName['consumer-b']!.status, 'skip');
  assert.match(byName['consumer-b']!.reason, /preconditions not met/);
});

test('mutate existing: a patched target that differs from patchedResources disagrees; a target no rule patched is not found', () => {
  const evaluate: PolicyEvaluator = (policy, resource, context) => {
    const out = evaluatePolicyDoc(policy, resource, context);
    return { ...out, rules: out.rules.map((r) => ({ ...r, targets: (r.targets ?? []).map((t) => ({ ...t, resource: { ...t.resource, spec: {} } })) })) };
  };
  const differs = runSuites([join(suites, 'mutate-existing')], { evaluate });
  assert.match(differs.failures[0]!.actual, /patched resource differs/);
  const none: PolicyEvaluator = (policy, resource, context) => {
    const out = evaluatePolicyDoc(policy, resource, context);
    return { ...out, rules: out.rules.map((r) => ({ ...r, targets: [] })) };
  };
  const missing = runSuites([join(suites, 'mutate-existing')], { evaluate: none });
  assert.equal(missing.failures[0]!.actual, 'not found');
});

test('MutatingPolicy mutateExisting: targets by a resource.Get expression, and by resource rules with a namespace selector and targetMatchConditions', () => {
  const report = runSuites([join(suites, 'mutate-existing-cel')]);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.failures, []);
  assert.deepEqual(report.results, { total: 2, agree: 2, disagree: 0, unknown: 0 });
  const dir = join(suites, 'mutate-existing-cel');
  const policies = loadDocuments(join(dir, 'policy.yaml'));
  const [, audit] = loadDocuments(join(dir, 'triggers.yaml'));
  const targets = loadDocuments(join(dir, 'targets.yaml'));
  const out = evaluatePolicyDoc(policies[1]!, audit!, { operation: 'CREATE', clusterResources: targets });
  const status = Object.fromEntries((out.rules[0]!.targets ?? []).map((t) => [(t.resource.metadata as { name: string }).name, t.status]));
  // hr is not labelled for audit; opted-out fails the targetMatchCondition
  assert.deepEqual(status, { ledger: 'pass', 'opted-out': 'skip' });
});

test('NamespacedGeneratingPolicy: template documents without a namespace land in the policy namespace', () => {
  const policy = {
    apiVersion: 'policies.kyverno.io/v1', kind: 'NamespacedGeneratingPolicy', metadata: { name: 'team-defaults', namespace: 'team-x' },
    spec: {
      matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] }] },
      generate: [{ template: { interpolate: 'cel', value: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: (( object.metadata.name ))-copy\ndata:\n  from: (( object.metadata.name ))\n' } }],
    },
  };
  const trigger = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'seed', namespace: 'team-x' }, data: {} };
  const out = evaluatePolicyDoc(policy, trigger, { operation: 'CREATE' });
  assert.deepEqual(out.rules[0]!.generated, [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'seed-copy', namespace: 'team-x' }, data: { from: 'seed' } }]);
});

test('cloneSourceResource: the clone source of an entry serves its own policy only, even where two policies share a rule name', () => {
  const report = runSuites([join(suites, 'clone-source-per-policy')]);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.failures, []);
  assert.deepEqual(report.results, { total: 2, agree: 2, disagree: 0, unknown: 0 });
  assert.equal(report.excludedAgreements, 0);
});

test('a generation that ends in error is no exclusion: the entry disagrees', () => {
  const evaluate: PolicyEvaluator = (policy, resource, context) => {
    const out = evaluatePolicyDoc(policy, resource, context);
    return { ...out, rules: out.rules.map((r) => (r.rule === 'default-deny' && r.status === 'pass' ? { ...r, status: 'error' as const, reason: 'boom', generated: [] } : r)) };
  };
  const report = runSuites([join(suites, 'generate-legacy')], { evaluate });
  assert.deepEqual(report.failures.map((f) => `${f.rule}:${f.actual}`), ['default-deny:error']);
});

// Match overlap without the engine: namespaces with wildcards, excludes, operations, selectors, undecidable conditions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { overlapOf, patternsOverlap, type MatchFacts } from '../../../server/src/conflicts/overlap.ts';

const m = (over: Partial<MatchFacts> = {}): MatchFacts => ({ kinds: ['Pod'], namespaces: [], excludedNamespaces: [], operations: [], ...over });

test('namespace patterns overlap like Kyverno wildcards', () => {
  assert.equal(patternsOverlap('team-*', 'team-a'), true);
  assert.equal(patternsOverlap('team-*', 'prod'), false);
  assert.equal(patternsOverlap('team-*', 'team-a*'), true);
  assert.equal(patternsOverlap('a-*', 'b-*'), false);
  assert.equal(patternsOverlap('*-prod', '*-dev'), false);
});

test('disjoint namespaces, excluded namespaces and operations never overlap', () => {
  assert.equal(overlapOf(m({ namespaces: ['a'] }), m({ namespaces: ['b'] })).overlap, 'never');
  assert.equal(overlapOf(m({ namespaces: ['a'] }), m({ excludedNamespaces: ['a'] })).overlap, 'never');
  assert.equal(overlapOf(m({ namespaces: ['kube-*'] }), m({ excludedNamespaces: ['kube-*'] })).overlap, 'never');
  assert.equal(overlapOf(m({ operations: ['CREATE'] }), m({ operations: ['UPDATE'] })).overlap, 'never');
  assert.equal(overlapOf(m(), m({ namespaces: ['a'], excludedNamespaces: ['b'] })).overlap, 'always');
});

test('mutually exclusive selectors never overlap; compatible ones do', () => {
  assert.equal(overlapOf(m({ objectLabels: { tier: 'web' } }), m({ objectLabels: { tier: 'batch' } })).overlap, 'never');
  assert.equal(overlapOf(m({ objectLabels: { tier: 'web' } }), m({ objectLabels: { app: 'x' } })).overlap, 'always');
  assert.equal(overlapOf(m({ namespaceLabels: { env: 'prod' } }), m({ namespaceLabels: { env: 'dev' } })).overlap, 'never');
});

test('undecidable conditions make the overlap "maybe", with the reason', () => {
  const o = overlapOf(m({ undecidable: 'matchConditions of p' }), m());
  assert.equal(o.overlap, 'maybe');
  assert.match(o.overlap === 'maybe' ? o.reason : '', /matchConditions of p/);
});

test('plain namespace and label match conditions are decided, not "maybe"', async () => {
  const { WorkspaceIndex } = await import('../../../server/src/workspace/index.ts');
  const { matchFacts } = await import('../../../server/src/conflicts/overlap.ts');
  const doc = (name: string, conditions: string[]) => `apiVersion: policies.kyverno.io/v1alpha1
kind: MutatingPolicy
metadata:
  name: ${name}
spec:
  matchConstraints:
    resourceRules:
      - apiGroups: [""]
        apiVersions: ["v1"]
        operations: ["CREATE"]
        resources: ["pods"]
  matchConditions:
${conditions.map((c, i) => `    - name: c${i}\n      expression: ${JSON.stringify(c)}`).join('\n')}
  mutations: []
`;
  const index = new WorkspaceIndex();
  index.setFile('/a.yaml', doc('a', ["object.metadata.namespace == 'team-a'", "object.metadata.?labels.?tier.orValue('') == 'web'"]));
  index.setFile('/b.yaml', doc('b', ["request.namespace in ['team-b', 'team-c']"]));
  index.setFile('/c.yaml', doc('c', ["object.spec.containers.exists(c, c.name == 'x')"]));
  const facts = Object.fromEntries(index.policies().map((p) => [p.name, matchFacts(p, p.rules[0])]));
  assert.deepEqual(facts.a.namespaces, ['team-a']);
  assert.deepEqual(facts.a.objectLabels, { tier: 'web' });
  assert.equal(facts.a.undecidable, undefined);
  assert.equal(overlapOf(facts.a, facts.b).overlap, 'never');
  assert.equal(overlapOf(facts.a, facts.c).overlap, 'maybe');
});

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

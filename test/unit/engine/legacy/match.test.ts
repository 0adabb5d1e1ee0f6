import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleApplies, matchesResourceDescription, type MatchInput } from '../../../../server/src/engine/match/index.ts';

const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web-1', namespace: 'prod', labels: { app: 'web' }, annotations: { team: 'a' } } };
const input = (over: Partial<MatchInput> = {}): MatchInput => ({ resource: deploy, operation: 'CREATE', namespaceLabels: { env: 'prod' }, ...over });

test('kinds with group/version and wildcards', () => {
  assert.equal(matchesResourceDescription({ kinds: ['Deployment'] }, input()).result, true);
  assert.equal(matchesResourceDescription({ kinds: ['apps/v1/Deployment'] }, input()).result, true);
  assert.equal(matchesResourceDescription({ kinds: ['apps/*/Deployment'] }, input()).result, true);
  assert.equal(matchesResourceDescription({ kinds: ['batch/v1/Deployment'] }, input()).result, false);
  assert.equal(matchesResourceDescription({ kinds: ['Pod'] }, input()).result, false);
  assert.equal(matchesResourceDescription({ kinds: ['*'] }, input()).result, true);
  assert.equal(matchesResourceDescription({ kinds: ['Deployment/scale'] }, input()).result, false);
  assert.equal(matchesResourceDescription({ kinds: ['Deployment/scale'] }, input({ subresource: 'scale' })).result, true);
});

test('names, namespaces, annotations, selectors and operations', () => {
  assert.equal(matchesResourceDescription({ names: ['web-*'] }, input()).result, true);
  assert.equal(matchesResourceDescription({ names: ['db-*'] }, input()).result, false);
  assert.equal(matchesResourceDescription({ namespaces: ['pro?'] }, input()).result, true);
  assert.equal(matchesResourceDescription({ namespaces: ['dev'] }, input()).result, false);
  assert.equal(matchesResourceDescription({ annotations: { team: 'a' } }, input()).result, true);
  assert.equal(matchesResourceDescription({ annotations: { team: 'b' } }, input()).result, false);
  assert.equal(matchesResourceDescription({ selector: { matchLabels: { app: 'web' } } }, input()).result, true);
  assert.equal(matchesResourceDescription({ selector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] } }, input()).result, false);
  assert.equal(matchesResourceDescription({ namespaceSelector: { matchLabels: { env: 'prod' } } }, input()).result, true);
  assert.equal(matchesResourceDescription({ namespaceSelector: { matchLabels: { env: 'dev' } } }, input()).result, false);
  assert.equal(matchesResourceDescription({ namespaceSelector: { matchLabels: { env: 'prod' } } }, input({ namespaceLabels: undefined })).result, 'unknown');
  assert.equal(matchesResourceDescription({ operations: ['UPDATE'] }, input()).result, false);
  assert.equal(matchesResourceDescription({ operations: ['CREATE', 'UPDATE'] }, input()).result, true);
});

test('a Namespace is matched by its own name in namespaces', () => {
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } };
  assert.equal(matchesResourceDescription({ namespaces: ['kube-*'] }, input({ resource: ns })).result, true);
  assert.equal(matchesResourceDescription({ namespaces: ['default'] }, input({ resource: ns })).result, false);
});

test('subjects, roles and clusterRoles against userInfo', () => {
  const user = { username: 'system:serviceaccount:ci:deployer', groups: ['devs'], roles: ['prod:admin'], clusterRoles: ['view'] };
  const f = (x: object) => matchesResourceDescription({}, input({ userInfo: user }), x).result;
  assert.equal(f({ subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'ci' }] }), true);
  assert.equal(f({ subjects: [{ kind: 'ServiceAccount', name: 'other', namespace: 'ci' }] }), false);
  assert.equal(f({ subjects: [{ kind: 'Group', name: 'devs' }] }), true);
  assert.equal(f({ roles: ['prod:admin'] }), true);
  assert.equal(f({ clusterRoles: ['cluster-admin'] }), false);
});

test('any / all / exclude', () => {
  const match = { any: [{ resources: { kinds: ['Pod'] } }, { resources: { kinds: ['Deployment'] } }] };
  assert.equal(ruleApplies(match, undefined, input()).result, true);
  const all = { all: [{ resources: { kinds: ['Deployment'] } }, { resources: { namespaces: ['dev'] } }] };
  assert.equal(ruleApplies(all, undefined, input()).result, false);
  assert.equal(ruleApplies(match, { any: [{ resources: { namespaces: ['prod'] } }] }, input()).result, false);
  assert.equal(ruleApplies(match, { any: [{ resources: { namespaces: ['dev'] } }] }, input()).result, true);
  assert.equal(ruleApplies(match, { all: [{ resources: { namespaces: ['prod'] } }, { resources: { names: ['db'] } }] }, input()).result, true);
  assert.equal(ruleApplies({ resources: { kinds: ['Deployment'] } }, undefined, input()).result, true);
});

test('a namespaced Policy only applies in its namespace', () => {
  const match = { any: [{ resources: { kinds: ['Deployment'] } }] };
  assert.equal(ruleApplies(match, undefined, input(), 'prod').result, true);
  assert.equal(ruleApplies(match, undefined, input(), 'dev').result, false);
});

test('a namespaceSelector on a cluster-scoped object is read against no labels; a Namespace never matches one', () => {
  const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' } };
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { freeze: 'true' } } };
  // A selector that needs a label cannot hold without a namespace (Kyverno's doesResourceMatchConditionBlock).
  assert.equal(matchesResourceDescription({ kinds: ['*'], namespaceSelector: { matchLabels: { freeze: 'true' } } }, input({ resource: crd, namespaceLabels: undefined })).result, false);
  assert.equal(matchesResourceDescription({ kinds: ['*'], namespaceSelector: { matchExpressions: [{ key: 'freeze', operator: 'DoesNotExist' }] } }, input({ resource: crd, namespaceLabels: undefined })).result, true);
  assert.equal(matchesResourceDescription({ kinds: ['*'], namespaceSelector: { matchLabels: { freeze: 'true' } } }, input({ resource: ns })).result, false);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchConstraints } from '../../../../server/src/engine/cel/match.ts';
import { create, deployment, pod } from './helpers.ts';

const rules = (r: Record<string, unknown>) => ({ resourceRules: [{ operations: ['CREATE'], ...r }] });

test('resourceRules: core pods match a Pod and not a Deployment', () => {
  const c = rules({ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] });
  assert.equal(matchConstraints(c, pod('a'), create).kind, 'match');
  assert.equal(matchConstraints(c, deployment('d'), create).kind, 'nomatch');
});

test('resourceRules: apps/deployments matches through the discovery table; wrong group does not', () => {
  assert.equal(matchConstraints(rules({ apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'] }), deployment('d'), create).kind, 'match');
  assert.equal(matchConstraints(rules({ apiGroups: ['batch'], apiVersions: ['v1'], resources: ['deployments'] }), deployment('d'), create).kind, 'nomatch');
});

test('resourceRules: wildcards', () => {
  assert.equal(matchConstraints(rules({ apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }), deployment('d'), create).kind, 'match');
  // '*' covers resources, not their subresources
  const exec = { apiVersion: 'v1', kind: 'PodExecOptions', metadata: { name: 'x', namespace: 'default' } };
  assert.equal(matchConstraints(rules({ apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], operations: ['CONNECT'] }), exec, { operation: 'CONNECT' }).kind, 'nomatch');
  assert.equal(matchConstraints(rules({ apiGroups: [''], apiVersions: ['v1'], resources: ['pods/exec'], operations: ['CONNECT'] }), exec, { operation: 'CONNECT' }).kind, 'match');
});

test('operations must include the request operation', () => {
  const c = rules({ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] });
  assert.equal(matchConstraints(c, pod('a'), { operation: 'UPDATE' }).kind, 'nomatch');
  assert.equal(matchConstraints({ resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['*'] }] }, pod('a'), { operation: 'UPDATE' }).kind, 'match');
});

test('a resource rule listing no operations matches no request', () => {
  const c = { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }] };
  assert.equal(matchConstraints(c, pod('a'), { operation: 'CREATE' }).kind, 'nomatch');
  assert.equal(matchConstraints({ resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: [] }] }, pod('a'), { operation: 'CREATE' }).kind, 'nomatch');
});

test('resourceNames restrict by name', () => {
  const c = rules({ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], resourceNames: ['a'] });
  assert.equal(matchConstraints(c, pod('a'), create).kind, 'match');
  assert.equal(matchConstraints(c, pod('b'), create).kind, 'nomatch');
});

test('excludeResourceRules remove what resourceRules matched', () => {
  const c = { ...rules({ apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }), excludeResourceRules: [{ apiGroups: ['apps'], apiVersions: ['*'], resources: ['deployments'], operations: ['*'] }] };
  assert.equal(matchConstraints(c, deployment('d'), create).kind, 'nomatch');
  assert.equal(matchConstraints(c, pod('a'), create).kind, 'match');
});

test('objectSelector reads the object labels', () => {
  const c = { ...rules({ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }), objectSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] } };
  assert.equal(matchConstraints(c, pod('a', { labels: { tier: 'web' } }), create).kind, 'match');
  assert.equal(matchConstraints(c, pod('a', { labels: { tier: 'db' } }), create).kind, 'nomatch');
});

test('namespaceSelector reads the namespace labels, and is unknown without them', () => {
  const c = { ...rules({ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }), namespaceSelector: { matchLabels: { env: 'prod' } } };
  assert.equal(matchConstraints(c, pod('a'), { ...create, namespaceLabels: { env: 'prod' } }).kind, 'match');
  assert.equal(matchConstraints(c, pod('a'), { ...create, namespaceLabels: { env: 'dev' } }).kind, 'nomatch');
  assert.equal(matchConstraints(c, pod('a'), { operation: 'CREATE' }).kind, 'unknown');
});

test('namespaceSelector applies to a Namespace through its own labels', () => {
  const c = { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['namespaces'], operations: ['CREATE'] }], namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'Exists' }] } };
  const ns = (labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', labels } });
  assert.equal(matchConstraints(c, ns({ team: 'a' }), { operation: 'CREATE' }).kind, 'match');
  assert.equal(matchConstraints(c, ns({}), { operation: 'CREATE' }).kind, 'nomatch');
});

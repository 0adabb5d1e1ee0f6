// Everything a suite can supply besides policies and resources: context and ClusterResource files,
// values (subresources, per-resource operation), userinfo, mocked HTTP answers and global context.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runSuites } from '../../../../server/src/engine/testRunner/index.ts';
import { parseUrlPath } from '../../../../server/src/engine/legacy/apiCall.ts';
import { resolveGlobalContext } from '../../../../server/src/engine/testRunner/load.ts';

const suites = join(import.meta.dirname, '../../../fixtures/engine-suites/suites');

function outcomes(name: string): { results: unknown; failures: string[] } {
  const report = runSuites([join(suites, name)]);
  assert.deepEqual(report.errors, []);
  return { results: report.results, failures: report.failures.map((f) => `${f.rule} ${f.resource}: expected ${f.expected}, got ${f.actual} (${f.reason})`) };
}

test('apiCall GETs (a namespaced list, a cluster-scoped object) and configMap entries read the context and ClusterResource files', () => {
  assert.deepEqual(outcomes('inputs-lookups'), { results: { total: 7, agree: 7, disagree: 0, unknown: 0 }, failures: [] });
});

test('subresources, a per-resource DELETE, and the userinfo file (subjects, roles, cluster roles, CEL request.userInfo) shape the request', () => {
  assert.deepEqual(outcomes('inputs-request'), { results: { total: 9, agree: 9, disagree: 0, unknown: 0 }, failures: [] });
});

test('apiCallResponses answer service calls (an entry without a method answers any method); globalContextEntries answer globalReference (resources, fieldPath, projections)', () => {
  assert.deepEqual(outcomes('inputs-mocks'), { results: { total: 4, agree: 4, disagree: 0, unknown: 0 }, failures: [] });
});

test('urlPath GETs: collections and objects, core and named groups; anything else is not a GET this models', () => {
  assert.deepEqual(parseUrlPath('/api/v1/namespaces/shop/configmaps/cm'), { group: '', version: 'v1', namespace: 'shop', plural: 'configmaps', name: 'cm' });
  assert.deepEqual(parseUrlPath('/apis/apps/v1/deployments'), { group: 'apps', version: 'v1', namespace: '', plural: 'deployments' });
  assert.deepEqual(parseUrlPath('/api/v1/namespaces/shop'), { group: '', version: 'v1', namespace: '', plural: 'namespaces', name: 'shop' });
  assert.equal(parseUrlPath('/api/v1/namespaces/shop/pods?labelSelector=a%3Db'), undefined);
  assert.equal(parseUrlPath('/healthz'), undefined);
});

test('a global context entry given wrongly is an error for that entry only', () => {
  const out = resolveGlobalContext([
    { name: 'bad', projections: [{ name: 'x', path: 'a' }] },
    { name: 'plain', data: { a: 1 } },
  ], () => []);
  assert.equal(out.bad?.ok, false);
  assert.deepEqual(out.plain, { ok: true, value: { a: 1 } });
});

test("a values file's foreachValues answer a foreach context entry per element index", () => {
  assert.deepEqual(outcomes('inputs-foreach'), { results: { total: 2, agree: 2, disagree: 0, unknown: 0 }, failures: [] });
});

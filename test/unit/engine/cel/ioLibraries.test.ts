// Kyverno's I/O libraries answered from an admission context: the overloads Kyverno declares, and
// what a `kyverno test` suite (a closed world) answers where the data lacks something.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelledIO, runCel, fromCel } from '../../../../server/src/engine/cel/runtime.ts';
import type { AdmissionContext } from '../../../../server/src/engine/types.ts';

const cm = (ns: string, name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: ns, name, labels }, data: { name } });
const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const base: AdmissionContext = { operation: 'CREATE', clusterResources: [cm('team', 'a', { tier: 'gold' }), cm('team', 'b'), cm('other', 'c'), ns('team')] };
const suite: AdmissionContext = { ...base, suite: { legacyLookups: false } };

function run(expression: string, context: AdmissionContext, policyNamespace?: string): unknown {
  const out = runCel(expression, {}, modelledIO(context, policyNamespace));
  return out.ok ? fromCel(out.value) : out;
}

test('a namespaced policy reads its own namespace through the three-argument Get and the two-argument List', () => {
  assert.equal(run('resource.Get("v1", "configmaps", "a").data.name', suite, 'team'), 'a');
  assert.equal(run('resource.List("v1", "configmaps").items.size()', suite, 'team'), 2);
  assert.deepEqual(run('resource.List("v1", "configmaps", {"tier": "gold"}).items.map(i, i.metadata.name)', suite, 'team'), ['a']);
  const clusterWide = run('resource.Get("v1", "configmaps", "a")', suite);
  assert.match((clusterWide as { error: string }).error, /only for namespaced policies/);
});

test('cluster-wide Get and List name the namespace; List filters by labels; Get takes GVRs and subresources', () => {
  assert.equal(run('resource.Get("v1", "configmaps", "other", "c").data.name', suite), 'c');
  assert.deepEqual(run('resource.List("v1", "configmaps", "team", {"tier": "gold"}).items.map(i, i.metadata.name)', suite), ['a']);
  assert.deepEqual(run('resource.Get(resource.ToGVR("v1", "ConfigMap"), "team", "b").data', suite), { name: 'b' });
  assert.deepEqual(run('resource.List(resource.ToGVR("v1", "Namespace"), "").items.map(i, i.metadata.name)', suite), ['team']);
  assert.equal(run('resource.Get("v1", "configmaps", "team", "a", ["status"]).data.name', suite), 'a');
  assert.equal(run('resource.Get("v1", "configmaps", "b", []).data.name', suite, 'team'), 'b');
});

test('in a suite a missing object is not found and "" lists the cluster-scoped objects only; outside one it is unknown', () => {
  assert.match((run('resource.Get("v1", "configmaps", "team", "nope")', suite) as { error: string }).error, /not found/);
  assert.equal('unknown' in (run('resource.Get("v1", "configmaps", "team", "nope")', base) as object), true);
  assert.equal(run('resource.List("v1", "configmaps", "").items.size()', suite), 0);
  assert.equal(run('resource.List("v1", "configmaps", "").items.size()', base), 3);
  assert.match((run('resource.List("apps/v1", "deployments", "team")', suite) as { error: string }).error, /resource not found/);
});

test('http answers only from mocks, by method and URL, shaped as Kyverno\'s HTTP library; anything else needs the network', () => {
  const ctx: AdmissionContext = { ...suite, httpMocks: [
    { method: 'POST', url: 'https://authz.example/check', statusCode: 200, body: { allowed: true } },
    { method: 'GET', url: 'https://authz.example/teams', statusCode: 203, body: ['a', 'b'] },
  ] };
  assert.deepEqual(run('http.Post("https://authz.example/check", {"a": 1})', ctx), { allowed: true, statusCode: 200 });
  assert.deepEqual(run('http.Get("https://authz.example/teams")', ctx), { body: ['a', 'b'], statusCode: 203 });
  assert.deepEqual(run('http.Put("https://authz.example/check", {})', ctx), { ok: false, unknown: 'http.Put(https://authz.example/check) needs the network' });
  assert.equal(run('http.Client("").Post("https://authz.example/check", {}, {"X": "y"}).allowed', ctx), true);
  assert.deepEqual(run('http.Get("https://authz.example/check")', ctx), { ok: false, unknown: 'http.Get(https://authz.example/check) needs the network' });
});

test('globalContext.Get: an entry the suite lacks is null, a projection reads the entry, a broken entry is an error', () => {
  const ctx: AdmissionContext = { ...suite, globalContext: { deployments: { ok: true, value: { count: 2 } }, broken: { ok: false, error: 'entry broken: bad data' } } };
  assert.deepEqual(run('globalContext.Get("deployments", "")', ctx), { count: 2 });
  assert.equal(run('globalContext.Get("deployments", "count")', ctx), 2);
  assert.match((run('globalContext.Get("deployments", "nope")', ctx) as { error: string }).error, /projection "nope" not found/);
  assert.equal(run('globalContext.Get("absent", "")', ctx), null);
  assert.equal('unknown' in (run('globalContext.Get("absent", "")', base) as object), true);
  assert.match((run('globalContext.Get("broken", "")', ctx) as { error: string }).error, /bad data/);
});

test('image.GetMetadata reads a suite\'s image data; without any it needs a registry', () => {
  const ctx: AdmissionContext = { ...suite, images: [{ image: 'ghcr.io/acme/app:1', config: { os: 'linux' } }] };
  assert.equal(run('image.GetMetadata("ghcr.io/acme/app:1").config.os', ctx), 'linux');
  assert.match((run('image.GetMetadata("ghcr.io/acme/other:1")', ctx) as { error: string }).error, /not found in the context/);
  assert.deepEqual(run('image.GetMetadata("ghcr.io/acme/app:1")', suite), { ok: false, unknown: 'image.GetMetadata(ghcr.io/acme/app:1) needs a registry' });
});

test('time.now() is the context\'s clock, unknown without one', () => {
  assert.equal(run('time.now() > timestamp("2020-01-01T00:00:00Z")', { ...suite, now: '2026-01-01T00:00:00Z' }), true);
  assert.equal('unknown' in (run('time.now()', suite) as object), true);
});

test('resource.Post in a suite answers with the object as posted, in the policy\'s namespace', () => {
  assert.equal(run('resource.Post("v1", "configmaps", {"metadata": {"name": "x"}}).metadata.namespace', suite, 'team'), 'team');
  assert.equal('unknown' in (run('resource.Post("v1", "configmaps", {"metadata": {"name": "x"}})', base) as object), true);
});

test('Kyverno 1.18\'s camelCase members answer as their PascalCase twins', () => {
  const ctx: AdmissionContext = { ...suite, images: [{ image: 'ghcr.io/acme/app:1', config: { os: 'linux' } }], globalContext: { g: { ok: true, value: { n: 1 } } },
    httpMocks: [{ method: 'DELETE', url: 'https://x.example/a', statusCode: 204, body: null }] };
  assert.equal(run('resource.get("v1", "configmaps", "team", "a").data.name', ctx), 'a');
  assert.equal(run('resource.list("v1", "configmaps").items.size()', ctx, 'team'), 2);
  assert.equal(run('resource.get(resource.toGVR("v1", "ConfigMap"), "team", "b").data.name', ctx), 'b');
  assert.deepEqual(run('[globalContext.get("g", "n"), globalContext.Get("g").n]', ctx), [1, 1]);
  assert.equal(run('image.getMetadata("ghcr.io/acme/app:1").config.os', ctx), 'linux');
  assert.deepEqual(run('http.client("").delete("https://x.example/a")', ctx), { body: null, statusCode: 204 });
});

// Loads one kyverno-test.yaml and everything it names, confined to the run's root directory.
import { dirname } from 'node:path';
import type { GlobalContextValue, HttpMock, UserInfo } from '../types.ts';
import { query } from '../jmespath/query.ts';
import { classify } from '../../model/classify.ts';
import { familyOf } from '../simulate.ts';
import { asArray } from '../cel/values.ts';
import { identityOf } from '../cel/kinds.ts';
import { SuiteError, loadDocuments, resolveConfined } from './files.ts';
import { parseTest, type TestSpec } from './model.ts';
import { emptyValues, parseValues, type ValuesModel } from './values.ts';
import { loadPayloads, type SuitePayload } from './payloads.ts';
import { isObj } from '../../k8s/objects.ts';

export interface LoadedSuite {
  path: string;
  dir: string;
  root: string;
  test: TestSpec;
  policies: Record<string, unknown>[];
  resources: Record<string, unknown>[];
  clusterResources: Record<string, unknown>[];
  values: ValuesModel;
  userInfo?: UserInfo;
  /** The Test's apiCallResponses. */
  httpMocks: HttpMock[];
  /** The Test's globalContextEntries, resolved (fieldPath, projections, resourceFiles). */
  globalContext: Record<string, GlobalContextValue>;
  /** A Context file's spec.images. */
  images: Record<string, unknown>[];
  /** The Test's targetResources: what entries on mutate-existing rules name. */
  targets: Record<string, unknown>[];
  /** cloneSourceResource files by the policy their entry names. */
  cloneSources: { policy: string; docs: Record<string, unknown>[] }[];
  /** JSON, HTTP and Envoy payloads the entries name by path. */
  payloads: SuitePayload[];
}

function mergeValues(into: ValuesModel, from: ValuesModel): void {
  into.global = { ...into.global, ...from.global };
  for (const [k, v] of from.ruleValues) into.ruleValues.set(k, v);
  for (const [k, v] of from.foreachValues) into.foreachValues.set(k, v);
  into.subresources.push(...from.subresources);
  for (const [k, v] of from.resourceValues) into.resourceValues.set(k, v);
  for (const [k, v] of from.namespaceLabels) into.namespaceLabels.set(k, v);
  for (const [k, v] of from.namespaces) into.namespaces.set(k, v);
}

/** `kyverno test` places a namespaced resource written without a namespace in `default`. */
export function defaultNamespace(d: Record<string, unknown>): Record<string, unknown> {
  const meta = isObj(d.metadata) ? d.metadata : undefined;
  if (!meta || meta.namespace || identityOf(d).namespaced !== true) return d;
  return { ...d, metadata: { ...meta, namespace: 'default' } };
}

function uniqueKey(r: Record<string, unknown>): string {
  const apiVersion = String(r.apiVersion ?? '');
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  const m = isObj(r.metadata) ? r.metadata : {};
  return JSON.stringify([group, r.kind, String(m.namespace ?? ''), String(m.name ?? '')]);
}

export function loadSuite(path: string, root: string): LoadedSuite {
  const docs = loadDocuments(path);
  const testDoc = docs.find((d) => classify(d)?.kind === 'Test') ?? docs[0];
  if (!testDoc) throw new SuiteError(`${path}: no Test document`);
  return loadTest(path, root, testDoc);
}

/**
 * Every Test a file holds, as `kyverno test` loads them: a file may hold several documents, each
 * a test of its own. Each is loaded on its own, so one that fails does not stop the others.
 */
export function loadSuites(path: string, root: string): (LoadedSuite | SuiteError)[] {
  const docs = loadDocuments(path);
  const tests = docs.filter((d) => classify(d)?.kind === 'Test');
  if (tests.length <= 1) return [loadSuite(path, root)];
  return tests.map((t) => {
    try { return loadTest(path, root, t); } catch (e) { return e instanceof SuiteError ? e : new SuiteError(`${path}: ${(e as Error).message}`); }
  });
}

function loadTest(path: string, root: string, testDoc: Record<string, unknown>): LoadedSuite {
  const dir = dirname(path);
  let test: TestSpec;
  try { test = parseTest(testDoc); } catch (e) { throw new SuiteError(`${path}: ${(e as Error).message}`); }
  const read = (p: string) => loadDocuments(resolveConfined(root, dir, p));
  const policies: Record<string, unknown>[] = [];
  const clusterResources: Record<string, unknown>[] = [];
  for (const p of test.policies) {
    for (const d of read(p)) {
      if (familyOf(d) !== 'none') policies.push(d);
      else if (classify(d)) clusterResources.push(d);
    }
  }
  const resources: Record<string, unknown>[] = [];
  // `kyverno test` keeps the first of resources sharing group, kind, namespace and name.
  const seen = new Set<string>();
  for (const p of test.resources) {
    for (const d of read(p)) {
      if (typeof d.kind !== 'string') continue;
      const r = defaultNamespace(d);
      const key = uniqueKey(r);
      if (seen.has(key)) continue;
      seen.add(key);
      resources.push(r);
    }
  }
  for (const p of [...test.exceptions, ...test.paramResources]) clusterResources.push(...read(p));
  // An entry's cloneSourceResource stands in the cluster for that entry's policy only.
  const cloneFiles = new Map(test.results.flatMap((r) => (r.cloneSourceResource ? [[`${r.policy}\n${r.cloneSourceResource}`, { policy: r.policy, path: r.cloneSourceResource }] as const] : [])));
  const cloneSources = [...cloneFiles.values()].map((c) => ({ policy: c.policy, docs: read(c.path) }));
  // Targets are cluster objects too: mutate-existing rules find them there.
  const targets = test.targetResources.flatMap((p) => read(p)).filter((d) => typeof d.kind === 'string').map(defaultNamespace);
  clusterResources.push(...targets);
  // A clusterResources file is a cli.kyverno.io ClusterResource (its spec.resources) or plain objects.
  for (const p of test.clusterResources) {
    for (const d of read(p)) {
      if (d.kind === 'ClusterResource' && String(d.apiVersion ?? '').startsWith('cli.kyverno.io/')) clusterResources.push(...asArray(isObj(d.spec) ? d.spec.resources : undefined).filter(isObj).map(defaultNamespace));
      else clusterResources.push(d);
    }
  }
  // The Test itself carries modelled answers (apiCallResponses, globalContextEntries) the CEL libraries read.
  if (Array.isArray(test.raw.apiCallResponses) || Array.isArray(test.raw.globalContextEntries)) {
    clusterResources.push({ apiVersion: 'cli.kyverno.io/v1alpha1', kind: 'Test', metadata: { name: test.name }, apiCallResponses: test.raw.apiCallResponses ?? [], globalContextEntries: test.raw.globalContextEntries ?? [] });
  }
  const images: Record<string, unknown>[] = [];
  if (test.context) {
    for (const d of read(test.context)) {
      clusterResources.push(d);
      const spec = isObj(d.spec) ? d.spec : {};
      clusterResources.push(...asArray(spec.resources).filter(isObj));
      images.push(...asArray(spec.images).filter(isObj));
    }
  }
  // With clusterResources `kyverno test` answers API calls from a fake cluster that also holds the test's own resources.
  if (test.clusterResources.length > 0) clusterResources.push(...resources);
  const values = emptyValues();
  if (test.variables) for (const d of read(test.variables)) mergeValues(values, parseValues(d));
  if (test.values) mergeValues(values, parseValues(test.values));
  // A Namespace the values describe is a cluster object too (resource.Get, apiCall).
  for (const ns of values.namespaces.values()) clusterResources.push({ apiVersion: 'v1', kind: 'Namespace', ...ns });
  const httpMocks = parseHttpMocks(test.raw.apiCallResponses);
  const globalContext = resolveGlobalContext(test.raw.globalContextEntries, (p) => read(p));
  let userInfo: UserInfo | undefined;
  if (test.userinfo) {
    const d = read(test.userinfo)[0] ?? {};
    const u = isObj(d.userInfo) ? d.userInfo : {};
    userInfo = {
      ...(typeof u.username === 'string' ? { username: u.username } : {}),
      ...(typeof u.uid === 'string' ? { uid: u.uid } : {}),
      groups: asArray(u.groups).map(String),
      roles: asArray(d.roles).map(String),
      clusterRoles: asArray(d.clusterRoles).map(String),
    };
  }
  const payloads = loadPayloads(test, root, dir);
  return { path, dir, root, test, policies, resources, clusterResources, values, httpMocks, globalContext, images, targets, cloneSources, payloads, ...(userInfo ? { userInfo } : {}) };
}

function parseHttpMocks(raw: unknown): HttpMock[] {
  return asArray(raw).filter(isObj).flatMap((c) => {
    if (typeof c.url !== 'string') return [];
    const response = isObj(c.response) ? c.response : {};
    const code = Number(response.statusCode ?? 200);
    // An entry without a method answers every method (Kyverno's docs); one with a method, that method only.
    const method = typeof c.method === 'string' && c.method !== '' ? { method: c.method.toUpperCase() } : {};
    return [{ ...method, url: c.url, statusCode: Number.isFinite(code) ? code : 200, body: response.body ?? null }];
  });
}

/**
 * As `kyverno test` resolves its mocks: `data`, inline `resources` or `resourceFiles` (a list of
 * objects, as the informer cache holds them); then `fieldPath` (JMESPath) narrows the root, and
 * projections, when given, replace it with an object of name -> JMESPath result.
 */
export function resolveGlobalContext(raw: unknown, read: (path: string) => Record<string, unknown>[]): Record<string, GlobalContextValue> {
  const out: Record<string, GlobalContextValue> = {};
  for (const e of asArray(raw).filter(isObj)) {
    if (typeof e.name !== 'string') continue;
    try {
      let root: unknown = e.data;
      if (Array.isArray(e.resources)) root = e.resources.filter(isObj);
      else if (Array.isArray(e.resourceFiles)) root = e.resourceFiles.flatMap((f) => read(String(f)));
      const projections = asArray(e.projections).filter(isObj);
      if (root === undefined || root === null) {
        if (projections.length > 0) throw new Error('data is required when projections are set');
        out[e.name] = { ok: true, value: null };
        continue;
      }
      if (typeof e.fieldPath === 'string' && e.fieldPath !== '') root = query(e.fieldPath, root);
      if (projections.length === 0) { out[e.name] = { ok: true, value: root }; continue; }
      const value: Record<string, unknown> = {};
      for (const p of projections) {
        if (typeof p.name !== 'string' || p.name === '') throw new Error('projection name must not be empty');
        value[p.name] = query(String(p.path ?? ''), root);
      }
      out[e.name] = { ok: true, value };
    } catch (err) {
      out[e.name] = { ok: false, error: `globalContextEntries ${e.name}: ${(err as Error).message}` };
    }
  }
  return out;
}

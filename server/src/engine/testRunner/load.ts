// Loads one kyverno-test.yaml and everything it names, confined to the run's root directory.
import { dirname } from 'node:path';
import type { UserInfo } from '../types.ts';
import { classify } from '../../model/classify.ts';
import { familyOf } from '../simulate.ts';
import { asArray } from '../cel/values.ts';
import { identityOf } from '../cel/kinds.ts';
import { SuiteError, loadDocuments, resolveConfined } from './files.ts';
import { parseTest, type TestSpec } from './model.ts';
import { emptyValues, parseValues, type ValuesModel } from './values.ts';
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
}

function mergeValues(into: ValuesModel, from: ValuesModel): void {
  into.global = { ...into.global, ...from.global };
  for (const [k, v] of from.ruleValues) into.ruleValues.set(k, v);
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

export function loadSuite(path: string, root: string): LoadedSuite {
  const dir = dirname(path);
  const docs = loadDocuments(path);
  const testDoc = docs.find((d) => classify(d)?.kind === 'Test') ?? docs[0];
  if (!testDoc) throw new SuiteError(`${path}: no Test document`);
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
  for (const p of test.resources) for (const d of read(p)) if (typeof d.kind === 'string') resources.push(defaultNamespace(d));
  const cloneSources = test.results.flatMap((r) => (r.cloneSourceResource ? [r.cloneSourceResource] : []));
  for (const p of [...test.exceptions, ...test.clusterResources, ...test.paramResources, ...new Set(cloneSources)]) clusterResources.push(...read(p));
  // The Test itself carries modelled answers (apiCallResponses, globalContextEntries) the CEL libraries read.
  if (Array.isArray(test.raw.apiCallResponses) || Array.isArray(test.raw.globalContextEntries)) {
    clusterResources.push({ apiVersion: 'cli.kyverno.io/v1alpha1', kind: 'Test', metadata: { name: test.name }, apiCallResponses: test.raw.apiCallResponses ?? [], globalContextEntries: test.raw.globalContextEntries ?? [] });
  }
  if (test.context) {
    for (const d of read(test.context)) {
      clusterResources.push(d);
      const spec = isObj(d.spec) ? d.spec : {};
      clusterResources.push(...asArray(spec.resources).filter(isObj));
    }
  }
  const values = emptyValues();
  if (test.variables) for (const d of read(test.variables)) mergeValues(values, parseValues(d));
  if (test.values) mergeValues(values, parseValues(test.values));
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
  return { path, dir, root, test, policies, resources, clusterResources, values, ...(userInfo ? { userInfo } : {}) };
}

// The Test document, old (un-versioned) and cli.kyverno.io/v1alpha1 forms, normalised. Field names
// are matched case-insensitively, as Go's JSON decoding does.
import { isObj } from '../../k8s/objects.ts';

export interface ExpectedResult {
  policy: string;
  rule: string;
  kind: string;
  resources: string[];
  namespace?: string;
  result: string;
  patchedResources?: string;
  generatedResource?: string;
  /** A file holding the source a generate clone rule copies: it stands in the cluster. */
  cloneSourceResource?: string;
  /** resourceSpecs: resources named by group, version, namespace and name (kind and subresource unread, as in `kyverno test`). */
  resourceSpecs?: ResourceSpec[];
  flags: Record<string, boolean>;
}

export interface ResourceSpec {
  apiVersion: string;
  namespace: string;
  name: string;
}

export interface TestSpec {
  name: string;
  policies: string[];
  resources: string[];
  exceptions: string[];
  clusterResources: string[];
  paramResources: string[];
  /** Existing resources mutate-existing rules patch; entries may name them. */
  targetResources: string[];
  /** The Test document as written, for the answers it models inline (apiCallResponses). */
  raw: Record<string, unknown>;
  variables?: string;
  userinfo?: string;
  context?: string;
  values?: Record<string, unknown>;
  results: ExpectedResult[];
  /** Payloads that stand in place of resources (jsonPayload(s), httpPayloads, envoyPayloads), by path as written. */
  payloads: { path: string; mode: PayloadMode }[];
}

/** The evaluation mode a payload is given to: a ValidatingPolicy's spec.evaluation.mode. */
export type PayloadMode = 'JSON' | 'HTTP' | 'Envoy';

function ci(obj: Record<string, unknown>, key: string): unknown {
  if (key in obj) return obj[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x) => typeof x === 'string' || typeof x === 'number').map((x) => String(x).trim()) : [];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v.trim() : undefined;
}

const flagNames = ['isValidatingPolicy', 'isMutatingPolicy', 'isGeneratingPolicy', 'isDeletingPolicy', 'isImageValidatingPolicy', 'isValidatingAdmissionPolicy', 'isMutatingAdmissionPolicy'];

export function parseTest(doc: Record<string, unknown>): TestSpec {
  const meta = isObj(doc.metadata) ? doc.metadata : {};
  // A Test may hold only checks, which `kyverno test` runs as well.
  const rawResults = ci(doc, 'results') ?? (Array.isArray(ci(doc, 'checks')) ? [] : undefined);
  if (!Array.isArray(rawResults)) throw new Error('the test has no results list');
  const results: ExpectedResult[] = rawResults.filter(isObj).map((r) => {
    const resources = strings(ci(r, 'resources'));
    const single = str(ci(r, 'resource'));
    const flags: Record<string, boolean> = {};
    for (const f of flagNames) if (ci(r, f) === true) flags[f] = true;
    const out: ExpectedResult = {
      policy: str(ci(r, 'policy')) ?? '',
      rule: str(ci(r, 'rule')) ?? '',
      kind: str(ci(r, 'kind')) ?? '',
      resources: resources.length ? resources : single ? [single] : [],
      result: (str(ci(r, 'result')) ?? str(ci(r, 'status')) ?? '').toLowerCase(),
      flags,
    };
    const ns = str(ci(r, 'namespace'));
    if (ns) out.namespace = ns;
    const patched = str(ci(r, 'patchedResources')) ?? str(ci(r, 'patchedResource'));
    if (patched) out.patchedResources = patched;
    const generated = str(ci(r, 'generatedResource'));
    if (generated) out.generatedResource = generated;
    const cloneSource = str(ci(r, 'cloneSourceResource'));
    if (cloneSource) out.cloneSourceResource = cloneSource;
    const specs = ci(r, 'resourceSpecs');
    if (Array.isArray(specs)) {
      out.resourceSpecs = specs.filter(isObj).map((s) => {
        const group = str(ci(s, 'group')) ?? '';
        const version = str(ci(s, 'version')) ?? '';
        return { apiVersion: group ? `${group}/${version}` : version, namespace: str(ci(s, 'namespace')) ?? '', name: str(ci(s, 'name')) ?? '' };
      });
    }
    return out;
  });
  const spec: TestSpec = {
    name: str(ci(doc, 'name')) ?? String(meta.name ?? ''),
    policies: strings(ci(doc, 'policies')),
    resources: strings(ci(doc, 'resources')),
    exceptions: strings(ci(doc, 'exceptions')),
    clusterResources: strings(ci(doc, 'clusterResources')),
    paramResources: strings(ci(doc, 'paramResources')),
    targetResources: strings(ci(doc, 'targetResources')),
    raw: doc,
    results,
    payloads: [
      ...[str(ci(doc, 'jsonPayload')) ?? '', ...strings(ci(doc, 'jsonPayloads'))].filter((p) => p !== '').map((path) => ({ path, mode: 'JSON' as const })),
      ...strings(ci(doc, 'httpPayloads')).map((path) => ({ path, mode: 'HTTP' as const })),
      ...strings(ci(doc, 'envoyPayloads')).map((path) => ({ path, mode: 'Envoy' as const })),
    ],
  };
  const variables = str(ci(doc, 'variables'));
  if (variables) spec.variables = variables;
  const userinfo = str(ci(doc, 'userinfo'));
  if (userinfo) spec.userinfo = userinfo;
  const context = str(ci(doc, 'context'));
  if (context) spec.context = context;
  const values = ci(doc, 'values');
  if (isObj(values)) spec.values = values;
  return spec;
}

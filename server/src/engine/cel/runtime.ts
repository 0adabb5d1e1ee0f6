// Runs one expression in the CEL layer's shared environment (Kubernetes + Kyverno libraries,
// message construction, RE2, cost metering). Kyverno's I/O functions answer from a ModelledIO the
// caller builds from the test data; nothing reaches a cluster, a registry or the network.
import { dynEnvironment } from '../../cel/environment.ts';
import { parseCel } from '../../cel/compile.ts';
import { DEFAULT_COST_LIMIT, fromCel, runInSession } from '../../cel/evaluate.ts';
import type { ModelledIO, ResourceTable } from '../../cel/session.ts';
import type { AdmissionContext } from '../types.ts';
import { identityOf } from './kinds.ts';
import { isObj } from '../../k8s/objects.ts';

export type CelOutcome = { ok: true; value: unknown } | { ok: false; error: string } | { ok: false; unknown: string };

/**
 * Evaluates with an activation whose values are already CEL values (ints as bigint), so values
 * computed by one expression (a timestamp, an Image) flow into the next unchanged.
 */
export function runCel(expression: string, activation: Record<string, unknown>, io: ModelledIO = {}): CelOutcome {
  const celEnv = dynEnvironment();
  const parsed = parseCel(celEnv.env, expression);
  if (!parsed.ok) return { ok: false, error: `CEL syntax: ${parsed.message}` };
  const outcome = runInSession(celEnv, () => parsed.parsed(activation), io, DEFAULT_COST_LIMIT);
  if (outcome.ok) return outcome.value instanceof Promise ? { ok: false, unknown: 'asynchronous CEL function' } : outcome;
  return 'error' in outcome ? { ok: false, error: outcome.error } : outcome;
}

export { fromCel };

/**
 * The I/O answers an admission context supplies: resource.Get/List from its cluster resources,
 * http.Get/Post from its HTTP mocks, globalContext.Get from its entries, image.GetMetadata from its
 * images; time.now() from its clock. `policyNamespace` is a namespaced policy's namespace.
 */
export function modelledIO(context: AdmissionContext, policyNamespace?: string): ModelledIO {
  const resources: ResourceTable = new Map();
  for (const r of context.clusterResources ?? []) {
    // The suite's own documents carry answers, they are not objects a lookup finds.
    if (String(r.apiVersion ?? '').startsWith('cli.kyverno.io/')) continue;
    const meta = isObj(r.metadata) ? r.metadata : {};
    const key = `${String(r.apiVersion ?? '')}|${identityOf(r).plural}`;
    let group = resources.get(key);
    if (!group) resources.set(key, (group = new Map()));
    const ns = String(meta.namespace ?? '');
    let byName = group.get(ns);
    if (!byName) group.set(ns, (byName = new Map()));
    byName.set(String(meta.name ?? ''), r);
  }
  const imageData: Record<string, unknown> = {};
  for (const img of context.images ?? []) {
    if (typeof img.image !== 'string') continue;
    for (const key of imageKeys(img.image)) imageData[key] ??= img;
  }
  const http: NonNullable<ModelledIO['http']> = {};
  for (const mock of context.httpMocks ?? []) {
    http[mock.method ? `${mock.method.toUpperCase()}:${mock.url}` : mock.url] ??= { statusCode: mock.statusCode, body: mock.body };
  }
  return {
    resources,
    imageData,
    http,
    globalContext: { ...context.globalContext },
    ...(context.suite ? { closedWorld: true } : {}),
    ...(policyNamespace !== undefined ? { policyNamespace } : {}),
    ...(context.now ? { now: context.now } : {}),
  };
}

/** The spellings one image is looked up by: as written and with docker.io's implicit parts. */
function imageKeys(image: string): string[] {
  const keys = new Set([image]);
  const short = image.replace(/^docker\.io\//, '').replace(/^library\//, '');
  keys.add(short);
  keys.add(`docker.io/${short.includes('/') ? short : `library/${short}`}`);
  if (!short.includes('/')) keys.add(`docker.io/${short}`);
  return [...keys];
}

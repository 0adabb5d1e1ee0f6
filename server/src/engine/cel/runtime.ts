// Runs one expression in the CEL layer's shared environment (Kubernetes + Kyverno libraries,
// message construction, RE2, cost metering). Kyverno's I/O functions answer from a ModelledIO the
// caller builds from the test data; nothing reaches a cluster, a registry or the network.
import { dynEnvironment } from '../../cel/environment.ts';
import { parseCel } from '../../cel/compile.ts';
import { DEFAULT_COST_LIMIT, fromCel, runInSession } from '../../cel/evaluate.ts';
import type { ModelledIO } from '../../cel/session.ts';
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
 * The I/O answers a test can supply: resource.Get/List from cluster resources, image.GetMetadata
 * from a cli.kyverno.io Context's images, http.Get/Post and globalContext.Get from a Test's
 * apiCallResponses and globalContextEntries.
 */
export function modelledIO(clusterResources: Record<string, unknown>[] | undefined): ModelledIO {
  const resources: Record<string, unknown> = {};
  const imageData: Record<string, unknown> = {};
  const http: Record<string, unknown> = {};
  const globalContext: Record<string, unknown> = {};
  const lists = new Map<string, unknown[]>();
  const addList = (key: string, obj: unknown) => { const l = lists.get(key) ?? []; l.push(obj); lists.set(key, l); };
  for (const r of clusterResources ?? []) {
    if (r.kind === 'Context' && String(r.apiVersion ?? '').startsWith('cli.kyverno.io/')) {
      const spec = isObj(r.spec) ? r.spec : {};
      for (const img of Array.isArray(spec.images) ? spec.images : []) {
        if (!isObj(img) || typeof img.image !== 'string') continue;
        for (const key of imageKeys(img.image)) imageData[key] ??= img;
      }
      continue;
    }
    if (r.kind === 'Test' && String(r.apiVersion ?? '').startsWith('cli.kyverno.io/')) {
      for (const call of Array.isArray(r.apiCallResponses) ? r.apiCallResponses : []) {
        if (!isObj(call) || !isObj(call.response) || typeof call.url !== 'string') continue;
        http[`${String(call.method || 'GET').toUpperCase()} ${call.url}`] = call.response.body;
      }
      // Only whole entries are modelled: a projection is a JMESPath over the entry, left unknown.
      for (const entry of Array.isArray(r.globalContextEntries) ? r.globalContextEntries : []) {
        if (isObj(entry) && typeof entry.name === 'string' && entry.data !== undefined) globalContext[`${entry.name}|`] = entry.data;
      }
      continue;
    }
    const id = identityOf(r);
    const meta = isObj(r.metadata) ? r.metadata : {};
    const ns = String(meta.namespace ?? '');
    const apiVersion = String(r.apiVersion ?? '');
    resources[[apiVersion, id.plural, ns, String(meta.name ?? '')].join('|')] = r;
    // A cluster-scoped object is found whatever namespace the lookup names.
    if (ns === '') resources[[apiVersion, id.plural, '*', String(meta.name ?? '')].join('|')] = r;
    addList([apiVersion, id.plural, ns].join('|'), r);
    if (ns !== '') addList([apiVersion, id.plural, ''].join('|'), r);
  }
  for (const [key, items] of lists) resources[key] = { items };
  return { resources, imageData, http, globalContext };
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

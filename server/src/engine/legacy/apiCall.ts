// apiCall and globalReference context entries answered from what a suite supplies: urlPath GETs
// from AdmissionContext.clusterResources (one object or a list, namespaced or cluster-scoped, as
// the API server shapes them), service calls from the mocked HTTP answers, globalReference from the
// GlobalContextEntry values. Nothing is fetched; a call nothing answers stays undecided.
import type { AdmissionContext } from '../types.ts';
import { identityOf } from '../cel/kinds.ts';
import { query } from '../jmespath/query.ts';
import { substitute } from '../jmespath/substitute.ts';
import { UnsupportedError } from '../jmespath/errors.ts';
import { isObj } from '../../k8s/objects.ts';

type Obj = Record<string, unknown>;

interface UrlTarget {
  group: string;
  version: string;
  namespace: string;
  plural: string;
  name?: string;
}

/** "/api/v1/namespaces/ns/pods/name", "/apis/apps/v1/deployments": the object or collection a GET names. */
export function parseUrlPath(url: string): UrlTarget | undefined {
  const path = url.trim().replace(/\/+$/, '');
  if (path.includes('?')) return undefined;
  const parts = path.split('/').filter((p) => p !== '');
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) { group = ''; rest = parts.slice(1); }
  else if (parts[0] === 'apis' && parts.length >= 3) { group = parts[1]!; rest = parts.slice(2); }
  else return undefined;
  const version = rest[0]!;
  rest = rest.slice(1);
  let namespace = '';
  // "namespaces/<ns>/<plural>..." is a namespaced collection; "namespaces" or "namespaces/<name>" are Namespaces themselves.
  if (rest[0] === 'namespaces' && rest.length >= 3) { namespace = rest[1]!; rest = rest.slice(2); }
  if (rest.length === 0 || rest.length > 2) return undefined;
  return { group, version, namespace, plural: rest[0]!, ...(rest[1] !== undefined ? { name: rest[1] } : {}) };
}

function apiVersionParts(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash >= 0 ? { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) } : { group: '', version: apiVersion };
}

function served(target: UrlTarget, r: Obj): boolean {
  const { group, version } = apiVersionParts(String(r.apiVersion ?? ''));
  if (group !== target.group || version !== target.version) return false;
  if (identityOf(r).plural !== target.plural) return false;
  const meta = isObj(r.metadata) ? r.metadata : {};
  return target.namespace === '' || String(meta.namespace ?? '') === target.namespace;
}

/** What a GET of the URL returns from the supplied objects; undefined for a single object that is not there. */
export function getFromResources(target: UrlTarget, resources: Obj[]): unknown {
  const found = resources.filter((r) => !String(r.apiVersion ?? '').startsWith('cli.kyverno.io/') && served(target, r));
  if (target.name !== undefined) {
    return found.find((r) => isObj(r.metadata) && r.metadata.name === target.name);
  }
  const kind = found[0]?.kind;
  return {
    apiVersion: target.group ? `${target.group}/${target.version}` : target.version,
    kind: typeof kind === 'string' ? `${kind}List` : 'List',
    metadata: {},
    items: found,
  };
}

function withJmesPath(call: Obj, value: unknown, data: Obj): unknown {
  const jmesPath = typeof call.jmesPath === 'string' && call.jmesPath !== '' ? (substitute(call.jmesPath, data) as string) : undefined;
  return jmesPath ? query(jmesPath, value) : value;
}

/** One apiCall entry (already substituted). Throws UnsupportedError when nothing supplied answers it. */
export function resolveApiCall(name: string, call: Obj, data: Obj, ctx: AdmissionContext): unknown {
  const fallback = (why: string): unknown => {
    if (call.default !== undefined) return call.default;
    throw new UnsupportedError(`context entry ${name}: ${why}`);
  };
  if (isObj(call.service)) {
    const url = String(call.service.url ?? '');
    const method = String(call.method ?? call.service.method ?? 'GET').toUpperCase();
    const mocks = (ctx.httpMocks ?? []).filter((m) => m.url === url);
    const mock = mocks.find((m) => m.method === method) ?? mocks.find((m) => m.method === undefined);
    if (!mock) return fallback(`no mocked response for ${method} ${url}; nothing is fetched`);
    if (mock.statusCode < 200 || mock.statusCode >= 300) return fallback(`the mocked ${method} ${url} answered ${mock.statusCode}`);
    return withJmesPath(call, mock.body, data);
  }
  const url = typeof call.urlPath === 'string' ? call.urlPath : '';
  const method = String(call.method ?? 'GET').toUpperCase();
  const target = method === 'GET' ? parseUrlPath(url) : undefined;
  if (!target) return fallback(`apiCall ${method} ${url} is not resolved without a value for it in the values file`);
  // A partial view answers only the objects it holds: a list or an absence would be a guess.
  const complete = ctx.suite?.legacyLookups === true;
  if (target.name === undefined && !complete) return fallback(`the list ${url} needs the whole cluster; the supplied resources are not all of it`);
  const answer = getFromResources(target, ctx.clusterResources ?? []);
  if (answer === undefined) {
    if (!complete) return fallback(`${url} is not among the supplied resources`);
    if (call.default !== undefined) return call.default;
    // As the API server would: the object does not exist, and the entry fails.
    throw new Error(`context entry ${name}: ${url} not found`);
  }
  return withJmesPath(call, answer, data);
}

/** A globalReference entry: the suite's GlobalContextEntry value, then its projection and jmesPath. */
export function resolveGlobalReference(name: string, ref: Obj, data: Obj, ctx: AdmissionContext): unknown {
  const entryName = String(ref.name ?? '');
  const entry = ctx.globalContext?.[entryName];
  if (!entry) throw new UnsupportedError(`context entry ${name}: global context entry ${entryName} is not supplied by the suite`);
  if (!entry.ok) throw new Error(entry.error);
  let value = entry.value;
  if (typeof ref.projection === 'string' && ref.projection !== '') {
    if (!isObj(value) || !(ref.projection in value)) throw new Error(`global context entry ${entryName}: projection ${ref.projection} not found`);
    value = value[ref.projection];
  }
  return withJmesPath(ref, value, data);
}

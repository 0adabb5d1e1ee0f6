// Kyverno's I/O libraries (resource, http, globalContext, image data, time.now) with the overloads
// Kyverno declares (pkg/cel/libs/*/lib.go). Nothing reaches a cluster, a registry or the network:
// each answers from the session's modelled data. In a closed world (a `kyverno test` suite) what
// the data lacks is answered as Kyverno's CLI does (not found, null); otherwise it is unknown.
// Results are declared dyn where Kyverno declares map(string, any): `resource.Get(...) != null`
// and the like type-check in cel-go, and must not be flagged here.
import type { Environment } from '@marcbachmann/cel-js';
import { resourceForKind } from '../../k8s/discovery.ts';
import { isObj } from '../../k8s/objects.ts';
import { UnknownValue, type ModelledIO, type Session } from '../session.ts';
import { toCel } from './celValues.ts';

export function namespace(env: Environment, type: string, name: string): void {
  const Ctor = { [type]: class {} }[type]!;
  env.registerType(type, Ctor).registerConstant(name, type, new Ctor());
}

/** resource.ToGVR's answer, accepted by the GVR overloads of Get and List. */
export class GroupVersionResource {
  constructor(readonly group: string, readonly version: string, readonly resource: string) {}
  get apiVersion(): string {
    return this.group ? `${this.group}/${this.version}` : this.version;
  }
}

type Labels = Map<string, string> | Record<string, string>;

function labelEntries(labels: Labels): [string, string][] {
  return labels instanceof Map ? [...labels] : Object.entries(labels);
}

function matchesLabels(obj: unknown, labels: Labels): boolean {
  const meta = isObj(obj) && isObj(obj.metadata) ? obj.metadata : {};
  const have = isObj(meta.labels) ? meta.labels : {};
  return labelEntries(labels).every(([k, v]) => have[k] === v);
}

function getResource(io: ModelledIO, apiVersion: string, resource: string, ns: string, name: string): unknown {
  const group = io.resources?.get(`${apiVersion}|${resource}`);
  const found = group?.get(ns)?.get(name);
  if (found !== undefined) return toCel(found);
  const what = `resource.Get(${apiVersion}, ${resource}, ${ns}, ${name})`;
  if (io.closedWorld) throw new Error(`failed to get resource: ${resource} "${name}" not found`);
  // Outside a suite a cluster-scoped object named with a namespace is taken as meant.
  const clusterScoped = ns !== '' ? group?.get('')?.get(name) : undefined;
  if (clusterScoped !== undefined) return toCel(clusterScoped);
  throw new UnknownValue(what);
}

function listResources(io: ModelledIO, apiVersion: string, resource: string, ns: string, labels?: Labels): unknown {
  const group = io.resources?.get(`${apiVersion}|${resource}`);
  if (io.closedWorld) {
    // Kyverno's CLI lists exactly the namespace named: '' holds the cluster-scoped objects only.
    if (!group) throw new Error(`failed to list resource: ${resource} resource not found`);
    const items = [...(group.get(ns)?.values() ?? [])];
    return toCel({ items: labels ? items.filter((o) => matchesLabels(o, labels)) : items });
  }
  if (!group) throw new UnknownValue(`resource.List(${apiVersion}, ${resource}, ${ns})`);
  const items = ns === '' ? [...group.values()].flatMap((m) => [...m.values()]) : [...(group.get(ns)?.values() ?? [])];
  return toCel({ items: labels ? items.filter((o) => matchesLabels(o, labels)) : items });
}

/**
 * Kyverno's CLI answers a create with the object as posted (its namespace set); a cluster would
 * answer with what its admission and defaulting make of it, which is not modelled.
 */
function postResource(io: ModelledIO, apiVersion: string, resource: string, ns: string, data: unknown): unknown {
  if (!io.closedWorld) throw new UnknownValue(`resource.Post(${apiVersion}, ${resource}) needs a cluster`);
  const obj = data instanceof Map ? Object.fromEntries(data) : isObj(data) ? { ...data } : {};
  const meta = obj.metadata instanceof Map ? Object.fromEntries(obj.metadata) : isObj(obj.metadata) ? { ...obj.metadata } : {};
  if (typeof meta.name !== 'string' || meta.name === '') throw new Error(`failed to create resource: ${resource}: missing metadata.name`);
  if (ns !== '') meta.namespace = ns;
  return { ...obj, metadata: meta };
}

function policyNamespace(io: ModelledIO, call: string): string {
  if (io.policyNamespace === undefined) throw new Error(`${call} is declared only for namespaced policies`);
  return io.policyNamespace;
}

/**
 * Kyverno 1.18 declares every member function of these libraries twice, PascalCase and camelCase
 * (`resource.Get` and `resource.get`): registering through this declares both.
 */
interface Registrar {
  registerFunction(signature: string, fn: (...args: any[]) => unknown): Registrar;
}

function bothCases(env: Environment): Registrar {
  const self: Registrar = {
    registerFunction(signature: string, fn: (...args: any[]) => unknown) {
      env.registerFunction(signature, fn);
      const m = /^(\w+)\.([A-Z])(\w*)\(/.exec(signature);
      if (m) env.registerFunction(`${m[1]}.${m[2]!.toLowerCase()}${m[3]}${signature.slice(m[0].length - 1)}`, fn);
      return self;
    },
  };
  return self;
}

function registerResource(env: Environment, session: Session): void {
  namespace(env, 'ResourceNamespace', 'resource');
  env.registerType('GVR', GroupVersionResource);
  const io = () => session.io;
  type R = unknown;
  bothCases(env)
    // Cluster-wide policies.
    .registerFunction('ResourceNamespace.Get(string, string, string, string): dyn', (_: R, v: string, r: string, ns: string, n: string) => getResource(io(), v, r, ns, n))
    .registerFunction('ResourceNamespace.Get(GVR, string, string): dyn', (_: R, g: GroupVersionResource, ns: string, n: string) => getResource(io(), g.apiVersion, g.resource, ns, n))
    // With subresources to read; the object stands for them, as Kyverno's CLI answers.
    .registerFunction('ResourceNamespace.Get(string, string, string, string, list<string>): dyn', (_: R, v: string, r: string, ns: string, n: string) => getResource(io(), v, r, ns, n))
    .registerFunction('ResourceNamespace.Get(GVR, string, string, list<string>): dyn', (_: R, g: GroupVersionResource, ns: string, n: string) => getResource(io(), g.apiVersion, g.resource, ns, n))
    .registerFunction('ResourceNamespace.List(string, string, string): dyn', (_: R, v: string, r: string, ns: string) => listResources(io(), v, r, ns))
    .registerFunction('ResourceNamespace.List(string, string, string, map<string, string>): dyn', (_: R, v: string, r: string, ns: string, l: Labels) => listResources(io(), v, r, ns, l))
    .registerFunction('ResourceNamespace.List(GVR, string): dyn', (_: R, g: GroupVersionResource, ns: string) => listResources(io(), g.apiVersion, g.resource, ns))
    .registerFunction('ResourceNamespace.List(GVR, string, map<string, string>): dyn', (_: R, g: GroupVersionResource, ns: string, l: Labels) => listResources(io(), g.apiVersion, g.resource, ns, l))
    .registerFunction('ResourceNamespace.Post(string, string, string, map<string, dyn>): dyn', (_: R, v: string, r: string, ns: string, data: unknown) => postResource(io(), v, r, ns, data))
    // Namespaced policies: the namespace is the policy's own.
    .registerFunction('ResourceNamespace.Get(string, string, string): dyn', (_: R, v: string, r: string, n: string) => getResource(io(), v, r, policyNamespace(io(), 'resource.Get(apiVersion, resource, name)'), n))
    .registerFunction('ResourceNamespace.Get(GVR, string): dyn', (_: R, g: GroupVersionResource, n: string) => getResource(io(), g.apiVersion, g.resource, policyNamespace(io(), 'resource.Get(gvr, name)'), n))
    .registerFunction('ResourceNamespace.Get(string, string, string, list<string>): dyn', (_: R, v: string, r: string, n: string) => getResource(io(), v, r, policyNamespace(io(), 'resource.Get(apiVersion, resource, name, subresources)'), n))
    .registerFunction('ResourceNamespace.Get(GVR, string, list<string>): dyn', (_: R, g: GroupVersionResource, n: string) => getResource(io(), g.apiVersion, g.resource, policyNamespace(io(), 'resource.Get(gvr, name, subresources)'), n))
    .registerFunction('ResourceNamespace.List(string, string): dyn', (_: R, v: string, r: string) => listResources(io(), v, r, policyNamespace(io(), 'resource.List(apiVersion, resource)')))
    .registerFunction('ResourceNamespace.List(string, string, map<string, string>): dyn', (_: R, v: string, r: string, l: Labels) => listResources(io(), v, r, policyNamespace(io(), 'resource.List(apiVersion, resource, labels)'), l))
    .registerFunction('ResourceNamespace.List(GVR): dyn', (_: R, g: GroupVersionResource) => listResources(io(), g.apiVersion, g.resource, policyNamespace(io(), 'resource.List(gvr)')))
    .registerFunction('ResourceNamespace.List(GVR, map<string, string>): dyn', (_: R, g: GroupVersionResource, l: Labels) => listResources(io(), g.apiVersion, g.resource, policyNamespace(io(), 'resource.List(gvr, labels)'), l))
    // Both: a cluster-wide policy posts cluster-scoped, a namespaced one into its namespace.
    .registerFunction('ResourceNamespace.Post(string, string, map<string, dyn>): dyn', (_: R, v: string, r: string, data: unknown) => postResource(io(), v, r, io().policyNamespace ?? '', data))
    .registerFunction('ResourceNamespace.ToGVR(string, string): GVR', (_: R, apiVersion: string, kind: string) => {
      const info = resourceForKind(kind, apiVersion);
      if (!info) throw new UnknownValue(`resource.ToGVR(${apiVersion}, ${kind})`);
      return new GroupVersionResource(info.group, info.version, info.plural);
    });
}

/**
 * A mock answers by method and URL (`GET:<url>` before `<url>`, as Kyverno's CLI looks them up),
 * shaped as Kyverno's HTTP library shapes a response: an object body with `statusCode` added,
 * any other body as `{body, statusCode}`.
 */
function httpAnswer(io: ModelledIO, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string): unknown {
  const table = io.http;
  for (const key of [`${method}:${url}`, url]) {
    if (!table || !Object.prototype.hasOwnProperty.call(table, key)) continue;
    const { statusCode, body } = table[key]!;
    return toCel(isObj(body) ? { ...body, statusCode } : { body, statusCode });
  }
  throw new UnknownValue(`http.${method[0]}${method.slice(1).toLowerCase()}(${url}) needs the network`);
}

function registerHttp(env: Environment, session: Session): void {
  class HttpClient {}
  namespace(env, 'HttpNamespace', 'http');
  env.registerType('HttpClient', HttpClient);
  for (const recv of ['HttpNamespace', 'HttpClient']) {
    bothCases(env)
      .registerFunction(`${recv}.Get(string): dyn`, (_: unknown, url: string) => httpAnswer(session.io, 'GET', url))
      .registerFunction(`${recv}.Get(string, map<string, string>): dyn`, (_: unknown, url: string) => httpAnswer(session.io, 'GET', url))
      .registerFunction(`${recv}.Post(string, dyn): dyn`, (_: unknown, url: string) => httpAnswer(session.io, 'POST', url))
      .registerFunction(`${recv}.Post(string, dyn, map<string, string>): dyn`, (_: unknown, url: string) => httpAnswer(session.io, 'POST', url))
      .registerFunction(`${recv}.Put(string, dyn): dyn`, (_: unknown, url: string) => httpAnswer(session.io, 'PUT', url))
      .registerFunction(`${recv}.Put(string, dyn, map<string, string>): dyn`, (_: unknown, url: string) => httpAnswer(session.io, 'PUT', url))
      .registerFunction(`${recv}.Patch(string, dyn): dyn`, (_: unknown, url: string) => httpAnswer(session.io, 'PATCH', url))
      .registerFunction(`${recv}.Patch(string, dyn, map<string, string>): dyn`, (_: unknown, url: string) => httpAnswer(session.io, 'PATCH', url))
      .registerFunction(`${recv}.Delete(string): dyn`, (_: unknown, url: string) => httpAnswer(session.io, 'DELETE', url))
      .registerFunction(`${recv}.Delete(string, map<string, string>): dyn`, (_: unknown, url: string) => httpAnswer(session.io, 'DELETE', url))
      .registerFunction(`${recv}.Client(string): HttpClient`, () => new HttpClient());
  }
}

function globalContextAnswer(io: ModelledIO, name: string, projection: string): unknown {
  const table = io.globalContext;
  const entry = table && Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
  if (!entry) {
    // Kyverno's CLI answers an entry it was not given with null.
    if (io.closedWorld) return null;
    throw new UnknownValue(`globalContext.Get(${name}, ${projection})`);
  }
  if (!entry.ok) throw new Error(entry.error);
  if (projection === '') return toCel(entry.value);
  // A projection is looked up in the entry's data when it is an object, as Kyverno's CLI does.
  if (!isObj(entry.value)) return toCel(entry.value);
  if ( Object.prototype.hasOwnProperty.call(entry.value, projection)) return toCel(entry.value[projection]);
  throw new Error(`projection "${projection}" not found in global context entry "${name}"`);
}

function imageMetadata(io: ModelledIO, ref: string): unknown {
  const table = io.imageData;
  if (table && Object.prototype.hasOwnProperty.call(table, ref)) return toCel(table[ref]);
  // A suite that supplies image data is read as Kyverno's CLI reads it: what it lacks is an error.
  if (io.closedWorld && table && Object.keys(table).length > 0) throw new Error(`image data for ${ref} not found in the context`);
  throw new UnknownValue(`image.GetMetadata(${ref}) needs a registry`);
}

function registerTime(env: Environment, session: Session): void {
  namespace(env, 'TimeNamespace', 'time');
  env
    .registerFunction('TimeNamespace.now(): google.protobuf.Timestamp', () => {
      if (!session.io.now) throw new UnknownValue('time.now()');
      return new Date(session.io.now);
    })
    .registerFunction('TimeNamespace.truncate(google.protobuf.Timestamp, google.protobuf.Duration): google.protobuf.Timestamp', (_: unknown, t: Date, d: { seconds: bigint; nanos: number }) => {
      const ms = Number(d.seconds) * 1000 + Math.floor(d.nanos / 1e6);
      return ms > 0 ? new Date(Math.floor(t.getTime() / ms) * ms) : t;
    })
    .registerFunction('TimeNamespace.toCron(google.protobuf.Timestamp): string', (_: unknown, t: Date) =>
      `${t.getUTCMinutes()} ${t.getUTCHours()} ${t.getUTCDate()} ${t.getUTCMonth() + 1} ${t.getUTCDay()}`);
}

export function registerIo(env: Environment, session: Session): void {
  registerResource(env, session);
  registerHttp(env, session);
  namespace(env, 'GlobalContextNamespace', 'globalContext');
  bothCases(env)
    .registerFunction('GlobalContextNamespace.Get(string, string): dyn', (_: unknown, entry: string, projection: string) => globalContextAnswer(session.io, entry, projection))
    .registerFunction('GlobalContextNamespace.Get(string): dyn', (_: unknown, entry: string) => globalContextAnswer(session.io, entry, ''));
  // `image` is also the image() function; cel-js keeps functions and constants apart.
  namespace(env, 'ImageDataNamespace', 'image');
  bothCases(env).registerFunction('ImageDataNamespace.GetMetadata(string): dyn', (_: unknown, ref: string) => imageMetadata(session.io, ref));
  namespace(env, 'GeneratorNamespace', 'generator');
  // Nothing is created: the call is recorded for the caller (a GeneratingPolicy's evaluation).
  const apply = (_: unknown, namespace: string, objects: unknown[]) => { session.io.generated?.push({ namespace, objects }); return true; };
  env.registerFunction('GeneratorNamespace.Apply(string, list<dyn>): bool', apply);
  env.registerFunction('GeneratorNamespace.apply(string, list<dyn>): bool', apply);
  env
    .registerFunction('verifyImageSignatures(string, list<dyn>): int', (ref: string) => { throw new UnknownValue(`verifyImageSignatures(${ref}) needs a registry`); })
    .registerFunction('verifyAttestationSignatures(string, dyn, list<dyn>): int', (ref: string) => { throw new UnknownValue(`verifyAttestationSignatures(${ref}) needs a registry`); })
    .registerFunction('extractPayload(string, dyn): dyn', (ref: string) => { throw new UnknownValue(`extractPayload(${ref}) needs a registry`); })
    .registerFunction('random(): string', () => { throw new UnknownValue('random()'); })
    .registerFunction('random(string): string', () => { throw new UnknownValue('random()'); });
  registerTime(env, session);
}

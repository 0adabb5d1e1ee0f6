// The HTTP authorization library of ValidatingPolicies in HTTP mode (kyverno-authz
// pkg/cel/libs/authz/http): a validation answers a request with `http.Allowed().Response()` or
// `http.Denied(reason).Response()`, or null to leave it to the next one. Envoy mode's library is
// not modelled: its expressions fail as unknown functions.
import type { Environment } from '@marcbachmann/cel-js';

export class HttpResponseOk {}

export class HttpResponseDenied {
  constructor(readonly reason: string) {}
}

/** What a validation returns: exactly one of ok and denied is set. */
export class HttpCheckResponse {
  constructor(readonly ok: HttpResponseOk | null, readonly denied: HttpResponseDenied | null) {}
}

/** `http` is already the namespace of the HTTP client library (io.ts): the builders are its functions too. */
export function registerAuthz(env: Environment): void {
  env
    .registerType('HttpCheckResponseOk', HttpResponseOk)
    .registerType('HttpCheckResponseDenied', { ctor: HttpResponseDenied, fields: { reason: 'string' } })
    .registerType('HttpCheckResponse', { ctor: HttpCheckResponse, fields: { ok: 'HttpCheckResponseOk', denied: 'HttpCheckResponseDenied' } })
    .registerFunction('HttpNamespace.Allowed(): HttpCheckResponseOk', () => new HttpResponseOk())
    .registerFunction('HttpNamespace.Denied(string): HttpCheckResponseDenied', (_: unknown, reason: string) => new HttpResponseDenied(reason))
    // Declared dyn: cel-go lets a message and null share a ternary (`cond ? http.Denied(r).Response() : null`), cel-js would not.
    .registerFunction('HttpCheckResponseOk.Response(): dyn', (ok: HttpResponseOk) => new HttpCheckResponse(ok, null))
    .registerFunction('HttpCheckResponseDenied.Response(): dyn', (denied: HttpResponseDenied) => new HttpCheckResponse(null, denied))
    // The request's attributes arrive as a plain map: its header and query values by name.
    .registerFunction('map.Header(string): list<string>', (attrs: unknown, name: string) => values(field(attrs, 'header'), canonicalHeader(name)))
    .registerFunction('map.QueryParam(string): list<string>', (attrs: unknown, name: string) => values(field(attrs, 'query'), name));
}

function field(obj: unknown, key: string): unknown {
  if (obj instanceof Map) return obj.get(key);
  return obj && typeof obj === 'object' ? (obj as Record<string, unknown>)[key] : undefined;
}

function values(table: unknown, key: string): string[] {
  const v = field(table, key);
  return Array.isArray(v) ? v.map(String) : [];
}

/** Go's http.Header.Values looks a name up in its canonical form (content-type -> Content-Type). */
function canonicalHeader(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

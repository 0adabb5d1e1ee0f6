// The authorization libraries of ValidatingPolicies in HTTP and Envoy mode (kyverno-authz): a
// validation answers a request with `http.Allowed().Response()` / `http.Denied(reason).Response()`
// or `envoy.Allowed().Response()` / `envoy.Denied(code).Response()`, or null to leave it to the
// next one. Only the decision is modelled: the headers, bodies and metadata the envoy builders add
// are accepted and dropped.
import type { Environment } from '@marcbachmann/cel-js';
import { namespace } from './io.ts';

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
  registerEnvoy(env);
}

export class EnvoyOkHttpResponse {}

export class EnvoyDeniedHttpResponse {
  constructor(readonly code: bigint) {}
}

export class EnvoyHeaderValueOption {}

/** An envoy CheckResponse: allowed, denied with an HTTP code, or (envoy.Response(code)) a bare status. */
export class EnvoyCheckResponse {
  constructor(readonly ok: EnvoyOkHttpResponse | null, readonly denied: EnvoyDeniedHttpResponse | null, readonly statusCode?: bigint) {}
}

/** The envoy library as kyverno-envoy-plugin documents it (website/docs/cel-extensions/envoy.md). */
export function registerEnvoy(env: Environment): void {
  namespace(env, 'EnvoyNamespace', 'envoy');
  const same = <T>(x: T): T => x;
  env
    .registerType('EnvoyOkHttpResponse', EnvoyOkHttpResponse)
    .registerType('EnvoyDeniedHttpResponse', EnvoyDeniedHttpResponse)
    .registerType('EnvoyHeaderValueOption', EnvoyHeaderValueOption)
    .registerType('EnvoyCheckResponse', EnvoyCheckResponse)
    .registerFunction('EnvoyNamespace.Allowed(): EnvoyOkHttpResponse', () => new EnvoyOkHttpResponse())
    .registerFunction('EnvoyNamespace.Denied(int): EnvoyDeniedHttpResponse', (_: unknown, code: bigint) => new EnvoyDeniedHttpResponse(code))
    .registerFunction('EnvoyNamespace.Header(string, string): EnvoyHeaderValueOption', () => new EnvoyHeaderValueOption())
    // Declared dyn like http's: a response and null share ternaries.
    .registerFunction('EnvoyNamespace.Response(int): dyn', (_: unknown, code: bigint) => new EnvoyCheckResponse(null, null, code))
    .registerFunction('EnvoyNamespace.Response(EnvoyOkHttpResponse): dyn', (_: unknown, ok: EnvoyOkHttpResponse) => new EnvoyCheckResponse(ok, null))
    .registerFunction('EnvoyNamespace.Response(EnvoyDeniedHttpResponse): dyn', (_: unknown, denied: EnvoyDeniedHttpResponse) => new EnvoyCheckResponse(null, denied))
    .registerFunction('EnvoyOkHttpResponse.Response(): dyn', (ok: EnvoyOkHttpResponse) => new EnvoyCheckResponse(ok, null))
    .registerFunction('EnvoyDeniedHttpResponse.Response(): dyn', (denied: EnvoyDeniedHttpResponse) => new EnvoyCheckResponse(null, denied))
    .registerFunction('EnvoyDeniedHttpResponse.WithBody(string): EnvoyDeniedHttpResponse', same)
    .registerFunction('EnvoyHeaderValueOption.KeepEmptyValue(): EnvoyHeaderValueOption', same)
    .registerFunction('EnvoyHeaderValueOption.KeepEmptyValue(bool): EnvoyHeaderValueOption', same)
    .registerFunction('EnvoyCheckResponse.WithMessage(string): dyn', same)
    .registerFunction('EnvoyCheckResponse.WithMetadata(map): dyn', same)
    .registerFunction('EnvoyOkHttpResponse.WithoutHeader(string): EnvoyOkHttpResponse', same)
    .registerFunction('EnvoyOkHttpResponse.WithResponseHeader(EnvoyHeaderValueOption): EnvoyOkHttpResponse', same)
    .registerFunction('EnvoyOkHttpResponse.WithResponseHeader(string, string): EnvoyOkHttpResponse', same)
    .registerFunction('EnvoyOkHttpResponse.WithQueryParam(dyn): EnvoyOkHttpResponse', same)
    .registerFunction('EnvoyOkHttpResponse.WithoutQueryParam(string): EnvoyOkHttpResponse', same);
  for (const t of ['EnvoyOkHttpResponse', 'EnvoyDeniedHttpResponse']) {
    env
      .registerFunction(`${t}.WithHeader(EnvoyHeaderValueOption): ${t}`, same)
      .registerFunction(`${t}.WithHeader(string, string): ${t}`, same);
  }
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

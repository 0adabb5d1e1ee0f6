// A ValidatingPolicy in HTTP or Envoy mode on an authorization request, as kyverno-authz
// evaluates it: `object` is the request; matchConditions select it; each validation answers with
// an allowed or denied response, or null (no opinion), and the first answer decides. Allowed
// passes, denied fails, no answer skips.
import type { AdmissionContext, PolicyResult, RuleResult, RuleStatus } from '../types.ts';
import { EnvoyCheckResponse, HttpCheckResponse } from '../../cel/lib/authz.ts';
import { buildScope } from './activation.ts';
import { policyId } from './frame.ts';
import { asArray } from './values.ts';
import { isObj } from '../../k8s/objects.ts';

export function evaluateAuthorization(policy: Record<string, unknown>, payload: Record<string, unknown>, mode: 'HTTP' | 'Envoy', context: AdmissionContext): PolicyResult {
  const request = mode === 'Envoy' ? envoyRequest(payload) : httpRequest(payload);
  const name = policyId(policy);
  const spec = isObj(policy.spec) ? policy.spec : {};
  const rule = (status: RuleStatus, reason: string, path?: (string | number)[]): PolicyResult => {
    const r: RuleResult = { policy: name, rule: name, status, reason, ...(path ? { path } : {}) };
    return { rules: [r], patched: request };
  };
  // An evaluation error fails the request unless the policy ignores failures, which leaves it unanswered.
  const failed = (message: string, path: (string | number)[]): PolicyResult => (spec.failurePolicy === 'Ignore' ? rule('skip', 'request does not match') : rule('error', message, path));
  const scope = buildScope({ object: request, context, variables: spec.variables });
  // Every condition is evaluated: a false one skips the request even after another has failed.
  let error: { message: string; path: (string | number)[] } | undefined;
  const conditions = asArray(spec.matchConditions);
  for (let i = 0; i < conditions.length; i++) {
    const c = conditions[i];
    if (!isObj(c) || typeof c.expression !== 'string') continue;
    const path = ['spec', 'matchConditions', i, 'expression'];
    const out = scope.run(c.expression);
    if (!out.ok && 'unknown' in out) return rule('unknown', out.unknown, path);
    if (!out.ok) { error ??= { message: `matchCondition ${String(c.name ?? i)}: ${out.error}`, path }; continue; }
    if (typeof out.value !== 'boolean') { error ??= { message: `matchCondition ${String(c.name ?? i)} is not a bool`, path }; continue; }
    if (!out.value) return rule('skip', 'request does not match', path);
  }
  if (error) return failed(error.message, error.path);
  const validations = asArray(spec.validations);
  for (let i = 0; i < validations.length; i++) {
    const v = validations[i];
    if (!isObj(v) || typeof v.expression !== 'string') continue;
    const path = ['spec', 'validations', i, 'expression'];
    const out = scope.run(v.expression);
    if (!out.ok) return 'unknown' in out ? rule('unknown', out.unknown, path) : failed(`validation ${i}: ${out.error}`, path);
    if (out.value === null || out.value === undefined) continue;
    if (mode === 'HTTP' && out.value instanceof HttpCheckResponse) {
      return out.value.denied ? rule('fail', `request denied, reason: ${out.value.denied.reason}`, path) : rule('pass', 'request allowed', path);
    }
    if (mode === 'Envoy' && out.value instanceof EnvoyCheckResponse) {
      if (out.value.ok) return rule('pass', 'request allowed', path);
      if (out.value.denied) return rule('fail', `request denied with status code ${out.value.denied.code}`, path);
      // A bare status (envoy.Response(code)) is neither allowed nor denied: kyverno test reports no known status for it.
      return rule('unknown', `envoy.Response(${out.value.statusCode}) carries neither an ok nor a denied response`, path);
    }
    return failed(`validation ${i}: rule result is expected to be ${mode === 'HTTP' ? 'an http' : 'an envoy'} CheckResponse`, path);
  }
  return rule('skip', 'request does not match');
}

/** Fields of an envoy CheckRequest that are maps of strings or Structs: their keys are data, kept as written. */
const MAP_FIELDS = new Set(['headers', 'labels', 'context_extensions', 'filter_metadata', 'typed_filter_metadata']);

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** protojson reads camelCase or proto names; CEL sees proto names. */
function protoNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(protoNames);
  if (!isObj(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const name = snake(k);
    out[name] = MAP_FIELDS.has(name) ? v : protoNames(v);
  }
  return out;
}

/**
 * The envoy CheckRequest as CEL sees the proto message: proto field names, and the request's
 * scalar and map fields present with their defaults (an unset proto3 field reads as '' or {}).
 */
export function envoyRequest(payload: Record<string, unknown>): Record<string, unknown> {
  const named = protoNames(payload) as Record<string, unknown>;
  const attributes = isObj(named.attributes) ? named.attributes : {};
  const request = isObj(attributes.request) ? attributes.request : {};
  const http = isObj(request.http) ? request.http : {};
  const strings = Object.fromEntries(['id', 'method', 'path', 'host', 'scheme', 'query', 'fragment', 'protocol', 'body'].map((k) => [k, '']));
  return {
    ...named,
    attributes: {
      context_extensions: {},
      ...attributes,
      request: { ...request, http: { ...strings, headers: {}, size: 0, ...http } },
    },
  };
}

const HTTP_FIELDS: Record<string, unknown> = { method: '', header: {}, host: '', protocol: '', contentLength: 0, body: '', scheme: '', path: '', query: {}, fragment: '' };

/** Go's encoding/json matches a field name case-insensitively. */
function pick(obj: Record<string, unknown>, name: string): unknown {
  if (name in obj) return obj[name];
  const lower = name.toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : obj[key];
}

/**
 * The http CheckRequest as kyverno test decodes it (encoding/json into kyverno-authz's struct):
 * the attributes' fields found whatever their case, absent ones at their zero values, others dropped.
 */
export function httpRequest(payload: Record<string, unknown>): Record<string, unknown> {
  const raw = pick(payload, 'attributes');
  const attrs = isObj(raw) ? raw : {};
  const attributes = Object.fromEntries(Object.entries(HTTP_FIELDS).map(([k, zero]) => {
    const v = pick(attrs, k);
    return [k, v === undefined || v === null ? zero : v];
  }));
  // Kyverno reads the body as a JSON-RPC (MCP) request; only its method is modelled, '' for other bodies.
  return { attributes, mcp: { request: { Method: mcpMethod(attributes.body) } } };
}

/** The body is []byte: base64 in the JSON payload. */
function mcpMethod(body: unknown): string {
  if (typeof body !== 'string' || body === '') return '';
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body, 'base64').toString('utf8'));
    return isObj(parsed) && typeof parsed.method === 'string' ? parsed.method : '';
  } catch {
    return '';
  }
}

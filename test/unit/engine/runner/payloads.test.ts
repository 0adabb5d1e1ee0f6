// Payloads in place of resources: ValidatingPolicies in JSON mode on a Test's jsonPayload(s), in
// HTTP mode on its httpPayloads, and what stays undecided (Envoy, other kinds), with its reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { runSuites } from '../../../../server/src/engine/testRunner/index.ts';
import { evaluateValidatingPolicy } from '../../../../server/src/engine/cel/validating.ts';
import { payloadResponse, type SuitePayload } from '../../../../server/src/engine/testRunner/payloads.ts';

const suites = join(import.meta.dirname, '../../../fixtures/engine-suites/suites');

function failures(name: string, root = suites): { results: unknown; excluded: number; failures: string[]; errors: string[] } {
  const report = runSuites([join(root, name)]);
  return {
    results: report.results,
    // Agreements only because no rule applied: a payload no policy decided would hide behind these.
    excluded: report.excludedAgreements,
    failures: report.failures.map((f) => `${f.policy} ${f.resource}: expected ${f.expected}, got ${f.actual}`),
    errors: report.errors.map((e) => e.error),
  };
}

const jsonPolicy = {
  apiVersion: 'policies.kyverno.io/v1',
  kind: 'ValidatingPolicy',
  metadata: { name: 'no-root' },
  spec: {
    evaluation: { mode: 'JSON' },
    matchConditions: [{ name: 'has-user', expression: 'has(object.user)' }],
    validations: [{ expression: "object.user != 'root'", messageExpression: "'user ' + object.user + ' is not allowed'" }],
  },
};

const payload = (value: Record<string, unknown>, mode: SuitePayload['mode'] = 'JSON'): SuitePayload => ({ path: 'p.json', resolved: '/p.json', mode, value });

test('jsonPayload and jsonPayloads: entries name a payload by its path; matchConditions, variables and exceptions decide; a JSON-mode policy never sees a resource', () => {
  assert.deepEqual(failures('vpol-json'), {
    results: { total: 8, agree: 8, disagree: 0, unknown: 0 },
    excluded: 1,
    failures: [],
    errors: [],
  });
});

test('a JSON-mode policy on a payload: object is the payload, the failing validation gives its message, a false matchCondition skips', () => {
  const context = { operation: 'CREATE' as const };
  const fail = payloadResponse(jsonPolicy, payload({ user: 'root' }), context).rules;
  assert.deepEqual(fail.map((r) => [r.status, r.reason]), [['fail', 'user root is not allowed']]);
  assert.deepEqual(payloadResponse(jsonPolicy, payload({ user: 'app' }), context).rules.map((r) => r.status), ['pass']);
  assert.deepEqual(payloadResponse(jsonPolicy, payload({ group: 'x' }), context).rules.map((r) => r.status), ['skip']);
});

test('a JSON-mode policy gives no rule on a Kubernetes request, even with matchConstraints that select it', () => {
  const withConstraints = { ...jsonPolicy, spec: { ...jsonPolicy.spec, matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }] } } };
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, user: 'root' };
  assert.deepEqual(evaluateValidatingPolicy(withConstraints, pod, { operation: 'CREATE', namespaceLabels: {} }).rules, []);
});

test('HTTP and Envoy requests: the first validation that answers decides (allowed passes, denied fails with its reason), null passes to the next; HTTP headers by canonical name; envoy fields by proto name with their defaults', () => {
  assert.deepEqual(failures('vpol-authz'), { results: { total: 8, agree: 8, disagree: 0, unknown: 0 }, excluded: 0, failures: [], errors: [] });
  const policy = {
    apiVersion: 'policies.kyverno.io/v1', kind: 'ValidatingPolicy', metadata: { name: 'guard' },
    spec: { evaluation: { mode: 'HTTP' }, validations: [
      { expression: "object.attributes.method == 'PUT' ? http.Denied('no writes').Response() : null" },
      { expression: "'x' in object.attributes.Header('x-team') ? http.Allowed().Response() : null" },
    ] },
  };
  const context = { operation: 'CREATE' as const };
  const answer = (attributes: Record<string, unknown>) => payloadResponse(policy, payload({ attributes }, 'HTTP'), context).rules.map((r) => [r.status, r.reason]);
  assert.deepEqual(answer({ method: 'PUT', header: { 'X-Team': ['x'] } }), [['fail', 'request denied, reason: no writes']]);
  assert.deepEqual(answer({ method: 'GET', header: { 'X-Team': ['x'] } }), [['pass', 'request allowed']]);
  // No validation answers: the request is not one the policy decides.
  assert.deepEqual(answer({ method: 'GET', header: { 'x-team': ['x'] } }), [['skip', 'request does not match']]);
  // Decoded as Go decodes JSON into the request: field names in any case, absent ones at their zero value.
  assert.deepEqual(answer({ Method: 'PUT' }), [['fail', 'request denied, reason: no writes']]);
  assert.deepEqual(answer({ method: 'GET' }), [['skip', 'request does not match']]);
  // The body (base64, as Go encodes []byte) is read as a JSON-RPC request for object.mcp.request.Method.
  const mcp = { ...policy, spec: { ...policy.spec, validations: [{ expression: "object.mcp.request.Method == 'tools/call' ? http.Denied('no tools').Response() : http.Allowed().Response()" }] } };
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: 'tools/call', id: 1 })).toString('base64');
  assert.equal(payloadResponse(mcp, payload({ attributes: { method: 'POST', body } }, 'HTTP'), context).rules[0]!.status, 'fail');
  assert.equal(payloadResponse(mcp, payload({ attributes: { method: 'POST' } }, 'HTTP'), context).rules[0]!.status, 'pass');
  // A policy of another mode gives no response to the request at all.
  assert.deepEqual(payloadResponse(jsonPolicy, payload({ attributes: {} }, 'HTTP'), context).rules, []);
  const envoy = (expression: string) => payloadResponse({ ...policy, spec: { evaluation: { mode: 'Envoy' }, validations: [{ expression }] } }, payload({ attributes: { request: { http: { rawBody: 'e30=' } } } }, 'Envoy'), context).rules.map((r) => [r.status, r.reason]);
  assert.deepEqual(envoy('envoy.Denied(401).WithHeader(envoy.Header("a", "b").KeepEmptyValue()).Response().WithMessage("m")'), [['fail', 'request denied with status code 401']]);
  assert.deepEqual(envoy("object.attributes.request.http.raw_body == 'e30=' && object.attributes.request.http.method == '' ? envoy.Allowed().Response() : null"), [['pass', 'request allowed']]);
  // A bare status is neither allowed nor denied.
  assert.equal(envoy('envoy.Response(7)')[0]![0], 'unknown');
});

test('on a JSON payload a Kubernetes-mode policy is an error, other kinds are unknown with the reason, HTTP-mode policies give no response', () => {
  const context = { operation: 'CREATE' as const };
  const k8s = payloadResponse({ ...jsonPolicy, spec: { validations: jsonPolicy.spec.validations } }, payload({ user: 'root' }), context).rules;
  assert.equal(k8s[0]!.status, 'error');
  assert.match(k8s[0]!.reason, /Kubernetes-mode policy without admission attributes/);
  const legacy = payloadResponse({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'c' }, spec: { rules: [] } }, payload({}), context).rules;
  assert.match(legacy[0]!.reason, /ClusterPolicy to a JSON payload is not modelled/);
  assert.deepEqual(payloadResponse({ ...jsonPolicy, spec: { ...jsonPolicy.spec, evaluation: { mode: 'HTTP' } } }, payload({ user: 'root' }), context).rules, []);
});

test('a payload that is not one object document fails the suite, as kyverno test fails the test', () => {
  // Its own root: the suites directory holds exactly one broken suite (runner.test.ts).
  const out = failures('bad-payload', join(suites, '..'));
  assert.equal(out.errors.length, 1);
  assert.match(out.errors[0]!, /payload list\.json needs an object at its root/);
});

test('a file of several Tests runs each; an entry naming no resource is one result over the payloads', () => {
  assert.deepEqual(failures('vpol-json-tests'), { results: { total: 2, agree: 2, disagree: 0, unknown: 0 }, excluded: 0, failures: [], errors: [] });
});

test('jwt.Decode(token, secret) in an Envoy policy: an HMAC token is verified offline, Valid reads exp against the clock, a wrong secret is an error', () => {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const sign = (claims: Record<string, unknown>, secret: string) => {
    const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
    return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
  };
  const policy = {
    apiVersion: 'policies.kyverno.io/v1', kind: 'ValidatingPolicy', metadata: { name: 'jwt' },
    spec: { evaluation: { mode: 'Envoy' },
      variables: [{ name: 'token', expression: 'jwt.Decode(object.attributes.request.http.headers["authorization"], "s3cret")' }],
      validations: [
        { expression: '!variables.token.Valid ? envoy.Denied(401).Response() : null' },
        { expression: 'variables.token.Claims.?role.orValue("") != "admin" ? envoy.Denied(403).Response() : envoy.Allowed().Response()' },
      ] },
  };
  const answer = (token: string, now?: string) => payloadResponse(policy, payload({ attributes: { request: { http: { headers: { authorization: token } } } } }, 'Envoy'), { operation: 'CREATE', ...(now ? { now } : {}) }).rules.map((r) => [r.status, r.reason]);
  assert.deepEqual(answer(sign({ role: 'admin' }, 's3cret')), [['pass', 'request allowed']]);
  assert.deepEqual(answer(sign({ role: 'dev' }, 's3cret')), [['fail', 'request denied with status code 403']]);
  const expiring = sign({ role: 'admin', exp: 1_800_000_000 }, 's3cret');
  assert.deepEqual(answer(expiring, '2026-01-01T00:00:00Z'), [['pass', 'request allowed']]);
  assert.deepEqual(answer(expiring, '2030-01-01T00:00:00Z'), [['fail', 'request denied with status code 401']]);
  assert.equal(answer(expiring)[0]![0], 'unknown');
  assert.equal(answer(sign({ role: 'admin' }, 'other'))[0]![0], 'error');
});

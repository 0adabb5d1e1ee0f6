import { test } from 'node:test';
import assert from 'node:assert/strict';
import { query } from '../../../../server/src/engine/jmespath/query.ts';
import { substitute, substituteString, SubstitutionError } from '../../../../server/src/engine/jmespath/substitute.ts';
import { NotFoundError, UnsupportedError } from '../../../../server/src/engine/jmespath/errors.ts';

const q = (e: string, d: unknown = {}) => query(e, d);

test('string functions', () => {
  assert.equal(q("to_upper('abc')"), 'ABC');
  assert.equal(q("to_lower('ABC')"), 'abc');
  assert.equal(q("trim('--a--', '-')"), 'a');
  assert.equal(q("trim_prefix('registry.io/app', 'registry.io/')"), 'app');
  assert.deepEqual(q("split('a,b', ',')"), ['a', 'b']);
  assert.equal(q("replace_all('a-b-c', '-', '_')"), 'a_b_c');
  assert.equal(q("replace('a-b-c', '-', '_', `1`)"), 'a_b-c');
  assert.equal(q("equal_fold('Go', 'GO')"), true);
  assert.equal(q("equal_fold('Go', 'Rust')"), false);
  assert.equal(q("compare('a', 'b')"), -1);
  assert.equal(q("truncate('abcdef', `3`)"), 'abc');
});

test('regex functions use RE2 and Go replacement syntax', () => {
  assert.equal(q("regex_match('^[0-9]+%$', '50%')"), true);
  assert.equal(q("regex_match('^[0-9]+%$', '50')"), false);
  assert.equal(q("regex_replace_all('([a-z]+)-([0-9]+)', 'app-12', '${2}.$1')"), '12.app');
  assert.equal(q("regex_replace_all_literal('a.', 'a1a2', 'X')"), 'XX');
  assert.equal(q("pattern_match('nginx:*', 'nginx:1')"), true);
  assert.equal(q("pattern_match('nginx:*', 'redis:1')"), false);
});

test('arithmetic keeps quantities and durations', () => {
  assert.equal(q("add(`1`, `2`)"), 3);
  assert.equal(q("add('1Gi', '512Mi')"), '1536Mi');
  assert.equal(q("subtract('2h', '30m')"), '1h30m0s');
  assert.equal(q("multiply('250m', `4`)"), '1');
  assert.equal(q("divide('1Gi', '512Mi')"), 2);
  assert.equal(q("modulo(`7`, `3`)"), 1);
  assert.equal(q("round(`2.456`, `1`)"), 2.5);
  assert.equal(q('sum(`[1, 2, 3]`)'), 6);
  assert.throws(() => q("divide(`1`, `0`)"));
});

test('parse_yaml of a text seen before hands out a value of its own: a caller that patches it changes no later result', () => {
  const first = q("parse_yaml('a: {b: [1]}')") as { a: { b: number[] } };
  first.a.b.push(2);
  assert.deepEqual(q("parse_yaml('a: {b: [1]}')"), { a: { b: [1] } });
  assert.throws(() => q("parse_yaml('a: [')"));
  assert.throws(() => q("parse_yaml('a: [')"));
});

test('a JMESPath text evaluated again on other data answers for that data', () => {
  assert.equal(q('a.b', { a: { b: 1 } }), 1);
  assert.equal(q('a.b', { a: { b: 2 } }), 2);
  assert.throws(() => q('a.b', { a: {} }), NotFoundError);
  assert.throws(() => q('a.['));
  assert.throws(() => q('a.['));
});

test('encoding, parsing and object helpers', () => {
  assert.equal(q("base64_encode('hi')"), 'aGk=');
  assert.equal(q("base64_decode('aGk=')"), 'hi');
  assert.deepEqual(q("parse_json('{\"a\":1}')"), { a: 1 });
  assert.deepEqual(q("parse_yaml('a: [1, 2]')"), { a: [1, 2] });
  assert.deepEqual(q("items(`{\"b\":2,\"a\":1}`, 'k', 'v')"), [{ k: 'a', v: 1 }, { k: 'b', v: 2 }]);
  assert.deepEqual(q("object_from_lists(`[\"a\",\"b\"]`, `[1,2]`)"), { a: 1, b: 2 });
  assert.equal(q("lookup(`{\"a\":1}`, 'a')"), 1);
  assert.equal(q("lookup(`[5,6]`, `1`)"), 6);
  assert.equal(q("label_match(`{\"app\":\"web\"}`, `{\"app\":\"web\",\"tier\":\"1\"}`)"), true);
  assert.equal(q("label_match(`{\"app\":\"db\"}`, `{\"app\":\"web\"}`)"), false);
  assert.equal(q("path_canonicalize('/a/../b//c')"), '/b/c');
  assert.equal(q("semver_compare('1.2.3', '>=1.0.0 <2.0.0')"), true);
  assert.equal(q("semver_compare('2.1.0', '>=1.0.0 <2.0.0')"), false);
  assert.equal(q("image_normalize('nginx')"), 'docker.io/nginx:latest');
  assert.equal(q("is_external_url('https://example.com')"), true);
  assert.equal(q("is_external_url('http://10.0.0.1/x')"), false);
  assert.equal(q("sha256('abc')"), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('time functions', () => {
  assert.equal(q("time_add('2023-01-01T00:00:00Z', '1h30m')"), '2023-01-01T01:30:00Z');
  assert.equal(q("time_after('2023-01-02T00:00:00Z', '2023-01-01T00:00:00Z')"), true);
  assert.equal(q("time_before('2023-01-02T00:00:00Z', '2023-01-01T00:00:00Z')"), false);
  assert.equal(q("time_between('2023-01-02T00:00:00Z', '2023-01-01T00:00:00Z', '2023-01-03T00:00:00Z')"), true);
  assert.equal(q("time_since('', '2023-01-01T00:00:00Z', '2023-01-01T02:00:00Z')"), '2h0m0s');
  assert.equal(q("time_to_cron('2023-02-03T04:05:00Z')"), '5 4 3 2 5');
  assert.equal(q("time_truncate('2023-01-01T10:47:00Z', '1h')"), '2023-01-01T10:00:00Z');
  assert.equal(q("time_parse('2006-01-02', '2023-05-06')"), '2023-05-06T00:00:00Z');
});

test('a missing key in a plain path is an error; in an expression it is null', () => {
  assert.throws(() => q('a.b', { a: {} }), NotFoundError);
  assert.equal(q("a.b || 'x'", { a: {} }), 'x');
  assert.equal(q('a.b', { a: { b: null } }), null);
});

test('x509_decode rejects what is not a certificate', () => {
  assert.throws(() => q("x509_decode('x')"));
});

test('random on an unmodelled regex is reported as not modelled', () => {
  assert.throws(() => q("random('(a|b)')"), UnsupportedError);
  assert.match(String(q("random('[a-z]{4}')")), /^[a-z]{4}$/);
});

test('substitution keeps the type of a whole-value variable and stringifies embedded ones', () => {
  const data = { request: { object: { spec: { replicas: 3 }, metadata: { name: 'web' } } } };
  assert.equal(substituteString('{{ request.object.spec.replicas }}', data), 3);
  assert.equal(substituteString('name-{{ request.object.metadata.name }}', data), 'name-web');
  assert.equal(substituteString('\\{{ literal }}', data), '{{ literal }}');
  assert.deepEqual(substitute({ a: ['{{ request.object.metadata.name }}'] }, data), { a: ['web'] });
  assert.equal(substituteString("{{ to_upper('{{ request.object.metadata.name }}') }}", data), 'WEB');
  assert.throws(() => substituteString('{{ request.object.metadata.labels.app }}', data), SubstitutionError);
});

test('{{@}} names the resource value at the same path', () => {
  const data = { request: { object: { metadata: { name: 'web' } } } };
  assert.deepEqual(substitute({ metadata: { name: '{{@}}' } }, data), { metadata: { name: 'web' } });
});

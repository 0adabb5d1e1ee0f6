import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateCel } from '../../../server/src/cel/evaluate.ts';

const pod = { metadata: { name: 'web', labels: { app: 'x' } }, spec: { replicas: 3, ratio: 0.5, containers: [{ name: 'a', image: 'nginx:1.25' }] } };

test('integral JSON numbers are CEL ints and come back as numbers', () => {
  assert.deepEqual(evaluateCel('object.spec.replicas + 1', { object: pod }), { ok: true, value: 4 });
  assert.deepEqual(evaluateCel('type(object.spec.replicas) == int && type(object.spec.ratio) == double', { object: pod }), { ok: true, value: true });
  assert.deepEqual(evaluateCel("{'n': object.spec.replicas, 'l': [1, 2.5]}", { object: pod }), { ok: true, value: { n: 3, l: [1, 2.5] } });
});

test('a cost bomb stops with cel/cost instead of running to the end', () => {
  const big = Array.from({ length: 2000 }, (_, i) => i);
  const result = evaluateCel('variables.xs.map(x, variables.xs.map(y, x + y)).size() > 0', { variables: { xs: big } });
  assert.equal(result.ok, false);
  assert.equal('code' in result && result.code, 'cel/cost');
});

test('a small budget is enforced; the same expression passes under the default', () => {
  const expr = '[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].all(x, x > 0)';
  assert.deepEqual(evaluateCel(expr, {}), { ok: true, value: true });
  const limited = evaluateCel(expr, {}, { costLimit: 5 });
  assert.equal('code' in limited && limited.code, 'cel/cost');
});

test('matches uses RE2: RE2-only syntax works and a backtracking pattern returns', () => {
  assert.deepEqual(evaluateCel("'ABC'.matches('(?i)^abc$')", {}), { ok: true, value: true });
  const evil = `${'a'.repeat(5000)}!`;
  assert.deepEqual(evaluateCel("object.s.matches('^(a+)+$')", { object: { s: evil } }), { ok: true, value: false });
  assert.deepEqual(evaluateCel("object.s.find('a+!')", { object: { s: 'xaa!' } }), { ok: true, value: 'aa!' });
  assert.deepEqual(evaluateCel("object.s.findAll('[0-9]+')", { object: { s: 'a1b22c333' } }), { ok: true, value: ['1', '22', '333'] });
});

test('modelled I/O answers only from caller data, otherwise unknown', () => {
  const expr = "resource.Get('v1', 'configmaps', 'ns', 'cm').data.key == 'v'";
  const unknown = evaluateCel(expr, {});
  assert.equal('unknown' in unknown, true);
  const known = evaluateCel(expr, {}, { resources: new Map([['v1|configmaps', new Map([['ns', new Map([['cm', { data: { key: 'v' } }]])]])]]) });
  assert.deepEqual(known, { ok: true, value: true });
  assert.equal('unknown' in evaluateCel("http.Get('https://example.com').ok", {}), true);
  assert.equal('unknown' in evaluateCel('time.now() > timestamp("2020-01-01T00:00:00Z")', {}), true);
  assert.deepEqual(evaluateCel('time.now() > timestamp("2020-01-01T00:00:00Z")', {}, { now: '2025-01-01T00:00:00Z' }), { ok: true, value: true });
  assert.equal('unknown' in evaluateCel("authorizer.group('').resource('pods').check('get').allowed()", {}), true);
});

test('a variable missing from the activation is unknown; runtime errors are errors', () => {
  assert.equal('unknown' in evaluateCel('oldObject.metadata.name == "x"', { object: pod }), true);
  const err = evaluateCel('object.spec.missing == 1', { object: pod });
  assert.equal('error' in err && !('code' in err && err.code), true);
});

test('message construction and JSONPatch evaluate to plain objects', () => {
  assert.deepEqual(
    evaluateCel("Object{metadata: Object.metadata{labels: {'app': object.metadata.?labels.app.orValue('d')}}}", { object: pod }),
    { ok: true, value: { metadata: { labels: { app: 'x' } } } },
  );
  assert.deepEqual(
    evaluateCel("[JSONPatch{op: 'add', path: '/spec/replicas', value: object.spec.replicas * 2}]", { object: pod }),
    { ok: true, value: [{ op: 'add', path: '/spec/replicas', value: 6 }] },
  );
});

test('Kubernetes library values: quantities, semver, ip, image', () => {
  assert.deepEqual(evaluateCel("quantity('500m').isLessThan(quantity('1')) && quantity('1Gi').compareTo(quantity('1073741824')) == 0", {}), { ok: true, value: true });
  assert.deepEqual(evaluateCel("quantity('1.5Gi').asApproximateFloat() == 1610612736.0 && quantity('100m').sign() == 1 && !quantity('100m').isInteger()", {}), { ok: true, value: true });
  assert.deepEqual(evaluateCel("semver('1.2.3-rc.1').isLessThan(semver('1.2.3')) && semver('v1.2', true).minor() == 2", {}), { ok: true, value: true });
  assert.deepEqual(evaluateCel("cidr('192.168.0.0/16').containsIP(ip('192.168.4.1')) && !cidr('::1/128').containsIP('::2') && string(ip('0:0::1')) == '::1'", {}), { ok: true, value: true });
  assert.deepEqual(evaluateCel("image('nginx').repository() == 'library/nginx' && image('ghcr.io/a/b:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef').containsDigest()", {}), { ok: true, value: true });
  assert.deepEqual(evaluateCel("format.dns1123Label().validate('Not_Valid').hasValue()", {}), { ok: true, value: true });
});

test('declared variables are evaluated in order and a failed one fails only its readers', () => {
  const variables = [
    { name: 'names', expression: 'object.spec.containers.map(c, c.name)' },
    { name: 'count', expression: 'size(variables.names)' },
    { name: 'cm', expression: "resource.Get('v1', 'configmaps', 'ns', 'cm')" },
  ];
  assert.deepEqual(evaluateCel('variables.count == 1 && variables.names[0] == "a"', { object: pod }, { variables }), { ok: true, value: true });
  const reader = evaluateCel('variables.cm.data.x == "y"', { object: pod }, { variables });
  assert.equal('unknown' in reader && reader.unknown, 'resource.Get(v1, configmaps, ns, cm)');
});

test('repeated concatenation is charged by size and stops with cel/cost', () => {
  let expr = 'z.size() > 0';
  for (let i = 30; i > 0; i--) expr = `cel.bind(${'abcdefghijklmnopqrstuvwxyz'[i % 26]}${i}, ${i === 1 ? '[1, 2, 3, 4, 5, 6, 7, 8]' : `${'abcdefghijklmnopqrstuvwxyz'[(i - 1) % 26]}${i - 1} + ${'abcdefghijklmnopqrstuvwxyz'[(i - 1) % 26]}${i - 1}`}, ${expr})`;
  expr = expr.replace('z.size()', 'e30.size()');
  const result = evaluateCel(expr, {});
  assert.equal('code' in result && result.code, 'cel/cost');
});

test('cel-go extras cel-js lacks: optMap/optFlatMap, ofNonZeroValue, lists.range, time conversions', () => {
  const cases: [string, unknown][] = [
    ['object.metadata.?labels.app.optMap(v, v + "!").orValue("")', 'x!'],
    ['object.metadata.?labels.missing.optMap(v, v + "!").orValue("none")', 'none'],
    ['object.metadata.?labels.optFlatMap(l, l.?app).orValue("")', 'x'],
    ['optional.ofNonZeroValue("").hasValue() || optional.ofNonZeroValue([]).hasValue()', false],
    ['optional.ofNonZeroValue("a").value()', 'a'],
    ['lists.range(3)', [0, 1, 2]],
    ["string(timestamp('2025-01-01T00:00:00Z'))", '2025-01-01T00:00:00Z'],
    ["string(duration('90s'))", '90s'],
    ["int(timestamp('1970-01-01T00:01:00Z'))", 60],
  ];
  for (const [expr, value] of cases) assert.deepEqual(evaluateCel(expr, { object: pod }), { ok: true, value }, expr);
});

test('orValue on a value that is not optional returns the value, as cel-go does', () => {
  const object = { metadata: { name: 'n' }, spec: {} };
  assert.deepEqual(evaluateCel("object.metadata.name.orValue('z')", { object }), { ok: true, value: 'n' });
  assert.deepEqual(evaluateCel("object.spec.?missing.orValue('z')", { object }), { ok: true, value: 'z' });
  assert.equal(evaluateCel("object.spec.missing.orValue('z')", { object }).ok, false, 'a missing field is still an error without ?.');
});

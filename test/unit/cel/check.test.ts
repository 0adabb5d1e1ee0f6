import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCel } from '../../../server/src/cel/check.ts';
import type { CelSite } from '../../../server/src/cel/extract.ts';
import type { K8sType, K8sTypeSource } from '../../../server/src/cel/objectType.ts';

const site = (expression: string, extra: Partial<CelSite> = {}): CelSite => ({ path: [], expression, role: 'validation', resultType: 'bool', variableNames: [], ...extra });

// A minimal slice of the Kubernetes types, enough to tell known fields from unknown ones.
const str: K8sType = { kind: 'primitive', name: 'string' };
const obj = (name: string): K8sType => ({ kind: 'object', name });
const types: Record<string, Record<string, K8sType>> = {
  Pod: { apiVersion: str, kind: str, metadata: obj('ObjectMeta'), spec: obj('PodSpec') },
  PodSpec: { containers: { kind: 'array', items: obj('Container') }, hostNetwork: { kind: 'primitive', name: 'boolean' } },
  Container: { name: str, image: str, resources: obj('Resources') },
  Resources: { limits: { kind: 'map', values: { kind: 'primitive', name: 'quantity' } } },
  ObjectMeta: { name: str, namespace: str, labels: { kind: 'map', values: str } },
  Service: { apiVersion: str, kind: str, metadata: obj('ObjectMeta'), spec: obj('ServiceSpec') },
  ServiceSpec: { clusterIP: str },
};
const source: K8sTypeSource = {
  typeOfKind: (_apiVersion, kind) => (types[kind] ? obj(kind) : undefined),
  fieldsOf: (name) => types[name],
};
const pod = [{ apiVersion: 'v1', kind: 'Pod' }];

test('an unknown function is flagged on its name', () => {
  const expression = "object.metadata.name.startsWith('a') && isFoo(object)";
  const problems = checkCel(site(expression));
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, 'cel/unknown-function');
  assert.equal(problems[0]!.severity, 'warning');
  assert.equal(expression.slice(problems[0]!.start, problems[0]!.end), 'isFoo');
});

test('an unknown method is flagged on its name, not its receiver', () => {
  const expression = 'object.spec.containers.all(c, c.image.toLower() == c.image)';
  const [p] = checkCel(site(expression));
  assert.equal(p?.code, 'cel/unknown-function');
  assert.equal(expression.slice(p!.start, p!.end), 'toLower');
});

test('an unknown field of a Pod is cel/type when the kind is known', () => {
  const expression = 'object.spec.containers.all(c, c.imagee != "")';
  assert.deepEqual(checkCel(site(expression), { types: source, objectKinds: pod }).map((p) => [p.code, expression.slice(p.start, p.end)]), [['cel/type', 'imagee']]);
});

test('the same expression is not flagged when the kind is unknown or not given', () => {
  const expression = 'object.spec.containers.all(c, c.imagee != "")';
  assert.deepEqual(checkCel(site(expression), {}), []);
  assert.deepEqual(checkCel(site(expression), { types: source, objectKinds: [{ apiVersion: 'example.com/v1', kind: 'Widget' }] }), []);
  assert.deepEqual(checkCel(site(expression), { types: source, objectKinds: [...pod, { apiVersion: 'example.com/v1', kind: 'Widget' }] }), []);
});

test('with several kinds, a field is flagged only when no kind has it', () => {
  const both = [...pod, { apiVersion: 'v1', kind: 'Service' }];
  assert.deepEqual(checkCel(site("object.spec.clusterIP != ''"), { types: source, objectKinds: both }), []);
  const [p] = checkCel(site('object.spec.nope == 1'), { types: source, objectKinds: both });
  assert.equal(p?.code, 'cel/type');
});

test('known Pod fields, maps of quantities and optionals pass typed checking', () => {
  for (const e of [
    "object.spec.containers.all(c, has(c.resources.limits) && quantity(c.resources.limits['memory']).isLessThan(quantity('1Gi')))",
    "object.metadata.?labels.app.orValue('') == 'x'",
    '!object.spec.?hostNetwork.orValue(false)',
  ]) assert.deepEqual(checkCel(site(e), { types: source, objectKinds: pod }), [], e);
});

test('a wrong result type for the role is cel/type', () => {
  const [p] = checkCel(site("object.metadata.name + 'x'"));
  assert.equal(p?.code, 'cel/type');
  assert.deepEqual(checkCel(site("object.metadata.name + 'x'", { role: 'messageExpression', resultType: 'string' })), []);
});

test('operator type errors are cel/type', () => {
  const [p] = checkCel(site('1 + 2.0 > 0'));
  assert.equal(p?.code, 'cel/type');
});

test('reading an undeclared variable is flagged at its name', () => {
  const expression = 'variables.images.all(i, i != variables.other)';
  const problems = checkCel(site(expression, { variableNames: ['images'] }));
  assert.deepEqual(problems.map((p) => [p.code, expression.slice(p.start, p.end)]), [['cel/type', 'other']]);
});

test('syntax errors are errors at the exact offset, also inside message construction', () => {
  const [p] = checkCel(site('Object{spec: Object.spec{replicas: }}', { role: 'applyConfiguration', resultType: 'any' }));
  assert.deepEqual([p?.code, p?.severity, p?.start], ['cel/syntax', 'error', 35]);
});

test('Kyverno and Kubernetes library uses check clean', () => {
  const clean = [
    "resource.Get('v1', 'configmaps', 'default', 'cm').data.x == 'y'",
    "resource.List('apps/v1', 'deployments', object.metadata.namespace).items.exists(d, d.spec.replicas > 3)",
    "http.Get('https://x').status == 'ok'",
    "http.Client(variables.ca).Get('https://x').ok == true",
    "globalContext.Get('entry', '').size() > 0",
    "image('nginx:1.25').registry() == 'docker.io'",
    "image.GetMetadata('nginx:1.25').config.created != ''",
    "isImage('nginx')",
    "json.unmarshal('{}').size() == 0",
    "yaml.parse('a: 1').a == 1",
    "x509.decode(object.data.cert).IsCA",
    "time.now() - duration('24h') < timestamp('2030-01-01T00:00:00Z')",
    "time.truncate(timestamp('2025-01-02T03:45:27Z'), duration('1h')) < time.now()",
    "time.toCron(time.now()) != ''",
    "math.round(10.125, 2) > 10.0",
    "base64.decode('YQ==') == b'a'",
    "random('[a-z]{8}').size() == 8",
    "md5('a') != sha256('a')",
    "parseServiceAccount(request.userInfo.username).Namespace == 'x'",
    "listObjToMap([{'a': 'x'}], [{'b': 1}], 'a', 'b').size() == 1",
    "jsonpatch.escapeKey('a/b') == 'a~1b'",
    "[1, 2].isSorted() && [1, 2].sum() == 3 && [1, 2].min() == 1 && [1, 2].max() == 2 && [1, 2].indexOf(2) == 1",
    "sets.contains([1, 2], [1]) && sets.equivalent([1], [1]) && sets.intersects([1], [1])",
    "'abc'.find('b') == 'b' && 'abc'.findAll('[a-c]').size() == 3 && matches('abc', '^a')",
    "url('https://a/b').getHost() == 'a' && isURL('https://a')",
    "quantity('1Gi').add(quantity('1Mi')).isGreaterThan(quantity('1Gi')) && isQuantity('1m') && quantity('2').asInteger() == 2",
    "ip('10.0.0.1').family() == 4 && cidr('10.0.0.0/8').containsIP('10.1.1.1') && isCIDR('10.0.0.0/8') && isIP('::1')",
    "!format.dns1123Label().validate('abc').hasValue() && format.named('uuid').hasValue()",
    "semver('1.2.3').isLessThan(semver('1.10.0')) && isSemver('1.0.0')",
    "authorizer.group('apps').resource('deployments').namespace('x').check('create').allowed()",
    "'a-b'.replace('-', '_').upperAscii().lowerAscii().split('_').join('/') == 'a/b' && 'x'.charAt(0) == 'x'",
    "strings.quote('a') != '' && '%s-%d'.format(['a', 1]) == 'a-1'",
    "images.containers.map(image, verifyImageSignatures(image, [attestors.notary])).all(e, e > 0)",
    "generator.Apply(variables.ns, [variables.downstream])",
    "has(object.spec.containers[0].env)",
    "oldObject.metadata.?labels.?foo != object.metadata.?labels.?foo",
    "[?object.metadata.?labels.app].size() == 1 && {?'a': optional.none()}.size() == 0",
  ];
  for (const e of clean) {
    const s = site(e, { variableNames: ['ca', 'ns', 'downstream'], role: 'other', resultType: 'any' });
    assert.deepEqual(checkCel(s), [], e);
  }
});

test('request is typed as an AdmissionRequest', () => {
  const expression = "request.operations == 'CREATE'";
  const [p] = checkCel(site(expression));
  assert.equal(p?.code, 'cel/type');
  assert.equal(expression.slice(p!.start, p!.end), 'operations');
  assert.deepEqual(checkCel(site("request.userInfo.groups.exists(g, g == 'x') && request.kind.kind == 'Pod' && request.operation in ['CREATE']")), []);
});

test('an expression that names only variables is checked with them typed by their own expressions', () => {
  const variables = [{ name: 'containers', expression: 'object.spec.containers' }];
  const expression = "variables.containers.all(c, c.imagee != '')";
  const problems = checkCel(site(expression, { variables, variableNames: ['containers'] }), { objectKinds: pod, types: source });
  assert.deepEqual(problems.map((p) => [p.message, expression.slice(p.start, p.end)]), [["no field 'imagee' here in Pod", 'imagee']]);
  assert.deepEqual(checkCel(site("variables.containers.all(c, c.image != '')", { variables, variableNames: ['containers'] }), { objectKinds: pod, types: source }), []);
});

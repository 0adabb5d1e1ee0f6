import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateCelPolicy } from '../../../../server/src/engine/cel/index.ts';
import { validationActions } from '../../../../server/src/engine/cel/validating.ts';
import { create, deployment, pod, podRules, vpol } from './helpers.ts';

const statuses = (policy: Record<string, unknown>, resource: Record<string, unknown>, ctx = create) => evaluateCelPolicy(policy, resource, ctx).rules.map((r) => r.status);

test('a validation that holds passes; one that does not fails with its message', () => {
  const p = vpol({ matchConstraints: podRules, validations: [{ expression: "object.spec.containers.all(c, c.image.startsWith('nginx'))", message: 'nginx only' }] });
  assert.deepEqual(statuses(p, pod('a')), ['pass']);
  const out = evaluateCelPolicy(p, pod('b', {}, { containers: [{ name: 'x', image: 'busybox' }] }), create);
  assert.equal(out.rules[0]!.status, 'fail');
  assert.equal(out.rules[0]!.reason, 'nginx only');
});

test('messageExpression builds the failure message', () => {
  const p = vpol({ matchConstraints: podRules, validations: [{ expression: 'false', message: 'static', messageExpression: "'pod ' + object.metadata.name + ' rejected'" }] });
  assert.equal(evaluateCelPolicy(p, pod('web'), create).rules[0]!.reason, 'pod web rejected');
});

test('a resource outside matchConstraints gets no result', () => {
  const p = vpol({ matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['services'] }] }, validations: [{ expression: 'false' }] });
  assert.deepEqual(statuses(p, pod('a')), []);
});

test('a false matchCondition skips; a true one lets validations run', () => {
  const p = vpol({ matchConstraints: podRules, matchConditions: [{ name: 'only-web', expression: "object.metadata.name == 'web'" }], validations: [{ expression: 'false' }] });
  assert.deepEqual(statuses(p, pod('db')), ['skip']);
  assert.deepEqual(statuses(p, pod('web')), ['fail']);
});

test('variables are lazy: a failing variable no validation reads changes nothing', () => {
  const p = vpol({
    matchConstraints: podRules,
    variables: [{ name: 'broken', expression: 'object.spec.nothing.here' }, { name: 'n', expression: 'size(object.spec.containers)' }],
    validations: [{ expression: 'variables.n == 1' }],
  });
  assert.deepEqual(statuses(p, pod('a')), ['pass']);
  const reads = vpol({ ...p.spec as object, validations: [{ expression: 'variables.broken == 1' }] });
  assert.deepEqual(statuses(reads, pod('a')), ['error']);
});

test('a variable may use an earlier one', () => {
  const p = vpol({ matchConstraints: podRules, variables: [{ name: 'imgs', expression: 'object.spec.containers.map(c, c.image)' }, { name: 'first', expression: 'variables.imgs[0]' }], validations: [{ expression: "variables.first == 'nginx:1.27'" }] });
  assert.deepEqual(statuses(p, pod('a')), ['pass']);
});

test('an evaluation error is reported as error, not as a verdict', () => {
  const p = vpol({ matchConstraints: podRules, validations: [{ expression: 'object.spec.missing == 1' }] });
  assert.deepEqual(statuses(p, pod('a')), ['error']);
});

test('lookups with no data are unknown, never guessed', () => {
  const p = vpol({ matchConstraints: podRules, validations: [{ expression: "resource.Get('v1', 'configmaps', 'default', 'cfg').data.x == 'y'" }] });
  assert.deepEqual(statuses(p, pod('a')), ['unknown']);
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { x: 'y' } };
  assert.deepEqual(statuses(p, pod('a'), { ...create, clusterResources: [cm] }), ['pass']);
});

test('validationActions default to Deny and are read as written', () => {
  assert.deepEqual(validationActions(vpol({})), ['Deny']);
  assert.deepEqual(validationActions(vpol({ validationActions: ['Audit', 'Warn'] })), ['Audit', 'Warn']);
});

test('autogen: a Pod policy applies to a Deployment through its template', () => {
  const p = vpol({ matchConstraints: podRules, validations: [{ expression: "object.spec.containers.all(c, c.image.startsWith('nginx'))" }] });
  const bad = deployment('d', { containers: [{ name: 'x', image: 'busybox' }] });
  const out = evaluateCelPolicy(p, bad, create);
  assert.deepEqual(out.rules.map((r) => [r.rule, r.status]), [['autogen-p', 'fail']]);
  assert.deepEqual(statuses(p, deployment('ok')), ['pass']);
});

test('autogen: metadata.name stays on the controller, labels move to the template', () => {
  const p = vpol({ matchConstraints: podRules, validations: [{ expression: "object.metadata.name == 'd' && object.metadata.labels.app == 'tmpl'" }] });
  assert.deepEqual(statuses(p, deployment('d', {}, { app: 'tmpl' })), ['pass']);
  assert.deepEqual(statuses(p, deployment('d', {}, { app: 'other' })), ['fail']);
});

test('autogen: CronJobs reach the Pod spec through jobTemplate; an empty controller list disables autogen', () => {
  const p = vpol({ matchConstraints: podRules, validations: [{ expression: "object.spec.containers.all(c, c.image == 'nginx:1.27')" }] });
  const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'default' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'x', image: 'busybox' }] } } } } } };
  assert.deepEqual(evaluateCelPolicy(p, cron, create).rules.map((r) => [r.rule, r.status]), [['autogen-cronjobs-p', 'fail']]);
  const off = vpol({ ...(p.spec as object), autogen: { podControllers: { controllers: [] } } });
  assert.deepEqual(statuses(off, cron), []);
});

test('auditAnnotations: a broken valueExpression is an error under failurePolicy Fail, ignored under Ignore', () => {
  const spec = { matchConstraints: podRules, validations: [{ expression: 'true' }], auditAnnotations: [{ key: 'k', valueExpression: 'object.spec.missing' }] };
  assert.deepEqual(statuses(vpol(spec), pod('a')), ['error']);
  assert.deepEqual(statuses(vpol({ ...spec, failurePolicy: 'Ignore' }), pod('a')), ['pass']);
  assert.deepEqual(statuses(vpol({ ...spec, auditAnnotations: [{ key: 'k', valueExpression: "'ok: ' + object.metadata.name" }] }), pod('a')), ['pass']);
});

test('validations run in order: an earlier error decides before a later failure, an earlier failure before a later error', () => {
  const errFirst = vpol({ matchConstraints: podRules, validations: [{ expression: 'object.spec.missing == 1' }, { expression: 'false' }] });
  assert.deepEqual(statuses(errFirst, pod('a')), ['error']);
  const failFirst = vpol({ matchConstraints: podRules, validations: [{ expression: 'false' }, { expression: 'object.spec.missing == 1' }] });
  assert.deepEqual(statuses(failFirst, pod('a')), ['fail']);
});

test('a message expression that cannot be evaluated is an error; no message at all names the index', () => {
  const broken = vpol({ matchConstraints: podRules, validations: [{ expression: 'true' }, { expression: 'false', messageExpression: 'object.spec.missing' }] });
  assert.equal(evaluateCelPolicy(broken, pod('a'), create).rules[0]!.status, 'error');
  assert.match(evaluateCelPolicy(broken, pod('a'), create).rules[0]!.reason, /^failed to evaluate message expression/);
  const bare = vpol({ matchConstraints: podRules, validations: [{ expression: 'true' }, { expression: 'false' }] });
  assert.equal(evaluateCelPolicy(bare, pod('a'), create).rules[0]!.reason, 'CEL expression validation failed at index 1');
});

test('a matchCondition that errors is an error under failurePolicy Fail and a skip under Ignore', () => {
  const spec = { matchConstraints: podRules, matchConditions: [{ name: 'broken', expression: 'object.spec.missing' }], validations: [{ expression: 'false' }] };
  assert.deepEqual(statuses(vpol(spec), pod('a')), ['error']);
  assert.deepEqual(statuses(vpol({ ...spec, failurePolicy: 'Ignore' }), pod('a')), ['skip']);
});

test('http calls are answered only from modelled responses', () => {
  const p = vpol({ matchConstraints: podRules, validations: [{ expression: "http.Get('https://registry.example/allowed').allowed == true" }] });
  assert.deepEqual(statuses(p, pod('a')), ['unknown']);
  const httpMocks = [{ url: 'https://registry.example/allowed', method: 'GET', statusCode: 200, body: { allowed: false } }];
  assert.deepEqual(statuses(p, pod('a'), { ...create, httpMocks }), ['fail']);
});

test('globalContext entries are answered from the test data, never guessed', () => {
  const p = vpol({ matchConstraints: podRules, validations: [{ expression: "globalContext.Get('limits', '').max >= size(object.spec.containers)" }] });
  assert.deepEqual(statuses(p, pod('a')), ['unknown']);
  assert.deepEqual(statuses(p, pod('a'), { ...create, globalContext: { limits: { ok: true, value: { max: 0 } } } }), ['fail']);
});

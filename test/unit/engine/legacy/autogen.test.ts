import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autogenKinds, autogenRules, computeRules } from '../../../../server/src/model/autogen.ts';

const policy = (rules: unknown[], annotations?: Record<string, string>) => ({
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  metadata: { name: 'p', annotations },
  spec: { rules },
});

const podRule = {
  name: 'check-image',
  match: { any: [{ resources: { kinds: ['Pod'] } }] },
  validate: { message: 'tag {{ request.object.spec.containers[0].image }}', pattern: { spec: { containers: [{ image: '!*:latest' }] } } },
};

test('a Pod rule gets autogen- and autogen-cronjob- rules with nested patterns and rewritten variables', () => {
  const rules = autogenRules(policy([podRule]));
  assert.deepEqual(rules.map((r) => r.name), ['autogen-check-image', 'autogen-cronjob-check-image']);
  const [ctrl, cron] = rules as any[];
  assert.deepEqual(ctrl.match.any[0].resources.kinds, ['DaemonSet', 'Deployment', 'Job', 'ReplicaSet', 'ReplicationController', 'StatefulSet']);
  assert.deepEqual(ctrl.validate.pattern, { spec: { template: { spec: { containers: [{ image: '!*:latest' }] } } } });
  assert.equal(ctrl.validate.message, 'tag {{ request.object.spec.template.spec.containers[0].image }}');
  assert.deepEqual(cron.match.any[0].resources.kinds, ['CronJob']);
  assert.deepEqual(cron.validate.pattern, { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ image: '!*:latest' }] } } } } } });
  assert.equal(cron.validate.message, 'tag {{ request.object.spec.jobTemplate.spec.template.spec.containers[0].image }}');
  assert.equal(computeRules(policy([podRule])).length, 3);
});

test('the controllers annotation narrows or disables autogen', () => {
  assert.deepEqual(autogenKinds(policy([podRule], { 'pod-policies.kyverno.io/autogen-controllers': 'none' })), []);
  const rules = autogenRules(policy([podRule], { 'pod-policies.kyverno.io/autogen-controllers': 'Deployment' }));
  assert.deepEqual(rules.map((r) => r.name), ['autogen-check-image']);
  assert.deepEqual((rules[0] as any).match.any[0].resources.kinds, ['Deployment']);
});

test('names, selectors, mixed kinds or a generate rule disable autogen for the policy', () => {
  const named = { ...podRule, match: { any: [{ resources: { kinds: ['Pod'], names: ['x'] } }] } };
  assert.deepEqual(autogenRules(policy([named])), []);
  const mixed = { ...podRule, match: { any: [{ resources: { kinds: ['Pod', 'Service'] } }] } };
  assert.deepEqual(autogenRules(policy([mixed])), []);
  const gen = { name: 'g', match: { any: [{ resources: { kinds: ['Namespace'] } }] }, generate: { kind: 'ConfigMap', name: 'x', data: {} } };
  assert.deepEqual(autogenRules(policy([podRule, gen])), []);
});

test('rules that do not match Pods are not generated', () => {
  const svc = { ...podRule, match: { any: [{ resources: { kinds: ['Service'] } }] } };
  assert.deepEqual(autogenRules(policy([svc])), []);
});

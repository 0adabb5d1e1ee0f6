// The workload table every layer reads: which kinds run Pods and where their Pod template is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { POD_CONTROLLERS, WORKLOAD_KINDS, podSpecPath, podTemplateField, podTemplateOf, podTemplatePath } from '../../../server/src/k8s/workloads.ts';

test('every Pod controller has its template under spec.template, a CronJob under its jobTemplate', () => {
  for (const kind of POD_CONTROLLERS.filter((k) => k !== 'CronJob')) assert.deepEqual(podSpecPath(kind), ['spec', 'template', 'spec'], kind);
  assert.deepEqual(podSpecPath('CronJob'), ['spec', 'jobTemplate', 'spec', 'template', 'spec']);
  assert.deepEqual(podTemplatePath('Pod'), []);
  assert.deepEqual(podSpecPath('Pod'), ['spec']);
  assert.equal(podSpecPath('ConfigMap'), undefined);
  assert.equal(podTemplateField(true), 'spec.jobTemplate.spec.template');
  assert.equal(podTemplateField(false), 'spec.template');
});

test('the workload kinds are the Pod and the seven controllers Kyverno autogen knows', () => {
  assert.deepEqual([...WORKLOAD_KINDS].sort(), ['CronJob', 'DaemonSet', 'Deployment', 'Job', 'Pod', 'ReplicaSet', 'ReplicationController', 'StatefulSet']);
});

test('podTemplateOf walks to the Pod template of each workload kind, the Pod itself for a Pod, nothing for other kinds or an unwritten template', () => {
  const template = { metadata: { labels: { app: 'a' } }, spec: { containers: [] } };
  assert.equal(podTemplateOf({ spec: { template } }, 'Deployment'), template);
  assert.equal(podTemplateOf({ spec: { jobTemplate: { spec: { template } } } }, 'CronJob'), template);
  const pod = { spec: { containers: [] } };
  assert.equal(podTemplateOf(pod, 'Pod'), pod);
  assert.equal(podTemplateOf({ spec: { template } }, 'ConfigMap'), undefined);
  assert.equal(podTemplateOf({ spec: { jobTemplate: 'x' } }, 'CronJob'), undefined);
});

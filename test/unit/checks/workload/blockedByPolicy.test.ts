import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { jobOf, podOf, replicaSetOf } from '../../../../server/src/impact/created.ts';
import { blockedByPolicyCheck } from '../../../../server/src/checks/workload/blockedByPolicy.ts';
import { analyze, applyEdits, yamlErrors } from '../harness.ts';
import { dropAllPolicy } from '../../../helpers/dropAllPolicy.ts';

const cronJob = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'report', namespace: 'billing' },
  spec: {
    schedule: '0 3 * * *',
    jobTemplate: {
      metadata: { labels: { team: 'finance' } },
      spec: { backoffLimit: 2, template: { metadata: { labels: { app: 'report' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'r', image: 'busybox' }] } } },
    },
  },
};

test('the Job and Pod a CronJob creates carry its templates, namespace, owners and controller labels', () => {
  const job = jobOf(cronJob);
  assert.equal(job.kind, 'Job');
  assert.deepEqual((job.metadata as any).labels, { team: 'finance' });
  assert.equal((job.metadata as any).namespace, 'billing');
  assert.equal((job.metadata as any).ownerReferences[0].kind, 'CronJob');
  assert.equal((job.spec as any).backoffLimit, 2);
  const pod = podOf(job);
  assert.equal(pod.kind, 'Pod');
  assert.equal((pod.metadata as any).labels.app, 'report');
  assert.equal((pod.metadata as any).labels['batch.kubernetes.io/job-name'], (job.metadata as any).name);
  assert.equal((pod.spec as any).containers[0].name, 'r');
});

test('a Pod-only rule that matches on a label the Job controller adds blocks the run', () => {
  const policy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: no-job-pods-without-team
  annotations:
    pod-policies.kyverno.io/autogen-controllers: none
spec:
  validationFailureAction: Enforce
  rules:
    - name: team
      match:
        any:
          - resources:
              kinds: [Pod]
              selector:
                matchExpressions:
                  - { key: batch.kubernetes.io/job-name, operator: Exists }
      validate:
        message: Job Pods need a team label.
        pattern:
          metadata:
            labels:
              team: "?*"
`;
  const cj = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{ name: r, image: busybox }]
`;
  const findings = analyze({ '/ws/p.yaml': policy, '/ws/c.yaml': cj }, [blockedByPolicyCheck]);
  assert.deepEqual(findings.map((f) => f.code), ['cronjob/blocked-by-policy']);
  assert.equal(findings[0].related?.[0].file, '/ws/p.yaml');
  const fixed = cj.replace('      template:\n        spec:', '      template:\n        metadata:\n          labels: { team: finance }\n        spec:');
  assert.deepEqual(analyze({ '/ws/p.yaml': policy, '/ws/c.yaml': fixed }, [blockedByPolicyCheck]), []);
});

const podOnlyPolicy = dropAllPolicy('Enforce');

const deployment = (securityContext = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: storefront
  namespace: shop
spec:
  selector:
    matchLabels: { app: storefront }
  template:
    metadata:
      labels: { app: storefront }
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/storefront:2.4.1
${securityContext}`;

test('a Deployment whose Pods a Pod-only policy denies is reported at its template, with the rule and a PolicyException fix', () => {
  const files = { '/ws/p.yaml': podOnlyPolicy, '/ws/d.yaml': deployment() };
  const findings = analyze(files, [blockedByPolicyCheck]);
  assert.deepEqual(findings.map((f) => f.code), ['workload/blocked-by-policy']);
  assert.equal(files['/ws/d.yaml'].slice(findings[0].span.start, findings[0].span.end), 'template');
  assert.equal(findings[0].related?.[0].file, '/ws/p.yaml');
  assert.match(findings[0].related![0].message, /rule drop-all/);
  const fix = findings[0].fixes?.find((f) => /PolicyException/.test(f.title));
  assert.ok(fix, 'a PolicyException fix');
  const created = applyEdits(files, fix.edits);
  const file = Object.keys(created).find((f) => !(f in files))!;
  assert.equal(file, '/ws/storefront-pods-drop-all-exception.yaml');
  assert.deepEqual(yamlErrors(created), []);
  const exception = parse(created[file]);
  assert.equal(exception.kind, 'PolicyException');
  assert.equal(exception.metadata.namespace, 'shop');
  assert.deepEqual(exception.spec.exceptions, [{ policyName: 'pods-drop-all', ruleNames: ['drop-all'] }]);
  assert.deepEqual(exception.spec.match.any[0].resources, { kinds: ['Pod'], namespaces: ['shop'], names: ['storefront-*'] });
  const compliant = deployment('          securityContext:\n            capabilities:\n              drop: [ALL]\n');
  assert.deepEqual(analyze({ '/ws/p.yaml': podOnlyPolicy, '/ws/d.yaml': compliant }, [blockedByPolicyCheck]), []);
});

test('the Pods of each controller kind are built with the labels its controller adds', () => {
  const workload = (kind: string) => ({ apiVersion: 'apps/v1', kind, metadata: { name: 'w', namespace: 'n' }, spec: { template: { metadata: { labels: { app: 'w' } }, spec: { containers: [] } } } });
  const labels = (kind: string) => (podOf(workload(kind)).metadata as any).labels;
  assert.deepEqual(Object.keys(labels('StatefulSet')).sort(), ['app', 'apps.kubernetes.io/pod-index', 'controller-revision-hash', 'statefulset.kubernetes.io/pod-name']);
  assert.deepEqual(Object.keys(labels('DaemonSet')).sort(), ['app', 'controller-revision-hash', 'pod-template-generation']);
  const rs = replicaSetOf(workload('Deployment'));
  assert.equal(rs.kind, 'ReplicaSet');
  assert.equal((podOf(rs).metadata as any).labels['pod-template-hash'], (rs.metadata as any).labels['pod-template-hash']);
  assert.equal((podOf(rs).metadata as any).ownerReferences[0].kind, 'ReplicaSet');
});

test('the preferred fix writes what the pattern asks into the template, and the workload is then admitted; a wildcard pattern gets no such fix', () => {
  const files = { '/ws/p.yaml': podOnlyPolicy, '/ws/d.yaml': deployment() };
  const [finding] = analyze(files, [blockedByPolicyCheck]);
  const preferred = finding!.fixes?.find((f) => f.isPreferred);
  assert.equal(preferred?.title, 'Set spec.template.spec.containers.0.securityContext as pods-drop-all/drop-all requires');
  const fixed = applyEdits(files, preferred!.edits);
  assert.deepEqual(yamlErrors(fixed), []);
  assert.deepEqual(parse(fixed['/ws/d.yaml']).spec.template.spec.containers[0].securityContext, { capabilities: { drop: ['ALL'] } });
  assert.deepEqual(analyze(fixed, [blockedByPolicyCheck]), []);
  const wildcard = podOnlyPolicy.replace('drop: [ALL]', 'drop: ["*"]');
  const [other] = analyze({ '/ws/p.yaml': wildcard, '/ws/d.yaml': deployment() }, [blockedByPolicyCheck]);
  assert.ok(other);
  assert.deepEqual(other.fixes?.filter((f) => f.isPreferred), []);
});

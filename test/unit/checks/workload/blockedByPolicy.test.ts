import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobOf, podOf } from '../../../../server/src/checks/cronjob/blockedByPolicy.ts';
import { blockedByPolicyCheck } from '../../../../server/src/checks/cronjob/blockedByPolicy.ts';
import { analyze } from '../harness.ts';

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

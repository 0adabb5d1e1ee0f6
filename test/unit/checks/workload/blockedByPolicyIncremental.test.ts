// cronjob/blocked-by-policy in the language server: after an edit it simulates admission again
// only where what it read changed. The admission simulation is injected and its calls counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBlockedByPolicyCheck } from '../../../../server/src/checks/workload/blockedByPolicy.ts';
import { simulate } from '../../../../server/src/engine/simulate.ts';
import { WorkspaceIndex } from '../../../../server/src/workspace/index.ts';
import { WorkspacePass } from '../../../../server/src/checks/workspacePass.ts';
import { runWorkspaceChecks } from '../../../../server/src/checks/run.ts';

// Pod-only, autogen off: denies the Pods of Jobs without a team label.
const teamPolicy = (message: string, key = 'team') => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: job-pods-need-team
  annotations:
    pod-policies.kyverno.io/autogen-controllers: none
    policies.kyverno.io/description: Job Pods carry a team.
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
        message: ${message}
        pattern:
          metadata:
            labels:
              ${key}: "?*"
`;

// Pod-only, autogen off, that every CronJob below passes.
const probePolicy = (message: string, image = 'busybox*') => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: images-from-busybox
  annotations:
    pod-policies.kyverno.io/autogen-controllers: none
    policies.kyverno.io/title: Images from busybox
spec:
  validationFailureAction: Enforce
  rules:
    - name: images
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: ${message}
        pattern:
          spec:
            containers:
              - image: "${image}"
`;

const cronJob = (name: string, labels: string) => `apiVersion: batch/v1
kind: CronJob
metadata:
  name: ${name}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          labels: { ${labels} }
        spec:
          restartPolicy: Never
          containers: [{ name: r, image: busybox }]
`;

function setUp() {
  const calls: { kind: unknown; policies: string[] }[] = [];
  const check = createBlockedByPolicyCheck({
    simulate: (resource, policies, context, options) => {
      calls.push({ kind: resource.kind, policies: policies.map((p) => String((p.doc.metadata as Record<string, unknown>).name)) });
      return simulate(resource, policies, context, options);
    },
  });
  const index = new WorkspaceIndex();
  index.setFile('/ws/team.yaml', teamPolicy('Job Pods need a team label.'));
  index.setFile('/ws/probe.yaml', probePolicy('Only busybox images.'));
  for (let i = 0; i < 6; i++) index.setFile(`/ws/cj${i}.yaml`, cronJob(`job-${i}`, i === 0 ? 'app: a' : 'team: t'));
  const pass = new WorkspacePass(index, [check]);
  pass.run();
  return { calls, index, pass };
}

const messages = (pass: WorkspacePass) => pass.allFindings().map((f) => `${f.file} ${f.related?.[0]?.message}`);

test('a CronJob whose Pod a policy denies is found, the others are not', () => {
  const { pass, calls } = setUp();
  assert.deepEqual(pass.allFindings().map((f) => f.file), ['/ws/cj0.yaml']);
  assert.ok(calls.length > 0);
});

test('typing in the message or a description of a policy that denies no CronJob simulates nothing', () => {
  const { calls, index, pass } = setUp();
  const before = messages(pass);
  calls.length = 0;
  for (const message of ['Only busybox images!', 'Only busybox images, please.']) {
    index.setFile('/ws/probe.yaml', probePolicy(message).replace('Images from busybox', `Images ${message.replace(/\W/g, "")}`));
    pass.run();
  }
  assert.deepEqual(calls, []);
  assert.deepEqual(messages(pass), before);
});

test('typing in the message of the denying policy re-checks only the CronJob it denies, and the finding quotes the new message', () => {
  const { calls, index, pass } = setUp();
  calls.length = 0;
  index.setFile('/ws/team.yaml', teamPolicy('Every Job Pod needs a team label.'));
  pass.run();
  assert.ok(calls.length > 0);
  // One CronJob's admission: the screen remembered its verdicts, the other five are not looked at.
  assert.ok(calls.every((c) => c.policies.length !== 1 || c.policies[0] !== 'images-from-busybox'), JSON.stringify(calls));
  assert.ok(calls.length <= 3, `only cj0's CronJob, Job and Pod admission: ${JSON.stringify(calls)}`);
  assert.match(messages(pass)[0], /Every Job Pod needs a team label/);
});

test('changing what a Pod validation requires screens each Job against that policy only', () => {
  const { calls, index, pass } = setUp();
  calls.length = 0;
  index.setFile('/ws/probe.yaml', probePolicy('Only busybox images.', 'busy*'));
  pass.run();
  const screens = calls.filter((c) => c.policies.length === 1);
  assert.ok(screens.length > 0);
  assert.deepEqual([...new Set(screens.flatMap((c) => c.policies))], ['images-from-busybox']);
  assert.deepEqual(pass.allFindings().map((f) => f.file), ['/ws/cj0.yaml']);
});

test('the incremental result equals a fresh analysis after each of these edits', () => {
  const { index, pass } = setUp();
  const edits: [string, string][] = [
    ['/ws/team.yaml', teamPolicy('A new message.')],
    ['/ws/probe.yaml', probePolicy('m', 'nginx*')],
    ['/ws/cj3.yaml', cronJob('job-3', 'app: b')],
    ['/ws/team.yaml', teamPolicy('A new message.', 'owner')],
    ['/ws/probe.yaml', probePolicy('m')],
    ['/ws/ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n  labels: { a: b }\n'],
  ];
  for (const [file, text] of edits) {
    index.setFile(file, text);
    pass.run();
    const fresh = new WorkspaceIndex();
    for (const f of index.files()) fresh.setFile(f.file, f.text);
    const expected = runWorkspaceChecks(fresh, [createBlockedByPolicyCheck()]);
    assert.deepEqual(pass.allFindings().map((f) => [f.file, f.message, f.related]).sort(), expected.map((f) => [f.file, f.message, f.related]).sort(), `after editing ${file}`);
  }
});

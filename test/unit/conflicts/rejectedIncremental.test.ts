// Autogen is off: one bucket (Pod, metadata.labels.team), so the counts are plain products.
// conflict/mutation-rejected after an edit judges only the (write, requirement) pairs with a side
// the edit changed; the judged pairs are counted, and the result must equal a fresh analysis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../../server/src/workspace/index.ts';
import { workspaceConflicts } from '../../../server/src/checks/conflicts.ts';
import { rejectedWork } from '../../../server/src/conflicts/rejected.ts';
import { labelMutation } from '../../helpers/labelMutation.ts';

const mutation = (i: number, value: string) => labelMutation(`set-team-${i}`, 'team', { team: `"${value}"` });

const validation = (i: number, action: string, pattern: string) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team-${i}
  annotations:
    pod-policies.kyverno.io/autogen-controllers: none
spec:
  validationFailureAction: ${action}
  rules:
    - name: team
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "team must match ${pattern}"
        pattern:
          metadata:
            labels:
              team: "${pattern}"
`;

const MUTATIONS = 6;
const ENFORCING = 5;
const AUDIT = 4;

function workspace(): Map<string, string> {
  const texts = new Map<string, string>();
  for (let i = 0; i < MUTATIONS; i++) texts.set(`/ws/m${i}.yaml`, mutation(i, `m${i}`));
  for (let i = 0; i < ENFORCING; i++) texts.set(`/ws/v${i}.yaml`, validation(i, 'Enforce', i % 2 ? 'x*' : 'm*'));
  for (let i = 0; i < AUDIT; i++) texts.set(`/ws/a${i}.yaml`, validation(100 + i, 'Audit', 'x*'));
  return texts;
}

const rejected = (index: WorkspaceIndex) =>
  workspaceConflicts(index).filter((c) => c.check === 'conflict/mutation-rejected').map((c) => `${c.key} ${c.severity} ${c.message}`);

function fresh(texts: Map<string, string>): string[] {
  const index = new WorkspaceIndex();
  for (const [file, text] of texts) index.setFile(file, text);
  return rejected(index);
}

test('an edit judges only the pairs with an edited side, and the result equals a fresh analysis', () => {
  const texts = workspace();
  const index = new WorkspaceIndex();
  for (const [file, text] of texts) index.setFile(file, text);
  rejectedWork.pairs = 0;
  const first = rejected(index);
  // Audit validations never reject: only the enforcing ones are paired with the writes.
  assert.equal(rejectedWork.pairs, MUTATIONS * ENFORCING);
  // The validations requiring x* (v1, v3) reject every mutation's m<i>.
  assert.equal(first.length, MUTATIONS * 2);
  assert.deepEqual(first, fresh(texts));

  const edit = (file: string, text: string) => {
    texts.set(file, text);
    index.setFile(file, text);
    rejectedWork.pairs = 0;
    const got = rejected(index);
    const judged = rejectedWork.pairs;
    assert.deepEqual(got, fresh(texts), `after editing ${file}`);
    return judged;
  };
  // One mutation's value: its write against every enforcing requirement.
  assert.equal(edit('/ws/m2.yaml', mutation(2, 'x2')), ENFORCING);
  // One enforcing validation's pattern: its requirement against every write.
  assert.equal(edit('/ws/v1.yaml', validation(1, 'Enforce', 'm*')), MUTATIONS);
  // An Audit validation: nothing to judge.
  assert.equal(edit('/ws/a0.yaml', validation(100, 'Audit', 'y*')), 0);
  // A validation turned to Audit leaves the bucket: no new pair, and its conflicts go.
  assert.equal(edit('/ws/v3.yaml', validation(3, 'Audit', 'x*')), 0);
  // A new mutation file: its write against every enforcing requirement left (v0, v1, v2, v4).
  assert.equal(edit('/ws/m9.yaml', mutation(9, 'x9')), ENFORCING - 1);
  // Nothing changed: nothing judged.
  index.setFile('/ws/unrelated.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n');
  texts.set('/ws/unrelated.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n');
  rejectedWork.pairs = 0;
  const got = rejected(index);
  assert.equal(rejectedWork.pairs, 0);
  assert.deepEqual(got, fresh(texts));
});

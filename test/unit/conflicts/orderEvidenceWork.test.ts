// conflict/mutation-overwrite on a conditional write is confirmed by running both rules in both
// orders (orderEvidence). The question depends on the two rules and the kind only, and a witness
// variant equal to another object gives the same answer: each distinct object is run once per
// pair of rules and kind, however many of their writes meet. Runs are counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../../server/src/workspace/index.ts';
import { workspaceConflicts } from '../../../server/src/checks/conflicts.ts';
import { simulationWork } from '../../../server/src/conflicts/simulated.ts';
import { podPolicy } from '../../helpers/labelMutation.ts';

const pod = (name: string, body: string) => podPolicy(name, 'r', body);

// Sets tier and zone only on Pods labelled app=web (a conditional anchor).
const forWeb = pod('web-defaults', `      mutate:
        patchStrategicMerge:
          metadata:
            labels:
              (app): web
              tier: a
              zone: x
`);
// Relabels web Pods as api (a precondition on the same label) with other tier and zone: after it,
// the anchor of web-defaults no longer holds, so both orders end alike.
const relabel = pod('relabel-web', `      preconditions:
        all:
          - key: "{{ request.object.metadata.labels.app || '' }}"
            operator: Equals
            value: web
      mutate:
        patchStrategicMerge:
          metadata:
            labels:
              app: api
              tier: b
              zone: y
`);

test('two writes of one pair of rules are one question, and a variant equal to another is not run again', () => {
  const index = new WorkspaceIndex();
  index.setFile('/ws/web.yaml', forWeb);
  index.setFile('/ws/relabel.yaml', relabel);
  simulationWork.orders = 0;
  const found = workspaceConflicts(index).filter((c) => c.check === 'conflict/mutation-overwrite');
  assert.deepEqual(found, [], 'both orders end alike on every witness where both apply');
  // The minimal Pod, and the Pod labelled app=web (the anchor's and the precondition's variants are one object).
  assert.equal(simulationWork.orders, 2);
});

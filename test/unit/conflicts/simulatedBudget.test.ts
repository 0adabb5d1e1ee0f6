// A pass whose simulation budget runs out still meets every candidate pair after that: those pairs
// must cost nothing (no witness clone, no variants), so an edit in a workspace with more
// candidates than the budget builds nothing past it. A message edit of a validation
// in no conflict walks nothing at all. Variants built and passes walked are counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../../server/src/workspace/index.ts';
import { workspaceConflicts } from '../../../server/src/checks/conflicts.ts';
import { MAX_SIMULATIONS, simulationWork } from '../../../server/src/conflicts/simulated.ts';
import { conflictWork } from '../../../server/src/conflicts/index.ts';
import { labelMutation } from '../../helpers/labelMutation.ts';

const validation = (message: string) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: tier-not-forbidden
  annotations:
    pod-policies.kyverno.io/autogen-controllers: none
spec:
  validationFailureAction: Enforce
  rules:
    - name: tier
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "${message}"
        deny:
          conditions:
            any:
              - key: "{{ request.object.metadata.labels.tier || '' }}"
                operator: Equals
                value: forbidden
`;

test('past the simulation budget, a pass builds no witness variants', () => {
  const index = new WorkspaceIndex();
  // Computed values the facts cannot decide, each different content: every pair is simulated and paid for.
  for (let i = 0; i < 60; i++) index.setFile(`/ws/m${i}.yaml`, labelMutation(`set-tier-${i}`, 'tier', { tier: `"{{ request.object.metadata.name }}-${i}"` }));
  index.setFile('/ws/validation.yaml', validation('tier is forbidden'));
  simulationWork.variants = 0;
  const first = workspaceConflicts(index).map((c) => c.key);
  assert.ok(simulationWork.variants * 2 > MAX_SIMULATIONS - 20, `the budget is spent (${simulationWork.variants} variants)`);
  assert.ok(simulationWork.variants * 2 <= MAX_SIMULATIONS, 'no variant is built past the budget');

  // A policy no pair involves: the pass walks the join again and meets every pair past the budget.
  index.setFile('/ws/other.yaml', labelMutation('set-team', 'team', { team: '"a"' }).replace('kinds: [Pod]', 'kinds: [ConfigMap]'));
  simulationWork.variants = 0;
  conflictWork.passes = 0;
  assert.deepEqual(workspaceConflicts(index).map((c) => c.key), first);
  assert.equal(conflictWork.passes, 1);
  assert.equal(simulationWork.variants, 0);
});

test('typing in the message of an enforcing validation that takes part in no conflict walks and simulates nothing', () => {
  const index = new WorkspaceIndex();
  for (let i = 0; i < 3; i++) index.setFile(`/ws/m${i}.yaml`, labelMutation(`set-tier-${i}`, 'tier', { tier: `"{{ request.object.metadata.name }}-${i}"` }));
  index.setFile('/ws/validation.yaml', validation('tier is forbidden'));
  const first = workspaceConflicts(index).map((c) => c.key);
  for (const message of ['tier is forbiddenx', 'the tier is forbidden']) {
    index.setFile('/ws/validation.yaml', validation(message));
    simulationWork.pairs = 0;
    conflictWork.passes = 0;
    assert.deepEqual(workspaceConflicts(index).map((c) => c.key), first);
    assert.equal(conflictWork.passes, 0, `after typing "${message}"`);
    assert.equal(simulationWork.pairs, 0);
  }
  // What it decides changed: walked again.
  index.setFile('/ws/validation.yaml', validation('the tier is forbidden').replace('value: forbidden', 'value: other'));
  conflictWork.passes = 0;
  workspaceConflicts(index);
  assert.equal(conflictWork.passes, 1);
});

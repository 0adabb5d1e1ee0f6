// A pass whose simulation budget runs out still meets every candidate pair after that: those pairs
// must cost nothing (no witness clone, no variants), so typing in a message of an enforcing
// validation with more candidates than the budget builds nothing. Variants built are counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../../server/src/workspace/index.ts';
import { workspaceConflicts } from '../../../server/src/checks/conflicts.ts';
import { MAX_SIMULATIONS, simulationWork } from '../../../server/src/conflicts/simulated.ts';
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

test('past the simulation budget, a message edit builds no witness variants', () => {
  const index = new WorkspaceIndex();
  // Computed values the facts cannot decide, each different content: every pair is simulated and paid for.
  for (let i = 0; i < 60; i++) index.setFile(`/ws/m${i}.yaml`, labelMutation(`set-tier-${i}`, 'tier', { tier: `"{{ request.object.metadata.name }}-${i}"` }));
  index.setFile('/ws/validation.yaml', validation('tier is forbidden'));
  simulationWork.variants = 0;
  const first = workspaceConflicts(index).map((c) => c.key);
  assert.ok(simulationWork.variants * 2 > MAX_SIMULATIONS - 20, `the budget is spent (${simulationWork.variants} variants)`);
  assert.ok(simulationWork.variants * 2 <= MAX_SIMULATIONS, 'no variant is built past the budget');

  index.setFile('/ws/validation.yaml', validation('tier is forbiddenx'));
  simulationWork.variants = 0;
  assert.deepEqual(workspaceConflicts(index).map((c) => c.key), first);
  assert.equal(simulationWork.variants, 0);
});

// Simulated conflicts after typing in a message: the pairs simulated to no conflict are known by
// content (messages and documentation annotations left out), so nothing is simulated again; a
// change to what the validation decides is simulated again. Simulations are counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../../server/src/workspace/index.ts';
import { workspaceConflicts } from '../../../server/src/checks/conflicts.ts';
import { simulationWork } from '../../../server/src/conflicts/simulated.ts';
import { labelMutation } from '../../helpers/labelMutation.ts';

const mutation = labelMutation('set-tier', 'tier', { tier: '"{{ request.object.metadata.name }}"' });

const validation = (message: string, forbidden: string) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: tier-not-forbidden
  annotations:
    pod-policies.kyverno.io/autogen-controllers: none
    policies.kyverno.io/description: ${message}
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
                value: ${forbidden}
`;

test('typing in a message simulates nothing again; changing the decision does', () => {
  const index = new WorkspaceIndex();
  index.setFile('/ws/mutation.yaml', mutation);
  index.setFile('/ws/validation.yaml', validation('tier is forbidden', 'forbidden'));
  simulationWork.pairs = 0;
  const first = workspaceConflicts(index);
  assert.ok(simulationWork.pairs > 0, 'the computed tier is simulated (the facts cannot decide it)');
  assert.deepEqual(first.map((c) => c.check), []);

  for (const message of ['tier is forbiddenx', 'the tier is forbidden']) {
    index.setFile('/ws/validation.yaml', validation(message, 'forbidden'));
    simulationWork.pairs = 0;
    assert.deepEqual(workspaceConflicts(index).map((c) => c.check), []);
    assert.equal(simulationWork.pairs, 0, `after typing "${message}"`);
  }
  index.setFile('/ws/validation.yaml', validation('the tier is forbidden', 'other'));
  simulationWork.pairs = 0;
  workspaceConflicts(index);
  assert.ok(simulationWork.pairs > 0, 'a changed condition value is simulated again');
});

const sidecar = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: add-sidecar
  annotations:
    pod-policies.kyverno.io/autogen-controllers: none
spec:
  rules:
    - name: sidecar
      match:
        any:
          - resources:
              kinds: [Pod]
      mutate:
        patchStrategicMerge:
          spec:
            containers:
              - name: sidecar
                image: registry.example.com/sidecar:1.0
`;

const registry = (message: string, pattern: string) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: images-from-registry
  annotations:
    pod-policies.kyverno.io/autogen-controllers: none
spec:
  validationFailureAction: Enforce
  rules:
    - name: registry
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "${message}"
        pattern:
          spec:
            containers:
              - image: "${pattern}"
`;

test('an injected container: typing in the validation message simulates nothing again', () => {
  const index = new WorkspaceIndex();
  index.setFile('/ws/sidecar.yaml', sidecar);
  index.setFile('/ws/registry.yaml', registry('images come from the registry', '*'));
  simulationWork.pairs = 0;
  assert.deepEqual(workspaceConflicts(index).map((c) => c.check), []);
  assert.ok(simulationWork.pairs > 0, 'the injected container is simulated against the validation');
  index.setFile('/ws/registry.yaml', registry('images come from our registry', '*'));
  simulationWork.pairs = 0;
  assert.deepEqual(workspaceConflicts(index).map((c) => c.check), []);
  assert.equal(simulationWork.pairs, 0);
  // A changed pattern: simulated again.
  index.setFile('/ws/registry.yaml', registry('images come from our registry', 'registry.example.com/*'));
  simulationWork.pairs = 0;
  assert.deepEqual(workspaceConflicts(index).map((c) => c.check), []);
  assert.ok(simulationWork.pairs > 0);
});

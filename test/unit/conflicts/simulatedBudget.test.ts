// The simulation budget runs out at the same pair whatever ran before: a pass whose early pairs
// are remembered (an edit in the editor, or the same texts indexed again, as the CLI's worker
// threads hand them back) reports what a fresh pass reports, not the pairs a fresh pass never reached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../../server/src/workspace/index.ts';
import { workspaceConflicts } from '../../../server/src/checks/conflicts.ts';
import { labelMutation } from '../../helpers/labelMutation.ts';

// A computed tier: the facts cannot judge it, so every (mutation, validation) pair is simulated.
const mutation = (name: string, value: string) => labelMutation(name, 'tier', { tier: `"${value}"` });

const validation = `apiVersion: kyverno.io/v1
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
        message: "tier is forbidden"
        deny:
          conditions:
            any:
              - key: "{{ request.object.metadata.labels.tier || '' }}"
                operator: Equals
                value: forbidden
`;

/** `quiet` mutations whose tier passes the validation (copies of one policy when `same`), then one whose tier it denies. */
function workspace(quiet: number, same = false): Map<string, string> {
  const files = new Map<string, string>([['/ws/validation.yaml', validation]]);
  for (let i = 0; i < quiet; i++) files.set(`/ws/a-${String(i).padStart(2, '0')}.yaml`, mutation(same ? 'tier-from-name' : `tier-from-name-${i}`, '{{ request.object.metadata.name }}'));
  files.set('/ws/z-forbidden.yaml', mutation('forbidden-tier', "{{ to_lower('FORBIDDEN') }}"));
  return files;
}

function indexOf(files: Map<string, string>): WorkspaceIndex {
  const index = new WorkspaceIndex();
  for (const [path, text] of files) index.setFile(path, text);
  return index;
}

const shown = (index: WorkspaceIndex) => workspaceConflicts(index).map((c) => `${c.check} ${c.key} ${c.message}`);
const deniesForbiddenTier = (lines: string[]) => lines.some((l) => l.includes('forbidden-tier') && l.startsWith('conflict/mutation-rejected'));

test('with budget to spare the last mutation is simulated and denied', () => {
  assert.ok(deniesForbiddenTier(shown(indexOf(workspace(2)))));
});

test('a second pass over the same workspace spends the budget as the first did', () => {
  const files = workspace(30);
  const index = indexOf(files);
  const fresh = shown(index);
  // 30 quiet pairs of several simulations each exhaust the budget before the last pair.
  assert.equal(deniesForbiddenTier(fresh), false);

  // The same texts indexed again (new objects: the pairs are known quiet by content only).
  assert.deepEqual(shown(indexOf(files)), fresh);

  // The same index after an unrelated edit (the pairs are remembered by their facts).
  index.setFile('/ws/service.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n');
  assert.deepEqual(shown(index), fresh);
});

test('copies of one policy are paid for once in a pass, the first pass and the next', () => {
  // Same content meets the same verdict: only the first copy is simulated, the budget lasts.
  const files = workspace(30, true);
  const index = indexOf(files);
  const fresh = shown(index);
  assert.ok(deniesForbiddenTier(fresh));
  assert.deepEqual(shown(indexOf(files)), fresh);
  index.setFile('/ws/service.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n');
  assert.deepEqual(shown(index), fresh);
});

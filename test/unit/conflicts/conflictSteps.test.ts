// The conflict join in steps (the language server's pass answers requests between them): the
// finders pause between buckets and between simulations, so no step holds more than one
// simulation or one bucket's judgement (counted, not timed); a run left halfway, resumed after an
// edit or overtaken by a one-go computation gives what a fresh analysis gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../../server/src/workspace/index.ts';
import { conflictFinders, workspaceConflictSteps } from '../../../server/src/checks/conflicts.ts';
import { conflictsOf, type Conflict } from '../../../server/src/conflicts/index.ts';
import { simulationWork } from '../../../server/src/conflicts/simulated.ts';
import { rejectedWork } from '../../../server/src/conflicts/rejected.ts';
import { labelMutation } from '../../helpers/labelMutation.ts';

const FIELDS = 12;

/** A mutation that sets the labels `fields` to `value` (computed from the request: only a simulation decides what a validation makes of it). */
const mutation = (name: string, fields: number[], value: (i: number) => string) => labelMutation(name, 'labels', Object.fromEntries(fields.map((i) => [`l${i}`, value(i)])));

const all = Array.from({ length: FIELDS }, (_, i) => i);

/** An enforcing validation that reads every label and requires a fixed value of each. */
const validation = (message: string, required = 'fixed') => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: labels-fixed
  annotations:
    pod-policies.kyverno.io/autogen-controllers: none
spec:
  validationFailureAction: Enforce
  rules:
    - name: labels
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "${message}"
        pattern:
          metadata:
            labels:
${Array.from({ length: FIELDS }, (_, i) => `              l${i}: "${required}-${i}"`).join('\n')}
`;

function workspace(message = 'labels are fixed', required = 'fixed'): WorkspaceIndex {
  const index = new WorkspaceIndex();
  // One policy per computed label: the simulation decides one pair of policies once.
  for (const i of all) index.setFile(`/ws/computed-${i}.yaml`, mutation(`computed-${i}`, [i], (n) => `"{{ request.object.metadata.name }}-${n}"`));
  index.setFile('/ws/b.yaml', mutation('constant', all, (i) => `"other-${i}"`));
  index.setFile('/ws/v.yaml', validation(message, required));
  return index;
}

const shape = (conflicts: Conflict[]) => conflicts.map((c) => `${c.check} ${c.field} ${c.message}`);

/** Drives the steps to the end, recording the work done in each. */
function drive(steps: Generator<void, Conflict[]>): { conflicts: Conflict[]; steps: { simulations: number; judged: number }[] } {
  const perStep: { simulations: number; judged: number }[] = [];
  for (;;) {
    const [simulations, judged] = [simulationWork.pairs, rejectedWork.pairs];
    const step = steps.next();
    perStep.push({ simulations: simulationWork.pairs - simulations, judged: rejectedWork.pairs - judged });
    if (step.done) return { conflicts: step.value, steps: perStep };
  }
}

test('the join pauses between simulations and between buckets: no step holds more than one of either', () => {
  const index = workspace();
  const { conflicts, steps } = drive(workspaceConflictSteps(index));
  const simulations = steps.reduce((n, s) => n + s.simulations, 0);
  assert.ok(simulations >= FIELDS, `every computing policy is simulated against the validation (${simulations})`);
  assert.ok(steps.length > 2 * FIELDS, `${steps.length} steps`);
  assert.deepEqual(steps.filter((s) => s.simulations > 1), [], 'a step with more than one simulation');
  // Each label is one bucket; the facts judge every write of a bucket against its requirements in one step.
  assert.ok(Math.max(...steps.map((s) => s.judged)) <= 2, `judged per step: ${steps.map((s) => s.judged).join(',')}`);
  assert.deepEqual(shape(conflicts), shape(conflictsOf(workspace(), conflictFinders)), 'the same result as in one go');
  assert.ok(conflicts.some((c) => c.check === 'conflict/mutation-rejected'), 'the constant labels are rejected');
});

test('a run left halfway by an edit, or overtaken by a one-go computation, ends with the fresh result', () => {
  const index = workspace();
  drive(workspaceConflictSteps(index));
  // Halfway through the next revision's run, the validation changes again.
  index.setFile('/ws/v.yaml', validation('labels are fixedx'));
  const steps = workspaceConflictSteps(index);
  for (let i = 0; i < 5; i++) assert.equal(steps.next().done, false);
  // Now the constant labels are what the validation requires: they are no longer rejected.
  index.setFile('/ws/v.yaml', validation('labels are fixed', 'other'));
  const resumed = drive(steps).conflicts;
  const fresh = conflictsOf(workspace('labels are fixed', 'other'), conflictFinders);
  assert.notDeepEqual(shape(fresh), shape(conflictsOf(workspace(), conflictFinders)), 'the edit changes the result');
  assert.deepEqual(shape(resumed), shape(fresh));

  // A request computes the conflicts in one go while a run is paused: the run ends with that answer.
  index.setFile('/ws/b.yaml', mutation('constant', all, (i) => `"changed-${i}"`));
  const paused = workspaceConflictSteps(index);
  paused.next();
  const now = conflictsOf(index, conflictFinders);
  const after = drive(paused);
  assert.equal(after.conflicts, now);
  assert.equal(after.steps.length, 1, 'nothing computed twice');
});

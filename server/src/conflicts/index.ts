// Every cross-policy conflict of a workspace, as plain data: the checks report them, the
// `kyverno/conflicts` request and the `graph` command draw them. Computed once per index revision.
import type { WorkspaceIndex } from '../workspace/index.ts';
import { BucketMemo, ConflictJoin, ConflictSet, type Conflict } from './join.ts';
import { mutationOverwrites } from './overwrite.ts';
import { incompatibleMutations } from './incompatible.ts';
import { mutationsRejected } from './rejected.ts';
import { unsatisfiableValidations } from './unsatisfiable.ts';
import { generateCollisions } from './generate.ts';
import { MAX_ORDER_CHECKS, orderEvidence, simulatedConflicts } from './simulated.ts';
import { imageVerificationBreaks } from './images.ts';

export type { Conflict, ConflictSide } from './join.ts';

const computed = new WeakMap<WorkspaceIndex, { revision: number; conflicts: Conflict[]; join: ConflictJoin }>();

export function conflictsOf(index: WorkspaceIndex): Conflict[] {
  const hit = computed.get(index);
  if (hit && hit.revision === index.revision) return hit.conflicts;
  const join = hit?.join ?? new ConflictJoin(index, new BucketMemo());
  join.sync();
  const memo = join.memo;
  const set = new ConflictSet();
  const add = (c: Conflict) => set.add(c);
  // An overwrite whose writes hang on conditions is confirmed in both orders on witnesses: a
  // condition the other write defeats, or one that holds on no witness where both apply, is no
  // conflict when both orders end alike.
  const budget = { left: MAX_ORDER_CHECKS };
  mutationOverwrites(join, (c) => {
    if (conditionalPair(c) && c.writes?.length === 2 && orderEvidence(join, c.kind, c.writes[0], c.writes[1], budget) === 'same') return;
    add(c);
  });
  incompatibleMutations(join, add);
  mutationsRejected(join, add);
  unsatisfiableValidations(join, add);
  generateCollisions(join, add);
  imageVerificationBreaks(join, add);
  // The engine decides what the facts could not, for pairs the facts did not already explain.
  const found = new Set(set.values().map((c) => c.key));
  simulatedConflicts(join, found, add);
  const conflicts = set.values();
  memo.rotate();
  computed.set(index, { revision: index.revision, conflicts, join });
  return conflicts;
}

/** Two writes that hang on conditions; a default added when absent is judged on its own (shadowed defaults). */
function conditionalPair(c: Conflict): boolean {
  const writes = c.writes ?? [];
  return !writes.some((w) => w.guard === 'ifAbsent') && writes.some((w) => w.guard === 'conditional' || !!w.owner.match.undecidable);
}

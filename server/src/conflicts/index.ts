// Every cross-policy conflict of a workspace, as plain data: the checks report them, the
// `kyverno/conflicts` request and the `graph` command draw them. Computed once per index revision.
import type { WorkspaceIndex } from '../workspace/index.ts';
import { BucketMemo, ConflictJoin, ConflictSet, type Conflict } from './join.ts';
import { policyIdentity } from '../model/identity.ts';

export type { Conflict, ConflictJoin, ConflictSide } from './join.ts';

/**
 * When a finder runs. `facts`: decided from the join's facts alone. The engine's simulations then
 * decide only what the facts did not explain: they start from the keys the facts found (`found`)
 * and add the keys they decide, `orders` (both orders of two mutations) before `effects` (one
 * mutation against other rules), so a later finder skips a pair an earlier one settled.
 */
export type FinderStage = 'facts' | 'orders' | 'effects';
const STAGES: readonly FinderStage[] = ['facts', 'orders', 'effects'];

/**
 * What finds conflicts in the join. A conflict check's module owns its finders (`Check.conflicts`);
 * one finder may report for several checks (the order simulation also decides mutation-rejected).
 * A finder that walks many buckets may be a generator: each `yield` is a point where the language
 * server's pass may step aside for a request (see `conflictSteps`).
 */
export type FinderRun = void | Iterable<void>;
export type ConflictFinder =
  | { stage: 'facts'; find(join: ConflictJoin, out: (c: Conflict) => void): FinderRun }
  | { stage: 'orders' | 'effects'; find(join: ConflictJoin, found: Set<string>, out: (c: Conflict) => void): FinderRun };

const computed = new WeakMap<WorkspaceIndex, { revision: number; finders: readonly ConflictFinder[]; conflicts: Conflict[]; join: ConflictJoin }>();

/** The conflicts the finders find, in stage order and, within a stage, in the order given (the registry's). */
export function conflictsOf(index: WorkspaceIndex, finders: readonly ConflictFinder[]): Conflict[] {
  const steps = conflictSteps(index, finders);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Whether `conflictsOf` would answer from what it computed for the index's current revision. */
export function conflictsKnown(index: WorkspaceIndex, finders: readonly ConflictFinder[]): boolean {
  const hit = computed.get(index);
  return !!hit && hit.revision === index.revision && hit.finders === finders;
}

/**
 * `conflictsOf` in steps: it pauses inside the finders (between buckets, between simulations), so a
 * caller can answer requests in between. The join and the memos are the same ones `conflictsOf`
 * uses, and nothing is cached until the last step: a run left halfway loses only time, and one
 * resumed after the index moved on starts again on the new revision.
 */
export function* conflictSteps(index: WorkspaceIndex, finders: readonly ConflictFinder[]): Generator<void, Conflict[]> {
  const hit = computed.get(index);
  if (hit && hit.revision === index.revision && hit.finders === finders) return hit.conflicts;
  const revision = index.revision;
  const join = hit?.join ?? new ConflictJoin(index, new BucketMemo());
  if (!hit) computed.set(index, { revision: -1, finders, conflicts: [], join }); // the join is shared from its first sync
  join.sync();
  const memo = join.memo;
  const set = new ConflictSet();
  const add = (c: Conflict) => {
    if (!definitionsOfOnePolicy(c)) set.add(c);
  };
  let found = new Set<string>();
  for (const stage of STAGES) {
    // The engine decides what the facts could not, for pairs the facts did not already explain.
    if (stage === 'orders') found = new Set(set.values().map((c) => c.key));
    for (const finder of finders) {
      if (finder.stage !== stage) continue;
      const run = finder.stage === 'facts' ? finder.find(join, add) : finder.find(join, found, add);
      for (const _ of run ?? []) {
        yield;
        // Answered meanwhile (a request asked for the conflicts of this revision), or overtaken by an edit.
        if (conflictsKnown(index, finders)) return computed.get(index)!.conflicts;
        if (index.revision !== revision) return yield* conflictSteps(index, finders);
      }
      yield;
    }
  }
  const conflicts = set.values();
  memo.rotate();
  computed.set(index, { revision: index.revision, finders, conflicts, join });
  return conflicts;
}

/**
 * Two definitions of one policy identity are not two policies: the later apply replaces the
 * earlier, which policy/duplicate-name reports; there is no order between them to conflict in.
 */
function definitionsOfOnePolicy(c: Conflict): boolean {
  const identities = new Set(c.sides.map((s) => policyIdentity(s.owner.policy)));
  return identities.size === 1 && !identities.has(undefined) && new Set(c.sides.map((s) => s.owner.policy)).size > 1;
}

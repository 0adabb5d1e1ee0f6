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
import { injectedRejections } from './injected.ts';
import { simulatedImageBreaks } from './imageRewrites.ts';
import { policyIdentity } from '../model/identity.ts';
import type { MatchFacts } from './overlap.ts';

export type { Conflict, ConflictSide } from './join.ts';

const computed = new WeakMap<WorkspaceIndex, { revision: number; conflicts: Conflict[]; join: ConflictJoin }>();

export function conflictsOf(index: WorkspaceIndex): Conflict[] {
  const hit = computed.get(index);
  if (hit && hit.revision === index.revision) return hit.conflicts;
  const join = hit?.join ?? new ConflictJoin(index, new BucketMemo());
  join.sync();
  const memo = join.memo;
  const set = new ConflictSet();
  const add = (c: Conflict) => {
    if (!definitionsOfOnePolicy(c) && !layeredDefault(c)) set.add(c);
  };
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
  injectedRejections(join, found, add);
  simulatedImageBreaks(join, found, add);
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

/**
 * Two definitions of one policy identity are not two policies: the later apply replaces the
 * earlier, which policy/duplicate-name reports; there is no order between them to conflict in.
 */
function definitionsOfOnePolicy(c: Conflict): boolean {
  const identities = new Set(c.sides.map((s) => policyIdentity(s.owner.policy)));
  return identities.size === 1 && !identities.has(undefined) && new Set(c.sides.map((s) => s.owner.policy)).size > 1;
}

/**
 * A default added only when absent (`+(key)`) and an overwrite in a narrower scope end alike in
 * either order, and the default still applies outside that scope: the layered-defaults pattern
 * (platform default, team override), not a conflict. The same scope keeps the warning: there the
 * default never applies.
 */
function layeredDefault(c: Conflict): boolean {
  if (c.check !== 'conflict/mutation-overwrite' || c.writes?.length !== 2) return false;
  const guarded = c.writes.filter((w) => w.guard === 'ifAbsent');
  if (guarded.length !== 1) return false;
  const always = c.writes.find((w) => w !== guarded[0])!;
  return narrower(always.owner.match, guarded[0].owner.match);
}

function narrower(a: MatchFacts, b: MatchFacts): boolean {
  const moreKeys = (x?: Record<string, string>, y?: Record<string, string>) => Object.keys(x ?? {}).some((k) => !(k in (y ?? {})));
  if (a.namespaces.length > 0 && (b.namespaces.length === 0 || (a.namespaces.every((n) => b.namespaces.includes(n)) && a.namespaces.length < b.namespaces.length))) return true;
  return moreKeys(a.objectLabels, b.objectLabels) || moreKeys(a.namespaceLabels, b.namespaceLabels) || (!!a.undecidable && !b.undecidable);
}

// conflict/mutation-overwrite as reported: the fact join's overwrites, less the pairs that end
// alike in either order (confirmed on witnesses) and the layered-defaults pattern.
import type { Conflict, ConflictJoin } from './join.ts';
import type { MatchFacts } from './overlap.ts';
import { MUTATION_OVERWRITE, mutationOverwrites } from './overwrite.ts';
import { MAX_ORDER_CHECKS, orderEvidence } from './simulated.ts';

/** A generator, as mutationOverwrites: it pauses after each bucket (conflicts/index.ts, conflictSteps). */
export function* confirmedOverwrites(join: ConflictJoin, out: (c: Conflict) => void): Generator<void> {
  // An overwrite whose writes hang on conditions is confirmed in both orders on witnesses: a
  // condition the other write defeats, or one that holds on no witness where both apply, is no
  // conflict when both orders end alike.
  const budget = { left: MAX_ORDER_CHECKS };
  yield* mutationOverwrites(join, (c) => {
    if (conditionalPair(c) && c.writes?.length === 2 && orderEvidence(join, c.kind, c.writes[0], c.writes[1], budget) === 'same') return;
    if (!layeredDefault(c)) out(c);
  });
}

/** Two writes that hang on conditions; a default added when absent is judged on its own (shadowed defaults). */
function conditionalPair(c: Conflict): boolean {
  const writes = c.writes ?? [];
  return !writes.some((w) => w.guard === 'ifAbsent') && writes.some((w) => w.guard === 'conditional' || !!w.owner.match.undecidable);
}

/**
 * A default added only when absent (`+(key)`) and an overwrite in a narrower scope end alike in
 * either order, and the default still applies outside that scope: the layered-defaults pattern
 * (platform default, team override), not a conflict. The same scope keeps the warning: there the
 * default never applies.
 */
function layeredDefault(c: Conflict): boolean {
  if (c.check !== MUTATION_OVERWRITE || c.writes?.length !== 2) return false;
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

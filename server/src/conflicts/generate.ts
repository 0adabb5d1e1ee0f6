// conflict/generate-collision: two generate rules produce one target (apiVersion/kind/namespace/
// name) with different content. Targets meet in one bucket keyed by those four strings, so
// names with variables only meet identical templates; a templated target also needs both
// triggers to overlap, a constant one collides whatever triggers it.
import equal from 'fast-deep-equal';
import type { ConflictJoin, Conflict } from './join.ts';
import { pairKey } from './join.ts';
import type { TargetFact } from './facts.ts';
import { kindsOverlap, overlapOf } from './overlap.ts';
import { shortName } from './describe.ts';

export const GENERATE_COLLISION = 'conflict/generate-collision';

const templated = (t: TargetFact) => `${t.target.namespace ?? ''}${t.target.name}`.includes('{{');

export function generateCollisions(join: ConflictJoin, out: (c: Conflict) => void): void {
  for (const facts of join.targetBuckets()) {
    if (facts.length < 2) continue;
    const { apiVersion, kind, namespace, name } = facts[0].target;
    join.memo.run(`generate\u0001${apiVersion}\u0001${kind}\u0001${namespace ?? ''}\u0001${name}`, facts, out, (emit) => collisionsOf(facts, emit));
  }
}

/** The pairs of one target bucket (apiVersion, kind, namespace, name). */
function collisionsOf(facts: TargetFact[], out: (c: Conflict) => void): void {
  {
    for (let i = 0; i < facts.length; i++) {
      for (let j = i + 1; j < facts.length; j++) {
        const [a, b] = [facts[i], facts[j]];
        if (a.owner.id === b.owner.id) continue;
        if (equal(a.target.data, b.target.data) && equal(a.target.clone, b.target.clone)) continue;
        let maybe = '';
        if (templated(a)) {
          if (kindsOverlap(a.owner.match.kinds, b.owner.match.kinds).length === 0) continue;
          const overlap = overlapOf(a.owner.match, b.owner.match);
          if (overlap.overlap === 'never') continue;
          if (overlap.overlap === 'maybe') maybe = overlap.reason;
        }
        const { apiVersion, kind, namespace, name } = a.target;
        const target = `${kind} ${namespace ? `${namespace}/` : ''}${name}${apiVersion ? ` (${apiVersion})` : ''}`;
        const sync = a.target.synchronize && b.target.synchronize;
        let message = `${shortName(a.owner)} and ${shortName(b.owner)} both generate ${target} with different ${a.target.clone || b.target.clone ? 'sources' : 'data'}: ${sync ? 'with synchronize on both, each keeps overwriting the other' : 'whichever runs first wins and the other fails or is ignored'}.`;
        if (maybe) message = message.replace(/\.$/, `; whether both triggers can fire for one object cannot be decided statically (${maybe}).`);
        out({
          check: GENERATE_COLLISION,
          severity: sync && !maybe ? 'error' : 'warning',
          kind,
          field: target,
          sides: [
            { owner: a.owner, at: a.target.source, note: `${shortName(a.owner)} generates ${target}` },
            { owner: b.owner, at: b.target.source, note: `${shortName(b.owner)} generates ${target}` },
          ],
          message,
          key: pairKey(GENERATE_COLLISION, a.owner, b.owner, target),
        });
      }
    }
  }
}

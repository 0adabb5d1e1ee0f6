// conflict/unsatisfiable-validations: one enforcing validation demands F = a (and F present),
// another enforcing validation on an overlapping match rejects F = a. No object passes both.
import type { ConflictJoin, Conflict } from './join.ts';
import type { RequirementFact } from './facts.ts';
import { pairKey } from './join.ts';
import { overlapOf } from './overlap.ts';
import { displayPath, witnessName } from './paths.ts';
import { shortName, showValue } from './describe.ts';

export const UNSATISFIABLE_VALIDATIONS = 'conflict/unsatisfiable-validations';

export function unsatisfiableValidations(join: ConflictJoin, out: (c: Conflict) => void): void {
  for (const a of join.strictRequirementsInOrder()) {
    const wanted = a.requirement.wanted;
    if (!wanted) continue;
    const others = join.requirementsAlong(a.kind, a.path);
    join.memo.run(`unsatisfiable\u0001${a.owner.id}\u0001${a.kind}\u0001${a.path.join('\u0000')}\u0001${a.requirement.text}`, [a, ...others], out, (emit) => against(a, wanted, others, emit));
  }
}

function against(a: RequirementFact, wanted: { value: unknown }, others: RequirementFact[], out: (c: Conflict) => void): void {
  {
    for (const b of others) {
      if (!b.owner.enforcing || b.owner.id === a.owner.id) continue;
      if (b.requirement.accepts(a.path, wanted.value) !== false) continue;
      const overlap = overlapOf(a.owner.match, b.owner.match);
      if (overlap.overlap === 'never') continue;
      const certain = overlap.overlap === 'always' && !a.requirement.conditional && !b.requirement.conditional;
      const field = displayPath(a.path);
      const noun = witnessName(a.kind === '*' ? 'object' : a.kind).replace(/^an? /, '');
      let message = `No ${noun} matched by both can be admitted: ${shortName(a.owner)} requires \`${field}\` to be ${showValue(wanted.value)}, and ${shortName(b.owner)} requires ${b.requirement.text}.`;
      if (!certain && overlap.overlap === 'always') message = message.replace(/\.$/, ' (when their conditional anchors hold).');
      if (overlap.overlap === 'maybe') message = message.replace(/\.$/, `; whether both apply to one object cannot be decided statically (${overlap.reason}).`);
      out({
        check: UNSATISFIABLE_VALIDATIONS,
        severity: certain ? 'error' : 'warning',
        kind: a.kind,
        field,
        sides: [
          { owner: a.owner, at: a.requirement.source, note: `${shortName(a.owner)} requires \`${field}\` to be ${showValue(wanted.value)}` },
          { owner: b.owner, at: b.requirement.source, note: `${shortName(b.owner)} requires ${b.requirement.text}` },
        ],
        message,
        key: pairKey(UNSATISFIABLE_VALIDATIONS, a.owner, b.owner),
      });
    }
  }
}

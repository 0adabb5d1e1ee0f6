// conflict/mutation-rejected (facts): a mutation writes F = v and an enforcing validation on an
// overlapping match rejects v at F. Mutations run before validations, so when the write is
// unconditional every matching object is denied (error); otherwise some are (warning).
import { UNKNOWN } from '../model/types.ts';
import type { ConflictJoin, Conflict } from './join.ts';
import { pairKey, plainPath } from './join.ts';
import type { RequirementFact, WriteFact } from './facts.ts';
import { overlapOf } from './overlap.ts';
import { displayPath, witnessName } from './paths.ts';
import { shortName, showValue } from './describe.ts';

export const MUTATION_REJECTED = 'conflict/mutation-rejected';

export function mutationsRejected(join: ConflictJoin, out: (c: Conflict) => void): void {
  for (const { kind, facts } of join.writeBuckets()) {
    for (const w of facts) {
      if (w.value === UNKNOWN) continue;
      for (const r of join.requirementsAlong(kind, w.path)) {
        if (!r.owner.enforcing || r.owner.id === w.owner.id) continue;
        if (r.requirement.accepts(plainPath(w.path), w.value) !== false) continue;
        report(kind, w, r, out);
      }
    }
  }
}

function report(kind: string, w: WriteFact, r: RequirementFact, out: (c: Conflict) => void): void {
  const overlap = overlapOf(w.owner.match, r.owner.match);
  if (overlap.overlap === 'never') return;
  const every = w.guard === 'always' && overlap.overlap === 'always' && !r.requirement.conditional;
  const field = displayPath(w.path);
  const [m, v] = [shortName(w.owner), shortName(r.owner)];
  const noun = witnessName(kind === '*' ? 'object' : kind).replace(/^an? /, '');
  const value = showValue(w.value);
  const requires = `requires ${r.requirement.text}`;
  let message: string;
  if (every) message = `Every ${noun} matched by both is denied: ${m} sets \`${field}\` to ${value}, and ${v} (enforcing) ${requires}; mutations run before validations.`;
  else if (w.guard === 'ifAbsent') message = `A ${noun} without \`${field}\` can be denied: ${m} adds ${value} when it is absent, and ${v} (enforcing) ${requires}, which that default does not satisfy.`;
  else message = `A ${noun} matched by both can be denied: ${m} sets \`${field}\` to ${value}${w.guard === 'conditional' ? ' when its conditions hold' : ''}, and ${v} (enforcing) ${requires}${r.requirement.conditional ? ' when its conditions hold' : ''}.`;
  if (overlap.overlap === 'maybe') message = message.replace(/\.$/, `; whether both apply to one object cannot be decided statically (${overlap.reason}).`);
  out({
    check: MUTATION_REJECTED,
    severity: every ? 'error' : 'warning',
    kind,
    field,
    sides: [
      { owner: w.owner, at: w.source, note: `${m} sets \`${field}\` to ${value}`, needle: w.path[w.path.length - 1] },
      { owner: r.owner, at: r.requirement.source, note: `${v} ${requires}` },
    ],
    message,
    key: pairKey(MUTATION_REJECTED, w.owner, r.owner),
    writes: [w],
    requirement: r,
  });
}

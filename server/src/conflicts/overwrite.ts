// conflict/mutation-overwrite: two mutations write one field with different known values and
// Kyverno defines no order across policies. Pairs meet only inside a (kind, path) bucket.
import equal from 'fast-deep-equal';
import { UNKNOWN } from '../model/types.ts';
import type { ConflictJoin, Conflict } from './join.ts';
import { pairKey } from './join.ts';
import { overlapOf } from './overlap.ts';
import type { WriteFact } from './facts.ts';
import { displayPath, witnessName } from './paths.ts';
import { shortName, showValue } from './describe.ts';

export const MUTATION_OVERWRITE = 'conflict/mutation-overwrite';

/** A generator: it pauses after each bucket (conflicts/index.ts, conflictSteps). */
export function* mutationOverwrites(join: ConflictJoin, out: (c: Conflict) => void): Generator<void> {
  for (const { kind, key, facts } of join.writeBuckets()) {
    yield;
    if (facts.length < 2) continue;
    join.memo.run(`overwrite\u0001${kind}\u0001${key}`, facts, out, (emit) => overwriteBucket(kind, facts, emit));
  }
}

function overwriteBucket(kind: string, facts: WriteFact[], out: (c: Conflict) => void): void {
  {
    const known = facts.filter((f) => f.value !== UNKNOWN);
    if (known.length < 2) return;
    // Group by value: pairs are only formed across groups (agreeing writes never pair up).
    const groups: { value: unknown; facts: WriteFact[] }[] = [];
    for (const f of known) {
      const g = groups.find((x) => equal(x.value, f.value));
      if (g) g.facts.push(f);
      else groups.push({ value: f.value, facts: [f] });
    }
    if (groups.length < 2) return;
    for (let i = 0; i < groups.length; i++) {
      for (let j = i + 1; j < groups.length; j++) {
        for (const a of groups[i].facts) for (const b of groups[j].facts) pair(kind, a, b, out);
      }
    }
  }
}

function pair(kind: string, a: WriteFact, b: WriteFact, out: (c: Conflict) => void): void {
  // Rules of one policy run top to bottom: their order is defined.
  if (a.owner.policy === b.owner.policy) return;
  if (a.guard === 'ifAbsent' && b.guard === 'ifAbsent') return;
  // Two conditional writes almost always branch on one field (runtime docker vs containerd): mutually exclusive.
  if (a.guard === 'conditional' && b.guard === 'conditional') return;
  // An element the rule cannot name (several under one list) is not comparable.
  if (a.path.some((s) => s.endsWith('=?'))) return;
  const overlap = overlapOf(a.owner.match, b.owner.match);
  if (overlap.overlap === 'never') return;
  const field = displayPath(a.path);
  const [na, nb] = [shortName(a.owner), shortName(b.owner)];
  const [va, vb] = [showValue(a.value), showValue(b.value)];
  const on = witnessName(kind);
  let message: string;
  if (a.guard === 'ifAbsent' || b.guard === 'ifAbsent') {
    const [guarded, always] = a.guard === 'ifAbsent' ? [a, b] : [b, a];
    // Kyverno applies matching policies one after the other on the same object: add-if-absent then
    // overwrite, or overwrite then "already set", both end with the overwriting value.
    message = `On ${on}, \`${field}\` ends as ${showValue(always.value)} in either order: ${shortName(always.owner)} overwrites the ${showValue(guarded.value)} that ${shortName(guarded.owner)} adds when absent, or ${shortName(guarded.owner)} finds it already set, so ${shortName(guarded.owner)}'s default never applies to objects both match.`;
  } else {
    message = `On ${on}, \`${field}\` ends as ${vb} if ${nb} runs last and as ${va} if ${na} runs last; Kyverno does not order mutations across policies.`;
    // A list written by both is one value: a strategic merge replaces a list without a merge key whole.
    if (Array.isArray(a.value) && Array.isArray(b.value)) message = message.replace(/\.$/, `; \`${a.path[a.path.length - 1]}\` has no merge key, so a strategic merge replaces the whole list and the entries of the policy that runs first are lost.`);
  }
  const conditional = [a, b].filter((w) => w.guard === 'conditional').map((w) => shortName(w.owner));
  if (conditional.length) message = message.replace(/\.$/, ` (when the write conditions of ${conditional.join(' and ')} hold).`);
  if (overlap.overlap === 'maybe') message = message.replace(/\.$/, `; whether both apply to one object cannot be decided statically (${overlap.reason}).`);
  out({
    check: MUTATION_OVERWRITE,
    severity: 'warning',
    kind,
    field,
    sides: [
      { owner: a.owner, at: a.source, note: `${na} sets \`${field}\` to ${va}${a.guard === 'ifAbsent' ? ' when absent' : ''}`, needle: a.path[a.path.length - 1] },
      { owner: b.owner, at: b.source, note: `${nb} sets \`${field}\` to ${vb}${b.guard === 'ifAbsent' ? ' when absent' : ''}`, needle: b.path[b.path.length - 1] },
    ],
    message,
    key: pairKey(MUTATION_OVERWRITE, a.owner, b.owner),
    writes: [a, b],
  });
}

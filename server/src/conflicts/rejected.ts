// conflict/mutation-rejected (facts): a mutation writes F = v and an enforcing validation on an
// overlapping match rejects v at F. Mutations run before validations, so when the write is
// unconditional every matching object is denied (error); otherwise some are (warning).
import { UNKNOWN } from '../model/types.ts';
import { matchValue } from '../engine/legacy/valuePattern.ts';
import type { ConflictJoin, Conflict } from './join.ts';
import { pairKey, plainPath } from './join.ts';
import { factsOf, type RequirementFact, type WriteFact } from './facts.ts';
import { overlapOf } from './overlap.ts';
import { displayPath, witnessName } from './paths.ts';
import { shortName, showValue } from './describe.ts';

export const MUTATION_REJECTED = 'conflict/mutation-rejected';

/** Pairs judged (a test counts them: an edit must judge only the pairs with a changed side). */
export const rejectedWork = { pairs: 0 };

/** A bucket's judged pairs: the verdict of a (write, requirement) pair depends on those two alone. */
interface JudgedBucket {
  facts: ReadonlySet<WriteFact>;
  requirements: ReadonlySet<RequirementFact>;
  found: { w: WriteFact; r: RequirementFact; conflict: Conflict }[];
}

const enforcingLists = new WeakMap<RequirementFact[], RequirementFact[]>();
function enforcingOf(list: RequirementFact[]): RequirementFact[] {
  let enforcing = enforcingLists.get(list);
  if (!enforcing) enforcingLists.set(list, (enforcing = list.filter((r) => r.owner.enforcing)));
  return enforcing;
}

/** A generator: it pauses after each bucket (conflicts/index.ts, conflictSteps). */
export function* mutationsRejected(join: ConflictJoin, out: (c: Conflict) => void): Generator<void> {
  for (const { kind, key, facts } of join.writeBuckets()) {
    yield;
    // Every write of a bucket has the same plain path: one lookup serves them all.
    // Only an enforcing validation rejects: the others are left out of the bucket's inputs, so typing in an Audit policy re-judges nothing.
    const requirements = join.requirementListsAlong(kind, facts[0].path).flatMap(enforcingOf);
    if (requirements.length === 0) continue;
    const judged = join.memo.updated<JudgedBucket>(`rejected\u0001${kind}\u0001${key}`, [...facts, ...requirements], (stale) => rejectedBucket(kind, facts, requirements, stale));
    for (const { conflict } of judged.found) out(conflict);
  }
}

/**
 * Judges only the pairs with a side the last judgement of this bucket did not have (one edited
 * policy: its writes against every requirement, or its requirements against every write), and
 * keeps the other verdicts; the result is in the order a judgement of every pair gives.
 */
function rejectedBucket(kind: string, facts: WriteFact[], requirements: RequirementFact[], stale: JudgedBucket | undefined): JudgedBucket {
  const factSet = new Set(facts);
  const requirementSet = new Set(requirements);
  const found = (stale?.found ?? []).filter((x) => factSet.has(x.w) && requirementSet.has(x.r));
  const newRequirements = stale ? requirements.filter((r) => !stale.requirements.has(r)) : requirements;
  for (const w of facts) {
    if (w.value === UNKNOWN) continue;
    const known = stale?.facts.has(w);
    if (known && newRequirements.length === 0) continue;
    const plain = plainPath(w.path);
    for (const r of known ? newRequirements : requirements) {
      rejectedWork.pairs++;
      if (!r.owner.enforcing || r.owner.id === w.owner.id) continue;
      if (r.requirement.accepts(plain, w.value) !== false) continue;
      if (!aboutThisElement(w, r) || rejectedAnyway(w, r)) continue;
      report(kind, w, r, (conflict) => found.push({ w, r, conflict }));
    }
  }
  if (stale) {
    const factRank = new Map(facts.map((w, i) => [w, i] as const));
    const requirementRank = new Map(requirements.map((r, i) => [r, i] as const));
    found.sort((a, b) => factRank.get(a.w)! - factRank.get(b.w)! || requirementRank.get(a.r)! - requirementRank.get(b.r)!);
  }
  return { facts: factSet, requirements: requirementSet, found };
}

/** A requirement about other list elements (`(name): DISABLE_OPA`, `name: controller`) says nothing about this one. */
function aboutThisElement(w: WriteFact, r: RequirementFact): boolean {
  const offset = r.path.length - r.requirement.path.length; // autogen prefix
  for (const f of r.requirement.elementFilters ?? []) {
    const seg = w.path[f.index + offset];
    if (seg?.startsWith(`${f.key}=`) && !matchValue(seg.slice(f.key.length + 1), f.pattern)) return false;
    // The same rule writes that key of the same element (`image:` beside the written `imagePullPolicy:`).
    const prefix = w.path.slice(0, f.index + offset + 1);
    const sibling = factsOf(w.owner.policy, w.owner.rule).writes.find((x) => x.kind === w.kind && x.path.length === prefix.length + 1 && x.path[prefix.length] === f.key && prefix.every((p, i) => x.path[i] === p));
    if (sibling && sibling.value !== UNKNOWN && (typeof sibling.value === 'string' || typeof sibling.value === 'number') && !matchValue(sibling.value, f.pattern)) return false;
  }
  return true;
}

/**
 * A write guarded by a condition on the field itself (`(image): "vault:*"` beside `image:`) only
 * rewrites values that match it; when the validation rejects those too, the mutation changes nothing.
 */
function rejectedAnyway(w: WriteFact, r: RequirementFact): boolean {
  const src = w.source.path;
  const leaf = src[src.length - 1];
  if (typeof leaf !== 'string') return false;
  let parent: unknown = w.owner.policy.raw;
  for (const seg of src.slice(0, -1)) parent = Array.isArray(parent) ? parent[seg as number] : (parent as Record<string, unknown> | undefined)?.[seg as string];
  const condition = (parent as Record<string, unknown> | undefined)?.[`(${leaf})`];
  if (typeof condition !== 'string') return false;
  return r.requirement.accepts(plainPath(w.path), condition.replace(/[*?]/g, 'x')) === false;
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

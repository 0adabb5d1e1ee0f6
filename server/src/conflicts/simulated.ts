// The engine-based conflicts: what the facts cannot decide (computed values, complex patterns,
// CEL the requirement extractor does not split) is decided by simulating admission on a witness
// object — a workspace resource of the kind first, else a minimal synthetic one. Candidates still
// come from the join (a mutation and a validation meeting on one field path; two mutations
// writing one path), never from all pairs, and the number of simulations is capped.
import equal from 'fast-deep-equal';
import { simulate, type SimulationResult } from '../engine/simulate.ts';
import { witnessFor } from '../engine/witness.ts';
import type { AdmissionContext } from '../engine/types.ts';
import { wildcardMatch, hasWildcard } from '../engine/match/wildcard.ts';
import type { ConflictJoin, Conflict } from './join.ts';
import { pairKey, plainPath } from './join.ts';
import type { ReadFact, RuleRef, WriteFact } from './facts.ts';
import { overlapOf } from './overlap.ts';
import { displayPath, witnessRank } from './paths.ts';
import { shortName } from './describe.ts';
import { MUTATION_REJECTED } from './rejected.ts';
import { MUTATION_OVERWRITE } from './overwrite.ts';
import { INCOMPATIBLE_MUTATIONS } from './incompatible.ts';

export const ORDER_DEPENDENT = 'conflict/order-dependent';

/** Simulations per analysis: each is a full admission of one witness through 2-4 policies. */
export const MAX_SIMULATIONS = 400;

type Obj = Record<string, unknown>;

interface Witness {
  object: Obj;
  /** `the workspace's Pod web/nginx`, `a minimal Pod` */
  describe: string;
  context: AdmissionContext;
}

interface Candidate<T> {
  kind: string;
  item: T;
}

/** Keeps, per pair key, the candidate with the best witness kind. */
function bestByKey<T>(map: Map<string, Candidate<T>>, key: string, kind: string, item: T): void {
  const existing = map.get(key);
  if (!existing || witnessRank(kind) < witnessRank(existing.kind)) map.set(key, { kind, item });
}

function namespaceFor(owners: RuleRef[]): string | undefined | null {
  const patterns = owners.map((o) => o.match.namespaces).filter((n) => n.length > 0);
  const excluded = owners.flatMap((o) => o.match.excludedNamespaces);
  const candidates = [...patterns.flat().filter((p) => !hasWildcard(p)), ...patterns.flat().map((p) => p.replace(/[*?]/g, 'x')), 'default', 'witness'];
  for (const ns of candidates) {
    if (patterns.every((list) => list.some((p) => wildcardMatch(p, ns))) && !excluded.some((e) => wildcardMatch(e, ns))) return ns;
  }
  return null;
}

function witnessOf(join: ConflictJoin, kind: string, owners: RuleRef[], paths: string[][]): Witness | undefined {
  if (kind === '*') return undefined;
  const ns = namespaceFor(owners);
  if (ns === null) return undefined;
  const labels = Object.assign({}, ...owners.map((o) => o.match.objectLabels ?? {})) as Record<string, string>;
  const namespaceLabels = Object.assign({}, ...owners.map((o) => o.match.namespaceLabels ?? {})) as Record<string, string>;
  const fromWorkspace = join.index.resources().find((r) => r.kind === kind && (!r.namespace || !ns || r.namespace === ns));
  let object: Obj;
  let describe: string;
  if (fromWorkspace) {
    object = structuredClone(fromWorkspace.raw);
    describe = `the workspace's ${kind} ${fromWorkspace.namespace ? `${fromWorkspace.namespace}/` : ''}${fromWorkspace.name}`;
  } else {
    object = witnessFor(kind, paths.map(plainPath));
    describe = `a minimal ${kind}${(object.metadata as Obj | undefined)?.namespace !== undefined && ns ? ` in namespace ${ns}` : ''}`;
  }
  const metadata = (object.metadata ?? (object.metadata = {})) as Obj;
  if (metadata.namespace !== undefined && ns) metadata.namespace = ns;
  if (Object.keys(labels).length) metadata.labels = { ...((metadata.labels as Obj) ?? {}), ...labels };
  return { object, describe, context: { operation: 'CREATE', namespaceLabels: Object.keys(namespaceLabels).length ? namespaceLabels : undefined } };
}

function run(object: Obj, owners: RuleRef[], context: AdmissionContext, order?: number[]): SimulationResult | undefined {
  try {
    return simulate(structuredClone(object), owners.map((o) => ({ doc: o.policy.raw })), context, order ? { order } : {});
  } catch {
    return undefined;
  }
}

function mutated(result: SimulationResult, owner: RuleRef): boolean {
  return result.mutations.some((r) => r.policy === owner.policy.name && r.status === 'pass');
}

export function simulatedConflicts(join: ConflictJoin, found: Set<string>, out: (c: Conflict) => void): void {
  let budget = MAX_SIMULATIONS;
  const spend = (n: number) => (budget -= n) >= 0;

  // 1. mutation-rejected, for pairs the facts could not decide.
  const rejectCandidates = new Map<string, Candidate<{ w: WriteFact; r: ReadFact }>>();
  for (const { kind, facts } of join.writeBuckets()) {
    for (const w of facts) {
      for (const r of join.readsAlong(kind, w.path)) {
        if (r.owner.policy === w.owner.policy) continue;
        const key = pairKey(MUTATION_REJECTED, w.owner, r.owner);
        if (found.has(key)) continue;
        bestByKey(rejectCandidates, key, kind, { w, r });
      }
    }
  }
  for (const [key, { kind, item: { w, r } }] of rejectCandidates) {
    if (overlapOf(w.owner.match, r.owner.match).overlap === 'never') continue;
    const witness = witnessOf(join, kind, [w.owner, r.owner], [w.path, r.path]);
    if (!witness || !spend(2)) continue;
    const alone = run(witness.object, [r.owner], witness.context);
    const after = run(witness.object, [w.owner, r.owner], witness.context);
    if (!alone || !after || !alone.verdict.admitted || after.verdict.admitted || !mutated(after, w.owner)) continue;
    if (after.verdict.deniedBy?.policy !== r.owner.policy.name) continue;
    const field = displayPath(w.path);
    found.add(key);
    out({
      check: MUTATION_REJECTED,
      severity: 'warning',
      kind,
      field,
      sides: [
        { owner: w.owner, at: w.source, note: `${shortName(w.owner)} writes \`${field}\``, needle: w.path[w.path.length - 1] },
        { owner: r.owner, at: r.owner.rule.source, note: `${shortName(r.owner)} (enforcing) denies the result: ${after.verdict.deniedBy?.reason ?? 'validation failed'}` },
      ],
      message: `Simulated on ${witness.describe}: ${shortName(r.owner)} (enforcing) admits it as submitted but denies it after ${shortName(w.owner)} writes \`${field}\` (${after.verdict.deniedBy?.reason ?? 'validation failed'}); mutations run before validations.`,
      key,
      writes: [w],
    });
  }

  // 2. order-dependent: two mutations on one path, simulated in both orders with the enforcing
  //    validations that read it; reported unless an overwrite/incompatible finding already explains the pair.
  const orderCandidates = new Map<string, Candidate<{ a: WriteFact; b: WriteFact }>>();
  for (const { kind, facts } of join.writeBuckets()) {
    if (facts.length < 2 || facts.length > 12) continue;
    for (let i = 0; i < facts.length; i++) {
      for (let j = i + 1; j < facts.length; j++) {
        const [a, b] = [facts[i], facts[j]];
        if (a.owner.policy === b.owner.policy) continue;
        if (found.has(pairKey(MUTATION_OVERWRITE, a.owner, b.owner)) || found.has(pairKey(INCOMPATIBLE_MUTATIONS, a.owner, b.owner))) continue;
        if (a.guard === 'ifAbsent' && b.guard === 'ifAbsent') continue;
        bestByKey(orderCandidates, pairKey(ORDER_DEPENDENT, a.owner, b.owner), kind, { a, b });
      }
    }
  }
  for (const [key, { kind, item: { a, b } }] of orderCandidates) {
    if (overlapOf(a.owner.match, b.owner.match).overlap === 'never') continue;
    const validators = uniqueOwners(join.readsAlong(kind, a.path).map((r) => r.owner)).filter((v) => overlapOf(v.match, a.owner.match).overlap !== 'never').slice(0, 4);
    const owners = [a.owner, b.owner, ...validators];
    const witness = witnessOf(join, kind, [a.owner, b.owner], [a.path]);
    if (!witness || !spend(2)) continue;
    const ab = run(witness.object, owners, witness.context, [0, 1]);
    const ba = run(witness.object, owners, witness.context, [1, 0]);
    if (!ab || !ba || !mutated(ab, a.owner) || !mutated(ab, b.owner)) continue;
    const field = displayPath(a.path);
    const [na, nb] = [shortName(a.owner), shortName(b.owner)];
    let message: string | undefined;
    if (ab.verdict.admitted !== ba.verdict.admitted) {
      const [admittedOrder, deniedRun] = ab.verdict.admitted ? [`${na} then ${nb}`, ba] : [`${nb} then ${na}`, ab];
      message = `Simulated on ${witness.describe}: admitted when the mutations run ${admittedOrder}, denied in the other order by ${deniedRun.verdict.deniedBy?.policy} (${deniedRun.verdict.deniedBy?.reason}); Kyverno does not order mutations across policies.`;
    } else if (!equal(finalObject(ab), finalObject(ba))) {
      message = `Simulated on ${witness.describe}: \`${field}\` ends differently when ${na} runs last than when ${nb} runs last; Kyverno does not order mutations across policies.`;
    }
    if (!message) continue;
    found.add(key);
    out({
      check: ORDER_DEPENDENT,
      severity: 'warning',
      kind,
      field,
      sides: [
        { owner: a.owner, at: a.source, note: `${na} writes \`${field}\``, needle: a.path[a.path.length - 1] },
        { owner: b.owner, at: b.source, note: `${nb} writes \`${field}\``, needle: b.path[b.path.length - 1] },
      ],
      context: validators.filter((v) => [ab, ba].some((r) => r.verdict.deniedBy?.policy === v.policy.name)).map((v) => ({ owner: v, at: v.rule.source, note: `${shortName(v)} denies the result in one order` })),
      message,
      key,
      writes: [a, b],
    });
  }
}

/** The mutated object with lists sorted: two appends in either order are the same result. */
function finalObject(result: SimulationResult): unknown {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical).sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, canonical(x)]));
    return v;
  };
  return canonical(result.afterEachMutation[result.afterEachMutation.length - 1]);
}

function uniqueOwners(owners: RuleRef[]): RuleRef[] {
  const seen = new Set<unknown>();
  return owners.filter((o) => (seen.has(o.policy) ? false : (seen.add(o.policy), true)));
}

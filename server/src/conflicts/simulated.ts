// The engine-based conflicts: what the facts cannot decide (computed values, complex patterns,
// CEL the requirement extractor does not split) is decided by simulating admission on a witness
// object — a workspace resource of the kind first, else a minimal synthetic one. Candidates still
// come from the join (a mutation and a validation meeting on one field path; two mutations
// writing one path), never from all pairs, and the number of simulations is capped.
import equal from 'fast-deep-equal';
import { simulate, type SimulationResult } from '../engine/simulate.ts';
import { witnessFor } from '../engine/witness.ts';
import type { AdmissionContext } from '../engine/types.ts';
import { UNKNOWN, type Resource, type SourceRef } from '../model/types.ts';
import { wildcardMatch, hasWildcard } from '../engine/match/wildcard.ts';
import type { ConflictJoin, Conflict } from './join.ts';
import { pairKey, plainPath } from './join.ts';
import { factsOf, type ReadFact, type RuleRef, type WriteFact } from './facts.ts';
import { verdictKeyOf } from '../model/verdictKey.ts';
import { overlapOf } from './overlap.ts';
import { configMapRefs, matchesRef } from './configMaps.ts';
import { autogenPath, displayPath, isPodLike, podFormPath, witnessRank } from './paths.ts';
import { shortName } from './describe.ts';
import { MUTATION_REJECTED } from './rejected.ts';
import { MUTATION_OVERWRITE } from './overwrite.ts';
import { INCOMPATIBLE_MUTATIONS } from './incompatible.ts';
import { recordInternalError } from '../internalErrors.ts';

export const ORDER_DEPENDENT = 'conflict/order-dependent';

/** Simulations per analysis and kind of question: each is a full admission of one witness through 2-6 policies. */
export const MAX_SIMULATIONS = 200;

type Obj = Record<string, unknown>;

export interface Witness {
  /** What the witness was built from (a workspace resource, or the synthetic kind/namespace): its identity for caching. */
  basis: unknown;
  /** The workspace ConfigMaps the policies read (context entries, apiCalls): part of the identity too. */
  reads: unknown[];
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
  try {
    return buildWitness(join, kind, owners, paths);
  } catch (error) {
    recordInternalError('simulation', error);
    return undefined;
  }
}

/** A kind's workspace resources per witness namespace, kept while the kind's list is the same array (no edit to a file of that kind). */
const inNamespace = new WeakMap<readonly Resource[], Map<string, readonly Resource[]>>();
function resourcesFor(join: ConflictJoin, kind: string, ns: string | undefined): readonly Resource[] {
  const all = join.resourcesOfKind(kind);
  if (!ns) return all;
  let byNamespace = inNamespace.get(all);
  if (!byNamespace) inNamespace.set(all, (byNamespace = new Map()));
  let list = byNamespace.get(ns);
  if (!list) byNamespace.set(ns, (list = all.filter((r) => !r.namespace || r.namespace === ns)));
  return list;
}

/**
 * The witness's object is built when first read: the memo of past simulations asks only for its
 * basis and reads, and every pass asks that of every candidate pair (a workspace Pod cloned per
 * pair and pass cost most of a keystroke's pass on the corpus).
 */
export function buildWitness(join: ConflictJoin, kind: string, owners: RuleRef[], paths: string[][], nth = 0): Witness | undefined {
  if (kind === '*') return undefined;
  // The same rules on the same resources make the same witness: kept while the kind's resources
  // and the ConfigMaps are the same lists (every pass asks for every candidate pair's witness).
  const key = `${kind}\u0000${nth}\u0000${paths.map((p) => p.join('\u0000')).join('\u0001')}`;
  const [resources, configMaps] = [join.resourcesOfKind(kind), join.resourcesOfKind('ConfigMap')];
  let byKey = witnesses.get(owners[0]);
  if (!byKey) witnesses.set(owners[0], (byKey = new Map()));
  const entries = byKey.get(key) ?? [];
  const hit = entries.find((e) => e.resources === resources && e.configMaps === configMaps && e.owners.length === owners.length && e.owners.every((o, i) => o === owners[i]));
  if (hit) return hit.witness;
  const witness = newWitness(join, kind, owners, paths, nth);
  byKey.set(key, [...entries.filter((e) => e.resources === resources && e.configMaps === configMaps).slice(-(MAX_WITNESSES_PER_KEY - 1)), { owners, resources, configMaps, witness }]);
  return witness;
}

/** Witnesses per first rule and question (see buildWitness); the entries of one key are few (one per other rule). */
const witnesses = new WeakMap<RuleRef, Map<string, { owners: RuleRef[]; resources: readonly Resource[]; configMaps: readonly Resource[]; witness: Witness | undefined }[]>>();
const MAX_WITNESSES_PER_KEY = 64;

function newWitness(join: ConflictJoin, kind: string, owners: RuleRef[], paths: string[][], nth: number): Witness | undefined {
  const ns = namespaceFor(owners);
  if (ns === null) return undefined;
  const labels = Object.assign({}, ...owners.map((o) => o.match.objectLabels ?? {})) as Record<string, string>;
  const namespaceLabels = Object.assign({}, ...owners.map((o) => o.match.namespaceLabels ?? {})) as Record<string, string>;
  const fromWorkspace = resourcesFor(join, kind, ns)[nth];
  if (nth > 0 && !fromWorkspace) return undefined;
  const finish = (object: Obj): Obj => {
    const metadata = (object.metadata ?? (object.metadata = {})) as Obj;
    if (metadata.namespace !== undefined && ns) metadata.namespace = ns;
    if (Object.keys(labels).length) metadata.labels = { ...((metadata.labels as Obj) ?? {}), ...labels };
    return object;
  };
  let object: Obj | undefined;
  let describe: string;
  if (fromWorkspace) describe = `the workspace's ${kind} ${fromWorkspace.namespace ? `${fromWorkspace.namespace}/` : ''}${fromWorkspace.name}`;
  else {
    const synthetic = witnessFor(kind, paths.map(plainPath));
    describe = `a minimal ${kind}${(synthetic.metadata as Obj | undefined)?.namespace !== undefined && ns ? ` in namespace ${ns}` : ''}`;
    object = finish(synthetic);
  }
  const reads = configMapsRead(join, owners);
  return {
    basis: fromWorkspace ?? `synthetic:${kind}:${ns}:${JSON.stringify(labels)}`,
    reads,
    get object(): Obj {
      return (object ??= finish(structuredClone(fromWorkspace!.raw) as Obj));
    },
    describe,
    context: { operation: 'CREATE', namespaceLabels: Object.keys(namespaceLabels).length ? namespaceLabels : undefined, clusterResources: reads as Obj[] },
  };
}

// Asked for every candidate pair on every pass: a rule's raw object is walked once per version.
const refsByRaw = new WeakMap<object, ReturnType<typeof configMapRefs>>();
function refsOf(raw: unknown): ReturnType<typeof configMapRefs> {
  if (!raw || typeof raw !== 'object') return configMapRefs(raw);
  let refs = refsByRaw.get(raw);
  if (!refs) refsByRaw.set(raw, (refs = configMapRefs(raw)));
  return refs;
}

/**
 * The workspace ConfigMaps the rules read: `context: configMap` entries, apiCalls to
 * `/api/v1/namespaces/<ns>/configmaps/<name>`, CEL `resource.Get("v1", "configmaps", ns, name)`.
 * A name or namespace computed from the request matches every ConfigMap with the fixed part.
 * The engine answers only from these: a ConfigMap the workspace lacks leaves the rule undecided.
 */
export function configMapsRead(join: ConflictJoin, owners: RuleRef[]): Obj[] {
  const wanted = owners.flatMap((o) => refsOf(o.policy.cls.family === 'kyverno-legacy' ? o.rule.raw : o.policy.raw));
  if (!wanted.length) return [];
  return join
    .resourcesOfKind('ConfigMap')
    .filter((r) => wanted.some((w) => matchesRef(w, r)))
    .slice(0, 20)
    .map((r) => r.raw as Obj);
}

export function run(object: Obj, owners: RuleRef[], context: AdmissionContext, order?: number[]): SimulationResult | undefined {
  try {
    return simulate(structuredClone(object), owners.map((o) => ({ doc: o.policy.raw })), context, order ? { order } : {});
  } catch (error) {
    recordInternalError('simulation', error);
    return undefined;
  }
}

export function mutated(result: SimulationResult, owner: RuleRef): boolean {
  return result.mutations.some((r) => r.policy === owner.policy.name && r.status === 'pass');
}

/**
 * Outcomes of past simulations, keyed by the facts involved (facts are cached per rule, so an
 * unchanged rule keeps its fact objects across edits) and the witness they ran on: an edit
 * re-simulates only the pairs whose rules or witness changed. A remembered outcome costs what it
 * cost (as in injected.ts): otherwise a later pass, whose early pairs are remembered, has budget
 * left for pairs a fresh pass never reaches, and its findings depend on what ran before. A quiet
 * outcome is charged once per content key and pass, as a fresh pass pays only for the first of
 * pairs with the same content (the others are known quiet by then).
 */
interface Memo {
  basis: unknown;
  others: unknown[];
  conflict: Conflict | null;
  cost: number;
}
const memo = new WeakMap<object, Map<object, Memo>>();

function recall(a: object, b: object, basis: unknown, others: unknown[]): Memo | undefined {
  const m = memo.get(a)?.get(b);
  return m && m.basis === basis && m.others.length === others.length && m.others.every((x, i) => x === others[i]) ? m : undefined;
}

function remember(a: object, b: object, entry: Memo): void {
  let inner = memo.get(a);
  if (!inner) memo.set(a, (inner = new Map()));
  inner.set(b, entry);
}

/**
 * Pairs simulated to no conflict, keyed by content: the policies' verdict keys (messages and
 * documentation annotations left out) and the facts' places in them. Typing in a message makes new
 * fact objects, but the same content meets the same verdicts, so nothing is simulated again. (A
 * conflict found is not reused this way: its text quotes the denying rule's message.) Bounded.
 */
const quiet = new Map<string, { basis: unknown; others: unknown[]; cost: number }>();
const QUIET_LIMIT = 50_000;
/** Simulations run, witness variants built for them, objects run in both orders by orderEvidence (tests count them). */
export const simulationWork = { pairs: 0, variants: 0, orders: 0 };

/** A rule by content: its policy's verdict key and its name. */
export const ownerKey = (o: RuleRef): string => `${verdictKeyOf(o.policy)}\u0000${o.rule.name}`;
function placeOf(fact: WriteFact | ReadFact, list: 'writes' | 'reads'): string | undefined {
  const i = (factsOf(fact.owner.policy, fact.owner.rule)[list] as readonly object[]).indexOf(fact);
  return i < 0 ? undefined : `${ownerKey(fact.owner)}\u0000${list}${i}`;
}
function quietKey(question: string, places: (string | undefined)[], owners: RuleRef[] = []): string | undefined {
  return places.every((p) => p !== undefined) ? [question, ...places, ...owners.map(ownerKey)].join('\u0001') : undefined;
}
/** The cost of a pair known to be quiet, or undefined. */
function knownQuiet(key: string | undefined, basis: unknown, others: unknown[]): number | undefined {
  const q = key === undefined ? undefined : quiet.get(key);
  return !!q && q.basis === basis && q.others.length === others.length && q.others.every((x, i) => x === others[i]) ? q.cost : undefined;
}
function rememberQuiet(key: string | undefined, basis: unknown, others: unknown[], cost: number): void {
  if (key === undefined) return;
  if (quiet.size >= QUIET_LIMIT) quiet.clear();
  quiet.set(key, { basis, others, cost });
}

/** A generator: it pauses after each bucket and each pair it decides (conflicts/index.ts, conflictSteps). */
export function* simulatedConflicts(join: ConflictJoin, found: Set<string>, out: (c: Conflict) => void): Generator<void> {
  let budget = MAX_SIMULATIONS;
  const spend = (n: number) => (budget -= n) >= 0;
  const paidQuiet = new Set<string>();
  const alone = new Map<RuleRef, Map<string, SimulationResult>>();
  const spendQuiet = (n: number, contentKey: string | undefined): boolean => {
    if (contentKey === undefined) return spend(n);
    if (paidQuiet.has(contentKey)) return true;
    paidQuiet.add(contentKey);
    return spend(n);
  };

  // 1. mutation-rejected, for pairs the facts could not decide.
  const rejectCandidates = new Map<string, Candidate<{ w: WriteFact; r: ReadFact }>>();
  // Buckets in witness order (Pods first): the first kind a pair meets in is its witness kind,
  // and later kinds (autogen repeats a Pod rule on every controller) skip it cheaply.
  const seen = new Map<RuleRef, Set<string>>();
  const firstTime = (w: WriteFact, b: RuleRef): boolean => {
    let set = seen.get(w.owner);
    if (!set) seen.set(w.owner, (set = new Set()));
    const k = `${b.id}\u0000${(w.podPath ?? w.path).join('\u0000')}`;
    if (set.has(k)) return false;
    set.add(k);
    return true;
  };
  const buckets = [...join.writeBuckets()].sort((x, y) => witnessRank(x.kind) - witnessRank(y.kind));
  for (const { kind, key: bucket, facts } of buckets) {
    // Pairs of one bucket worth simulating, reused while the bucket's facts stay the same objects.
    const reads = join.readsAlong(kind, facts[0].path);
    if (reads.length === 0) continue;
    const requirements = join.requirementsAlong(kind, facts[0].path);
    const pairs = join.memo.cached(`simulate-rejected\u0001${kind}\u0001${bucket}`, [...facts, ...reads, ...requirements], () => {
      const out: { w: WriteFact; r: ReadFact; key: string }[] = [];
      for (const w of facts) {
        for (const r of reads) {
          if (r.owner.policy === w.owner.policy || overlapOf(w.owner.match, r.owner.match).overlap === 'never') continue;
          // The facts already accept this value under every requirement the validation puts on the field.
          if (w.value !== UNKNOWN) {
            const reqs = requirements.filter((q) => q.owner.id === r.owner.id);
            if (reqs.length && reqs.every((q) => q.requirement.accepts(plainPath(w.path), w.value) === true)) continue;
          }
          out.push({ w, r, key: pairKey(MUTATION_REJECTED, w.owner, r.owner) });
        }
      }
      return out;
    });
    for (const { w, r, key } of pairs) {
      if (!firstTime(w, r.owner) || found.has(key)) continue;
      bestByKey(rejectCandidates, key, kind, { w, r });
    }
    yield;
  }
  for (const [key, { kind, item: { w, r } }] of rejectCandidates) {
    try {
      rejectedBySimulation(key, kind, w, r);
    } catch (error) {
      // A witness the engine cannot handle decides nothing, but is counted.
      recordInternalError('simulation', error);
    }
    yield;
  }
  function rejectedBySimulation(key: string, kind: string, w: WriteFact, r: ReadFact): void {
    const overlap = overlapOf(w.owner.match, r.owner.match);
    if (overlap.overlap === 'never') return;
    const witness = witnessOf(join, kind, [w.owner, r.owner], [w.path, r.path]);
    if (!witness) return;
    const contentKey = quietKey(`rejected\u0000${kind}`, [placeOf(w, 'writes'), placeOf(r, 'reads')]);
    const known = recall(w, r, witness.basis, witness.reads);
    if (known) {
      if (!(known.conflict ? spend(known.cost) : spendQuiet(known.cost, contentKey))) return;
      if (known.conflict) {
        found.add(key);
        out(known.conflict);
      }
      return;
    }
    const quietCost = knownQuiet(contentKey, witness.basis, witness.reads);
    if (quietCost !== undefined) {
      if (!spendQuiet(quietCost, contentKey)) return;
      remember(w, r, { basis: witness.basis, others: witness.reads, conflict: null, cost: quietCost });
      return;
    }
    simulationWork.pairs++;
    const before = budget;
    const conflict = simulateRejection(key, kind, w, r, witness, overlap.overlap);
    if (conflict === undefined) return; // out of budget: decide next time
    const cost = before - budget;
    remember(w, r, { basis: witness.basis, others: witness.reads, conflict, cost });
    if (conflict === null) {
      rememberQuiet(contentKey, witness.basis, witness.reads, cost);
      if (contentKey !== undefined) paidQuiet.add(contentKey);
    }
    if (conflict) {
      found.add(key);
      out(conflict);
    }
  }

  // The validation alone on a variant does not depend on the write: every write paired with one
  // validation on one witness asks it again (about half of these runs on the corpus). Kept for this
  // pass, by content; a run that failed is not kept (each failure is counted).
  function validationAlone(variant: Obj, owner: RuleRef, context: AdmissionContext): SimulationResult | undefined {
    let key: string;
    try {
      key = JSON.stringify([variant, context]);
    } catch {
      return run(variant, [owner], context); // a value JSON cannot hold (a cycle through aliases)
    }
    let byContent = alone.get(owner);
    if (!byContent) alone.set(owner, (byContent = new Map()));
    let result = byContent.get(key);
    if (!result) {
      result = run(variant, [owner], context);
      if (result) byContent.set(key, result);
    }
    return result;
  }

  function simulateRejection(key: string, kind: string, w: WriteFact, r: ReadFact, witness: Witness, overlap: 'always' | 'maybe'): Conflict | null | undefined {
    // Variants of the witness at the written field: as is, without it, and with each constant the
    // validation mentions; the first one the validation admits alone is the one to mutate.
    // Built only once the budget pays for it: a pass that has run out still meets every candidate
    // pair, and cloning the witness per pair then cost most of a keystroke's pass on the corpus.
    const variants: (() => Obj)[] = [() => witness.object, () => without(witness.object, plainPath(w.path)), ...scalars(r.owner.rule.raw).map((v) => () => withValue(witness.object, plainPath(w.path), v))];
    let alone: SimulationResult | undefined;
    let after: SimulationResult | undefined;
    let deniedAll = true;
    for (const build of variants) {
      if (!spend(2)) return undefined;
      simulationWork.variants++;
      const variant = build();
      const a = validationAlone(variant, r.owner, witness.context);
      const m = run(variant, [w.owner, r.owner], witness.context);
      if (!a || !m) continue;
      if (m.verdict.admitted || m.verdict.deniedBy?.policy !== r.owner.policy.name) deniedAll = false;
      if (!after && a.verdict.admitted && !m.verdict.admitted && m.verdict.deniedBy?.policy === r.owner.policy.name && mutated(m, w.owner)) [alone, after] = [a, m];
    }
    if (!alone || !after) return null;
    const every = deniedAll && w.guard === 'always' && overlap === 'always';
    const field = displayPath(w.path);
    return {
      check: MUTATION_REJECTED,
      severity: every ? 'error' : 'warning',
      kind,
      field,
      sides: [
        { owner: w.owner, at: w.source, note: `${shortName(w.owner)} writes \`${field}\``, needle: w.path[w.path.length - 1] },
        { owner: r.owner, at: validationRef(r.owner), note: `${shortName(r.owner)} (enforcing) denies the result: ${after.verdict.deniedBy?.reason ?? 'validation failed'}` },
      ],
      message: `${every ? `Every ${kind} matched by both is denied; simulated` : 'Simulated'} on ${witness.describe}: ${shortName(r.owner)} (enforcing) admits it as submitted but denies it after ${shortName(w.owner)} writes \`${field}\` (${after.verdict.deniedBy?.reason ?? 'validation failed'}); mutations run before validations.`,
      key,
      writes: [w],
    };
  }

  budget = MAX_SIMULATIONS;
  /** Both orders of one pair. */
  const ORDER_COST = 2;
  // 2. order-dependent: two mutations on one path, simulated in both orders with the enforcing
  //    validations that read it; reported unless an overwrite/incompatible finding already explains the pair.
  const orderCandidates = new Map<string, Candidate<{ a: WriteFact; b: WriteFact }>>();
  for (const { kind, key: bucket, facts } of join.writeBuckets()) {
    if (facts.length < 2 || facts.length > 12) continue;
    const pairs = join.memo.cached(`simulate-order\u0001${kind}\u0001${bucket}`, facts, () => {
      const out: { a: WriteFact; b: WriteFact }[] = [];
      for (let i = 0; i < facts.length; i++) {
        for (let j = i + 1; j < facts.length; j++) {
          const [a, b] = [facts[i], facts[j]];
          if (a.owner.policy === b.owner.policy || overlapOf(a.owner.match, b.owner.match).overlap === 'never') continue;
          if (a.guard === 'ifAbsent' && b.guard === 'ifAbsent') continue;
          // Two unconditional writes of one constant give one result in every order.
          if (a.value !== UNKNOWN && a.guard === 'always' && b.guard === 'always' && equal(a.value, b.value)) continue;
          out.push({ a, b });
        }
      }
      return out;
    });
    for (const { a, b } of pairs) {
      if (found.has(pairKey(MUTATION_OVERWRITE, a.owner, b.owner)) || found.has(pairKey(INCOMPATIBLE_MUTATIONS, a.owner, b.owner))) continue;
      bestByKey(orderCandidates, pairKey(ORDER_DEPENDENT, a.owner, b.owner), kind, { a, b });
    }
    yield;
  }
  for (const [key, { kind, item: { a, b } }] of orderCandidates) {
    yield;
    if (overlapOf(a.owner.match, b.owner.match).overlap === 'never') continue;
    const validators = uniqueOwners(join.readsAlong(kind, a.path).map((r) => r.owner)).filter((v) => overlapOf(v.match, a.owner.match).overlap !== 'never').slice(0, 4);
    const owners = [a.owner, b.owner, ...validators];
    const witness = witnessOf(join, kind, [a.owner, b.owner], [a.path]);
    if (!witness) continue;
    const contentKey = quietKey(`order\u0000${kind}`, [placeOf(a, 'writes'), placeOf(b, 'writes')], validators);
    const known = recall(a, b, witness.basis, [...validators, ...witness.reads]);
    if (known) {
      if (!(known.conflict ? spend(known.cost) : spendQuiet(known.cost, contentKey))) continue;
      if (known.conflict) {
        found.add(key);
        out(known.conflict);
      }
      continue;
    }
    const quietCost = knownQuiet(contentKey, witness.basis, witness.reads);
    if (quietCost !== undefined) {
      if (!spendQuiet(quietCost, contentKey)) continue;
      remember(a, b, { basis: witness.basis, others: [...validators, ...witness.reads], conflict: null, cost: quietCost });
      continue;
    }
    if (!spend(ORDER_COST)) continue;
    simulationWork.pairs++;
    // Remembered as "no conflict" unless a finding is emitted below.
    remember(a, b, { basis: witness.basis, others: [...validators, ...witness.reads], conflict: null, cost: ORDER_COST });
    rememberQuiet(contentKey, witness.basis, witness.reads, ORDER_COST);
    if (contentKey !== undefined) paidQuiet.add(contentKey);
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
      const diff = firstDifference(finalObject(ab), finalObject(ba), []) ?? [];
      const where = diff.length ? displayPath(diff) : field;
      message = `Simulated on ${witness.describe}: \`${where}\` ends differently when ${na} runs last than when ${nb} runs last; Kyverno does not order mutations across policies.`;
    }
    if (!message) continue;
    const conflict: Conflict = {
      check: ORDER_DEPENDENT,
      severity: 'warning',
      kind,
      field,
      sides: [
        { owner: a.owner, at: a.source, note: `${na} writes \`${field}\``, needle: a.path[a.path.length - 1] },
        { owner: b.owner, at: b.source, note: `${nb} writes \`${field}\``, needle: b.path[b.path.length - 1] },
      ],
      context: validators.filter((v) => [ab, ba].some((r) => r.verdict.deniedBy?.policy === v.policy.name)).map((v) => ({ owner: v, at: validationRef(v), note: `${shortName(v)} denies the result in one order` })),
      message,
      key,
      writes: [a, b],
    };
    remember(a, b, { basis: witness.basis, others: [...validators, ...witness.reads], conflict, cost: ORDER_COST });
    if (contentKey !== undefined) {
      quiet.delete(contentKey);
      paidQuiet.delete(contentKey);
    }
    found.add(key);
    out(conflict);
  }
}

/** What simulating both orders says about two writes whose conditions the facts cannot decide. */
export type OrderEvidence = 'differs' | 'same' | 'undecided';

/** Workspace resources tried as witnesses of one pair, besides the synthetic one. */
const MAX_WORKSPACE_WITNESSES = 3;
/** Simulations (two orders each) for confirming conditional overwrites, per analysis. */
export const MAX_ORDER_CHECKS = 1000;
/**
 * Past answers per pair of rules and kind: the evidence depends on the two rules, the kind and the
 * witnesses only, not on which of their writes met (autogen and several fields give one pair of
 * rules many pairs of writes in one bucket list, each asking the same question).
 */
const orderMemo = new WeakMap<RuleRef, Map<RuleRef, Map<string, { bases: unknown[]; evidence: OrderEvidence; cost: number }>>>();

/**
 * Runs two mutating rules in both orders on witnesses — workspace resources of the kind, a
 * synthetic one, and variants that satisfy the rules' preconditions — each rule evaluated
 * (preconditions, conditions, anchors, CEL conditions) on the object as the other one left it,
 * as Kyverno refreshes `request.object` between policies. 'differs': some witness ends
 * differently; 'same': on every witness where both apply the result is the same in both orders
 * (a rule whose condition the other write defeats, a guarded rewrite that does not hold);
 * 'undecided': no witness lets both apply, or the engine cannot run them.
 */
export function orderEvidence(join: ConflictJoin, kind: string, a: WriteFact, b: WriteFact, budget: { left: number }): OrderEvidence {
  const witnesses: Witness[] = [];
  for (let n = 0; n <= MAX_WORKSPACE_WITNESSES; n++) {
    let w: Witness | undefined;
    try {
      w = buildWitness(join, kind, [a.owner, b.owner], [], n); // no placeholders: they would defeat "absent" conditions
    } catch (error) {
      recordInternalError('simulation', error);
      w = undefined;
    }
    if (w) witnesses.push(w);
    if (!w || !join.resourcesOfKind(kind).length) break;
  }
  if (!witnesses.length) return 'undecided';
  const bases = [...witnesses.map((w) => w.basis), ...witnesses[0].reads];
  const known = orderMemo.get(a.owner)?.get(b.owner)?.get(kind);
  // A remembered answer costs what it cost to find: the budget then runs out at the same pair
  // whatever the edit history, and an incremental pass equals a fresh one.
  if (known && known.bases.length === bases.length && known.bases.every((x, i) => x === bases[i])) return (budget.left -= known.cost) < 0 ? 'undecided' : known.evidence;
  const objects = witnesses.flatMap((w) => [w, ...preconditionVariants(kind, [a.owner, b.owner]).map((v) => ({ ...w, object: v(w.object) }))]).slice(0, 12);
  let evidence: OrderEvidence = 'undecided';
  let cost = 0;
  // Variants often equal a witness (the precondition's value is already there): the engine
  // answers an equal object alike (random() and time_now() aside, which differ run to run
  // anyway), so such an object can only repeat its twin's answer. It is charged all the same,
  // and an object whose run failed is run again (each failure is counted).
  const ran: Witness[] = [];
  for (const w of objects) {
    cost += 2;
    if ((budget.left -= 2) < 0) return 'undecided';
    if (ran.some((x) => equal(x.object, w.object) && equal(x.context, w.context))) continue;
    simulationWork.orders++;
    const ab = run(w.object, [a.owner, b.owner], w.context, [0, 1]);
    const ba = run(w.object, [a.owner, b.owner], w.context, [1, 0]);
    if (!ab || !ba) continue;
    ran.push(w);
    if (!(mutated(ab, a.owner) || mutated(ba, a.owner)) || !(mutated(ab, b.owner) || mutated(ba, b.owner))) continue;
    if (!equal(finalObject(ab), finalObject(ba))) {
      evidence = 'differs';
      break;
    }
    evidence = 'same';
  }
  let byOther = orderMemo.get(a.owner);
  if (!byOther) orderMemo.set(a.owner, (byOther = new Map()));
  let byKind = byOther.get(b.owner);
  if (!byKind) byOther.set(b.owner, (byKind = new Map()));
  byKind.set(kind, { bases, evidence, cost });
  return evidence;
}

/**
 * Witness variants that satisfy a legacy precondition on a field of the object
 * (`{{ request.object.spec.dnsPolicy }}` AnyIn [ClusterFirst, None]): the field set to each
 * constant it is compared with, a few.
 */
export function preconditionVariants(kind: string, owners: RuleRef[]): ((o: Obj) => Obj)[] {
  const out: ((o: Obj) => Obj)[] = [];
  // A Pod rule reaches controllers through autogen, at the pod template.
  const at = (path: string[]): string[] => (isPodLike(kind) && podFormPath(kind, path) === undefined && (path[0] === 'spec' || path[0] === 'metadata') ? autogenPath(kind, path) : path);
  const visit = (node: unknown): void => {
    if (out.length >= 4 || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const c = node as Obj;
    const m = typeof c.key === 'string' ? /^\{\{\s*request\.object\.((?:[A-Za-z0-9_-]+|"[^"]+")(?:\.(?:[A-Za-z0-9_-]+|"[^"]+"))*)\s*(?:\|\|\s*''\s*)?\}\}$/.exec(c.key) : null;
    if (m && /^(Equals|AnyIn|AllIn|In)$/.test(String(c.operator))) {
      const values = (Array.isArray(c.value) ? c.value : [c.value]).filter((v) => ['string', 'number', 'boolean'].includes(typeof v) && !String(v).includes('{{') && !/[*?]/.test(String(v)));
      const path = (m[1].match(/"[^"]+"|[^.]+/g) ?? []).map((seg) => seg.replace(/^"|"$/g, ''));
      for (const v of values.slice(0, 2)) out.push((o) => withValue(o, at(path), v));
      return;
    }
    Object.values(c).forEach(visit);
  };
  // A conditional anchor `(image): "docker.io/*"` in a strategic-merge patch: the field set to a
  // value the glob accepts.
  const anchors = (node: unknown, path: string[]): void => {
    if (out.length >= 6 || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((x) => anchors(x, [...path, '*']));
    for (const [k, v] of Object.entries(node as Obj)) {
      const m = /^\((.+)\)$/.exec(k);
      if (m && typeof v === 'string' && !v.includes('{{') && v !== '*' && v !== '?*' && !/[|!<>&]/.test(v)) {
        const value = v.replace(/\*/g, 'x').replace(/\?/g, 'x');
        out.push((o) => withValue(o, at([...path, m[1]]), value));
      } else if (!m) anchors(v, [...path, k.replace(/^[+=X^<]?\((.+)\)$/, '$1')]);
    }
  };
  for (const o of owners) {
    visit(o.rule.raw.preconditions);
    const mutate = o.rule.raw.mutate as Obj | undefined;
    if (mutate?.patchStrategicMerge) anchors(mutate.patchStrategicMerge, []);
  }
  return out;
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

/** The validation part of a rule: a legacy rule's `validate`, a CEL policy's `validations`. */
export function validationRef(owner: RuleRef): SourceRef {
  const src = owner.rule.source;
  return owner.policy.cls.family === 'kyverno-legacy' ? { ...src, path: [...src.path, 'validate'] } : { ...src, path: ['spec', 'validations'] };
}

function without(object: Obj, path: string[]): Obj {
  const copy = structuredClone(object);
  const visit = (node: unknown, i: number): void => {
    if (!node || typeof node !== 'object') return;
    if (path[i] === '*') return Array.isArray(node) ? node.forEach((x) => visit(x, i + 1)) : undefined;
    if (i === path.length - 1) delete (node as Obj)[path[i]];
    else visit((node as Obj)[path[i]], i + 1);
  };
  visit(copy, 0);
  return copy;
}

function withValue(object: Obj, path: string[], value: unknown): Obj {
  const copy = structuredClone(object);
  const visit = (node: Obj, i: number): void => {
    const seg = path[i];
    if (i >= path.length || seg === '*') return;
    if (i === path.length - 1) { node[seg] = value; return; }
    if (path[i + 1] === '*') {
      if (i + 2 >= path.length) { node[seg] = [value]; return; }
      const list = Array.isArray(node[seg]) ? (node[seg] as unknown[]) : (node[seg] = [{}]) as unknown[];
      if (list.length === 0) list.push({});
      for (const item of list) if (item && typeof item === 'object' && !Array.isArray(item)) visit(item as Obj, i + 2);
      return;
    }
    if (!node[seg] || typeof node[seg] !== 'object') node[seg] = {};
    visit(node[seg] as Obj, i + 1);
  };
  visit(copy, 0);
  return copy;
}

/** Scalar constants a validation mentions (pattern leaves, deny values, CEL literals), a few. */
function scalars(raw: unknown): unknown[] {
  const out = new Set<unknown>();
  const visit = (node: unknown, key: string): void => {
    if (out.size >= 4) return;
    if (typeof node === 'string') {
      if (key === 'expression') for (const m of node.matchAll(/'([^'\\]*)'|"([^"\\]*)"/g)) out.add(m[1] ?? m[2]);
      else if (key !== 'message' && key !== 'key' && !node.includes('{{') && !/[*?|!<>]/.test(node)) out.add(node);
    } else if (typeof node === 'number' || typeof node === 'boolean') out.add(node);
    else if (Array.isArray(node)) node.forEach((x) => visit(x, key));
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) if (k !== 'match' && k !== 'exclude' && k !== 'name') visit(v, k);
  };
  visit(raw, '');
  return [...out].slice(0, 4);
}

/** The first path (lists as '*') where two canonical objects differ. */
function firstDifference(a: unknown, b: unknown, path: string[]): string[] | undefined {
  if (equal(a, b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) { const d = firstDifference(a[i], b[i], [...path, '*']); if (d) return d; }
    return path;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a as Obj), ...Object.keys(b as Obj)])) {
      const d = firstDifference((a as Obj)[k], (b as Obj)[k], [...path, k]);
      if (d) return d;
    }
  }
  return path;
}

function uniqueOwners(owners: RuleRef[]): RuleRef[] {
  const seen = new Set<unknown>();
  return owners.filter((o) => (seen.has(o.policy) ? false : (seen.add(o.policy), true)));
}

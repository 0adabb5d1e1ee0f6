// The join: facts of every rule, indexed by kind and field path. Pairs are only ever formed
// inside one (kind, path) bucket (or along the prefixes of one path), never across all rules.
import type { WorkspaceIndex } from '../workspace/index.ts';
import type { FileId } from '../findings.ts';
import type { Policy, Resource, SourceRef } from '../model/types.ts';
import { factsOf, type ReadFact, type RequirementFact, type RuleFacts, type TargetFact, type WriteFact } from './facts.ts';
import { pathKey, witnessRank } from './paths.ts';
import type { RuleRef } from './facts.ts';

export interface ConflictSide {
  owner: RuleRef;
  /** The exact part of the rule involved (the written value, the pattern leaf, the expression). */
  at: SourceRef;
  /** `sets runAsUser: 0`, for related information. */
  note: string;
  /** For CEL expressions: a piece of text inside the expression to narrow the span to. */
  needle?: string;
}

export interface Conflict {
  check: string;
  severity: 'error' | 'warning';
  /** The witness kind ('Pod', 'Deployment', '*'). */
  kind: string;
  field: string;
  sides: ConflictSide[];
  /** Other rules that take part (the validation that denies in one order): related information only. */
  context?: ConflictSide[];
  /** One sentence stating the witness and the outcome. */
  message: string;
  /** Identity across kinds (autogen repeats a pair on every controller): the best witness is kept. */
  key: string;
  writes?: WriteFact[];
  /** For mutation-rejected: the validation's requirement (to align one side with the other). */
  requirement?: RequirementFact;
}

type Buckets<T> = Map<string, Map<string, T[]>>;

/**
 * Results per bucket, kept from one index revision to the next: a bucket whose inputs (fact
 * objects, cached per rule) are the same objects as last time reuses its result, so an edit
 * recomputes only the buckets the edited rules take part in.
 */
export class BucketMemo {
  private prev = new Map<string, { inputs: readonly unknown[]; value: unknown }>();
  private next = new Map<string, { inputs: readonly unknown[]; value: unknown }>();

  cached<T>(key: string, inputs: readonly unknown[], compute: () => T): T {
    const old = this.prev.get(key) ?? this.next.get(key);
    if (old && old.inputs.length === inputs.length && old.inputs.every((x, i) => x === inputs[i])) {
      this.next.set(key, old);
      return old.value as T;
    }
    const value = compute();
    this.next.set(key, { inputs, value });
    return value;
  }

  /**
   * As `cached`, but a bucket whose inputs changed is computed knowing its last value (whatever
   * its inputs were then), so a compute can reuse the part of it the change did not touch.
   */
  updated<T>(key: string, inputs: readonly unknown[], compute: (stale: T | undefined) => T): T {
    const old = this.prev.get(key) ?? this.next.get(key);
    return this.cached(key, inputs, () => compute(old?.value as T | undefined));
  }

  /** Conflicts of one bucket, computed or reused, emitted to `out`. */
  run(key: string, inputs: readonly unknown[], out: (c: Conflict) => void, compute: (emit: (c: Conflict) => void) => void): void {
    const conflicts = this.cached(key, inputs, () => {
      const list: Conflict[] = [];
      compute((c) => list.push(c));
      return list;
    });
    for (const c of conflicts) out(c);
  }

  /** Ends a pass: what was not used in it is dropped. */
  rotate(): void {
    this.prev = this.next;
    this.next = new Map();
  }
}

/**
 * The bucket keys of a path's plain prefixes, the empty one first. Per path array (a fact's path
 * lives as long as its fact): the finders ask for every bucket on every pass.
 */
const prefixKeys = new WeakMap<readonly string[], readonly string[]>();
function prefixKeysOf(path: readonly string[]): readonly string[] {
  let keys = prefixKeys.get(path);
  if (!keys) {
    const plain = plainPath(path as string[]);
    prefixKeys.set(path, (keys = Array.from({ length: plain.length + 1 }, (_, n) => pathKey(plain.slice(0, n)))));
  }
  return keys;
}

/** A write path as a validation sees it: named SMP elements are list elements. */
export function plainPath(path: string[]): string[] {
  return path.map((s) => (s.includes('=') ? '*' : s));
}

const targetKey = (t: TargetFact): string | undefined => {
  const { apiVersion, kind, namespace, name } = t.target;
  return kind && name ? [apiVersion, kind, namespace ?? '', name].join('\u0000') : undefined;
};

/**
 * Replaces a bucket's list instead of changing it: the memo compares a bucket's inputs by
 * identity, so an untouched bucket must keep its very list and a touched one must get a new one.
 */
function without<T>(list: readonly T[], gone: ReadonlySet<unknown>): T[] {
  return list.filter((x) => !gone.has(x));
}

/**
 * Facts in a bucket stay in workspace order (file by file, rule by rule), whatever order edits
 * came in: messages that name "the one that runs last" read the same in the editor and the CLI.
 * A list made during this sync is the join's own and grows in place; a list from an earlier sync
 * may be held by the memo as a bucket's inputs, so it is copied first.
 */
function withRanked<T>(list: T[], fact: T, rankOf: (x: T) => number, fresh: WeakSet<object>): T[] {
  const rank = rankOf(fact);
  // The list is in rank order: the first place with a greater rank, found by halving (lists of thousands, an edit early in the workspace).
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rankOf(list[mid]) > rank) hi = mid;
    else lo = mid + 1;
  }
  const i = lo;
  const out = fresh.has(list) ? list : list.slice();
  fresh.add(out);
  out.splice(i, 0, fact);
  return out;
}

/**
 * The join, kept across index revisions: after an edit it takes out the facts of the changed
 * files and puts in their new ones, touching only the buckets those facts sit in (facts are cached
 * per rule object, so an unchanged rule brings back the very same fact objects).
 */
export class ConflictJoin {
  readonly writes: Buckets<WriteFact> = new Map();
  readonly requirements: Buckets<RequirementFact> = new Map();
  readonly reads: Buckets<ReadFact> = new Map();
  readonly targets = new Map<string, TargetFact[]>();
  /** Rules that verify images (few): the image check meets every rewrite with them. */
  private readonly imageVerifiers = new Set<RuleFacts>();
  /** Enforcing requirements of one exact value with the field required: the only ones that can be unsatisfiable. */
  private readonly strictRequirements = new Set<RequirementFact>();
  private readonly factsByFile = new Map<FileId, RuleFacts[]>();
  private readonly ranks = new Map<unknown, number>();
  private readonly sequence = new Map<FileId, number>();
  private nextSequence = 0;
  private seenRevision = -1;
  /** Bucket lists made during the current sync (see withRanked). */
  private fresh = new WeakSet<object>();

  constructor(readonly index: WorkspaceIndex, readonly memo: BucketMemo = new BucketMemo()) {
    this.sync();
  }

  /** Brings the join up to the index's revision: the changed files only, or everything when too far behind. */
  sync(): void {
    if (this.seenRevision === this.index.revision) return;
    this.fresh = new WeakSet();
    const changed = this.seenRevision < 0 ? undefined : this.index.changedSince(this.seenRevision);
    if (changed) {
      for (const file of changed) {
        this.remove(file);
        const indexed = this.index.getFile(file);
        if (indexed) this.addFile(file, indexed.documents);
      }
    } else {
      for (const file of [...this.factsByFile.keys()]) this.remove(file);
      for (const indexed of this.index.files()) this.addFile(indexed.file, indexed.documents);
    }
    this.seenRevision = this.index.revision;
  }

  private readonly rankOf = (fact: unknown): number => this.ranks.get(fact) ?? 0;

  private addFile(file: FileId, documents: readonly { policy?: Policy }[]): void {
    const list: RuleFacts[] = [];
    let seq = this.sequence.get(file);
    if (seq === undefined) this.sequence.set(file, (seq = this.nextSequence++));
    let ordinal = 0;
    const ranked = <T>(fact: T): T => {
      this.ranks.set(fact, seq * 2 ** 20 + ordinal++);
      return fact;
    };
    for (const doc of documents) {
      if (!doc.policy) continue;
      for (const rule of doc.policy.rules) {
        const facts = ranked(factsOf(doc.policy, rule));
        list.push(facts);
        for (const w of facts.writes) this.insert(this.writes, w.kind, pathKey(w.path), ranked(w));
        for (const r of facts.requirements) {
          this.insert(this.requirements, r.kind, pathKey(r.path), ranked(r));
          if (r.owner.enforcing && r.requirement.wanted && r.requirement.acceptsAbsent === false) this.strictRequirements.add(r);
        }
        for (const r of facts.reads) this.insert(this.reads, r.kind, pathKey(r.path), ranked(r));
        for (const t of facts.targets) {
          const key = targetKey(t);
          if (key) this.targets.set(key, withRanked(this.targets.get(key) ?? [], ranked(t), this.rankOf, this.fresh));
        }
        if (facts.imageReferences.length) this.imageVerifiers.add(facts);
      }
    }
    if (list.length) this.factsByFile.set(file, list);
  }

  private insert<T>(buckets: Buckets<T>, kind: string, key: string, fact: T): void {
    let byPath = buckets.get(kind);
    if (!byPath) buckets.set(kind, (byPath = new Map()));
    byPath.set(key, withRanked(byPath.get(key) ?? [], fact, this.rankOf, this.fresh));
  }

  private remove(file: FileId): void {
    const list = this.factsByFile.get(file);
    if (!list) {
      if (!this.index.getFile(file)) this.sequence.delete(file);
      return;
    }
    this.factsByFile.delete(file);
    if (!this.index.getFile(file)) this.sequence.delete(file);
    const gone = new Set<unknown>();
    for (const facts of list) {
      this.imageVerifiers.delete(facts);
      for (const x of [...facts.writes, ...facts.requirements, ...facts.reads, ...facts.targets]) gone.add(x);
      for (const r of facts.requirements) this.strictRequirements.delete(r);
    }
    for (const facts of list) {
      for (const w of facts.writes) this.drop(this.writes, w.kind, pathKey(w.path), w, gone);
      for (const r of facts.requirements) this.drop(this.requirements, r.kind, pathKey(r.path), r, gone);
      for (const r of facts.reads) this.drop(this.reads, r.kind, pathKey(r.path), r, gone);
      for (const t of facts.targets) {
        const key = targetKey(t);
        const bucket = key ? this.targets.get(key) : undefined;
        if (!key || !bucket || !bucket.some((x) => gone.has(x))) continue;
        const rest = without(bucket, gone);
        this.fresh.add(rest);
        if (rest.length) this.targets.set(key, rest);
        else this.targets.delete(key);
      }
    }
    // After the drops: they find a fact by its rank.
    for (const fact of gone) this.ranks.delete(fact);
    for (const facts of list) this.ranks.delete(facts);
  }

  private drop<T>(buckets: Buckets<T>, kind: string, key: string, fact: T, gone: ReadonlySet<unknown>): void {
    const byPath = buckets.get(kind);
    const bucket = byPath?.get(key);
    if (!byPath || !bucket || !this.holds(bucket, fact)) return; // already dropped (several facts of one bucket)
    const rest = without(bucket, gone);
    this.fresh.add(rest);
    if (rest.length) byPath.set(key, rest);
    else {
      byPath.delete(key);
      if (byPath.size === 0) buckets.delete(kind);
    }
  }

  /** Whether a bucket (in rank order) still holds the fact: found by halving, not by a walk of thousands. */
  private holds<T>(bucket: readonly T[], fact: T): boolean {
    const rank = this.rankOf(fact);
    let lo = 0;
    let hi = bucket.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rankOf(bucket[mid]) < rank) lo = mid + 1;
      else hi = mid;
    }
    return bucket[lo] === fact;
  }

  /** Every (kind, path) bucket of writes, with the writes of rules matching any kind folded in. */
  /**
   * Buckets in workspace order (by their first fact), not in the order they were created: after
   * any history of edits, the conflicts come out in the order a fresh analysis gives.
   */
  private ordered<T>(buckets: Buckets<T>): { kind: string; key: string; facts: T[] }[] {
    const out: { kind: string; key: string; facts: T[] }[] = [];
    for (const [kind, byPath] of buckets) for (const [key, facts] of byPath) out.push({ kind, key, facts });
    return out.sort((a, b) => this.rankOf(a.facts[0]) - this.rankOf(b.facts[0]));
  }

  /** Every (kind, path) bucket of writes, with the writes of rules matching any kind folded in. */
  *writeBuckets(): Generator<{ kind: string; key: string; facts: WriteFact[] }> {
    yield* this.writeBucketList();
  }

  /** Several finders walk the buckets per pass: they are listed (and sorted) once per sync. */
  private bucketList: { revision: number; buckets: readonly { kind: string; key: string; facts: WriteFact[] }[] } | undefined;
  private writeBucketList(): readonly { kind: string; key: string; facts: WriteFact[] }[] {
    if (this.bucketList?.revision !== this.seenRevision) this.bucketList = { revision: this.seenRevision, buckets: [...this.listWriteBuckets()] };
    return this.bucketList.buckets;
  }

  private *listWriteBuckets(): Generator<{ kind: string; key: string; facts: WriteFact[] }> {
    const star = this.writes.get('*');
    for (const { kind, key, facts } of this.ordered(this.writes)) {
      const byPath = this.writes.get(kind)!;
      // A named element (`containers[name=app]`) also meets writes to every element (`containers[*]`).
      const general = key.split('\u0000').map((s) => (s.includes('=') ? '*' : s)).join('\u0000');
      const more = general === key ? [] : byPath.get(general) ?? [];
      const stars = kind === '*' ? [] : [...(star?.get(key) ?? []), ...(general === key ? [] : star?.get(general) ?? [])];
      yield { kind, key, facts: more.length || stars.length ? [...facts, ...more, ...stars] : facts };
    }
  }

  /** The kinds that have writes, in workspace order (asked by several finders per pass: listed once per sync). */
  writeKinds(): string[] {
    if (this.kindList?.revision !== this.seenRevision) this.kindList = { revision: this.seenRevision, kinds: [...new Set(this.writeBucketList().map((b) => b.kind))] };
    return [...this.kindList.kinds];
  }
  private kindList: { revision: number; kinds: readonly string[] } | undefined;

  /** Generate targets met by more than one rule's output, in workspace order. */
  targetBuckets(): TargetFact[][] {
    return [...this.targets.values()].sort((a, b) => this.rankOf(a[0]) - this.rankOf(b[0]));
  }

  strictRequirementsInOrder(): RequirementFact[] {
    return [...this.strictRequirements].sort((a, b) => this.rankOf(a) - this.rankOf(b));
  }

  imageVerifiersInOrder(): RuleFacts[] {
    return [...this.imageVerifiers].sort((a, b) => this.rankOf(a) - this.rankOf(b));
  }


  /** The workspace's resources of one kind (witnesses for the simulation). */
  resourcesOfKind(kind: string): readonly Resource[] {
    return this.index.resourcesOfKind(kind);
  }

  /** Writes of one kind (with '*'), for invariants that combine several fields; sorted once per sync and kind (several finders ask). */
  writesOfKind(kind: string): WriteFact[] {
    if (this.kindWrites.revision !== this.seenRevision) this.kindWrites = { revision: this.seenRevision, byKind: new Map() };
    let list = this.kindWrites.byKind.get(kind);
    if (!list) this.kindWrites.byKind.set(kind, (list = this.sortedWritesOfKind(kind)));
    return [...list];
  }
  private kindWrites: { revision: number; byKind: Map<string, readonly WriteFact[]> } = { revision: -1, byKind: new Map() };

  private sortedWritesOfKind(kind: string): WriteFact[] {
    const out: WriteFact[] = [];
    for (const k of kind === '*' ? ['*'] : [kind, '*']) for (const list of this.writes.get(k)?.values() ?? []) out.push(...list);
    return out.sort((a, b) => this.rankOf(a) - this.rankOf(b));
  }

  /** Requirements of `kind` on `path` or on any of its prefixes (a CEL `all()` over a list reads the list). */
  requirementsAlong(kind: string, path: string[]): RequirementFact[] {
    return this.requirementListsAlong(kind, path).flat();
  }

  /**
   * The bucket lists `requirementsAlong` concatenates, in its order: a list is replaced, never
   * changed, when an edit touches it, so a caller may key what it derives from one by identity.
   */
  requirementListsAlong(kind: string, path: string[]): RequirementFact[][] {
    const out: RequirementFact[][] = [];
    const prefixes = prefixKeysOf(path);
    for (const k of kind === '*' ? ['*'] : [kind, '*']) {
      const byPath = this.requirements.get(k);
      if (!byPath) continue;
      for (let n = 0; n < prefixes.length; n++) {
        const list = byPath.get(prefixes[n]);
        if (list) out.push(list);
      }
    }
    return out;
  }

  /** Enforcing validations reading `path`, one of its prefixes, or a field below it (one level of object writes). */
  readsAlong(kind: string, path: string[]): ReadFact[] {
    const out: ReadFact[] = [];
    const prefixes = prefixKeysOf(path);
    for (const k of kind === '*' ? ['*'] : [kind, '*']) {
      const byPath = this.reads.get(k);
      if (!byPath) continue;
      for (let n = 1; n < prefixes.length; n++) out.push(...(byPath.get(prefixes[n]) ?? []));
    }
    return out;
  }
}

/** Keeps one conflict per key, the one with the most telling witness (a Pod over a Deployment). */
export class ConflictSet {
  private readonly byKey = new Map<string, Conflict>();

  add(conflict: Conflict): void {
    const existing = this.byKey.get(conflict.key);
    if (!existing || witnessRank(conflict.kind) < witnessRank(existing.kind) || (witnessRank(conflict.kind) === witnessRank(existing.kind) && severityRank(conflict) > severityRank(existing))) {
      this.byKey.set(conflict.key, conflict);
    }
  }

  values(): Conflict[] {
    return [...this.byKey.values()];
  }
}

const severityRank = (c: Conflict) => (c.severity === 'error' ? 1 : 0);

export function pairKey(check: string, a: RuleRef, b: RuleRef, extra = ''): string {
  const [x, y] = [a.id, b.id].sort();
  return `${check}\u0000${x}\u0000${y}\u0000${extra}`;
}

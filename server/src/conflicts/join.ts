// The join: facts of every rule, indexed by kind and field path. Pairs are only ever formed
// inside one (kind, path) bucket (or along the prefixes of one path), never across all rules.
import type { WorkspaceIndex } from '../workspace/index.ts';
import type { Resource, SourceRef } from '../model/types.ts';
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

function add<T>(buckets: Buckets<T>, kind: string, key: string, fact: T): void {
  let byPath = buckets.get(kind);
  if (!byPath) buckets.set(kind, (byPath = new Map()));
  const list = byPath.get(key);
  if (list) list.push(fact);
  else byPath.set(key, [fact]);
}

/** A write path as a validation sees it: named SMP elements are list elements. */
export function plainPath(path: string[]): string[] {
  return path.map((s) => (s.includes('=') ? '*' : s));
}

export class ConflictJoin {
  readonly rules: RuleFacts[] = [];
  readonly writes: Buckets<WriteFact> = new Map();
  readonly requirements: Buckets<RequirementFact> = new Map();
  readonly reads: Buckets<ReadFact> = new Map();
  readonly targets = new Map<string, TargetFact[]>();

  constructor(readonly index: WorkspaceIndex, readonly memo: BucketMemo = new BucketMemo()) {
    for (const policy of index.policies()) {
      for (const rule of policy.rules) {
        const facts = factsOf(policy, rule);
        this.rules.push(facts);
        for (const w of facts.writes) add(this.writes, w.kind, pathKey(w.path), w);
        for (const r of facts.requirements) add(this.requirements, r.kind, pathKey(r.path), r);
        for (const r of facts.reads) add(this.reads, r.kind, pathKey(r.path), r);
        for (const t of facts.targets) {
          const { apiVersion, kind, namespace, name } = t.target;
          if (!kind || !name) continue;
          const key = [apiVersion, kind, namespace ?? '', name].join('\u0000');
          const list = this.targets.get(key) ?? [];
          list.push(t);
          this.targets.set(key, list);
        }
      }
    }
  }

  /** Every (kind, path) bucket of writes, with the writes of rules matching any kind folded in. */
  *writeBuckets(): Generator<{ kind: string; key: string; facts: WriteFact[] }> {
    const star = this.writes.get('*');
    for (const [kind, byPath] of this.writes) {
      for (const [key, facts] of byPath) {
        // A named element (`containers[name=app]`) also meets writes to every element (`containers[*]`).
        const general = key.split('\u0000').map((s) => (s.includes('=') ? '*' : s)).join('\u0000');
        const more = general === key ? [] : byPath.get(general) ?? [];
        const stars = kind === '*' ? [] : [...(star?.get(key) ?? []), ...(general === key ? [] : star?.get(general) ?? [])];
        yield { kind, key, facts: more.length || stars.length ? [...facts, ...more, ...stars] : facts };
      }
    }
  }

  private byKind?: Map<string, Resource[]>;

  /** The workspace's resources of one kind (witnesses for the simulation). */
  resourcesOfKind(kind: string): Resource[] {
    if (!this.byKind) {
      this.byKind = new Map();
      for (const r of this.index.resources()) {
        const list = this.byKind.get(r.kind);
        if (list) list.push(r);
        else this.byKind.set(r.kind, [r]);
      }
    }
    return this.byKind.get(kind) ?? [];
  }

  /** Writes of one kind (with '*'), for invariants that combine several fields. */
  writesOfKind(kind: string): WriteFact[] {
    const out: WriteFact[] = [];
    for (const k of kind === '*' ? ['*'] : [kind, '*']) for (const list of this.writes.get(k)?.values() ?? []) out.push(...list);
    return out;
  }

  /** Requirements of `kind` on `path` or on any of its prefixes (a CEL `all()` over a list reads the list). */
  requirementsAlong(kind: string, path: string[]): RequirementFact[] {
    const out: RequirementFact[] = [];
    const plain = plainPath(path);
    for (const k of kind === '*' ? ['*'] : [kind, '*']) {
      const byPath = this.requirements.get(k);
      if (!byPath) continue;
      for (let n = 0; n <= plain.length; n++) out.push(...(byPath.get(pathKey(plain.slice(0, n))) ?? []));
    }
    return out;
  }

  /** Enforcing validations reading `path`, one of its prefixes, or a field below it (one level of object writes). */
  readsAlong(kind: string, path: string[]): ReadFact[] {
    const out: ReadFact[] = [];
    const plain = plainPath(path);
    for (const k of kind === '*' ? ['*'] : [kind, '*']) {
      const byPath = this.reads.get(k);
      if (!byPath) continue;
      for (let n = 1; n <= plain.length; n++) out.push(...(byPath.get(pathKey(plain.slice(0, n))) ?? []));
    }
    return out;
  }

  *requirementFacts(): Generator<RequirementFact> {
    for (const byPath of this.requirements.values()) for (const list of byPath.values()) yield* list;
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

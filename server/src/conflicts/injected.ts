// conflict/mutation-rejected for what a mutation adds: a sidecar container, an init container or a
// volume injected by one policy is admitted by nobody's review, yet every enforcing validation
// (Pod Security profiles included) runs over it after mutation. Such a validation reads the
// whole pod, not one field the write facts name, so the join cannot pair them: each injecting
// rule is simulated against each enforcing validation of the kind on witnesses the validation
// admits as submitted.
import type { ConflictJoin, Conflict } from './join.ts';
import { pairKey } from './join.ts';
import { factsOf, type RuleRef, type WriteFact } from './facts.ts';
import { overlapOf } from './overlap.ts';
import { autogenPath, displayPath, isPodLike, witnessRank } from './paths.ts';
import { shortName } from './describe.ts';
import { MUTATION_REJECTED } from './rejected.ts';
import { buildWitness, mutated, ownerKey, preconditionVariants, run, simulationWork, validationRef, type Witness } from './simulated.ts';
import { recordInternalError } from '../internalErrors.ts';

type Obj = Record<string, unknown>;

/** Pod lists whose elements a mutation can inject, named by their merge key. */
const INJECTABLE = new Set(['containers', 'initContainers', 'ephemeralContainers', 'volumes']);
/** Simulations per analysis for this check (each is one policy on one object). */
export const MAX_INJECTION_SIMULATIONS = 1500;
const MAX_WORKSPACE_WITNESSES = 2;

interface Injection {
  kind: string;
  /** The first write into an injected element: where the finding points. */
  write: WriteFact;
  /** `containers[name=istio-proxy]`, … */
  elements: string[];
}

/** The named elements a rule adds to the pod's lists, per rule, at the best witness kind. */
function injections(join: ConflictJoin): Injection[] {
  const byRule = new Map<RuleRef, Injection>();
  const kinds = join.writeKinds().filter((k) => isPodLike(k)).sort((a, b) => witnessRank(a) - witnessRank(b));
  for (const kind of kinds) {
    for (const w of join.writesOfKind(kind)) {
      const pod = w.podPath;
      if (!pod || pod[0] !== 'spec' || !INJECTABLE.has(pod[1]) || !pod[2]?.startsWith('name=') || pod[2].endsWith('=?')) continue;
      const element = `${pod[1]}[${pod[2]}]`;
      const known = byRule.get(w.owner);
      if (known && known.kind !== kind) continue; // a better witness kind already holds this rule
      if (known) {
        if (!known.elements.includes(element)) known.elements.push(element);
      } else byRule.set(w.owner, { kind, write: w, elements: [element] });
    }
  }
  return [...byRule.values()];
}

/** Enforcing validation rules that can meet `owner` on `kind`. */
function validatorsFor(join: ConflictJoin, kind: string, owner: RuleRef): RuleRef[] {
  const seen = new Set<RuleRef>();
  const out: RuleRef[] = [];
  for (const { policy, rule } of join.index.rulesForKind(kind)) {
    if (rule.phase !== 'validate' || policy === owner.policy) continue;
    const ref = factsOf(policy, rule).ref;
    if (!ref.enforcing || seen.has(ref) || overlapOf(owner.match, ref.match).overlap === 'never') continue;
    seen.add(ref);
    out.push(ref);
  }
  return out;
}

/**
 * A pod that a strict validation admits: Pod Security restricted settings, requests without
 * limits. With the synthetic and the workspace witnesses it gives the validation a chance to
 * admit the object as submitted, so that a denial after mutation is the injection's doing.
 */
function hardened(object: Obj, kind: string): Obj {
  const copy = structuredClone(object);
  let spec: unknown = copy;
  for (const seg of autogenPath(kind, ['spec'])) spec = (spec as Obj | undefined)?.[seg];
  if (!spec || typeof spec !== 'object') return copy;
  const s = spec as Obj;
  s.securityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
  s.automountServiceAccountToken = false;
  const containers = Array.isArray(s.containers) ? (s.containers as Obj[]) : [];
  s.containers = containers.map((c) => ({
    ...c,
    imagePullPolicy: 'Always',
    securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } },
  }));
  return copy;
}

function witnessesFor(join: ConflictJoin, kind: string, owner: RuleRef): Witness[] {
  const out: Witness[] = [];
  for (let n = 0; n <= MAX_WORKSPACE_WITNESSES; n++) {
    let w: Witness | undefined;
    try {
      w = buildWitness(join, kind, [owner], [], n);
    } catch (error) {
      recordInternalError('simulation', error);
    }
    if (!w) break;
    out.push(w);
    if (!join.resourcesOfKind(kind).length) break;
  }
  const base = out[out.length - 1];
  if (base) out.push({ ...base, basis: `hardened:${String(base.basis)}`, object: hardened(base.object, kind), describe: `${base.describe} hardened to Pod Security restricted` });
  // The injecting rule's own conditions (an opt-in annotation, a label) made to hold.
  const variants = preconditionVariants(kind, [owner]);
  return out.flatMap((w) => [w, ...variants.map((v) => ({ ...w, object: v(w.object) }))]).slice(0, 8);
}

/**
 * Past outcomes per (injecting rule, validation), with the witnesses they ran on (rule refs and
 * witness bases are stable while their rules and resources are): an edit re-simulates only pairs
 * whose rules or witnesses changed. A remembered outcome costs what it cost, so the budget runs
 * out at the same pair whatever the edit history.
 */
const memo = new WeakMap<RuleRef, Map<RuleRef, { bases: unknown[]; conflict: Conflict | null; cost: number }>>();

/**
 * Pairs simulated to no conflict, by content (verdict keys without messages): typing in a message
 * of either rule makes new rule refs but re-simulates nothing. A conflict is not reused this way
 * (its text quotes the message). Bounded.
 */
const quiet = new Map<string, { bases: unknown[]; cost: number }>();
const QUIET_LIMIT = 20_000;

/** A generator: it pauses after each injection and each validation it judges (conflicts/index.ts, conflictSteps). */
export function* injectedRejections(join: ConflictJoin, found: Set<string>, out: (c: Conflict) => void): Generator<void> {
  let budget = MAX_INJECTION_SIMULATIONS;
  for (const injection of injections(join)) {
    const { kind, write } = injection;
    const owner = write.owner;
    const validators = validatorsFor(join, kind, owner).filter((v) => !found.has(pairKey(MUTATION_REJECTED, owner, v)));
    yield;
    if (!validators.length) continue;
    const witnesses = witnessesFor(join, kind, owner);
    const bases = witnesses.flatMap((w) => [w.basis, ...w.reads]);
    const remembered: Map<RuleRef, { bases: unknown[]; conflict: Conflict | null; cost: number }> = memo.get(owner) ?? new Map();
    memo.set(owner, remembered);
    // The mutation once per witness (run only when some pair is not remembered, charged always);
    // then each validation on the object before and after it.
    if ((budget -= witnesses.length) < 0) return;
    let runs: { witness: Witness; after: Obj }[] | undefined;
    const mutatedRuns = () => {
      if (runs) return runs;
      runs = [];
      for (const witness of witnesses) {
        const m = run(witness.object, [owner], witness.context);
        if (m && mutated(m, owner)) runs.push({ witness, after: m.afterEachMutation[m.afterEachMutation.length - 1] as Obj });
      }
      return runs;
    };
    for (const v of validators) {
      yield;
      const known = remembered.get(v);
      if (known && known.bases.length === bases.length && known.bases.every((x, i) => x === bases[i])) {
        if ((budget -= known.cost) < 0) return;
        if (known.conflict) {
          found.add(known.conflict.key);
          out(known.conflict);
        }
        continue;
      }
      const contentKey = `${kind}\u0001${ownerKey(owner)}\u0001${ownerKey(v)}`;
      const quietly = quiet.get(contentKey);
      if (quietly && quietly.bases.length === bases.length && quietly.bases.every((x, i) => x === bases[i])) {
        if ((budget -= quietly.cost) < 0) return;
        remembered.set(v, { bases, conflict: null, cost: quietly.cost });
        continue;
      }
      if (budget - witnesses.length * 2 < 0) return;
      simulationWork.pairs++;
      const before = budget;
      let conflict: Conflict | null = null;
      for (const { witness, after } of mutatedRuns()) {
        budget -= 2;
        const alone = run(witness.object, [v], witness.context);
        if (!alone?.verdict.admitted) continue;
        const denied = run(after, [v], witness.context);
        if (!denied || denied.verdict.admitted || denied.verdict.deniedBy?.policy !== v.policy.name) continue;
        // An expression that fails to evaluate decides nothing (as in the other simulated checks).
        if (/^\(?(expression error|evaluation failed)/.test(denied.verdict.deniedBy.reason)) continue;
        conflict = report(injection, v, witness, denied.verdict.deniedBy.reason.replace(/^\((.*)\)$/, '$1'));
        break;
      }
      remembered.set(v, { bases, conflict, cost: before - budget });
      if (!conflict) {
        if (quiet.size >= QUIET_LIMIT) quiet.clear();
        quiet.set(contentKey, { bases, cost: before - budget });
      }
      if (conflict) {
        found.add(conflict.key);
        out(conflict);
      }
    }
  }
}

function report({ kind, write, elements }: Injection, v: RuleRef, witness: Witness, reason: string): Conflict {
  const owner = write.owner;
  const [m, n] = [shortName(owner), shortName(v)];
  const added = elements.map((e) => `\`${e}\``).join(', ');
  const overlap = overlapOf(owner.match, v.match);
  let message = `Simulated on ${witness.describe}: ${n} (enforcing) admits it as submitted but denies it after ${m} injects ${added} (${reason}); validations run over what mutations add, so every ${kind} ${m} injects into is denied.`;
  if (write.guard === 'conditional' || overlap.overlap === 'maybe') message = message.replace(/so every .*$/, `so ${kind}s ${m} injects into can be denied${overlap.overlap === 'maybe' ? ` where both apply (${overlap.reason})` : ''}.`);
  const field = displayPath(write.path.slice(0, write.path.findIndex((s) => s.startsWith('name=')) + 1));
  return {
    check: MUTATION_REJECTED,
    // Unconditional: the injected element itself is what the validation denies, on every object both match.
    severity: write.guard === 'always' && overlap.overlap === 'always' ? 'error' : 'warning',
    kind,
    field,
    sides: [
      { owner, at: write.source, note: `${m} injects ${added}`, needle: write.path[write.path.length - 1] },
      { owner: v, at: validationRef(v), note: `${n} (enforcing) denies the injected ${elements.length > 1 ? 'elements' : 'element'}: ${reason}` },
    ],
    message,
    key: pairKey(MUTATION_REJECTED, owner, v),
    writes: [write],
  };
}

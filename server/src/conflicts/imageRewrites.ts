// conflict/mutation-breaks-image-verification, decided by the engine: an image rewrite in any
// form (foreach with regex_replace_all or other JMESPath, CEL, a registry mapping read from a
// ConfigMap, a conditional rewrite) is run on a pod whose images an image-verification policy
// verifies as submitted; an image it rewrites to a reference none of that policy's globs match
// is admitted unverified, since Kyverno verifies images after mutation. The facts-based check
// (images.ts) reads constant rewrites; this one covers what only evaluation can tell.
import { wildcardMatch } from '../engine/match/wildcard.ts';
import type { ConflictJoin, Conflict } from './join.ts';
import { pairKey } from './join.ts';
import type { RuleFacts, RuleRef, WriteFact } from './facts.ts';
import { kindsOverlap, overlapOf } from './overlap.ts';
import { autogenPath, displayPath, isPodLike, witnessRank } from './paths.ts';
import { shortName } from './describe.ts';
import { MUTATION_BREAKS_IMAGE_VERIFICATION } from './images.ts';
import { buildWitness, mutated, preconditionVariants, run, type Witness } from './simulated.ts';
import { recordInternalError } from '../internalErrors.ts';

type Obj = Record<string, unknown>;

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];
/** Simulations per analysis for this check (each is one mutating policy on one pod). */
export const MAX_IMAGE_SIMULATIONS = 400;
const SAMPLES_PER_VERIFIER = 3;

/** Rules that write a container's image (any guard, any value), each at its best witness kind. */
function imageWriters(join: ConflictJoin): { kind: string; write: WriteFact }[] {
  const byRule = new Map<RuleRef, { kind: string; write: WriteFact }>();
  const kinds = join.writeKinds().filter(isPodLike).sort((a, b) => witnessRank(a) - witnessRank(b));
  for (const kind of kinds) {
    for (const w of join.writesOfKind(kind)) {
      const p = w.podPath;
      if (!p || p[0] !== 'spec' || !CONTAINER_LISTS.includes(p[1]) || p[p.length - 1] !== 'image' || p.length !== 4) continue;
      if (p[2] !== '*' && !p[2].endsWith('=?') && p[2].startsWith('name=')) continue; // an added, named container is not a rewrite
      if (!byRule.has(w.owner)) byRule.set(w.owner, { kind, write: w });
    }
  }
  return [...byRule.values()];
}

/** An image reference a glob accepts (`ghcr.io/acme/*` -> `ghcr.io/acme/x`); none for a bare `*`. */
function sampleOf(pattern: string): string | undefined {
  if (!/[a-z0-9]/i.test(pattern.replace(/[*?]/g, ''))) return undefined;
  const sample = pattern.replace(/\*/g, 'x').replace(/\?/g, 'x');
  return wildcardMatch(pattern, sample) ? sample : undefined;
}

function podSpecOf(object: Obj, kind: string): Obj | undefined {
  let node: unknown = object;
  for (const seg of autogenPath(kind, ['spec'])) node = (node as Obj | undefined)?.[seg];
  return node && typeof node === 'object' ? (node as Obj) : undefined;
}

/** The witness with every container of `list` running `image` (one container when it has none). */
function withImages(object: Obj, kind: string, list: string, image: string): Obj {
  const copy = structuredClone(object);
  const spec = podSpecOf(copy, kind);
  if (!spec) return copy;
  const containers = Array.isArray(spec[list]) && (spec[list] as unknown[]).length ? (spec[list] as Obj[]) : [{ name: list === 'containers' ? 'app' : `${list.slice(0, -1).toLowerCase()}-app` }];
  spec[list] = containers.map((c) => ({ ...c, image }));
  return copy;
}

function imagesOf(object: Obj, kind: string, list: string): Map<string, string> {
  const out = new Map<string, string>();
  const items = podSpecOf(object, kind)?.[list];
  if (Array.isArray(items)) for (const c of items as Obj[]) if (c && typeof c.name === 'string' && typeof c.image === 'string') out.set(c.name, c.image);
  return out;
}

/**
 * Past outcomes per (rewriting rule, verifier) with the witness they ran on: an edit re-simulates
 * only pairs whose rules or witness changed. A remembered outcome costs what it cost, so the
 * budget runs out at the same pair whatever the edit history.
 */
const memo = new WeakMap<RuleRef, Map<RuleFacts, { bases: unknown[]; conflict: Conflict | undefined; cost: number }>>();

/** A generator: it pauses after each (rewrite, verifier) pair (conflicts/index.ts, conflictSteps). */
export function* simulatedImageBreaks(join: ConflictJoin, found: Set<string>, out: (c: Conflict) => void): Generator<void> {
  const verifiers = join.imageVerifiersInOrder();
  if (verifiers.length === 0) return;
  let budget = MAX_IMAGE_SIMULATIONS;
  for (const { kind, write } of imageWriters(join)) {
    const owner = write.owner;
    const list = write.podPath![1];
    for (const v of verifiers) {
      yield;
      if (v.ref.policy === owner.policy) continue;
      const key = pairKey(MUTATION_BREAKS_IMAGE_VERIFICATION, owner, v.ref);
      if (found.has(key)) continue;
      const refs = v.imageReferences.filter((r) => kindsOverlap(r.kinds, [kind]).length > 0);
      const patterns = refs.flatMap((r) => r.patterns);
      if (!patterns.length || overlapOf(owner.match, v.ref.match).overlap === 'never') continue;
      const samples = [...new Set(patterns.map(sampleOf).filter((s): s is string => !!s))].slice(0, SAMPLES_PER_VERIFIER);
      let base: Witness | undefined;
      try {
        base = buildWitness(join, kind, [owner], [], 0);
      } catch (error) {
        recordInternalError('simulation', error);
      }
      if (!base) continue;
      const bases = [base.basis, ...base.reads];
      const remembered = memo.get(owner) ?? new Map();
      memo.set(owner, remembered);
      const known = remembered.get(v);
      if (known && known.bases.length === bases.length && known.bases.every((x: unknown, i: number) => x === bases[i])) {
        if ((budget -= known.cost) < 0) return;
        if (known.conflict) {
          found.add(key);
          out(known.conflict);
        }
        continue;
      }
      const variants = [(o: Obj) => o, ...preconditionVariants(kind, [owner])];
      let conflict: Conflict | undefined;
      let cost = 0;
      for (const sample of samples) {
        for (const variant of variants) {
          cost++;
          if (--budget < 0) return;
          const object = variant(withImages(base.object, kind, list, sample));
          const result = run(object, [owner], base.context);
          if (!result || !mutated(result, owner)) continue;
          const before = imagesOf(object, kind, list);
          const after = imagesOf(result.afterEachMutation[result.afterEachMutation.length - 1] as Obj, kind, list);
          const escaped = [...after].find(([name, image]) => before.get(name) === sample && image !== sample && !patterns.some((p) => wildcardMatch(p, image)));
          if (escaped) {
            conflict = report(kind, write, v, base, sample, escaped[1], patterns, refs[0].source);
            break;
          }
        }
        if (conflict) break;
      }
      remembered.set(v, { bases, conflict, cost });
      if (conflict) {
        found.add(key);
        out(conflict);
      }
    }
  }
}

function report(kind: string, w: WriteFact, v: RuleFacts, witness: Witness, from: string, to: string, patterns: string[], at: RuleFacts['imageReferences'][number]['source']): Conflict {
  const field = displayPath(w.path);
  const [m, n] = [shortName(w.owner), shortName(v.ref)];
  const overlap = overlapOf(w.owner.match, v.ref.match);
  let message = `Simulated on ${witness.describe} running ${from}, which ${n} verifies: ${m} rewrites it to ${to}, which none of ${n}'s image references (${patterns.join(', ')}) match; Kyverno verifies images after mutation, so the image is admitted unverified.`;
  if (overlap.overlap === 'maybe') message = message.replace(/\.$/, `; whether both apply to one object cannot be decided statically (${overlap.reason}).`);
  return {
    check: MUTATION_BREAKS_IMAGE_VERIFICATION,
    severity: 'warning',
    kind,
    field,
    sides: [
      { owner: w.owner, at: w.source, note: `${m} rewrites ${from} to ${to}`, needle: 'image' },
      { owner: v.ref, at, note: `${n} verifies only ${patterns.join(', ')}` },
    ],
    message,
    key: pairKey(MUTATION_BREAKS_IMAGE_VERIFICATION, w.owner, v.ref),
    writes: [w],
  };
}

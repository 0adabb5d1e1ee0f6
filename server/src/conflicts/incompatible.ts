// conflict/incompatible-mutations: writes of different rules that Kubernetes cannot accept
// together (invariants.ts). Container-level fields override pod-level ones; a pod-level write
// combines with a container-level write of the other field of an inherited pair.
import { UNKNOWN } from '../model/types.ts';
import type { ConflictJoin, Conflict } from './join.ts';
import { pairKey } from './join.ts';
import type { WriteFact } from './facts.ts';
import { overlapOf } from './overlap.ts';
import { invariants, type Invariant, type InvariantSide } from './invariants.ts';
import { displayPath, isPodLike, witnessName } from './paths.ts';
import { shortName, showValue } from './describe.ts';

export const INCOMPATIBLE_MUTATIONS = 'conflict/incompatible-mutations';

const containerLists = new Set(['containers', 'initContainers', 'ephemeralContainers']);

interface Placed {
  write: WriteFact;
  level: 'pod' | 'container';
  list?: string;
  element?: string;
  base: 'securityContext' | 'container';
  rest: string[];
}

function place(write: WriteFact): Placed | undefined {
  const p = write.podPath;
  if (!p || p[0] !== 'spec') return undefined;
  if (p[1] === 'securityContext') return { write, level: 'pod', base: 'securityContext', rest: p.slice(2) };
  if (containerLists.has(p[1]) && p.length > 3) {
    if (p[3] === 'securityContext') return { write, level: 'container', list: p[1], element: p[2], base: 'securityContext', rest: p.slice(4) };
    return { write, level: 'container', list: p[1], element: p[2], base: 'container', rest: p.slice(3) };
  }
  return undefined;
}

/** Does a placed write set this side's field? Returns the `$r` binding ('' when none), or undefined. */
function bindSide(placed: Placed, side: InvariantSide): string | undefined {
  if (placed.base !== side.base) return undefined;
  const rest = placed.rest[placed.rest.length - 1] === '*' && placed.rest.length === side.path.length + 1 ? placed.rest.slice(0, -1) : placed.rest;
  if (rest.length !== side.path.length) return undefined;
  let binding = '';
  for (let i = 0; i < rest.length; i++) {
    if (side.path[i] === '$r') binding = rest[i];
    else if (side.path[i] !== rest[i]) return undefined;
  }
  return binding;
}

function sameContainer(a: Placed, b: Placed, inherits: boolean): boolean {
  if (a.level === 'pod' || b.level === 'pod') return inherits;
  return a.list === b.list && (a.element === b.element || a.element === '*' || b.element === '*');
}

export function incompatibleMutations(join: ConflictJoin, out: (c: Conflict) => void): void {
  for (const kind of join.writeKinds()) {
    if (kind !== '*' && !isPodLike(kind)) continue;
    const writes = join.writesOfKind(kind);
    join.memo.run(`incompatible\u0001${kind}`, writes, out, (emit) => incompatibleOfKind(kind, writes, emit));
  }
}

function incompatibleOfKind(kind: string, writes: WriteFact[], out: (c: Conflict) => void): void {
  {
    const placed = writes.filter((w) => w.value !== UNKNOWN).map(place).filter((p): p is Placed => !!p);
    if (placed.length < 2) return;
    for (const invariant of invariants) {
      const [sa, sb] = invariant.sides;
      const as = placed.flatMap((p) => { const b = bindSide(p, sa); return b === undefined ? [] : [{ p, b }]; });
      if (as.length === 0) continue;
      const bs = placed.flatMap((p) => { const b = bindSide(p, sb); return b === undefined ? [] : [{ p, b }]; });
      for (const a of as) {
        for (const b of bs) {
          if (a.b !== b.b || a.p.write.owner.id === b.p.write.owner.id) continue;
          if (!sameContainer(a.p, b.p, invariant.inheritsFromPod)) continue;
          if (!invariant.clash(a.p.write.value, b.p.write.value)) continue;
          report(kind, invariant, a.p.write, b.p.write, out);
        }
      }
    }
  }
}

function report(kind: string, invariant: Invariant, a: WriteFact, b: WriteFact, out: (c: Conflict) => void): void {
  const overlap = overlapOf(a.owner.match, b.owner.match);
  if (overlap.overlap === 'never') return;
  const certain = overlap.overlap === 'always' && a.guard !== 'conditional' && b.guard !== 'conditional';
  const [fa, fb] = [displayPath(a.path), displayPath(b.path)];
  const on = witnessName(kind === '*' ? 'Pod' : kind);
  const fate = invariant.outcome === 'rejected' ? 'is rejected' : 'is admitted and never starts';
  const how = (w: WriteFact, f: string) => `${shortName(w.owner)} sets \`${f}\` to ${showValue(w.value)}${w.guard === 'ifAbsent' ? ' when absent' : ''}`;
  let message = `${certain ? `Every ${on.replace(/^an? /, '')} matched by both` : `${on[0].toUpperCase()}${on.slice(1)} matched by both`} ${fate}: ${how(a, fa)} and ${how(b, fb)}, and ${invariant.consequence}.`;
  if (overlap.overlap === 'maybe') message = message.replace(/\.$/, `; whether both apply to one object cannot be decided statically (${overlap.reason}).`);
  else if (!certain) message = message.replace(/\.$/, ' (when their write conditions hold).');
  out({
    check: INCOMPATIBLE_MUTATIONS,
    severity: certain ? 'error' : 'warning',
    kind,
    field: `${fa} + ${fb}`,
    sides: [
      { owner: a.owner, at: a.source, note: `${how(a, fa)}`, needle: a.path[a.path.length - 1] },
      { owner: b.owner, at: b.source, note: `${how(b, fb)}`, needle: b.path[b.path.length - 1] },
    ],
    message,
    key: pairKey(INCOMPATIBLE_MUTATIONS, a.owner, b.owner, invariant.id),
    writes: [a, b],
  });
}

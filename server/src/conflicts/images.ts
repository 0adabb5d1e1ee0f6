// conflict/mutation-breaks-image-verification: a mutation rewrites container images (a registry
// mirror, a prepended registry, a constant image) to references that no imageReferences glob of
// an overlapping verifyImages / ImageValidatingPolicy rule matches. Kyverno verifies images after
// mutation, so the rewritten images are admitted without verification.
import { UNKNOWN } from '../model/types.ts';
import { wildcardMatch } from '../engine/match/wildcard.ts';
import type { ConflictJoin, Conflict } from './join.ts';
import { pairKey } from './join.ts';
import type { RuleFacts, WriteFact } from './facts.ts';
import { kindsOverlap, overlapOf } from './overlap.ts';
import { displayPath, isPodLike } from './paths.ts';
import { shortName } from './describe.ts';

export const MUTATION_BREAKS_IMAGE_VERIFICATION = 'conflict/mutation-breaks-image-verification';

const containerLists = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** What images become after the write: a sample reference, or undefined when it cannot be told. */
export function rewrittenImage(write: WriteFact, raw: unknown): string | undefined {
  if (typeof write.value === 'string' && write.value !== '') return write.value;
  if (write.value !== UNKNOWN || typeof raw !== 'string') return undefined;
  // regex_replace_all('^[^/]+', '{{element.image}}', 'mirror.corp') -> mirror.corp/<rest>
  // regex_replace_all('^(registry/)?(.*)$', '{{element.image}}', 'mirror.corp/$2') -> mirror.corp/<rest>
  const replace = /regex_replace_all\(\s*'(?:[^'\\]|\\.)*'\s*,\s*'[^']*'\s*,\s*'([^'{}]*)'\s*\)/.exec(raw);
  if (replace) {
    const literal = replace[1].split('$')[0];
    const prefix = literal.includes('/') ? literal : `${literal}/`;
    if (/^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?\//.test(prefix)) return `${prefix}library/app:1.0`;
    return undefined;
  }
  // registry.io/{{ … }} -> registry.io/<rest>
  const prefix = /^([a-z0-9.-]+(?::\d+)?\/[^{]*)\{\{/.exec(raw.trim());
  if (prefix && /[.:]/.test(prefix[1].split('/')[0])) return `${prefix[1]}library/app:1.0`;
  return undefined;
}

function rawValueAt(facts: WriteFact): unknown {
  let node: unknown = facts.owner.policy.raw;
  for (const seg of facts.source.path) node = Array.isArray(node) ? node[seg as number] : (node as Record<string, unknown> | undefined)?.[seg as string];
  return node;
}

/**
 * A rewrite of every container's image: a named element is a container the rule adds (never
 * verified as submitted), and a conditional write rewrites only images it already recognises.
 */
function isImageRewrite(w: WriteFact): boolean {
  const p = w.podPath;
  return !!p && p.length === 4 && p[0] === 'spec' && containerLists.has(p[1]) && p[2] === '*' && p[3] === 'image' && w.guard === 'always';
}

/** A generator: it pauses after each bucket (conflicts/index.ts, conflictSteps). */
export function* imageVerificationBreaks(join: ConflictJoin, out: (c: Conflict) => void): Generator<void> {
  const verifiers = join.imageVerifiersInOrder();
  if (verifiers.length === 0) return;
  // Index the verifiers by kind: a write meets only the verifiers of its kind (and of '*').
  const byKind = new Map<string, RuleFacts[]>();
  for (const v of verifiers) for (const ref of v.imageReferences) for (const k of ref.kinds) byKind.set(k, [...(byKind.get(k) ?? []), v]);
  for (const { kind, facts } of join.writeBuckets()) {
    yield;
    if (!isPodLike(kind)) continue;
    for (const w of facts) {
      if (!isImageRewrite(w)) continue;
      const image = rewrittenImage(w, rawValueAt(w));
      if (!image) continue;
      for (const v of new Set([...(byKind.get(kind) ?? []), ...(byKind.get('*') ?? [])])) {
        if (v.ref.policy === w.owner.policy) continue;
        const refs = v.imageReferences.filter((r) => kindsOverlap(r.kinds, [kind]).length > 0);
        const patterns = refs.flatMap((r) => r.patterns);
        if (patterns.length === 0 || patterns.some((p) => wildcardMatch(p, image))) continue;
        const overlap = overlapOf(w.owner.match, v.ref.match);
        if (overlap.overlap === 'never') continue;
        const field = displayPath(w.path);
        const shown = w.value === UNKNOWN ? `${image.replace(/library\/app:1\.0$/, '')}…` : image;
        let message = `${shortName(w.owner)} rewrites \`${field}\` to ${shown}, which none of ${shortName(v.ref)}'s image references (${patterns.join(', ')}) match: Kyverno verifies images after mutation, so these images are admitted unverified.`;
        if (overlap.overlap === 'maybe') message = message.replace(/\.$/, `; whether both apply to one object cannot be decided statically (${overlap.reason}).`);
        out({
          check: MUTATION_BREAKS_IMAGE_VERIFICATION,
          severity: 'warning',
          kind,
          field,
          sides: [
            { owner: w.owner, at: w.source, note: `${shortName(w.owner)} rewrites the image to ${shown}`, needle: 'image' },
            { owner: v.ref, at: refs[0].source, note: `${shortName(v.ref)} verifies only ${patterns.join(', ')}` },
          ],
          message,
          key: pairKey(MUTATION_BREAKS_IMAGE_VERIFICATION, w.owner, v.ref),
          writes: [w],
        });
      }
    }
  }
}

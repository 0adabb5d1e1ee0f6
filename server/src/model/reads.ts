import type { FieldRead, SourceRef } from './types.ts';
import type { Path } from '../yaml/paths.ts';

const ANCHOR = /^([+=X^<]?)\((.+)\)$/;

/** Every leaf field a validate pattern inspects, anchors stripped, list entries as '*'. */
export function patternReads(pattern: unknown, ref: SourceRef, prefix: string[] = []): FieldRead[] {
  const reads: FieldRead[] = [];
  const walk = (node: unknown, path: string[], srcPath: Path): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => walk(item, [...path, '*'], [...srcPath, index]));
      return;
    }
    if (!node || typeof node !== 'object') {
      if (path.length) reads.push({ path, source: { ...ref, path: srcPath } });
      return;
    }
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      const m = ANCHOR.exec(key);
      walk(value, [...path, m ? m[2] : key], [...srcPath, key]);
    }
  };
  walk(pattern, prefix, ref.path);
  return reads;
}

/** Field paths a CEL expression reads from `object` (`object.spec.containers.all(c, c.image…)` → spec.containers). */
export function celObjectReads(expression: string, ref: SourceRef): FieldRead[] {
  const seen = new Set<string>();
  const reads: FieldRead[] = [];
  for (const m of expression.matchAll(/\bobject((?:\.\??[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
    const path = m[1].split('.').filter(Boolean).map((s) => s.replace(/^\?/, ''));
    const methodLike = /^(all|exists|exists_one|map|filter|orValue|size|startsWith|endsWith|contains|matches|hasValue|value)$/;
    while (path.length && methodLike.test(path[path.length - 1])) path.pop();
    const key = path.join('.');
    if (path.length && !seen.has(key)) {
      seen.add(key);
      reads.push({ path, source: ref });
    }
  }
  return reads;
}

import { parse as parseYaml } from 'yaml';
import { UNKNOWN, type FieldWrite, type SourceRef } from './types.ts';
import type { Path } from '../yaml/paths.ts';

type Obj = Record<string, unknown>;

const ANCHOR = /^([+=X^<]?)\((.+)\)$/;

function hasVariable(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{');
  if (Array.isArray(value)) return value.some(hasVariable);
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => k.includes('{{') || hasVariable(v));
  return false;
}

/**
 * The fields a strategic-merge patch writes. An add-if-absent anchor `+(key)` makes the write
 * ifAbsent; a conditional anchor `(key)` or `<(key)` makes every write beside it conditional;
 * list entries become '*' (SMP merges lists of objects element-wise, by merge key).
 */
export function strategicMergeWrites(patch: unknown, ref: SourceRef, prefix: string[] = [], inherited: FieldWrite['guard'] = 'always'): FieldWrite[] {
  const writes: FieldWrite[] = [];
  const walk = (node: unknown, path: string[], srcPath: Path, guard: FieldWrite['guard']): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => walk(item, [...path, '*'], [...srcPath, index], guard));
      return;
    }
    if (!node || typeof node !== 'object') {
      writes.push({ path, value: hasVariable(node) ? UNKNOWN : node, guard, source: { ...ref, path: srcPath } });
      return;
    }
    const entries = Object.entries(node as Obj);
    // `(name): "*"` selects every element: it is a loop, not a condition on the writes beside it.
    const isConditional = entries.some(([key, value]) => {
      const m = ANCHOR.exec(key);
      return m && (m[1] === '' || m[1] === '<' || m[1] === '=' || m[1] === 'X' || m[1] === '^') && !matchesAnything(value);
    });
    for (const [key, value] of entries) {
      const m = ANCHOR.exec(key);
      if (m && m[1] !== '+') continue; // a condition, not a write
      const field = m ? m[2] : key;
      const nextGuard: FieldWrite['guard'] = m ? 'ifAbsent' : isConditional && guard === 'always' ? 'conditional' : guard;
      if (m && value && typeof value === 'object') {
        // +(key): {…} adds the whole subtree only when the key is absent.
        walk(value, [...path, field], [...srcPath, key], 'ifAbsent');
      } else {
        walk(value, [...path, field], [...srcPath, key], nextGuard);
      }
    }
  };
  // A global anchor `<(key)` anywhere, or a condition anchor outside list elements (where it
  // filters elements), makes the whole patch depend on it: Kyverno skips the patch when it fails.
  walk(patch, prefix, ref.path, inherited === 'always' && hasPatchCondition(patch, false) ? 'conditional' : inherited);
  return writes;
}

/** `"*"` and `"?*"` (any non-empty value) select every element that has the key. */
function matchesAnything(value: unknown): boolean {
  return value === '*' || value === '?*';
}

function hasPatchCondition(node: unknown, inList: boolean): boolean {
  if (Array.isArray(node)) return node.some((item) => hasPatchCondition(item, true));
  if (!node || typeof node !== 'object') return false;
  return Object.entries(node as Obj).some(([key, value]) => {
    const m = ANCHOR.exec(key);
    if (m && m[1] === '<') return true;
    if (m && m[1] === '' && !inList && !matchesAnything(value)) return true;
    return hasPatchCondition(value, inList);
  });
}

/** The fields a JSON6902 patch (given as YAML/JSON text, as Kyverno takes it) writes. */
export function json6902Writes(patchText: unknown, ref: SourceRef, prefix: string[] = []): FieldWrite[] {
  let ops: unknown;
  try {
    ops = typeof patchText === 'string' ? parseYaml(patchText, { maxAliasCount: 10, logLevel: 'error' }) : patchText;
  } catch {
    return [];
  }
  if (!Array.isArray(ops)) return [];
  const writes: FieldWrite[] = [];
  for (const op of ops) {
    if (!op || typeof op !== 'object') continue;
    const { op: kind, path, value } = op as Obj;
    if ((kind !== 'add' && kind !== 'replace') || typeof path !== 'string') continue;
    const segments = path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).map((s) => (/^\d+$/.test(s) || s === '-' ? '*' : s));
    writes.push({ path: [...prefix, ...segments], value: hasVariable(value) || hasVariable(path) ? UNKNOWN : value, guard: 'always', source: ref });
  }
  return writes;
}

/** `request.object.spec.containers` -> ['spec', 'containers', '*'] for a foreach list expression. */
export function foreachListPrefix(list: unknown): string[] | undefined {
  if (typeof list !== 'string') return undefined;
  const m = /^\s*"?request\.object\.([A-Za-z0-9_.]+?)(\[\])?"?\s*$/.exec(list);
  if (!m) return undefined;
  return [...m[1].split('.'), '*'];
}

// The part of kyverno-json's assertion trees that `kyverno test` checks use without expressions:
// a map asserts each of its fields on the same field of the value, a list asserts element by
// element on a list of the same length, a scalar must equal the value. Projections `(…)`,
// iterations `~…` and bindings need kyverno-json's JMESPath engine: they are reported, not guessed.
import equal from 'fast-deep-equal';
import { isObj } from '../../k8s/objects.ts';

export type TreeVerdict = { kind: 'holds' } | { kind: 'fails'; at: string } | { kind: 'unsupported'; at: string };

const EXPRESSION_KEY = /^[~(]|^\$|->/;

export function assertTree(tree: unknown, value: unknown, at = ''): TreeVerdict {
  if (isObj(tree)) {
    if (!isObj(value)) return { kind: 'fails', at: at || '.' };
    for (const [key, sub] of Object.entries(tree)) {
      const here = `${at}.${key}`;
      if (EXPRESSION_KEY.test(key)) return { kind: 'unsupported', at: here };
      if (!(key in value)) return { kind: 'fails', at: here };
      const v = assertTree(sub, value[key], here);
      if (v.kind !== 'holds') return v;
    }
    return { kind: 'holds' };
  }
  if (Array.isArray(tree)) {
    if (!Array.isArray(value) || value.length !== tree.length) return { kind: 'fails', at: at || '.' };
    for (let i = 0; i < tree.length; i++) {
      const v = assertTree(tree[i], value[i], `${at}[${i}]`);
      if (v.kind !== 'holds') return v;
    }
    return { kind: 'holds' };
  }
  if (typeof tree === 'string' && /^\(.*\)$/s.test(tree)) return { kind: 'unsupported', at: at || '.' };
  return equal(tree, value) ? { kind: 'holds' } : { kind: 'fails', at: at || '.' };
}

/** Where a tree uses an expression (a projection, iteration or binding), if anywhere. */
export function expressionIn(tree: unknown, at = ''): string | undefined {
  if (isObj(tree)) {
    for (const [key, sub] of Object.entries(tree)) {
      if (EXPRESSION_KEY.test(key)) return `${at}.${key}`;
      const inner = expressionIn(sub, `${at}.${key}`);
      if (inner) return inner;
    }
    return undefined;
  }
  if (Array.isArray(tree)) {
    for (let i = 0; i < tree.length; i++) {
      const inner = expressionIn(tree[i], `${at}[${i}]`);
      if (inner) return inner;
    }
    return undefined;
  }
  return typeof tree === 'string' && /^\(.*\)$/s.test(tree) ? at || '.' : undefined;
}

import { isMap, isScalar, isSeq, isPair, isAlias, isNode, type Document, type Node as YamlNode, type Pair } from 'yaml';
import type { Span } from '../findings.ts';

/** A path into a document's value: map keys and sequence indexes. */
export type Path = (string | number)[];

export function nodeAt(doc: Document.Parsed, path: Path): YamlNode | undefined {
  let node: unknown = doc.contents;
  for (const segment of path) {
    node = childOf(node, segment)?.value;
    if (node === undefined) return undefined;
  }
  return (node as YamlNode) ?? undefined;
}

function childOf(node: unknown, segment: string | number): { key?: YamlNode; value: unknown } | undefined {
  if (isAlias(node)) return undefined;
  if (isMap(node)) {
    for (const pair of node.items as Pair<unknown, unknown>[]) {
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (key === segment || (typeof segment === 'number' && key === String(segment)) || String(key) === segment) {
        return { key: pair.key as YamlNode, value: pair.value ?? null };
      }
    }
    return undefined;
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment];
    return item === undefined ? undefined : { value: item };
  }
  return undefined;
}

/**
 * The span to report for a path: the value's node, or its key when `target` is 'key'. Walks up to
 * the deepest existing ancestor when the path does not exist (a missing field is reported on the
 * map that should hold it, at its key).
 */
export function spanOf(doc: Document.Parsed, path: Path, target: 'key' | 'value' = 'value'): Span {
  let node: unknown = doc.contents;
  let keyNode: YamlNode | undefined;
  for (const segment of path) {
    const child = childOf(node, segment);
    if (!child) break;
    keyNode = child.key;
    node = child.value;
  }
  if (target === 'key' && keyNode?.range) return { start: keyNode.range[0], end: keyNode.range[1] };
  const range = (node as YamlNode | null)?.range;
  if (range) return { start: range[0], end: range[1] };
  if (keyNode?.range) return { start: keyNode.range[0], end: keyNode.range[1] };
  return { start: doc.range[0], end: doc.range[0] };
}

export interface PathHit {
  path: Path;
  node: YamlNode;
  /** True when the offset is on a map key rather than on a value. */
  onKey: boolean;
}

/** The innermost node under an offset, with its path: the basis of hover and completion. */
export function pathAt(doc: Document.Parsed, offset: number): PathHit | undefined {
  let best: PathHit | undefined;
  const visit = (node: unknown, path: Path): void => {
    if (!node || typeof node !== 'object' || !isNode(node) || !node.range) return;
    if (offset < node.range[0] || offset > node.range[1]) return;
    best = { path, node, onKey: false };
    if (isMap(node)) {
      for (const pair of node.items as Pair<unknown, unknown>[]) {
        const key = isScalar(pair.key) ? pair.key.value : undefined;
        const segment = typeof key === 'number' ? String(key) : (key as string);
        const keyRange = (pair.key as YamlNode | null)?.range;
        if (keyRange && offset >= keyRange[0] && offset <= keyRange[1]) {
          best = { path: [...path, segment], node: pair.key as YamlNode, onKey: true };
          return;
        }
        if (isPair(pair)) visit(pair.value, [...path, segment]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => visit(item, [...path, index]));
    }
  };
  visit(doc.contents, []);
  return best;
}

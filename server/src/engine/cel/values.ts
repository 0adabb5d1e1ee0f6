// Plain-data helpers; JSON <-> CEL conversion itself belongs to the CEL layer.
export { toCel } from '../../cel/lib/kyverno.ts';
export { fromCel } from '../../cel/evaluate.ts';

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function clone<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

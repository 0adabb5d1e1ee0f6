// Anchor syntax shared by validate patterns and strategic-merge overlays.

export type AnchorKind = 'condition' | 'global' | 'existence' | 'equality' | 'negation' | 'addIfAbsent';

export interface Anchor {
  kind: AnchorKind;
  key: string;
}

const MODIFIERS: Record<string, AnchorKind> = { '': 'condition', '<': 'global', '^': 'existence', '=': 'equality', X: 'negation', '+': 'addIfAbsent' };

export function parseAnchor(text: string): Anchor | undefined {
  const m = /^([+<=X^]?)\((.+)\)$/s.exec(text);
  if (!m) return undefined;
  return { kind: MODIFIERS[m[1]!]!, key: m[2]! };
}

/** True when a pattern tree holds any anchored key below it. */
export function containsAnchor(pattern: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some(containsAnchor);
  if (typeof pattern === 'object' && pattern !== null) {
    for (const [k, v] of Object.entries(pattern)) {
      if (parseAnchor(k) || containsAnchor(v)) return true;
    }
  }
  return false;
}

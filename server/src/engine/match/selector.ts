// Label selectors (matchLabels / matchExpressions) with Kyverno's wildcard extension on matchLabels.
import { hasWildcard, wildcardMatch } from './wildcard.ts';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    const expected = String(value);
    if (hasWildcard(key) || hasWildcard(expected)) {
      if (!Object.entries(labels).some(([k, v]) => wildcardMatch(key, k) && wildcardMatch(expected, v))) return false;
    } else if (labels[key] !== expected) return false;
  }
  for (const expr of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, expr.key);
    const values = (expr.values ?? []).map(String);
    switch (expr.operator) {
      case 'In':
        if (!has || !values.includes(labels[expr.key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[expr.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

// Kubernetes label selectors (matchLabels + matchExpressions), as admission webhooks evaluate them.
import { asArray } from './values.ts';
import { isObj } from '../../k8s/objects.ts';

export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (!isObj(selector)) return true;
  const matchLabels = isObj(selector.matchLabels) ? selector.matchLabels : {};
  for (const [k, v] of Object.entries(matchLabels)) if (labels[k] !== String(v)) return false;
  for (const expr of asArray(selector.matchExpressions)) {
    if (!isObj(expr)) continue;
    const key = String(expr.key ?? '');
    const values = asArray(expr.values).map(String);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (expr.operator) {
      case 'In': if (!has || !values.includes(labels[key]!)) return false; break;
      case 'NotIn': if (has && values.includes(labels[key]!)) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

export function isEmptySelector(selector: unknown): boolean {
  if (!isObj(selector)) return true;
  return Object.keys(isObj(selector.matchLabels) ? selector.matchLabels : {}).length === 0 && asArray(selector.matchExpressions).length === 0;
}

export function labelsOf(resource: Record<string, unknown> | undefined): Record<string, string> {
  const meta = resource && isObj(resource.metadata) ? resource.metadata : {};
  const labels = isObj(meta.labels) ? meta.labels : {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) out[k] = String(v);
  return out;
}

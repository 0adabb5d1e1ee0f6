// Kind selectors of legacy match blocks: "Pod", "v1/Pod", "apps/v1/Deployment", "Pod/exec", "*".
import { wildcardMatch } from './wildcard.ts';

export interface KindSelector {
  group: string;
  version: string;
  kind: string;
  subresource: string;
}

export function parseKindSelector(text: string): KindSelector {
  const parts = text.split('/');
  // The kind is the first capitalised (or wildcard) segment; before it group/version, after it the subresource.
  let k = parts.findIndex((p) => /^[A-Z]/.test(p));
  if (k < 0) k = parts.length - 1;
  const before = parts.slice(0, k);
  const subresource = parts.slice(k + 1).join('/');
  const kind = parts[k] ?? '*';
  if (before.length === 0) return { group: '*', version: '*', kind, subresource };
  if (before.length === 1) return { group: '*', version: before[0]!, kind, subresource };
  return { group: before.slice(0, -1).join('/'), version: before[before.length - 1]!, kind, subresource };
}

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export function gvkOf(resource: Record<string, unknown>): Gvk {
  const apiVersion = typeof resource.apiVersion === 'string' ? resource.apiVersion : '';
  const slash = apiVersion.lastIndexOf('/');
  return {
    group: slash >= 0 ? apiVersion.slice(0, slash) : '',
    version: slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion,
    kind: typeof resource.kind === 'string' ? resource.kind : '',
  };
}

export function kindMatches(selectors: string[], gvk: Gvk, subresource = ''): boolean {
  return selectors.some((text) => {
    const s = parseKindSelector(text);
    if (!wildcardMatch(s.kind, gvk.kind)) return false;
    if (s.group !== '*' && !wildcardMatch(s.group, gvk.group)) return false;
    if (s.version !== '*' && !wildcardMatch(s.version, gvk.version)) return false;
    if (s.subresource === '' || s.subresource === '*') return subresource === '' || s.subresource === '*';
    return wildcardMatch(s.subresource, subresource);
  });
}

/** The bare kind names a selector list names ("apps/v1/Deployment" -> "Deployment"). */
export function kindNames(selectors: string[]): string[] {
  return selectors.map((s) => parseKindSelector(s).kind);
}

// Which Kubernetes kinds `object` can be for a CEL site, from the policy's own match block, and
// the Kubernetes type data as the checker's K8sTypeSource. Anything not resolvable to built-in
// kinds (CRDs, wildcards, subresources) yields no kinds: the checker then keeps `object` dyn.
import type { DocClass } from '../model/types.ts';
import { typeOfKind, fieldsOf } from '../k8s/types.ts';
import { kindsForResource, resourceForKind } from '../k8s/discovery.ts';
import type { CelSite } from './extract.ts';
import type { K8sTypeSource, KindRef } from './objectType.ts';
import { isObj } from '../k8s/objects.ts';

export const kubernetesTypes: K8sTypeSource = {
  typeOfKind: (apiVersion, kind) => {
    const name = typeOfKind(apiVersion, kind);
    return name ? { kind: 'object', name } : undefined;
  },
  fieldsOf: (name) => fieldsOf(name),
};

/** More kinds than this and the typed check would cost more than it can find: stay dyn. */
const MAX_KINDS = 8;

type Obj = Record<string, unknown>;
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

const apiVersionOf = (group: string, version: string): string => (group ? `${group}/${version}` : version);

/** kinds of `matchConstraints.resourceRules` (CEL policies, VAP/MAP). */
function fromResourceRules(match: unknown): KindRef[] | undefined {
  if (!isObj(match) || !Array.isArray(match.resourceRules)) return undefined;
  const out: KindRef[] = [];
  for (const rule of match.resourceRules) {
    if (!isObj(rule)) return undefined;
    for (const group of strings(rule.apiGroups)) {
      for (const version of strings(rule.apiVersions)) {
        for (const plural of strings(rule.resources)) {
          if (plural.includes('/') || plural === '*' || group === '*') return undefined;
          const kinds = kindsForResource(group, version, plural);
          if (!kinds.length) return undefined;
          for (const kind of kinds) {
            const info = resourceForKind(kind, version === '*' ? undefined : apiVersionOf(group, version));
            if (!info) return undefined;
            out.push({ apiVersion: apiVersionOf(info.group, info.version), kind });
          }
        }
      }
    }
  }
  return out;
}

/** A legacy `kinds` entry: 'Pod', 'v1/Pod', 'apps/v1/Deployment'. */
function legacyKind(entry: string): KindRef | undefined {
  if (entry.includes('*')) return undefined;
  const parts = entry.split('/');
  const kind = parts.at(-1)!;
  if (parts.length > 3 || /^[a-z]/.test(kind)) return undefined; // 'Pod/status' style subresources
  const apiVersion = parts.length === 1 ? undefined : parts.slice(0, -1).join('/');
  const info = resourceForKind(kind, apiVersion);
  return info ? { apiVersion: apiVersionOf(info.group, info.version), kind } : undefined;
}

function fromLegacyMatch(match: unknown): KindRef[] | undefined {
  if (!isObj(match)) return undefined;
  const blocks = [match, ...(Array.isArray(match.any) ? match.any : []), ...(Array.isArray(match.all) ? match.all : [])];
  const out: KindRef[] = [];
  for (const block of blocks) {
    if (!isObj(block) || !isObj(block.resources)) continue;
    for (const entry of strings(block.resources.kinds)) {
      const ref = legacyKind(entry);
      if (!ref) return undefined;
      out.push(ref);
    }
  }
  return out.length ? out : undefined;
}

function dedupe(refs: KindRef[]): KindRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => !seen.has(`${r.apiVersion}|${r.kind}`) && !!seen.add(`${r.apiVersion}|${r.kind}`));
}

/** The kinds `object` can be at a site; [] when unknown (the checker then keeps `object` dyn). */
export function objectKindsForSite(cls: DocClass, value: unknown, site: CelSite): KindRef[] {
  if (!isObj(value) || !isObj(value.spec)) return [];
  const spec = value.spec;
  let refs: KindRef[] | undefined;
  if (cls.family === 'kyverno-cel' || cls.family === 'k8s-admission') {
    refs = fromResourceRules(spec.matchConstraints);
  } else if (cls.family === 'kyverno-legacy' && site.path[1] === 'rules' && typeof site.path[2] === 'number') {
    const rule = Array.isArray(spec.rules) ? spec.rules[site.path[2]] : undefined;
    refs = isObj(rule) ? fromLegacyMatch(rule.match) : undefined;
  }
  if (!refs) return [];
  const unique = dedupe(refs);
  return unique.length <= MAX_KINDS ? unique : [];
}

// Pod-controller autogen of the CEL policy kinds, after Kyverno: a ValidatingPolicy or
// MutatingPolicy whose matchConstraints name only pods (no names, no selectors) also applies to the
// controllers listed in spec.autogen.podControllers (all of them by default). The model expands
// the matched kinds with it (as for legacy policies); the engine rewrites the expressions.
import { isObj } from '../k8s/objects.ts';

type Obj = Record<string, unknown>;
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export const CEL_AUTOGEN_CONTROLLERS: Record<string, { group: string; kind: string; cron: boolean }> = {
  deployments: { group: 'apps', kind: 'Deployment', cron: false },
  daemonsets: { group: 'apps', kind: 'DaemonSet', cron: false },
  statefulsets: { group: 'apps', kind: 'StatefulSet', cron: false },
  replicasets: { group: 'apps', kind: 'ReplicaSet', cron: false },
  jobs: { group: 'batch', kind: 'Job', cron: false },
  cronjobs: { group: 'batch', kind: 'CronJob', cron: true },
};

/** Why Kyverno's CEL CanAutoGen refuses a policy's matchConstraints (pkg/cel/autogen/support.go). */
export type CelAutogenSkipReason = 'namespaceSelector' | 'objectSelector' | 'excludeResourceRules' | 'resourceNames' | 'resources';

/** The first part of matchConstraints that disables autogen, with its path under matchConstraints; undefined when autogen applies or nothing names pods. */
export function celAutogenSkip(matchConstraints: unknown): { reason: CelAutogenSkipReason; path: (string | number)[] } | undefined {
  if (!isObj(matchConstraints)) return undefined;
  const rules = asArray(matchConstraints.resourceRules);
  const namesPods = rules.some((r) => isObj(r) && asArray(r.resources).includes('pods'));
  if (!namesPods) return undefined;
  for (const key of ['namespaceSelector', 'objectSelector'] as const) {
    const sel = matchConstraints[key];
    if (isObj(sel) && (Object.keys(isObj(sel.matchLabels) ? sel.matchLabels : {}).length > 0 || asArray(sel.matchExpressions).length > 0)) return { reason: key, path: [key] };
  }
  if (asArray(matchConstraints.excludeResourceRules).length > 0) return { reason: 'excludeResourceRules', path: ['excludeResourceRules'] };
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    if (!isObj(r)) continue;
    if (asArray(r.resourceNames).length > 0) return { reason: 'resourceNames', path: ['resourceRules', i, 'resourceNames'] };
    const resources = asArray(r.resources);
    if (resources.length !== 1 || resources[0] !== 'pods') return { reason: 'resources', path: ['resourceRules', i, 'resources'] };
  }
  return undefined;
}

export function canAutogen(matchConstraints: unknown): boolean {
  if (!isObj(matchConstraints)) return false;
  const rules = asArray(matchConstraints.resourceRules).filter(isObj);
  return rules.length > 0 && rules.some((r) => asArray(r.resources).includes('pods')) && celAutogenSkip(matchConstraints) === undefined;
}

export function autogenControllers(spec: Obj): string[] {
  const configured = isObj(spec.autogen) && isObj(spec.autogen.podControllers) ? spec.autogen.podControllers.controllers : undefined;
  if (Array.isArray(configured)) return configured.map(String).filter((c) => c in CEL_AUTOGEN_CONTROLLERS);
  return Object.keys(CEL_AUTOGEN_CONTROLLERS);
}

/** The controller kinds a CEL policy of `kind` also applies to ([] for kinds without autogen). */
export function celAutogenKinds(kind: string, spec: Obj): string[] {
  const autogens = kind === 'ValidatingPolicy' || kind === 'NamespacedValidatingPolicy' || kind === 'MutatingPolicy' || kind === 'NamespacedMutatingPolicy';
  if (!autogens || !canAutogen(spec.matchConstraints)) return [];
  return autogenControllers(spec).map((c) => CEL_AUTOGEN_CONTROLLERS[c].kind);
}

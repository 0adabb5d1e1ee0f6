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

export function canAutogen(matchConstraints: unknown): boolean {
  if (!isObj(matchConstraints)) return false;
  for (const sel of [matchConstraints.namespaceSelector, matchConstraints.objectSelector]) {
    if (isObj(sel) && (Object.keys(isObj(sel.matchLabels) ? sel.matchLabels : {}).length > 0 || asArray(sel.matchExpressions).length > 0)) return false;
  }
  const rules = asArray(matchConstraints.resourceRules).filter(isObj);
  if (rules.length === 0) return false;
  return rules.every((r) => asArray(r.resourceNames).length === 0 && asArray(r.resources).length === 1 && asArray(r.resources)[0] === 'pods');
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

import type { Check, DocumentCheckContext } from '../types.ts';
import type { Fix } from '../../findings.ts';
import type { Path } from '../../yaml/paths.ts';
import { asObj, type Obj } from '../../k8s/objects.ts';
import { kindName } from '../../model/matchSummary.ts';
import { kindsForPlural } from '../../model/pluralKinds.ts';
import { insertFields, replaceScalar } from '../cronjob/yamlEdits.ts';

/**
 * What a cluster needs in order to come back while Kyverno is down, and why. Only kinds the
 * default install does not keep away from Kyverno's webhooks: the API server never sends
 * webhook configurations or admission policies to a webhook, and the default webhook
 * namespaceSelector skips objects in kube-system and kyverno (so Roles and bindings there are
 * safe). Kyverno's resourceFilters are not in this list's favour: Kyverno applies them itself,
 * after the API server has called it, so they protect nothing while it is down.
 */
const RECOVERY: Record<string, string> = {
  Namespace: 'no namespace can be created, Kyverno\'s own included when it is reinstalled',
  ClusterRole: 'cluster-wide RBAC cannot be repaired or reinstalled',
  ClusterRoleBinding: 'cluster-wide RBAC cannot be repaired or reinstalled',
  CustomResourceDefinition: 'no CRD can be installed or upgraded, Kyverno\'s own included',
  Node: 'nodes cannot register after a restart, so Kyverno\'s own Pods have nowhere to run',
  'Node/status': 'kubelets cannot report their nodes Ready again after a restart (status updates refused), so nothing is scheduled, Kyverno included',
  CertificateSigningRequest: 'kubelets cannot get their client certificates (TLS bootstrap)',
  Lease: 'node heartbeats (Leases in kube-node-lease, which the default webhook selector does not skip) fail and every node goes NotReady',
  '*': 'every request outside kube-system and kyverno fails, node heartbeats and namespace creation included',
};
/** Namespaced kinds (and Namespace itself, matched by its own labels) that a webhook namespaceSelector can keep out. */
const SELECTABLE = new Set(['Namespace', 'Lease']);

/** Policy kinds served by Kyverno's admission webhooks (not DeletingPolicies, not the API server's own admission policies). */
const CEL_WEBHOOK_KINDS = new Set([
  'ValidatingPolicy', 'NamespacedValidatingPolicy', 'MutatingPolicy', 'NamespacedMutatingPolicy',
  'GeneratingPolicy', 'NamespacedGeneratingPolicy', 'ImageValidatingPolicy', 'NamespacedImageValidatingPolicy',
]);

/**
 * The operations recovery needs on each kind: a namespace or node is created (registration is a
 * CREATE; heartbeats go to nodes/status and Leases), RBAC and CRDs are created or repaired,
 * Leases are renewed. A webhook registered only for other operations is in nobody's way.
 */
const RECOVERY_OPERATIONS: Record<string, readonly string[]> = {
  'Node/status': ['UPDATE'],
  Namespace: ['CREATE'],
  Node: ['CREATE'],
  CertificateSigningRequest: ['CREATE'],
};
const blocksRecovery = (kind: string, operations: string[]): boolean =>
  operations.length === 0 || operations.includes('*') || operations.some((o) => (RECOVERY_OPERATIONS[kind] ?? ['CREATE', 'UPDATE']).includes(o));

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const nonEmpty = (v: unknown): boolean => Array.isArray(v) && v.length > 0;
const selects = (selector: unknown): boolean => {
  const s = asObj(selector);
  return !!s && (Object.keys(asObj(s.matchLabels) ?? {}).length > 0 || nonEmpty(s.matchExpressions));
};

interface CriticalKind {
  kind: string;
  at: Path;
}

interface FailurePolicy {
  fail: boolean;
  /** Where it is written, when it is. */
  at?: Path;
}

/** Legacy: webhookConfiguration.failurePolicy, then the deprecated spec.failurePolicy, then Fail (Spec.GetFailurePolicy). */
function legacyFailurePolicy(spec: Obj): FailurePolicy {
  const configured = asObj(spec.webhookConfiguration)?.failurePolicy;
  if (typeof configured === 'string') return { fail: configured !== 'Ignore', at: ['spec', 'webhookConfiguration', 'failurePolicy'] };
  if (typeof spec.failurePolicy === 'string') return { fail: spec.failurePolicy !== 'Ignore', at: ['spec', 'failurePolicy'] };
  return { fail: true };
}

/** CEL kinds: spec.failurePolicy, Fail when unset (the CRD's documented default). */
function celFailurePolicy(spec: Obj): FailurePolicy {
  if (typeof spec.failurePolicy === 'string') return { fail: spec.failurePolicy !== 'Ignore', at: ['spec', 'failurePolicy'] };
  return { fail: true };
}

/** The critical kinds a legacy rule's match names, with where each is written (any/all/resources). */
function legacyCriticalKinds(rule: Obj, rulePath: Path): CriticalKind[] {
  const match = asObj(rule.match);
  if (!match) return [];
  const blocks: { resources: unknown; at: Path }[] = [];
  if (match.resources) blocks.push({ resources: match.resources, at: [...rulePath, 'match', 'resources'] });
  for (const key of ['any', 'all'] as const) {
    const list = Array.isArray(match[key]) ? match[key] : [];
    list.forEach((entry, i) => blocks.push({ resources: asObj(entry)?.resources, at: [...rulePath, 'match', key, i, 'resources'] }));
  }
  const found: CriticalKind[] = [];
  for (const { resources, at } of blocks) {
    const operations = strings(asObj(resources)?.operations);
    strings(asObj(resources)?.kinds).forEach((ref, i) => {
      const kind = /(^|\/)Node\/status$/.test(ref) ? 'Node/status' : kindName(ref);
      if (RECOVERY[kind] && blocksRecovery(kind, operations)) found.push({ kind, at: [...at, 'kinds', i] });
    });
  }
  return found;
}

/** The critical kinds a CEL policy's matchConstraints name (plural resources mapped to kinds). */
function celCriticalKinds(spec: Obj, allOperations: boolean): CriticalKind[] {
  const rules = asObj(spec.matchConstraints)?.resourceRules;
  const found: CriticalKind[] = [];
  (Array.isArray(rules) ? rules : []).forEach((raw, r) => {
    const rule = asObj(raw);
    if (!rule) return;
    const operations = allOperations ? [] : strings(rule.operations);
    const groups = strings(rule.apiGroups);
    strings(rule.resources).forEach((resource, i) => {
      const plural = resource.split('/')[0];
      const kinds = resource === 'nodes/status' ? ['Node/status'] : plural === '*' ? ['*'] : (groups.length ? groups : ['']).flatMap((g) => (g === '*' ? kindsForPlural('*', plural) : kindsForPlural(g, plural)));
      for (const kind of new Set(kinds)) if (RECOVERY[kind] && blocksRecovery(kind, operations)) found.push({ kind, at: ['spec', 'matchConstraints', 'resourceRules', r, 'resources', i] });
    });
  });
  return found;
}

/**
 * Exempts, at the webhook, the identities that recover a cluster. Kyverno already skips requests
 * from system:nodes and system:serviceaccounts:kube-system (its ConfigMap's default
 * excludeGroups), but only once it has been called; a match condition is evaluated by the API
 * server, so it holds while Kyverno is down. system:masters is the break-glass administrator.
 */
const RECOVERY_CONDITION = {
  name: 'kyverno-down-recovery-path',
  expression: "!request.userInfo.groups.exists(g, g in ['system:masters', 'system:nodes', 'system:serviceaccounts:kube-system'])",
};

function fixesFor(ctx: DocumentCheckContext, legacy: boolean, policy: FailurePolicy): () => Fix[] {
  const { file, document } = ctx;
  return () => {
    const doc = document.yaml.doc;
    const fixes: Fix[] = [];
    const ignore = policy.at
      ? replaceScalar(file.file, doc, policy.at, 'Ignore')
      : insertFields(file.file, doc, file.text, legacy ? ['spec', 'webhookConfiguration'] : ['spec'], { failurePolicy: 'Ignore' });
    if (ignore) fixes.push({ title: 'Set failurePolicy: Ignore (admit requests while Kyverno is down)', edits: [ignore] });
    const exempt = insertFields(file.file, doc, file.text, legacy ? ['spec', 'webhookConfiguration'] : ['spec'], { matchConditions: [RECOVERY_CONDITION] });
    if (exempt) fixes.push({ title: 'Exempt kubelets, kube-system controllers and system:masters at the webhook (matchConditions)', edits: [exempt], isPreferred: true });
    return fixes;
  };
}

/** `*` under a namespaceSelector: namespaced objects and Namespaces can be kept out, cluster-scoped objects cannot. */
const WILDCARD_SELECTED = 'every cluster-scoped object (Nodes, CRDs, cluster RBAC, CSRs) is still sent, since a namespaceSelector never skips them';

function describe(kinds: string[], namespaceSelector: boolean): string {
  const reasons = [...new Set(kinds.map((k) => (k === '*' && namespaceSelector ? WILDCARD_SELECTED : RECOVERY[k])))];
  const named = kinds.map((k) => (k === '*' ? 'every kind (`*`)' : k)).join(', ');
  return `${named}: ${reasons.join('; ')}`;
}

function report(ctx: DocumentCheckContext, subject: string, kinds: CriticalKind[], policy: FailurePolicy, legacy: boolean, namespaceSelector = false): void {
  const names = [...new Set(kinds.map((k) => k.kind))];
  const origin = policy.at ? `failurePolicy is Fail (${policy.at.join('.')})` : 'failurePolicy is Fail (the default)';
  ctx.report(
    { file: ctx.file.file, span: ctx.spanOf(kinds[0].at, 'value') },
    `${subject} matches what the cluster needs to recover, and its ${origin}: while Kyverno is unavailable the API server rejects these requests, whatever the rule's action (Audit included). ${describe(names, namespaceSelector)}. Kyverno's resourceFilters do not help then (Kyverno applies them itself). Exempt the recovery path at the webhook (matchConditions), or set failurePolicy: Ignore if this policy is not a security boundary.`,
    { fixes: fixesFor(ctx, legacy, policy) },
  );
}

/**
 * A policy whose admission webhook fails closed on what a cluster needs in order to recover
 * (namespaces, cluster RBAC, CRDs, node registration and heartbeats, or everything): while Kyverno
 * is down, the cluster cannot heal, Kyverno included.
 */
export const failClosedCriticalCheck: Check = {
  id: 'safety/fail-closed-critical',
  title: 'Fail-closed webhook on what the cluster needs to recover',
  severity: 'warning',
  checkDocument(ctx) {
    const policy = ctx.document.policy;
    if (!policy) return;
    const spec = asObj(policy.raw.spec) ?? {};
    if (policy.cls.family === 'kyverno-legacy' && (policy.cls.kind === 'ClusterPolicy' || policy.cls.kind === 'Policy')) {
      if (spec.admission === false) return;
      const failure = legacyFailurePolicy(spec);
      // Match conditions are evaluated by the API server, Kyverno up or down: they may already let the recovery path through.
      if (!failure.fail || nonEmpty(asObj(spec.webhookConfiguration)?.matchConditions)) return;
      const rules = Array.isArray(spec.rules) ? spec.rules : [];
      rules.forEach((raw, index) => {
        const rule = asObj(raw);
        if (!rule) return;
        const kinds = legacyCriticalKinds(rule, ['spec', 'rules', index]);
        if (kinds.length) report(ctx, `Rule ${typeof rule.name === 'string' ? `'${rule.name}'` : index}`, kinds, failure, true);
      });
      return;
    }
    if (policy.cls.family !== 'kyverno-cel' || !CEL_WEBHOOK_KINDS.has(policy.cls.kind)) return;
    const evaluation = asObj(spec.evaluation);
    if (asObj(evaluation?.admission)?.enabled === false || evaluation?.mode === 'JSON') return;
    const failure = celFailurePolicy(spec);
    const constraints = asObj(spec.matchConstraints) ?? {};
    if (!failure.fail || nonEmpty(spec.matchConditions) || selects(constraints.objectSelector)) return;
    // Kyverno puts the policy's namespaceSelector on its webhook: it can keep namespaces (by their labels) and namespaced objects out.
    const namespaceSelector = selects(constraints.namespaceSelector);
    // Kyverno registers a GeneratingPolicy's resources for every operation, whatever it lists.
    const kinds = celCriticalKinds(spec, policy.cls.kind.endsWith('GeneratingPolicy')).filter((k) => !(namespaceSelector && SELECTABLE.has(k.kind)));
    if (kinds.length) report(ctx, `${policy.cls.kind} '${policy.name}'`, kinds, failure, false, namespaceSelector);
  },
};

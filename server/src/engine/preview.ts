// Admission preview: what every matching policy does to one resource, in Kyverno's order — each
// mutation with the object after it, then each validation's verdict, then the final verdict —
// and, since Kyverno defines no order across mutating policies, one outcome per distinct result
// over the mutation orders. Plain data plus a Markdown rendering; the LSP request and the CLI
// call the same functions.
import equal from 'fast-deep-equal';
import { stringify } from 'yaml';
import type { AdmissionContext, RuleResult, RuleStatus } from './types.ts';
import type { Path } from '../yaml/paths.ts';
import { familyOf, mutationOrders, simulate, type SimulationResult, type Verdict } from './simulate.ts';
import { admissionValidationActions, validationActions } from './cel/index.ts';
import { invariants } from '../conflicts/invariants.ts';
import { markdownCode, markdownFence, markdownLink, markdownText } from '../escape.ts';

type Obj = Record<string, unknown>;

export interface PreviewPolicy {
  doc: Obj;
}

export interface PreviewStep {
  /** Index into the `policies` given to `admissionPreview`. */
  policyIndex: number;
  policy: string;
  rule: string;
  status: RuleStatus;
  reason: string;
  /** The deciding part of the rule, as a path into the policy document. */
  path?: Path;
}

export interface MutationStep extends PreviewStep {
  /** The object after this policy's mutations, as YAML. */
  objectYaml: string;
  changed: boolean;
  /** What this step changed, one line per field: `+ spec.securityContext.runAsUser: 0`, `- …`. */
  diff: string[];
}

export interface ValidationStep extends PreviewStep {
  /** A failure of this rule denies the request (Enforce / Deny); otherwise it is only reported. */
  enforcing: boolean;
}

export interface PreviewOutcome {
  /** The mutation orders (policy names) that give this outcome; at most MAX_LISTED_ORDERS listed. */
  orders: string[][];
  /** How many of the tried orders give this outcome. */
  orderCount: number;
  mutations: MutationStep[];
  validations: ValidationStep[];
  generations: PreviewStep[];
  verdict: Verdict;
  /**
   * What happens to the object once the policies are through with it, read from the final object:
   * the API server rejects it, or the kubelet never starts a container (the invariants the
   * `conflict/incompatible-mutations` check names). Set for denied outcomes too: it is what the
   * author meets next after fixing the denial.
   */
  fate?: { outcome: 'rejected' | 'never-starts'; reason: string };
  finalYaml: string;
}

export interface AdmissionPreview {
  resource: { kind: string; name: string; namespace?: string };
  operation: string;
  /** Policies with at least one rule that applied (not skipped). */
  matching: string[];
  /** Rules that did not apply, with the reason (the first of each policy). */
  skipped: PreviewStep[];
  ordersTried: number;
  /** One per distinct outcome: more than one when the mutation order matters. */
  outcomes: PreviewOutcome[];
  /** The outcomes disagree on admission. */
  verdictDependsOnOrder: boolean;
}

export const MAX_LISTED_ORDERS = 3;

const nameOf = (doc: Obj): string => String((doc.metadata as Obj | undefined)?.name ?? '');

/** Whether a failing validation rule of this policy denies (mirrors the simulation's decision). */
export function isEnforcing(policy: Obj, rule: string, context: AdmissionContext): boolean {
  const kind = String(policy.kind ?? '');
  if (kind === 'ValidatingAdmissionPolicy') return admissionValidationActions(policy, context).includes('Deny');
  if (familyOf(policy) === 'cel') return validationActions(policy).includes('Deny');
  const spec = (policy.spec ?? {}) as Obj;
  const rules = (Array.isArray(spec.rules) ? spec.rules : []) as Obj[];
  const raw = rules.find((r) => r && typeof r === 'object' && [String(r.name), `autogen-${String(r.name)}`, `autogen-cronjob-${String(r.name)}`].includes(rule));
  const validate = (raw?.validate ?? raw?.verifyImages ?? {}) as Obj;
  return String(validate.failureAction ?? spec.validationFailureAction ?? 'Audit').toLowerCase() === 'enforce';
}

function safeSimulate(resource: Obj, policies: PreviewPolicy[], context: AdmissionContext, order?: number[]): SimulationResult | undefined {
  try {
    return simulate(structuredClone(resource), policies, context, order ? { order } : {});
  } catch {
    return undefined;
  }
}

/**
 * Simulates admission of `resource` through `policies` (any family; non-matching ones are
 * reported as skipped) for every relevant mutation order, and groups the orders by outcome.
 */
export function admissionPreview(resource: Obj, policies: PreviewPolicy[], context: AdmissionContext = { operation: 'CREATE' }): AdmissionPreview {
  const metadata = (resource.metadata ?? {}) as Obj;
  const head = {
    resource: { kind: String(resource.kind ?? ''), name: String(metadata.name ?? ''), ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}) },
    operation: context.operation,
  };
  const indexOfName = new Map<string, number[]>();
  policies.forEach((p, i) => indexOfName.set(nameOf(p.doc), [...(indexOfName.get(nameOf(p.doc)) ?? []), i]));
  const first = safeSimulate(resource, policies, context);
  if (!first) return { ...head, matching: [], skipped: [], ordersTried: 0, outcomes: [], verdictDependsOnOrder: false };

  // Mutating policies that applied in the default order are the ones whose order can matter.
  const all = [...first.mutations, ...first.validations, ...first.generations];
  const applied = (name: string, results: RuleResult[]) => results.some((r) => r.policy === name && r.status !== 'skip');
  const matching = [...new Set(all.filter((r) => r.status !== 'skip').map((r) => r.policy))];
  const skipped: PreviewStep[] = [];
  for (const r of all) {
    if (r.status === 'skip' && !matching.includes(r.policy) && !skipped.some((s) => s.policy === r.policy)) skipped.push(step(r));
  }
  const relevant = policies.map((_, i) => i).filter((i) => mutates(policies[i]!.doc) && applied(nameOf(policies[i]!.doc), first.mutations));
  const rest = policies.map((_, i) => i).filter((i) => !relevant.includes(i));
  if (matching.length === 0) return { ...head, matching, skipped, ordersTried: 0, outcomes: [], verdictDependsOnOrder: false };
  const orders = relevant.length <= 1 ? [undefined] : mutationOrders(relevant.length).map((perm) => [...perm.map((k) => relevant[k]!), ...rest]);

  const outcomes: (PreviewOutcome & { final: unknown; key: string })[] = [];
  let tried = 0;
  for (const order of orders) {
    const result = order === undefined ? first : safeSimulate(resource, policies, context, order);
    if (!result) continue;
    tried++;
    const final = result.afterEachMutation.at(-1) ?? resource;
    const key = JSON.stringify([result.verdict, result.validations.map((v) => [v.policy, v.rule, v.status])]);
    const names = (order ?? policies.map((_, i) => i)).filter((i) => relevant.includes(i)).map((i) => nameOf(policies[i]!.doc));
    const same = outcomes.find((o) => o.key === key && equal(o.final, final));
    if (same) {
      same.orderCount++;
      if (same.orders.length < MAX_LISTED_ORDERS) same.orders.push(names);
      continue;
    }
    outcomes.push({ ...shape(result, resource, order ?? policies.map((_, i) => i), policies, context), orders: [names], orderCount: 1, final, key });
  }
  const verdicts = new Set(outcomes.map((o) => o.verdict.admitted));
  return {
    ...head,
    matching,
    skipped,
    ordersTried: tried,
    outcomes: outcomes.map(({ final: _f, key: _k, ...o }) => o),
    verdictDependsOnOrder: verdicts.size > 1,
  };

  /** Skipped rules of matching policies are shown (a precondition said no), except autogen copies for other kinds. */
  function shown(r: RuleResult): boolean {
    return r.status !== 'skip' || (matching.includes(r.policy) && !r.rule.startsWith('autogen-'));
  }

  function step(r: RuleResult, policyIndex?: number): PreviewStep {
    const index = policyIndex ?? indexOfName.get(r.policy)?.[0] ?? -1;
    return { policyIndex: index, policy: r.policy, rule: r.rule, status: r.status, reason: r.reason, ...(r.path ? { path: r.path } : {}) };
  }

  function shape(result: SimulationResult, input: Obj, order: number[], docs: PreviewPolicy[], ctx: AdmissionContext): Omit<PreviewOutcome, 'orders' | 'orderCount'> {
    // simulate() applies the mutating policies of `order` one by one: afterEachMutation[k] is the
    // object after the k-th of them; their rule results come in the same sequence.
    const mutatingOrder = order.filter((i) => docs[i] && mutates(docs[i]!.doc));
    const mutations: MutationStep[] = [];
    let before: unknown = input;
    let cursor = 0;
    mutatingOrder.forEach((i, k) => {
      const name = nameOf(docs[i]!.doc);
      const after = result.afterEachMutation[k] ?? before;
      const own: RuleResult[] = [];
      while (cursor < result.mutations.length && result.mutations[cursor]!.policy === name) own.push(result.mutations[cursor++]!);
      for (const r of own) {
        if (!shown(r)) continue;
        const objectAfter = r.patched ?? after;
        const changed = r.status === 'pass' && !equal(before, objectAfter);
        mutations.push({ ...step(r, i), objectYaml: stringify(objectAfter), changed, diff: changed ? objectDiff(before, objectAfter) : [] });
        if (r.status === 'pass') before = objectAfter;
      }
      before = after;
    });
    const validations = result.validations
      .filter(shown)
      .map((r): ValidationStep => {
        const s = step(r);
        return { ...s, enforcing: s.policyIndex >= 0 && isEnforcing(docs[s.policyIndex]!.doc, r.rule, ctx) };
      });
    const generations = result.generations.filter(shown).map((r) => step(r));
    const final = result.afterEachMutation.at(-1) ?? input;
    const verdict = failurePolicyVerdict(result.verdict, validations, docs);
    const fate = fateOf(final);
    return { mutations, validations, generations, verdict, ...(fate ? { fate } : {}), finalYaml: stringify(final) };
  }
}

/**
 * A policy that cannot be evaluated (a CEL expression that does not compile, a failing context
 * call) fails the webhook call, and with `failurePolicy: Fail` — the default — the API server
 * denies the request. Only policies that deny at all (Enforce / Deny) are counted.
 */
function failurePolicyVerdict(verdict: Verdict, validations: ValidationStep[], docs: PreviewPolicy[]): Verdict {
  if (!verdict.admitted) return verdict;
  for (const v of validations) {
    if (v.status !== 'error' || !v.enforcing) continue;
    const spec = (docs[v.policyIndex]?.doc.spec ?? {}) as Obj;
    if (String(spec.failurePolicy ?? 'Fail') !== 'Fail') continue;
    return { admitted: false, deniedBy: { policy: v.policy, rule: v.rule, reason: `the policy cannot be evaluated (${v.reason}), and with failurePolicy: Fail${spec.failurePolicy === undefined ? ' (the default)' : ''} the API server denies the request` } };
  }
  return verdict;
}

/** The Pod spec of a workload: a Pod's own, a template's, a CronJob's Job template's. */
function podSpecOf(object: unknown): Obj | undefined {
  const o = object as Obj | undefined;
  const spec = o?.spec as Obj | undefined;
  if (!spec) return undefined;
  if (o!.kind === 'Pod') return spec;
  const template = ((spec.jobTemplate as Obj | undefined)?.spec as Obj | undefined)?.template ?? spec.template;
  return (template as Obj | undefined)?.spec as Obj | undefined;
}

/** The first Kubernetes invariant the admitted object breaks, with the container it concerns. */
export function fateOf(object: unknown): PreviewOutcome['fate'] {
  const pod = podSpecOf(object);
  if (!pod) return undefined;
  const podContext = (pod.securityContext ?? {}) as Obj;
  const containers = [...(Array.isArray(pod.initContainers) ? pod.initContainers : []), ...(Array.isArray(pod.containers) ? pod.containers : [])] as Obj[];
  const at = (value: unknown, path: string[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Obj)[k] : undefined), value);
  for (const container of containers) {
    if (!container || typeof container !== 'object') continue;
    const own = (container.securityContext ?? {}) as Obj;
    for (const invariant of invariants) {
      const [a, b] = invariant.sides;
      const read = (side: typeof a, r?: string) => {
        const path = side.path.map((p) => (p === '$r' ? r! : p));
        if (side.base === 'container') return at(container, path);
        const value = at(own, path);
        return value === undefined && invariant.inheritsFromPod ? at(podContext, path) : value;
      };
      // `$r` ranges over the resource names the first side has (requests.cpu, requests.memory, …).
      const bound = a.path.includes('$r') ? Object.keys((at(container, a.path.slice(0, a.path.indexOf('$r'))) ?? {}) as Obj) : [undefined];
      for (const r of bound) {
        const [va, vb] = [read(a, r), read(b, r)];
        if (va === undefined || vb === undefined || !invariant.clash(va, vb)) continue;
        return { outcome: invariant.outcome, reason: `container \`${String(container.name ?? '?')}\`: ${invariant.consequence}` };
      }
    }
  }
  return undefined;
}

/** Field-level changes from `before` to `after`, as `+`/`-` lines with dotted paths (lists by index). */
export function objectDiff(before: unknown, after: unknown, path = '', out: string[] = [], limit = 200): string[] {
  if (out.length >= limit || equal(before, after)) return out;
  const isMap = (v: unknown) => v !== null && typeof v === 'object';
  if (isMap(before) && isMap(after) && Array.isArray(before) === Array.isArray(after)) {
    const b = before as Obj;
    const a = after as Obj;
    for (const key of [...new Set([...Object.keys(b), ...Object.keys(a)])]) {
      const child = Array.isArray(after) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      objectDiff(b[key], a[key], child, out, limit);
    }
    return out;
  }
  const show = (v: unknown) => (isMap(v) ? JSON.stringify(v) : String(v === null ? 'null' : typeof v === 'string' ? v : JSON.stringify(v)));
  if (before !== undefined) out.push(`- ${path}: ${show(before)}`);
  if (after !== undefined) out.push(`+ ${path}: ${show(after)}`);
  return out;
}

/** The policies simulate() runs in its mutation phase (same test as its phase split). */
function mutates(policy: Obj): boolean {
  const kind = String(policy.kind ?? '');
  if (/MutatingPolicy$|^MutatingAdmissionPolicy$/.test(kind)) return true;
  if (kind !== 'ClusterPolicy' && kind !== 'Policy') return false;
  const rules = (policy.spec as Obj | undefined)?.rules;
  return Array.isArray(rules) && rules.some((r) => r && typeof r === 'object' && 'mutate' in r);
}

// ---- Markdown -------------------------------------------------------------------------------

export interface MarkdownOptions {
  /** A link target for a step (a policy's rule in the workspace), when one is known. */
  linkOf?: (step: PreviewStep) => string | undefined;
  /** Where the resource came from: `web.yaml`, `a minimal Pod`. */
  source?: string;
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, ' ');
}

/** The verdict as a sentence: denied by whom, or admitted — and what then happens to the object. */
export function verdictLine(outcome: PreviewOutcome, kind: string): string {
  const denied = outcome.verdict.deniedBy;
  const pods = kind === 'Pod' || !kind ? 'the Pod' : `the ${kind}'s Pods`;
  if (!outcome.verdict.admitted) {
    const line = `**Denied** by ${markdownCode(`${denied!.policy}/${denied!.rule}`)}: ${markdownText(denied!.reason)}`;
    if (!outcome.fate) return line;
    return `${line}\n\nWere it admitted, ${outcome.fate.outcome === 'never-starts' ? `${pods} would never start` : 'the API server would reject it'}: ${markdownText(outcome.fate.reason)}.`;
  }
  const mutated = outcome.mutations.some((m) => m.changed) ? ' with the mutations above' : '';
  if (outcome.fate?.outcome === 'never-starts') return `**Admitted${mutated}, and ${pods} never ${pods === 'the Pod' ? 'starts' : 'start'}**: ${markdownText(outcome.fate.reason)}.`;
  if (outcome.fate) return `**Admitted by the policies${mutated}, then rejected by the API server**: ${markdownText(outcome.fate.reason)}.`;
  return `**Admitted**${mutated ? ` (${mutated.trim()})` : ''}.`;
}

export function previewMarkdown(preview: AdmissionPreview, options: MarkdownOptions = {}): string {
  const { resource } = preview;
  const ref = (s: PreviewStep) => {
    const label = s.rule && s.rule !== s.policy ? `${s.policy}/${s.rule}` : s.policy;
    const link = options.linkOf?.(s);
    return link ? markdownLink(label, link) : markdownCode(label);
  };
  const lines: string[] = [];
  // Names, messages and reasons come from the workspace: escaped (escape.ts), and no raw HTML.
  lines.push(`# Admission preview: ${markdownText(`${resource.kind} ${resource.namespace ? `${resource.namespace}/` : ''}${resource.name}`)}`);
  lines.push('');
  lines.push(`${options.source ? `${markdownText(options.source)} · ` : ''}\`${preview.operation}\` · ${preview.matching.length} matching ${preview.matching.length === 1 ? 'policy' : 'policies'}${preview.ordersTried > 1 ? ` · ${preview.ordersTried} mutation orders tried` : ''}`);
  lines.push('');
  if (preview.outcomes.length === 0) {
    lines.push('No policy in the workspace applies to this resource.');
    lines.push('');
  } else if (preview.outcomes.length > 1) {
    lines.push(`> **The outcome depends on the mutation order**, which Kyverno does not define: ${preview.outcomes.length} different outcomes${preview.verdictDependsOnOrder ? ', admitted in some orders and denied in others' : ''}.`);
    lines.push('');
  }
  preview.outcomes.forEach((outcome, i) => {
    if (preview.outcomes.length > 1) {
      const orders = outcome.orders.map((o) => o.map(markdownText).join(' → ')).join('; ');
      lines.push(`## Outcome ${i + 1} of ${preview.outcomes.length}: ${!outcome.verdict.admitted ? 'denied' : outcome.fate?.outcome === 'never-starts' ? 'admitted, never starts' : outcome.fate ? 'admitted, then rejected' : 'admitted'}`);
      lines.push('');
      lines.push(`Mutation order${outcome.orderCount > 1 ? 's' : ''}: ${orders}${outcome.orderCount > outcome.orders.length ? ` (and ${outcome.orderCount - outcome.orders.length} more)` : ''}`);
      lines.push('');
    }
    const sub = preview.outcomes.length > 1 ? '###' : '##';
    lines.push(`${sub} 1. Mutations`);
    lines.push('');
    if (outcome.mutations.length === 0) lines.push('No mutation applies.');
    outcome.mutations.forEach((m, k) => {
      lines.push(`${k + 1}. ${ref(m)} — **${m.status}**${m.changed ? '' : m.status === 'pass' ? ' (no change)' : ''}: ${markdownText(m.reason)}`);
      if (m.changed) {
        // What this step changed, not the whole object again (the final object is at the end).
        lines.push('');
        const fence = markdownFence(m.diff);
        lines.push(`   ${fence}diff`);
        for (const l of m.diff) lines.push(`   ${l.replace(/[\r\n]/g, ' ')}`);
        lines.push(`   ${fence}`);
      }
    });
    lines.push('');
    lines.push(`${sub} 2. Validations`);
    lines.push('');
    if (outcome.validations.length === 0) lines.push('No validation applies.');
    // A list, not a table: a table's last column is cut off in a preview beside the editor.
    for (const v of outcome.validations) lines.push(`- **${v.status}** ${ref(v)}${v.enforcing ? '' : ' (audit only)'}: ${markdownText(oneLine(v.reason))}`);
    if (outcome.generations.length) {
      lines.push('');
      lines.push(`${sub} Generation`);
      lines.push('');
      for (const g of outcome.generations) lines.push(`- ${ref(g)} — **${g.status}**: ${markdownText(g.reason)}`);
    }
    lines.push('');
    lines.push(`${sub} 3. Verdict`);
    lines.push('');
    lines.push(verdictLine(outcome, resource.kind));
    lines.push('');
  });
  if (preview.skipped.length) {
    lines.push(`## Policies that do not apply (${preview.skipped.length})`);
    lines.push('');
    for (const s of preview.skipped) lines.push(`- ${ref(s)}: ${markdownText(s.reason)}`);
    lines.push('');
  }
  return lines.join('\n');
}

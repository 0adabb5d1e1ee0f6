// The Enforce impact preview: for each validating policy, which objects of a workspace (or of a
// cluster export) it denies, as if it enforced. An object counts as denied when the policy denies
// it, or denies what its controllers create from it (the ReplicaSet and Pods of a Deployment, the
// Job and Pod of a CronJob): the team switching a policy from Audit to Enforce meets both.
// Pure: the CLI and the code lens give it objects; a verdict cache keyed by the policy's verdict key
// lets the editor recount after a keystroke without simulating again.
import type { DocClass, Policy, Resource } from '../model/types.ts';
import type { AdmissionContext, RuleResult } from '../engine/types.ts';
import { simulate } from '../engine/simulate.ts';
import { verdictKeyOf } from '../model/verdictKey.ts';
import { asController, createdBy, CREATES, namespaceContext, type Created } from './created.ts';
import { asObj, type Obj } from '../k8s/objects.ts';
import { podTemplatePath, WORKLOAD_KINDS } from '../k8s/workloads.ts';

/** An object the preview judges: a workspace resource, or an item of a cluster export. */
export interface ImpactObject {
  kind: string;
  name: string;
  namespace?: string;
  file: string;
  raw: Obj;
  /** The workspace resource it was read from (code lens peek locations), when there is one. */
  resource?: Resource;
}

export interface Denial {
  object: ImpactObject;
  /** The policy's failure as the engine words it: its message and where the pattern failed. */
  message: string;
  /** The first failing field of the denied object (`/spec/containers/0/securityContext/`), when the engine names it. */
  field?: string;
  rule: string;
  /** The object the policy denies when it is not the workload itself (`Pod`, `Job`, `ReplicaSet`). */
  via?: Created['kind'];
}

export interface PolicyImpact {
  policy: Policy;
  /** Enforce when one of its validations denies today (Enforce, Deny), Audit otherwise. */
  mode: 'Audit' | 'Enforce';
  /** Objects at least one of its validations applies to (itself or what its controllers create). */
  evaluated: number;
  /** Every object evaluated runs Pods (a Pod or a Pod controller): the lens says "workloads". */
  onlyWorkloads: boolean;
  denied: Denial[];
}

/** One object's verdict under one policy version; `denial` quotes the message of the version that computed it. */
interface Verdict {
  applied: boolean;
  denial?: Omit<Denial, 'object'>;
  /** The policy document that computed it: a denial found by another version quotes an old message. */
  by?: Obj;
}

/**
 * Verdicts remembered across calls: policy verdict key -> object key -> verdict. Verdict keys leave
 * messages out, so a message edit reuses every admission and judges only the denied objects again
 * (their denial quotes the message).
 */
export class ImpactCache {
  readonly verdicts = new Map<string, Map<string, Verdict>>();
  /** Simulations run (tests count them). */
  simulations = 0;
  /** Drops the verdicts of policy versions that are gone. */
  keep(policies: readonly Policy[]): void {
    const live = new Set(policies.map(verdictKeyOf));
    for (const key of this.verdicts.keys()) if (!live.has(key)) this.verdicts.delete(key);
  }
}

const isValidation = (policy: Policy) => policy.rules.some((r) => r.phase === 'validate' || r.phase === 'verifyImages');

/** The policies whose validations the preview answers for: legacy validate and verifyImages rules, ValidatingPolicy, ImageValidatingPolicy, VAP. */
export function validationPolicies(policies: readonly Policy[]): Policy[] {
  return policies.filter(isValidation);
}

export function modeOf(policy: Policy): 'Audit' | 'Enforce' {
  return policy.rules.some((r) => (r.phase === 'validate' || r.phase === 'verifyImages') && (r.enforcement === 'Enforce' || r.enforcement === 'Deny')) ? 'Enforce' : 'Audit';
}

/** The kinds the objects of this kind lead to (itself, then what its controllers create). */
function chainKinds(kind: string): string[] {
  const kinds = [kind];
  for (let at = CREATES[kind]; at; at = CREATES[at.kind]) kinds.push(at.kind);
  return kinds;
}

/** Whether the policy can meet an object of this kind or anything created from it (cheap, from the model). */
function mayMeet(policy: Policy, kind: string): boolean {
  const chain = chainKinds(kind);
  return policy.rules.some((r) => (r.phase === 'validate' || r.phase === 'verifyImages') && (r.match.kinds.length === 0 || r.match.kinds.some((k) => k === '*' || chain.includes(k))));
}

const FIELD = /failed at path (\/\S*?)(?::|\s|\)|$)/;

function failureOf(results: RuleResult[]): RuleResult | undefined {
  return results.find((r) => r.status === 'fail');
}

/** Runs the policy on the object and on each object its controllers create, until one is denied. */
function judge(policy: Policy, object: Obj, base: AdmissionContext): Verdict {
  const policies = [{ doc: policy.raw }];
  let applied = false;
  let current: Obj | undefined = object;
  let created: Created | undefined;
  let context = base;
  while (current) {
    const result = simulate(current, policies, context);
    if (result.validations.some((v) => v.status !== 'skip')) applied = true;
    const failed = failureOf(result.validations);
    if (failed) {
      return {
        applied: true,
        denial: { message: failed.reason, field: FIELD.exec(failed.reason)?.[1], rule: failed.rule.replace(/^autogen-(?:cronjob-)?/, ''), ...(created ? { via: created.kind } : {}) },
      };
    }
    created = createdBy(result.afterEachMutation.at(-1) ?? current);
    if (created) context = asController(created.controller, base);
    current = created?.object;
  }
  return { applied };
}

/** The messages of each validation, by rule name (a CEL policy's, by the policy's name): what a denial quotes. */
const messageMemo = new WeakMap<Obj, Map<string, string[]>>();
function messagesOf(raw: Obj): Map<string, string[]> {
  let known = messageMemo.get(raw);
  if (known) return known;
  known = new Map();
  const spec = asObj(raw.spec) ?? {};
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  for (const rule of Array.isArray(spec.rules) ? spec.rules : []) {
    const validate = asObj(asObj(rule)?.validate);
    const cel = asObj(validate?.cel);
    const expressions = Array.isArray(cel?.expressions) ? cel!.expressions : [];
    known.set(text(asObj(rule)?.name), [text(validate?.message), ...expressions.map((e) => text(asObj(e)?.message))]);
  }
  if (Array.isArray(spec.validations)) known.set(text(asObj(raw.metadata)?.name), spec.validations.map((v) => text(asObj(v)?.message)));
  messageMemo.set(raw, known);
  return known;
}

/**
 * The verdict with the denying rule's messages as the new text writes them; undefined when that is
 * not certain (a message with variables, one the reason does not quote, a different shape).
 */
function requoted(verdict: Verdict, raw: Obj): Verdict | undefined {
  const denial = verdict.denial!;
  const before = messagesOf(verdict.by!).get(denial.rule);
  const after = messagesOf(raw).get(denial.rule);
  if (!before || !after || before.length !== after.length) return undefined;
  let message = denial.message;
  for (const [i, old] of before.entries()) {
    const now = after[i]!;
    if (old === now) continue;
    if (!old || old.includes('{{') || now.includes('{{') || !message.includes(old)) return undefined;
    message = message.split(old).join(now);
  }
  return { ...verdict, denial: { ...denial, message }, by: raw };
}

export interface ImpactOptions {
  /** Namespace objects by name (namespaceSelector, namespace labels); missing ones are assumed unlabelled. */
  namespaces?: ReadonlyMap<string, Resource>;
  cache?: ImpactCache;
  /** The simulation count goes here when no cache is given. */
  onSimulate?: () => void;
  /** The objects come from a stream: denials drop the object's content (`raw` is left empty). */
  streamed?: boolean;
}

/** A key per object version and namespace labels: the cache's second level. */
const objectKeys = new WeakMap<Obj, string>();
function objectKey(object: ImpactObject, base: AdmissionContext): string {
  let key = objectKeys.get(object.raw);
  if (key === undefined) objectKeys.set(object.raw, (key = JSON.stringify(object.raw)));
  return `${key}\0${JSON.stringify(base.namespaceLabels ?? {})}`;
}

/**
 * Judges objects one at a time (a cluster export is streamed, never held): `add` each object, then
 * `result()`. The namespaces must be known before the objects they hold are added.
 */
export class ImpactAccumulator {
  private readonly contexts = new Map<string, AdmissionContext>();
  private readonly entries: { policy: Policy; key: string; evaluated: number; onlyWorkloads: boolean; denied: Denial[] }[];

  constructor(policies: readonly Policy[], private readonly options: ImpactOptions = {}) {
    this.entries = validationPolicies(policies).map((policy) => ({ policy, key: verdictKeyOf(policy), evaluated: 0, onlyWorkloads: true, denied: [] }));
  }

  private contextOf(namespace: string | undefined): AdmissionContext {
    const ns = namespace ?? 'default';
    let context = this.contexts.get(ns);
    if (!context) this.contexts.set(ns, (context = namespaceContext(this.options.namespaces ?? new Map(), ns)));
    return context;
  }

  add(object: ImpactObject): void {
    const { cache } = this.options;
    for (const entry of this.entries) {
      if (!mayMeet(entry.policy, object.kind)) continue;
      const base = this.contextOf(object.namespace);
      let verdicts = cache?.verdicts.get(entry.key);
      if (cache && !verdicts) cache.verdicts.set(entry.key, (verdicts = new Map()));
      const key = verdicts && objectKey(object, base);
      let verdict = key === undefined ? undefined : verdicts!.get(key);
      // A denial found by another text of the policy (a message edit keeps the verdict key) quotes
      // the old message: it is swapped for the new one, or, when that cannot be done safely, the
      // object is judged again. Admissions are reused as they are.
      if (verdict?.denial && verdict.by !== entry.policy.raw) {
        verdict = requoted(verdict, entry.policy.raw);
        if (verdict && key !== undefined) verdicts!.set(key, verdict);
      }
      if (!verdict) {
        verdict = { ...judge(entry.policy, object.raw, base), by: entry.policy.raw };
        if (cache) cache.simulations++;
        else this.options.onSimulate?.();
        if (key !== undefined) verdicts!.set(key, verdict);
      }
      if (verdict.applied) {
        entry.evaluated++;
        if (!WORKLOAD_KINDS.has(object.kind)) entry.onlyWorkloads = false;
      }
      // A streamed export keeps no object it judged: a denial holds the object's identity only
      // (the engine's memos keyed by the object go with it).
      if (verdict.denial) entry.denied.push({ object: this.options.streamed ? { ...object, raw: {} } : object, ...verdict.denial });
    }
  }

  result(): PolicyImpact[] {
    return this.entries.map(({ policy, evaluated, onlyWorkloads, denied }) => ({ policy, mode: modeOf(policy), evaluated, onlyWorkloads, denied }));
  }
}

/** What each policy would deny among the objects, in the order given. */
export function impactOf(policies: readonly Policy[], objects: readonly ImpactObject[], options: ImpactOptions = {}): PolicyImpact[] {
  const accumulator = new ImpactAccumulator(policies, options);
  for (const object of objects) accumulator.add(object);
  return accumulator.result();
}

/**
 * Documents of tools, never sent to a cluster: `kyverno test` suites and values, Chainsaw tests and
 * configurations, Kustomize and KRM function configs. Not objects any admission sees.
 */
const TOOL_GROUPS = new Set(['cli.kyverno.io', 'chainsaw.kyverno.io', 'kustomize.config.k8s.io', 'config.kubernetes.io', 'kpt.dev']);

/** Whether a document is an object the API server would admit (not a policy, not a tool's file, not a List). */
export function isClusterObject(cls: DocClass | undefined, kind: string): boolean {
  return cls?.family === 'resource' && !TOOL_GROUPS.has(cls.group) && !/List$/.test(kind);
}

/** Workspace resources as impact objects (tool documents left out). */
export function objectsOf(resources: readonly Resource[]): ImpactObject[] {
  return resources.filter((r) => isClusterObject(r.cls, r.kind)).map((r) => ({ kind: r.kind, name: r.name, namespace: r.namespace, file: r.source.file, raw: r.raw, resource: r }));
}

/**
 * Where the first failing field of a denial stands in the object as written: the engine's path into
 * the object it judged, carried back into the workload's template when that object was created from
 * it, and cut to its longest prefix present in the object. Empty when nothing of it is written.
 */
export function failingPathOf(denial: Pick<Denial, 'object' | 'field' | 'via'>): (string | number)[] {
  if (!denial.field) return [];
  const segments = denial.field.split('/').filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const kind = denial.object.kind;
  const prefix = denial.via === 'Pod' ? (podTemplatePath(kind) ?? []) : denial.via === 'Job' && kind === 'CronJob' ? ['spec', 'jobTemplate'] : [];
  const path = [...prefix, ...segments];
  const present: (string | number)[] = [];
  let at: unknown = denial.object.raw;
  for (const key of path) {
    const next = Array.isArray(at) ? (typeof key === 'number' ? at[key] : undefined) : asObj(at)?.[String(key)];
    if (next === undefined) break;
    present.push(key);
    at = next;
  }
  return present;
}

import { dirname, join } from 'node:path';
import type { Check, WorkspaceCheckContext } from '../types.ts';
import type { WorkspaceIndex } from '../../workspace/index.ts';
import type { IndexedDocument } from '../../workspace/document.ts';
import { hashOf } from '../../workspace/cache.ts';
import type { Fix, Related } from '../../findings.ts';
import type { Policy, Resource, Rule } from '../../model/types.ts';
import type { AdmissionContext } from '../../engine/types.ts';
import { simulate as engineSimulate, type SimulationResult } from '../../engine/simulate.ts';
import type { Path } from '../../yaml/paths.ts';
import type { Obj } from '../../k8s/objects.ts';
import { podTemplatePath } from '../../k8s/workloads.ts';
import { verdictKeyOf } from '../../model/verdictKey.ts';
import { asController, createdBy, CREATES, namespaceContext, type Created } from '../../impact/created.ts';
import { createFile } from '../cronjob/yamlEdits.ts';
import { templateFix } from './templateFix.ts';

type StageKind = Created['kind'];

/** A (mutation, validation) pair's screen key: both policy versions. */
const pairKey = ([mutation, validation]: [Policy, Policy]) => `${verdictKeyOf(mutation)}+${verdictKeyOf(validation)}`;

/** The objects the controllers create from a workload of this kind, in order (CronJob: Job, then Pod). */
function stagesOf(kind: string): StageKind[] {
  const stages: StageKind[] = [];
  for (let at = CREATES[kind]; at; at = CREATES[at.kind]) stages.push(at.kind);
  return stages;
}

/** Where the denying rule stands: its deciding path when the engine gives one, else the rule. */
function denyingRule(policies: Policy[], result: SimulationResult): { policy?: Policy; rule?: Rule; path?: Path } {
  const denied = result.verdict.deniedBy!;
  const policy = policies.find((p) => p.name === denied.policy && p.rules.some((r) => r.phase === 'validate' || r.phase === 'verifyImages')) ?? policies.find((p) => p.name === denied.policy);
  if (!policy) return {};
  const ruleName = denied.rule.replace(/^autogen-(?:cronjob-)?/, '');
  const rule = policy.rules.find((r) => r.name === ruleName) ?? policy.rules[0];
  const path = result.validations.find((v) => v.policy === denied.policy && v.rule === denied.rule && v.status === 'fail')?.path as Path | undefined;
  return { policy, rule, path };
}

function relatedFor(ctx: WorkspaceCheckContext, policies: Policy[], result: SimulationResult, what: string): Related[] {
  const { policy, rule, path } = denyingRule(policies, result);
  if (!policy) return [];
  const ref = path ? { ...policy.source, path } : rule?.source ?? policy.source;
  return [{ file: ref.file, span: ctx.spanOf(ref, 'key'), message: `${policy.kind} ${policy.name}${rule ? `, rule ${rule.name}` : ''} denies the ${what}: ${result.verdict.deniedBy!.reason}` }];
}

/** A PolicyException for the objects the controller creates, in a new file beside the workload. */
function exceptionFix(workload: Resource, created: Obj, result: SimulationResult): Fix[] {
  const denied = result.verdict.deniedBy!;
  const kind = String(created.kind);
  const rule = denied.rule.replace(/^autogen-(?:cronjob-)?/, '');
  const slug = `${workload.name}-${denied.policy}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, 200);
  const exception = {
    apiVersion: 'kyverno.io/v2',
    kind: 'PolicyException',
    metadata: { name: `${slug}-exception`, ...(workload.namespace ? { namespace: workload.namespace } : {}) },
    spec: {
      exceptions: [{ policyName: denied.policy, ruleNames: [rule] }],
      match: { any: [{ resources: { kinds: [kind], ...(workload.namespace ? { namespaces: [workload.namespace] } : {}), names: [`${workload.name}-*`] } }] },
    },
  };
  return [{
    title: `Create a PolicyException that exempts the ${kind}s of ${workload.name} from ${denied.policy}/${rule}`,
    edits: [createFile(join(dirname(workload.source.file), `${slug}-exception.yaml`), exception, 'Needs PolicyExceptions enabled in Kyverno (and this namespace allowed for exceptions).')],
  }];
}

// ---- what the check reads, as keys that stay equal when nothing it reads changed ----------------

const enforcing = (rule: Rule) => (rule.phase === 'validate' || rule.phase === 'verifyImages') && (rule.enforcement === 'Enforce' || rule.enforcement === 'Deny');
// Only creation matters here: a rule for other operations only (CONNECT for exec) never sees these objects.
const creates = (rule: Rule) => rule.match.operations.length === 0 || rule.match.operations.includes('CREATE');
const admits = (rule: Rule) => rule.phase === 'mutate' || rule.phase === 'validate' || rule.phase === 'verifyImages';

/** What the check reads for workloads of one kind, derived once per index revision. */
interface KindInputs {
  stages: StageKind[];
  /**
   * Per created kind, the policies with enforcing rules that can deny it without ever seeing the
   * workload (autogen off or skipped, Pod-only, Job-only): the only ones that can make a difference.
   */
  screen: Map<StageKind, Policy[]>;
  /**
   * Per created kind, mutations that never see the workload (a Pod-only mutation) paired with the
   * enforcing validations of that kind: the mutation can break what the validation accepted on the
   * workload. Empty when no such mutation exists.
   */
  pairs: Map<StageKind, [Policy, Policy][]>;
  /** Every policy that takes part in admitting the workload and each object created. */
  sets: Map<string, Policy[]>;
  docs: Map<string, { doc: Obj }[]>;
  screenKey: string;
  verdictKey: string;
}

interface Inputs {
  revision: number;
  byKind: Map<string, KindInputs>;
  namespaces: Map<string, Resource>;
}

function inputsOf(index: WorkspaceIndex, memo: WeakMap<WorkspaceIndex, Inputs>): Inputs {
  const known = memo.get(index);
  if (known?.revision === index.revision) return known;
  const inputs: Inputs = { revision: index.revision, byKind: new Map(), namespaces: new Map(index.resourcesOfKind('Namespace').map((r) => [r.name, r] as const)) };
  memo.set(index, inputs);
  return inputs;
}

function kindInputs(index: WorkspaceIndex, inputs: Inputs, kind: string): KindInputs {
  const known = inputs.byKind.get(kind);
  if (known) return known;
  const policies = (entries: { policy: Policy }[]) => [...new Set(entries.map((e) => e.policy))];
  const unseen = (stage: string) => policies(index.rulesForKind(stage).filter(({ rule }) => enforcing(rule) && creates(rule) && !rule.match.kinds.includes(kind) && !rule.match.kinds.includes('*')));
  const all = (k: string) => policies(index.rulesForKind(k).filter(({ rule }) => admits(rule)));
  const stages = stagesOf(kind);
  const keys = (list: Policy[]) => list.map(verdictKeyOf).join(',');
  const screen = new Map(stages.map((s) => [s, unseen(s)] as const));
  const unseenMutations = (stage: string) => policies(index.rulesForKind(stage).filter(({ rule }) => rule.phase === 'mutate' && !rule.match.kinds.includes(kind) && !rule.match.kinds.includes('*')));
  const validations = (stage: string) => policies(index.rulesForKind(stage).filter(({ rule }) => enforcing(rule) && creates(rule)));
  const pairs = new Map(stages.map((s) => {
    const mutations = unseenMutations(s);
    return [s, mutations.length ? mutations.flatMap((m) => validations(s).filter((v) => v !== m).map((v) => [m, v] as [Policy, Policy])) : []] as const;
  }));
  const sets = new Map([kind, ...stages].map((k) => [k, all(k)] as const));
  const made: KindInputs = {
    stages,
    screen,
    pairs,
    sets,
    docs: new Map([...sets].map(([k, list]) => [k, list.map((p) => ({ doc: p.raw }))] as const)),
    screenKey: hashOf(...stages.map((s) => keys(screen.get(s)!)), ...stages.map((s) => pairs.get(s)!.map(pairKey).join(','))),
    verdictKey: hashOf(...[...sets.values()].map(keys)),
  };
  inputs.byKind.set(kind, made);
  return made;
}

const CHECKED = new Set(Object.keys(CREATES));
const workloadOf = (document: IndexedDocument): Resource | undefined => {
  const resource = document.resource;
  if (!resource || !CHECKED.has(resource.kind)) return undefined;
  const group = resource.cls.group;
  return group === (resource.kind === 'CronJob' || resource.kind === 'Job' ? 'batch' : resource.kind === 'ReplicationController' ? '' : 'apps') ? resource : undefined;
};

/** What one workload's last check found: whether the screen flagged it, and which policy denied. */
interface Outcome {
  flagged: boolean;
  /** The policy its finding quotes and points into: by name, as the engine gives it, and the set it was found in. */
  denied?: { set: string; policy: string };
}

export interface BlockedByPolicyOptions {
  /** The admission simulation (tests count its calls). */
  simulate?: typeof engineSimulate;
}

/** The finding's text for a workload whose created object (`stage`, at position `at` in the chain) is denied. */
function messageFor(workload: Resource, stage: StageKind, at: number, policy: string): string {
  if (workload.kind === 'CronJob') {
    return at === 0
      ? `The CronJob ${workload.name} is admitted, but ${policy} (enforcing) denies the Job it creates at every run: the controller only records a FailedCreate event, and nothing runs.`
      : `The CronJob ${workload.name} and its Job are admitted, but ${policy} (enforcing) denies the Pod the Job creates: every run ends without a Pod (FailedCreate events on the Job only), silently.`;
  }
  if (workload.kind === 'Job') return `The Job ${workload.name} is admitted, but ${policy} (enforcing) denies the Pod it creates: the Job never runs (FailedCreate events on the Job only).`;
  if (stage === 'ReplicaSet') return `The ${workload.kind} ${workload.name} is admitted, but ${policy} (enforcing) denies the ReplicaSet its controller creates: the rollout never starts (a FailedCreate event only).`;
  const via = workload.kind === 'Deployment' ? ' and its ReplicaSet are' : ' is';
  return `The ${workload.kind} ${workload.name}${via} admitted, but ${policy} (enforcing) denies the Pods its controller creates: the rollout hangs with no Pods, and the only trace is a FailedCreate event.`;
}

/**
 * An enforcing policy admits the workload but denies what its controllers create (autogen off or
 * skipped, rules matching Pods or Jobs only, labels the controllers add): the rollout hangs, and
 * the only trace is a FailedCreate event. Decided by simulating admission of the workload and of
 * each object created from it (CronJob: Job and Pod; Deployment: ReplicaSet and Pod; others: Pod).
 *
 * Checked per workload, and only as far as its inputs changed: a cheap screen first (each distinct
 * created object against each policy that can deny it unseen, remembered per policy version), then
 * the whole admission only for the workloads the screen flags. A workload is checked again when its
 * file, its namespace, or the verdict key of a policy it meets changes; typing in a message
 * re-checks only a workload that the edited policy denies (its finding quotes the message).
 *
 * CronJobs keep the code `cronjob/blocked-by-policy` (the check's first id, which users configured).
 */
export function createBlockedByPolicyCheck(options: BlockedByPolicyOptions = {}): Check {
  const simulate = options.simulate ?? engineSimulate;
  const memo = new WeakMap<WorkspaceIndex, Inputs>();
  const outcomes = new WeakMap<IndexedDocument, Outcome>();
  // Screen verdicts: policy verdict key -> screened object (in its context) -> denied. Verdicts of
  // policy versions no longer in the workspace are dropped when the inputs are derived again.
  const screened = new Map<string, Map<string, boolean>>();
  let pruned: Inputs | undefined;
  // The keys are built once per workload version: the same string objects are looked up in every
  // policy's verdicts (V8 hashes a string once), instead of a new concatenation per lookup.
  const screenKeys = new WeakMap<Resource, { namespace: Resource | undefined; keys: string[]; chain: Created[]; base: AdmissionContext }>();

  const screenOf = (workload: Resource, inputs: Inputs) => {
    const namespace = inputs.namespaces.get(workload.namespace ?? 'default');
    let entry = screenKeys.get(workload);
    if (!entry || entry.namespace !== namespace) {
      const base = namespaceContext(inputs.namespaces, workload.namespace);
      const chain: Created[] = [];
      for (let next = createdBy(workload.raw); next; next = createdBy(next.object)) chain.push(next);
      const key = JSON.stringify([workload.kind, chain[0]?.object, base]);
      screenKeys.set(workload, (entry = { namespace, keys: chain.map((c) => `${c.kind}\0${key}`), chain, base }));
    }
    return entry;
  };

  const prune = (index: WorkspaceIndex, inputs: Inputs) => {
    const live = new Set<string>();
    for (const kind of CHECKED) {
      const own = kindInputs(index, inputs, kind);
      for (const list of own.screen.values()) for (const p of list) live.add(verdictKeyOf(p));
      for (const list of own.pairs.values()) for (const pair of list) live.add(pairKey(pair));
    }
    for (const key of screened.keys()) if (!live.has(key)) screened.delete(key);
  };

  /** Whether some policy that never meets the workload denies what it creates; each policy version judges each distinct object once. */
  const flagged = (workload: Resource, own: KindInputs, inputs: Inputs): boolean => {
    const { keys, chain, base } = screenOf(workload, inputs);
    const denies = (created: Created, objectKey: string, policyKey: string, policies: Policy[]) => {
      let verdicts = screened.get(policyKey);
      if (!verdicts) screened.set(policyKey, (verdicts = new Map()));
      let denied = verdicts.get(objectKey);
      if (denied === undefined) verdicts.set(objectKey, (denied = !simulate(created.object, policies.map((p) => ({ doc: p.raw })), asController(created.controller, base)).verdict.admitted));
      return denied;
    };
    return chain.some(
      (created, i) =>
        own.screen.get(created.kind)!.some((policy) => denies(created, keys[i]!, verdictKeyOf(policy), [policy])) ||
        own.pairs.get(created.kind)!.some((pair) => denies(created, keys[i]!, pairKey(pair), pair)),
    );
  };

  const checkWorkload = (ctx: WorkspaceCheckContext, text: string, document: IndexedDocument, workload: Resource, own: KindInputs, inputs: Inputs): Outcome => {
    if (![...own.screen.values(), ...own.pairs.values()].some((list) => list.length)) return { flagged: false };
    if (!flagged(workload, own, inputs)) return { flagged: false };
    const base = namespaceContext(inputs.namespaces, workload.namespace);
    const admitted = simulate(workload.raw, own.docs.get(workload.kind)!, base);
    if (!admitted.verdict.admitted) return { flagged: true };
    let current = admitted.afterEachMutation.at(-1) ?? workload.raw;
    const template = podTemplatePath(workload.kind)!;
    for (const [i, stage] of own.stages.entries()) {
      const created = createdBy(current)!;
      const result = simulate(created.object, own.docs.get(stage)!, asController(created.controller, base));
      if (!result.verdict.admitted) {
        const path = workload.kind === 'CronJob' && i === 0 ? ['spec', 'jobTemplate'] : stage === 'Pod' ? template : ['spec', 'template'];
        const policy = result.verdict.deniedBy!.policy;
        ctx.report(
          { file: workload.source.file, span: ctx.spanOf({ ...workload.source, path }, 'key') },
          messageFor(workload, stage, i, policy),
          {
            code: workload.kind === 'CronJob' ? 'cronjob/blocked-by-policy' : undefined,
            related: relatedFor(ctx, own.sets.get(stage)!, result, stage),
            fixes: () => [...[templateFix(text, document, workload, stage, result, own.sets.get(stage)!)].filter((f) => f !== undefined), ...exceptionFix(workload, created.object, result)],
          },
        );
        return { flagged: true, denied: { set: stage, policy } };
      }
      current = result.afterEachMutation.at(-1) ?? created.object;
    }
    return { flagged: true };
  };

  const topics = (kind: string) => [kind, ...stagesOf(kind)].map((k) => `rules:${k}`);
  const contributed = new Set([...CHECKED, 'Job', 'ReplicaSet', 'Pod', '*']);

  return {
    id: 'workload/blocked-by-policy',
    title: 'A policy rejects the Pods (or the Job, the ReplicaSet) a workload creates',
    severity: 'error',
    codes: ['cronjob/blocked-by-policy'],
    checkInWorkspace: {
      reads: (document) => {
        const workload = workloadOf(document);
        return workload ? [...topics(workload.kind), 'rules:*', 'resources:Namespace'] : [];
      },
      contributes(document) {
        if (document.resource?.kind === 'Namespace') return ['resources:Namespace'];
        const kinds = new Set<string>();
        for (const rule of document.policy?.rules ?? []) {
          for (const kind of rule.match.kinds.length ? rule.match.kinds : ['*']) if (contributed.has(kind)) kinds.add(`rules:${kind}`);
        }
        return [...kinds];
      },
      // Compared after the check ran: the policy versions the screen read, the full admission's
      // when the screen flagged this workload, and the denying policies themselves (their model
      // objects, replaced by any edit of their files: the finding quotes their message and points into them).
      fingerprint(ctx, document) {
        const workload = workloadOf(document);
        if (!workload) return [];
        const inputs = inputsOf(ctx.index, memo);
        const own = kindInputs(ctx.index, inputs, workload.kind);
        const outcome = outcomes.get(document);
        return [
          inputs.namespaces.get(workload.namespace ?? 'default'),
          own.screenKey,
          outcome?.flagged ? own.verdictKey : '',
          ...(outcome?.denied ? own.sets.get(outcome.denied.set)!.filter((p) => p.name === outcome.denied!.policy) : []),
        ];
      },
      check(ctx, file, document) {
        const workload = workloadOf(document);
        if (!workload) return;
        const inputs = inputsOf(ctx.index, memo);
        if (inputs !== pruned) {
          pruned = inputs;
          prune(ctx.index, inputs);
        }
        outcomes.set(document, checkWorkload(ctx, file.text, document, workload, kindInputs(ctx.index, inputs, workload.kind), inputs));
      },
    },
  };
}

export const blockedByPolicyCheck: Check = createBlockedByPolicyCheck();

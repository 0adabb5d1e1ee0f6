import type { Check, WorkspaceCheckContext } from '../types.ts';
import type { WorkspaceIndex } from '../../workspace/index.ts';
import type { IndexedDocument } from '../../workspace/document.ts';
import { hashOf } from '../../workspace/cache.ts';
import type { Related } from '../../findings.ts';
import type { Policy, Resource, Rule } from '../../model/types.ts';
import type { AdmissionContext } from '../../engine/types.ts';
import { simulate as engineSimulate, type SimulationResult } from '../../engine/simulate.ts';
import type { Path } from '../../yaml/paths.ts';
import { asObj, type Obj } from './common.ts';
import { verdictKeyOf } from '../../model/verdictKey.ts';

/** What the CronJob controller creates at each run: the Job from `jobTemplate`, owned by the CronJob. */
export function jobOf(cronJob: Obj): Obj {
  const metadata = asObj(cronJob.metadata) ?? {};
  const template = asObj(asObj(cronJob.spec)?.jobTemplate) ?? {};
  const templateMeta = asObj(template.metadata) ?? {};
  const name = `${String(metadata.name ?? 'cronjob')}-29000000`;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      ...templateMeta,
      name,
      ...(metadata.namespace !== undefined ? { namespace: metadata.namespace } : {}),
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: metadata.name, controller: true, blockOwnerDeletion: true }],
    },
    spec: asObj(template.spec) ?? {},
  };
}

/** What the Job controller creates: the Pod from the Job's template, with the labels the controller adds. */
export function podOf(job: Obj): Obj {
  const metadata = asObj(job.metadata) ?? {};
  const template = asObj(asObj(job.spec)?.template) ?? {};
  const templateMeta = asObj(template.metadata) ?? {};
  const jobName = String(metadata.name);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...templateMeta,
      name: `${jobName}-x7k2p`,
      ...(metadata.namespace !== undefined ? { namespace: metadata.namespace } : {}),
      labels: { ...(asObj(templateMeta.labels) ?? {}), 'batch.kubernetes.io/job-name': jobName, 'job-name': jobName },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: jobName, controller: true, blockOwnerDeletion: true }],
    },
    spec: asObj(template.spec) ?? {},
  };
}

/** The requests come from controllers in kube-system, not from the user who applied the CronJob. */
function controller(name: 'cronjob-controller' | 'job-controller', base: AdmissionContext): AdmissionContext {
  return {
    ...base,
    userInfo: { username: `system:serviceaccount:kube-system:${name}`, groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] },
  };
}

function namespaceContext(namespaces: Map<string, Resource>, namespace: string | undefined): AdmissionContext {
  const ns = namespace ?? 'default';
  const object = namespaces.get(ns)?.raw;
  const labels = { ...((asObj(asObj(object?.metadata)?.labels) ?? {}) as Record<string, string>), 'kubernetes.io/metadata.name': ns };
  return { operation: 'CREATE', namespaceLabels: labels, namespaceObject: object ?? { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } } };
}

/** Where the denying rule stands: its deciding path when the engine gives one, else the rule. */
function relatedFor(ctx: WorkspaceCheckContext, policies: Policy[], result: SimulationResult, what: string): Related[] {
  const denied = result.verdict.deniedBy!;
  const policy = policies.find((p) => p.name === denied.policy && p.rules.some((r) => r.phase === 'validate' || r.phase === 'verifyImages')) ?? policies.find((p) => p.name === denied.policy);
  if (!policy) return [];
  const ruleName = denied.rule.replace(/^autogen-(?:cronjob-)?/, '');
  const rule = policy.rules.find((r) => r.name === ruleName) ?? policy.rules[0];
  const decided = result.validations.find((v) => v.policy === denied.policy && v.rule === denied.rule && v.status === 'fail')?.path as Path | undefined;
  const ref = decided ? { ...policy.source, path: decided } : rule?.source ?? policy.source;
  return [{ file: ref.file, span: ctx.spanOf(ref, 'key'), message: `${policy.kind} ${policy.name}${rule ? `, rule ${rule.name}` : ''} denies the ${what}: ${denied.reason}` }];
}

// ---- what the check reads, as keys that stay equal when nothing it reads changed ----------------

const enforcing = (rule: Rule) => (rule.phase === 'validate' || rule.phase === 'verifyImages') && (rule.enforcement === 'Enforce' || rule.enforcement === 'Deny');
// Only creation matters here: a rule for other operations only (CONNECT for exec) never sees these objects.
const creates = (rule: Rule) => rule.match.operations.length === 0 || rule.match.operations.includes('CREATE');
const admits = (rule: Rule) => rule.phase === 'mutate' || rule.phase === 'validate' || rule.phase === 'verifyImages';

/** What the check reads from the workspace's policies and namespaces, derived once per index revision. */
interface Inputs {
  revision: number;
  /**
   * Policies with rules that can deny a Job or Pod without ever seeing the CronJob (autogen off,
   * Job-only, Pod-only): the only ones that can make a difference between the CronJob and what it creates.
   */
  screen: { Job: Policy[]; Pod: Policy[] };
  /** Every policy that takes part in admitting each object. */
  sets: { CronJob: Policy[]; Job: Policy[]; Pod: Policy[] };
  docs: { CronJob: { doc: Obj }[]; Job: { doc: Obj }[]; Pod: { doc: Obj }[] };
  screenKey: string;
  verdictKey: string;
  namespaces: Map<string, Resource>;
}

function inputsOf(index: WorkspaceIndex, memo: WeakMap<WorkspaceIndex, Inputs>): Inputs {
  const known = memo.get(index);
  if (known?.revision === index.revision) return known;
  const policies = (entries: { policy: Policy }[]) => [...new Set(entries.map((e) => e.policy))];
  const unseen = (kind: string) => policies(index.rulesForKind(kind).filter(({ rule }) => enforcing(rule) && creates(rule) && !rule.match.kinds.includes('CronJob') && !rule.match.kinds.includes('*')));
  const all = (kind: string) => policies(index.rulesForKind(kind).filter(({ rule }) => admits(rule)));
  const screen = { Job: unseen('Job'), Pod: unseen('Pod') };
  const sets = { CronJob: all('CronJob'), Job: all('Job'), Pod: all('Pod') };
  const docs = (list: Policy[]) => list.map((p) => ({ doc: p.raw }));
  const keys = (list: Policy[]) => list.map(verdictKeyOf).join(',');
  const inputs: Inputs = {
    revision: index.revision,
    screen,
    sets,
    docs: { CronJob: docs(sets.CronJob), Job: docs(sets.Job), Pod: docs(sets.Pod) },
    screenKey: hashOf(keys(screen.Job), keys(screen.Pod)),
    verdictKey: hashOf(keys(sets.CronJob), keys(sets.Job), keys(sets.Pod)),
    namespaces: new Map(index.resourcesOfKind('Namespace').map((r) => [r.name, r] as const)),
  };
  memo.set(index, inputs);
  return inputs;
}

const cronJobOf = (document: IndexedDocument): Resource | undefined => (document.resource?.kind === 'CronJob' && document.resource.cls.group === 'batch' ? document.resource : undefined);

/** What one CronJob's last check found: whether the screen flagged it, and which policy denied. */
interface Outcome {
  flagged: boolean;
  /** The policy its finding quotes and points into: by name, as the engine gives it, and the set it was found in. */
  denied?: { set: 'Job' | 'Pod'; policy: string };
}

export interface BlockedByPolicyOptions {
  /** The admission simulation (tests count its calls). */
  simulate?: typeof engineSimulate;
}

/**
 * An enforcing policy admits the CronJob but denies the Job or the Pod it creates (autogen off,
 * rules matching Jobs or Pods only, labels the controllers add): every run fails, and the only
 * trace is a FailedCreate event. Decided by simulating admission of the CronJob, its Job and its Pod.
 *
 * Checked per CronJob, and only as far as its inputs changed: a cheap screen first (each distinct
 * Job and Pod against each policy that can deny it unseen, remembered per policy version), then the
 * whole admission only for the CronJobs the screen flags. A CronJob is checked again when its
 * file, its namespace, or the verdict key of a policy it meets changes; typing in a message
 * re-checks only a CronJob that the edited policy denies (its finding quotes the message).
 */
export function createBlockedByPolicyCheck(options: BlockedByPolicyOptions = {}): Check {
  const simulate = options.simulate ?? engineSimulate;
  const memo = new WeakMap<WorkspaceIndex, Inputs>();
  const outcomes = new WeakMap<IndexedDocument, Outcome>();
  // Screen verdicts: policy verdict key -> screened object (in its context) -> denied. Verdicts of
  // policy versions no longer in the workspace are dropped when the inputs are derived again.
  const screened = new Map<string, Map<string, boolean>>();
  let pruned: Inputs | undefined;
  // The keys are built once per CronJob version: the same string objects are looked up in every
  // policy's verdicts (V8 hashes a string once), instead of a new concatenation per lookup.
  const screenKeys = new WeakMap<Resource, { namespace: Resource | undefined; Job: string; Pod: string; job: Obj; base: AdmissionContext }>();

  const screenOf = (cronJob: Resource, inputs: Inputs) => {
    const namespace = inputs.namespaces.get(cronJob.namespace ?? 'default');
    let entry = screenKeys.get(cronJob);
    if (!entry || entry.namespace !== namespace) {
      const base = namespaceContext(inputs.namespaces, cronJob.namespace);
      const job = jobOf(cronJob.raw);
      const key = JSON.stringify([job, base]);
      screenKeys.set(cronJob, (entry = { namespace, Job: `Job\0${key}`, Pod: `Pod\0${key}`, job, base }));
    }
    return entry;
  };

  const prune = (inputs: Inputs) => {
    const live = new Set([...inputs.screen.Job, ...inputs.screen.Pod].map(verdictKeyOf));
    for (const key of screened.keys()) if (!live.has(key)) screened.delete(key);
  };

  /** Whether some policy that never meets the CronJob denies its Job or Pod; each policy version judges each distinct object once. */
  const flagged = (cronJob: Resource, inputs: Inputs): boolean => {
    const keys = screenOf(cronJob, inputs);
    const { job, base } = keys;
    const denies = (policy: Policy, object: () => Obj, name: 'cronjob-controller' | 'job-controller', kind: 'Job' | 'Pod') => {
      const policyKey = verdictKeyOf(policy);
      let verdicts = screened.get(policyKey);
      if (!verdicts) screened.set(policyKey, (verdicts = new Map()));
      const objectKey = keys[kind];
      let denied = verdicts.get(objectKey);
      if (denied === undefined) verdicts.set(objectKey, (denied = !simulate(object(), [{ doc: policy.raw }], controller(name, base)).verdict.admitted));
      return denied;
    };
    return inputs.screen.Job.some((p) => denies(p, () => job, 'cronjob-controller', 'Job')) || inputs.screen.Pod.some((p) => denies(p, () => podOf(job), 'job-controller', 'Pod'));
  };

  const checkCronJob = (ctx: WorkspaceCheckContext, cronJob: Resource, inputs: Inputs): Outcome => {
    if (!inputs.screen.Job.length && !inputs.screen.Pod.length) return { flagged: false };
    if (!flagged(cronJob, inputs)) return { flagged: false };
    const base = namespaceContext(inputs.namespaces, cronJob.namespace);
    const own = simulate(cronJob.raw, inputs.docs.CronJob, base);
    if (!own.verdict.admitted) return { flagged: true };
    const job = jobOf(own.afterEachMutation.at(-1) ?? cronJob.raw);
    const jobResult = simulate(job, inputs.docs.Job, controller('cronjob-controller', base));
    const at = (path: Path) => ({ file: cronJob.source.file, span: ctx.spanOf({ ...cronJob.source, path }, 'key') });
    if (!jobResult.verdict.admitted) {
      ctx.report(
        at(['spec', 'jobTemplate']),
        `The CronJob ${cronJob.name} is admitted, but ${jobResult.verdict.deniedBy!.policy} (enforcing) denies the Job it creates at every run: the controller only records a FailedCreate event, and nothing runs.`,
        { related: relatedFor(ctx, inputs.sets.Job, jobResult, 'Job') },
      );
      return { flagged: true, denied: { set: 'Job', policy: jobResult.verdict.deniedBy!.policy } };
    }
    const pod = podOf(jobResult.afterEachMutation.at(-1) ?? job);
    const podResult = simulate(pod, inputs.docs.Pod, controller('job-controller', base));
    if (!podResult.verdict.admitted) {
      ctx.report(
        at(['spec', 'jobTemplate', 'spec', 'template']),
        `The CronJob ${cronJob.name} and its Job are admitted, but ${podResult.verdict.deniedBy!.policy} (enforcing) denies the Pod the Job creates: every run ends without a Pod (FailedCreate events on the Job only), silently.`,
        { related: relatedFor(ctx, inputs.sets.Pod, podResult, 'Pod') },
      );
      return { flagged: true, denied: { set: 'Pod', policy: podResult.verdict.deniedBy!.policy } };
    }
    return { flagged: true };
  };

  return {
    id: 'cronjob/blocked-by-policy',
    title: 'A policy rejects the Job or Pod a CronJob creates',
    severity: 'error',
    checkInWorkspace: {
      reads: (document) => (cronJobOf(document) ? ['rules:CronJob', 'rules:Job', 'rules:Pod', 'rules:*', 'resources:Namespace'] : []),
      contributes(document) {
        if (document.resource?.kind === 'Namespace') return ['resources:Namespace'];
        const kinds = new Set<string>();
        for (const rule of document.policy?.rules ?? []) {
          for (const kind of rule.match.kinds.length ? rule.match.kinds : ['*']) if (kind === 'CronJob' || kind === 'Job' || kind === 'Pod' || kind === '*') kinds.add(`rules:${kind}`);
        }
        return [...kinds];
      },
      // Compared after the check ran: the policy versions the screen read, the full admission's
      // when the screen flagged this CronJob, and the denying policies themselves (their model
      // objects, replaced by any edit of their files: the finding quotes their message and points into them).
      fingerprint(ctx, document) {
        const cronJob = cronJobOf(document);
        if (!cronJob) return [];
        const inputs = inputsOf(ctx.index, memo);
        const outcome = outcomes.get(document);
        return [
          inputs.namespaces.get(cronJob.namespace ?? 'default'),
          inputs.screenKey,
          outcome?.flagged ? inputs.verdictKey : '',
          ...(outcome?.denied ? inputs.sets[outcome.denied.set].filter((p) => p.name === outcome.denied!.policy) : []),
        ];
      },
      check(ctx, _file, document) {
        const cronJob = cronJobOf(document);
        if (!cronJob) return;
        const inputs = inputsOf(ctx.index, memo);
        if (inputs !== pruned) {
          pruned = inputs;
          prune(inputs);
        }
        outcomes.set(document, checkCronJob(ctx, cronJob, inputs));
      },
    },
  };
}

export const blockedByPolicyCheck: Check = createBlockedByPolicyCheck();

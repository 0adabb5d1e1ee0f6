import type { Check, WorkspaceCheckContext } from '../types.ts';
import type { Related } from '../../findings.ts';
import type { Policy, Resource, Rule } from '../../model/types.ts';
import type { AdmissionContext } from '../../engine/types.ts';
import { simulate, type SimulationResult } from '../../engine/simulate.ts';
import type { Path } from '../../yaml/paths.ts';
import { asObj, type Obj } from './common.ts';

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

/**
 * An enforcing policy admits the CronJob but denies the Job or the Pod it creates (autogen off,
 * rules matching Jobs or Pods only, labels the controllers add): every run fails, and the only
 * trace is a FailedCreate event. Decided by simulating admission of the CronJob, its Job and its Pod.
 */
export const blockedByPolicyCheck: Check = {
  id: 'cronjob/blocked-by-policy',
  title: 'A policy rejects the Job or Pod a CronJob creates',
  severity: 'error',
  checkWorkspace(ctx) {
    const cronJobs = ctx.index.resourcesOfKind('CronJob').filter((r) => r.cls.group === 'batch');
    if (!cronJobs.length) return;
    // Only the policies that can act on each object take part (the index knows which rules match
    // a kind, autogen included), and nothing is simulated unless an enforcing validation can
    // reject a Job or a Pod at all.
    const relevant = (kind: string) => ctx.index.rulesForKind(kind);
    const enforcing = (rule: Rule) => (rule.phase === 'validate' || rule.phase === 'verifyImages') && (rule.enforcement === 'Enforce' || rule.enforcement === 'Deny');
    // Rules that can deny a Job or Pod without ever seeing the CronJob (autogen off, Job-only,
    // Pod-only): the only ones that can make a difference between the CronJob and what it creates.
    // Only creation matters here: a rule for other operations only (CONNECT for exec) never sees these objects.
    const creates = (rule: Rule) => rule.match.operations.length === 0 || rule.match.operations.includes('CREATE');
    const unseen = (kind: string) => relevant(kind).filter(({ rule }) => enforcing(rule) && creates(rule) && !rule.match.kinds.includes('CronJob') && !rule.match.kinds.includes('*'));
    const docsFor = (entries: { policy: Policy; rule: Rule }[], withMutations: string | undefined) => {
      const seen = new Set<Policy>(entries.map((e) => e.policy));
      if (withMutations) for (const { policy, rule } of relevant(withMutations)) if (rule.phase === 'mutate') seen.add(policy);
      return [...seen];
    };
    // The screen leaves mutations out (a CronJob whose Pod only a mutation breaks is conflict/*'s case).
    const screen = { Job: docsFor(unseen('Job'), undefined), Pod: docsFor(unseen('Pod'), undefined) };
    if (!unseen('Job').length && !unseen('Pod').length) return;
    const all = (kind: string) => docsFor(relevant(kind).filter(({ rule }) => rule.phase === 'mutate' || rule.phase === 'validate' || rule.phase === 'verifyImages'), undefined);
    const sets = { CronJob: all('CronJob'), Job: all('Job'), Pod: all('Pod') };
    const docs = { CronJob: sets.CronJob.map((p) => ({ doc: p.raw })), Job: sets.Job.map((p) => ({ doc: p.raw })), Pod: sets.Pod.map((p) => ({ doc: p.raw })) };
    const screenDocs = { Job: screen.Job.map((p) => ({ doc: p.raw })), Pod: screen.Pod.map((p) => ({ doc: p.raw })) };
    const namespaces = new Map(ctx.index.resourcesOfKind('Namespace').map((r) => [r.name, r] as const));
    // Repositories of test resources repeat the same CronJob many times: each distinct Job (in its
    // namespace context) is screened once.
    const screenedBefore = new Map<string, boolean>();
    for (const cronJob of cronJobs) {
      const base = namespaceContext(namespaces, cronJob.namespace);
      // Cheap screen first: the Job and Pod against the rules the CronJob never meets.
      const screenJob = jobOf(cronJob.raw);
      const key = JSON.stringify([screenJob, base]);
      let screened = screenedBefore.get(key);
      if (screened === undefined) {
        screened = !simulate(screenJob, screenDocs.Job, controller('cronjob-controller', base)).verdict.admitted
          || !simulate(podOf(screenJob), screenDocs.Pod, controller('job-controller', base)).verdict.admitted;
        screenedBefore.set(key, screened);
      }
      if (!screened) continue;
      const own = simulate(cronJob.raw, docs.CronJob, base);
      if (!own.verdict.admitted) continue;
      const job = jobOf(own.afterEachMutation.at(-1) ?? cronJob.raw);
      const jobResult = simulate(job, docs.Job, controller('cronjob-controller', base));
      const at = (path: Path) => ({ file: cronJob.source.file, span: ctx.spanOf({ ...cronJob.source, path }, 'key') });
      if (!jobResult.verdict.admitted) {
        ctx.report(
          at(['spec', 'jobTemplate']),
          `The CronJob ${cronJob.name} is admitted, but ${jobResult.verdict.deniedBy!.policy} (enforcing) denies the Job it creates at every run: the controller only records a FailedCreate event, and nothing runs.`,
          { related: relatedFor(ctx, sets.Job, jobResult, 'Job') },
        );
        continue;
      }
      const pod = podOf(jobResult.afterEachMutation.at(-1) ?? job);
      const podResult = simulate(pod, docs.Pod, controller('job-controller', base));
      if (!podResult.verdict.admitted) {
        ctx.report(
          at(['spec', 'jobTemplate', 'spec', 'template']),
          `The CronJob ${cronJob.name} and its Job are admitted, but ${podResult.verdict.deniedBy!.policy} (enforcing) denies the Pod the Job creates: every run ends without a Pod (FailedCreate events on the Job only), silently.`,
          { related: relatedFor(ctx, sets.Pod, podResult, 'Pod') },
        );
      }
    }
  },
};

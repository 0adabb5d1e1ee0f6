// What every CronJob check needs: recognise a batch/v1 CronJob, read its schedule once, derive the
// deadlines a fix should write, and the two companion files offered with deadline findings.
import { dirname, isAbsolute, join } from 'node:path';
import type { Fix } from '../../findings.ts';
import type { DocumentCheckContext } from '../types.ts';
import { formatSeconds, intervalName, isValidTimeZone, parseSchedule, scheduleTimes, type ParsedSchedule } from '../../cron/schedule.ts';
import { createFile } from './yamlEdits.ts';
import { podSpecPath } from '../../k8s/workloads.ts';
import { asObj, type Obj } from '../../k8s/objects.ts';

// The checks read objects through these; asObj and Obj live in k8s/objects.ts.
export { asObj, type Obj };
export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export const SPEC = ['spec'];
export const JOB_TEMPLATE = ['spec', 'jobTemplate'];
export const JOB_SPEC = ['spec', 'jobTemplate', 'spec'];
export const POD_SPEC = podSpecPath('CronJob')!;

export interface CronJobView {
  name: string;
  namespace?: string;
  value: Obj;
  spec: Obj;
  jobSpec: Obj;
  podSpec: Obj;
  /** Shortest/longest seconds between runs; undefined when the schedule or time zone is invalid. */
  shortestInterval?: number;
  longestInterval?: number;
  /** The shortest interval as written (24h for a daily schedule, where DST makes one gap 23h). */
  nominalInterval?: number;
}

// Every CronJob check asks for the same view of the same document: read once per document object.
const views = new WeakMap<object, { view: CronJobView | undefined }>();

/** A workspace document that is a `batch` CronJob, with its schedule read; undefined otherwise. */
export function cronJobOf(ctx: DocumentCheckContext): CronJobView | undefined {
  const known = views.get(ctx.document);
  if (known) return known.view;
  const view = readCronJob(ctx);
  views.set(ctx.document, { view });
  return view;
}

function readCronJob(ctx: DocumentCheckContext): CronJobView | undefined {
  const { document } = ctx;
  const cls = document.cls;
  if (!cls || cls.family !== 'resource' || cls.kind !== 'CronJob' || cls.group !== 'batch') return undefined;
  const value = asObj(document.yaml.value);
  const spec = asObj(value?.spec);
  if (!value || !spec) return undefined;
  const jobSpec = asObj(asObj(spec.jobTemplate)?.spec) ?? {};
  const podSpec = asObj(asObj(jobSpec.template)?.spec) ?? {};
  const metadata = asObj(value.metadata) ?? {};
  const view: CronJobView = { name: String(metadata.name ?? 'cronjob'), namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined, value, spec, jobSpec, podSpec };
  const times = intervalsOf(spec);
  if (times) {
    view.shortestInterval = times.shortest;
    view.longestInterval = times.longest;
    view.nominalInterval = times.nominal;
  }
  return view;
}

function intervalsOf(spec: Obj): { shortest: number; longest: number; nominal: number } | undefined {
  if (typeof spec.schedule !== 'string') return undefined;
  const { parsed } = parseSchedule(spec.schedule);
  if (!parsed) return undefined;
  const zone = typeof spec.timeZone === 'string' ? spec.timeZone : parsed.prefixTimeZone;
  if (zone !== undefined && !isValidTimeZone(zone)) return undefined;
  try {
    const times = scheduleTimes(parsed as ParsedSchedule, zone, 1);
    if (!times || !Number.isFinite(times.shortestIntervalSeconds)) return undefined;
    return { shortest: times.shortestIntervalSeconds, longest: times.longestIntervalSeconds, nominal: times.nominalIntervalSeconds };
  } catch {
    return undefined;
  }
}

/**
 * An `activeDeadlineSeconds` safely below the interval as written: 80% of it, in whole hours once
 * it is over two hours and whole minutes once over ten, so a run is stopped before the next one is
 * due (the 20% margin also covers the hour a daylight-saving change takes from one gap).
 */
export function activeDeadlineFor(interval: number): number {
  const raw = Math.floor(interval * 0.8);
  if (raw >= 7200) return Math.floor(raw / 3600) * 3600;
  return raw >= 600 ? Math.floor(raw / 60) * 60 : Math.max(1, raw);
}

/** The title of the fix setting a deadline: `Set activeDeadlineSeconds: 68400 (19h, below the daily interval)`. */
export function deadlineFixTitle(value: number, nominal: number): string {
  return `Set activeDeadlineSeconds: ${value} (${formatSeconds(value)}, below the ${intervalName(nominal)} interval)`;
}

/**
 * A `startingDeadlineSeconds` that tolerates controller lag on a busy control plane without letting
 * a late start run into the next slot: half the interval, at least 120 s and at most 600 s.
 */
export function startingDeadlineFor(interval: number | undefined): number {
  if (interval === undefined) return 300;
  return Math.min(600, Math.max(120, Math.floor(interval / 2)));
}

export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** "the following runs (due daily)" for messages, from the interval as written. */
export function every(interval: number | undefined): string {
  return interval === undefined ? 'the following runs' : `the following runs (due ${intervalName(interval)})`;
}

export const DEADLINE_POLICY_FILE = 'require-cronjob-deadlines.yaml';

/** The companion code actions of deadline findings: a policy forcing the decision, and an alert. */
export function companionFixes(ctx: DocumentCheckContext, view: CronJobView): Fix[] {
  const file = ctx.file.file;
  if (!isAbsolute(file)) return [];
  const dir = dirname(file);
  const fixes: Fix[] = [];
  const alreadyHere = ctx.file.documents.some((d) => d.cls?.kind === 'ValidatingPolicy' && asObj(asObj(d.yaml.value)?.metadata)?.name === 'require-cronjob-deadlines');
  if (!alreadyHere) {
    fixes.push({ title: 'Create a ValidatingPolicy that requires startingDeadlineSeconds and activeDeadlineSeconds on every CronJob', edits: [createFile(join(dir, DEADLINE_POLICY_FILE), deadlinePolicy(), 'Forces CronJob authors to decide how late a run may start and how long it may take.')] });
  }
  if (view.longestInterval !== undefined) {
    const name = view.name.replace(/[^a-z0-9-]/gi, '-').toLowerCase();
    fixes.push({ title: `Create a PrometheusRule that alerts when ${view.name} has not been scheduled for 2 × its interval`, edits: [createFile(join(dir, `${name}-schedule-alert.yaml`), scheduleAlert(view), 'Needs kube-state-metrics and the Prometheus Operator.')] });
  }
  return fixes;
}

export function deadlinePolicy(): Obj {
  return {
    apiVersion: 'policies.kyverno.io/v1',
    kind: 'ValidatingPolicy',
    metadata: {
      name: 'require-cronjob-deadlines',
      annotations: {
        'policies.kyverno.io/title': 'Require CronJob deadlines',
        'policies.kyverno.io/description': 'A CronJob without startingDeadlineSeconds stops after 100 missed schedules, and one without activeDeadlineSeconds lets a stuck run block or overlap the next ones. Both must be decided by the author.',
      },
    },
    spec: {
      validationActions: ['Deny'],
      matchConstraints: {
        resourceRules: [{ apiGroups: ['batch'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['cronjobs'] }],
      },
      validations: [
        { expression: 'has(object.spec.startingDeadlineSeconds)', message: 'Set spec.startingDeadlineSeconds: how late may a run start (e.g. 300)?' },
        { expression: 'has(object.spec.jobTemplate.spec.activeDeadlineSeconds)', message: 'Set spec.jobTemplate.spec.activeDeadlineSeconds below the schedule interval.' },
      ],
    },
  };
}

export function scheduleAlert(view: CronJobView): Obj {
  const threshold = 2 * (view.longestInterval ?? 0);
  const selector = [view.namespace ? `namespace="${view.namespace}"` : undefined, `cronjob="${view.name}"`].filter(Boolean).join(',');
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: `${view.name}-schedule`, ...(view.namespace ? { namespace: view.namespace } : {}) },
    spec: {
      groups: [{
        name: `cronjob-${view.name}`,
        rules: [{
          alert: 'CronJobNotScheduled',
          expr: `time() - kube_cronjob_status_last_schedule_time{${selector}} > ${threshold}`,
          for: '10m',
          labels: { severity: 'warning' },
          annotations: {
            summary: `CronJob ${view.name} has not been scheduled for ${formatSeconds(threshold)}`,
            description: `The last schedule of ${view.namespace ? view.namespace + '/' : ''}${view.name} is older than twice its longest interval (${formatSeconds(view.longestInterval ?? 0)}): runs are being skipped or the controller gave up.`,
          },
        }],
      }],
    },
  };
}

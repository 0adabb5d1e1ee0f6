// Where Kubernetes workloads keep their Pods: the Pod controller kinds and the path from each to
// its Pod template, in one place for autogen, the engine, the checks and the conflict join.
import { asObj, type Obj } from './objects.ts';

/** The Pod controllers, in the order Kyverno's autogen lists them. */
export const POD_CONTROLLERS: readonly string[] = ['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'CronJob'];

/** Kinds that run Pods: the Pod and its controllers. */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Pod', ...POD_CONTROLLERS]);

/** The path from a workload to its Pod template (`[]` for a Pod: its own metadata and spec); undefined for other kinds. */
export function podTemplatePath(kind: string): string[] | undefined {
  if (kind === 'Pod') return [];
  if (kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'template'];
  return POD_CONTROLLERS.includes(kind) ? ['spec', 'template'] : undefined;
}

/** The path from a workload to its Pod spec; undefined for kinds that run no Pods. */
export function podSpecPath(kind: string): string[] | undefined {
  const template = podTemplatePath(kind);
  return template && [...template, 'spec'];
}

/** The Pod template of a controller as a dotted field (`spec.jobTemplate.spec.template` for a CronJob), as expression rewrites write it. */
export function podTemplateField(cron: boolean): string {
  return podTemplatePath(cron ? 'CronJob' : 'Deployment')!.join('.');
}

/** A workload's Pod template (for a Pod, the Pod itself); undefined for other kinds or a template that is not written. */
export function podTemplateOf(workload: unknown, kind: string): Obj | undefined {
  const path = podTemplatePath(kind);
  return path?.reduce<Obj | undefined>((at, key) => asObj(at?.[key]), asObj(workload));
}

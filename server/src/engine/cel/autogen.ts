// Pod-controller autogen for CEL policies, after Kyverno: a policy whose matchConstraints name only
// pods (no names, no selectors) also applies to the controllers listed in spec.autogen (all of
// them by default), with object.spec/object.metadata rewritten to the Pod template.
import { asArray } from './values.ts';
import { isObj } from '../../k8s/objects.ts';
import { CEL_AUTOGEN_CONTROLLERS, autogenControllers, canAutogen } from '../../model/celAutogen.ts';
import { podTemplateField } from '../../k8s/workloads.ts';

export interface AutogenVariant {
  /** 'autogen' for Pod-template controllers, 'autogen-cronjobs' for CronJobs. */
  prefix: string;
  spec: Record<string, unknown>;
}

// What autogen applies to is the model's decision (model/celAutogen.ts); this module rewrites the policy.

const identChar = /[A-Za-z0-9_]/;

/** Rewrites `object.<from>` and `oldObject.<from>`, leaving `.name`/`.namespace` of metadata on the controller itself. */
export function rewritePaths(text: string, cron: boolean): string {
  const specTo = `${podTemplateField(cron)}.spec`;
  const metaTo = `${podTemplateField(cron)}.metadata`;
  return text.replace(/\b(object|oldObject)\.(spec|metadata)(?![A-Za-z0-9_])/g, (whole, root: string, field: string, offset: number) => {
    const rest = text.slice(offset + whole.length);
    if (field === 'metadata') {
      for (const protectedField of ['.namespace', '.name']) {
        if (rest.startsWith(protectedField) && !identChar.test(rest[protectedField.length] ?? '')) return whole;
      }
      return `${root}.${metaTo}`;
    }
    return `${root}.${specTo}`;
  });
}

function rewriteDeep(value: unknown, cron: boolean): unknown {
  if (typeof value === 'string') return rewritePaths(value, cron);
  if (Array.isArray(value)) return value.map((v) => rewriteDeep(v, cron));
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteDeep(v, cron)]));
  return value;
}

/** The autogen variants of a ValidatingPolicy-like spec (every expression field rewritten). */
export function autogenVariants(spec: Record<string, unknown>, rewriteKeys: string[]): AutogenVariant[] {
  if (!canAutogen(spec.matchConstraints)) return [];
  const chosen = autogenControllers(spec);
  const mc = spec.matchConstraints as Record<string, unknown>;
  const operations = isObj(asArray(mc.resourceRules)[0]) ? (asArray(mc.resourceRules)[0] as Record<string, unknown>).operations : undefined;
  const out: AutogenVariant[] = [];
  for (const cron of [false, true]) {
    const names = chosen.filter((c) => CEL_AUTOGEN_CONTROLLERS[c]!.cron === cron);
    if (names.length === 0) continue;
    const byGroup = new Map<string, string[]>();
    for (const n of names) byGroup.set(CEL_AUTOGEN_CONTROLLERS[n]!.group, [...(byGroup.get(CEL_AUTOGEN_CONTROLLERS[n]!.group) ?? []), n]);
    const resourceRules = [...byGroup].map(([group, resources]) => ({ apiGroups: [group], apiVersions: ['v1'], resources, operations }));
    const variant: Record<string, unknown> = { ...spec, matchConstraints: { resourceRules } };
    for (const key of rewriteKeys) if (key in spec) variant[key] = rewriteDeep(spec[key], cron);
    out.push({ prefix: cron ? 'autogen-cronjobs' : 'autogen', spec: variant });
  }
  return out;
}

export function isControllerKind(kind: string): boolean {
  return Object.values(CEL_AUTOGEN_CONTROLLERS).some((c) => c.kind === kind);
}

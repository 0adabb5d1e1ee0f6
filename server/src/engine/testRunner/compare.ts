// How `kyverno test` compares a mutated or generated resource with the one a test file expects:
// both tidied (null, empty maps and empty lists dropped), generate labels normalised, then equal
// exactly as a JSON merge patch between them would be empty.
import equal from 'fast-deep-equal';
import type { RuleResult, RuleStatus } from '../types.ts';
import type { ExpectedResult } from './model.ts';
import { isObj } from '../../k8s/objects.ts';

export function tidy(value: unknown): unknown {
  if (Array.isArray(value)) {
    const out = value.map(tidy).filter((v) => v !== undefined);
    return out.length ? out : undefined;
  }
  if (isObj(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const t = tidy(v);
      if (t !== undefined) out[k] = t;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return value === null ? undefined : value;
}

function fixupGenerateLabels(obj: Record<string, unknown>): Record<string, unknown> {
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  const labels: Record<string, unknown> = { 'app.kubernetes.io/managed-by': 'kyverno' };
  if (isObj(meta.labels)) for (const [k, v] of Object.entries(meta.labels)) if (!k.startsWith('generate.kyverno.io/')) labels[k] = v;
  return { ...obj, metadata: { ...meta, labels } };
}

export function sameResource(actual: Record<string, unknown>, expected: Record<string, unknown>): boolean {
  return equal(tidy(fixupGenerateLabels(actual)), tidy(fixupGenerateLabels(expected)));
}

function idOf(o: Record<string, unknown>): { apiVersion: string; kind: string; name: string; namespace: string } {
  const meta = isObj(o.metadata) ? o.metadata : {};
  return { apiVersion: String(o.apiVersion ?? ''), kind: String(o.kind ?? ''), name: String(meta.name ?? ''), namespace: String(meta.namespace ?? '') };
}

/** The document of an expected-resources file that stands for `actual` (same kind and name; namespace when both have one). */
export function pickExpected(actual: Record<string, unknown>, candidates: Record<string, unknown>[]): Record<string, unknown> | undefined {
  const a = idOf(actual);
  const same = candidates.filter((c) => { const e = idOf(c); return e.kind === a.kind && e.name === a.name && (e.apiVersion === '' || a.apiVersion === '' || e.apiVersion === a.apiVersion); });
  return same.find((c) => idOf(c).namespace === a.namespace) ?? same.find((c) => idOf(c).namespace === '' || a.namespace === '') ?? undefined;
}

export function resourceId(o: Record<string, unknown>): string {
  const { name, namespace } = idOf(o);
  return namespace ? `${namespace}/${name}` : name;
}

/** The result a policy report gives a rule: a failure of a policy annotated `scored: "false"` is a warning. */
export function reportedStatus(policy: Record<string, unknown>, status: RuleStatus): RuleStatus {
  const meta = isObj(policy.metadata) ? policy.metadata : {};
  const annotations = isObj(meta.annotations) ? meta.annotations : {};
  return status === 'fail' && annotations['policies.kyverno.io/scored'] === 'false' ? 'warn' : status;
}

const AUTOGEN_PREFIX = /^autogen-(?:cronjobs?-)?/;

/** Whether `kyverno test` checks this rule response as a generation: per generated resource, none meaning excluded. */
export function isGeneration(policy: Record<string, unknown>, rule: RuleResult, entry: ExpectedResult): boolean {
  if (entry.flags.isGeneratingPolicy === true || /GeneratingPolicy$/.test(String(policy.kind ?? ''))) return true;
  const spec = isObj(policy.spec) ? policy.spec : {};
  const written = rule.rule.replace(AUTOGEN_PREFIX, '');
  const source = (Array.isArray(spec.rules) ? spec.rules : []).find((r) => isObj(r) && (r.name === rule.rule || r.name === written));
  return isObj(source) && isObj(source.generate);
}

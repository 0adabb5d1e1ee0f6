// A policy's key as admission decides with it: equal keys, equal verdicts on any object. Its
// messages and documentation annotations are left out, so typing in a message or a description
// changes no key: the incremental cross-file checks reuse verdicts by it.
import { hashOf } from '../workspace/cache.ts';
import { asObj, type Obj } from '../k8s/objects.ts';
import type { Policy } from './types.ts';

/** Annotations that only document a policy (title, category, description…): the engine never reads them. */
const DOC_ANNOTATION = /^policies\.kyverno\.io\/(?:title|category|severity|subject|description|minversion)$|^kyverno\.io\/(?:kyverno|kubernetes)-version$/;
const omit = (value: unknown, key: string): unknown => {
  const obj = asObj(value);
  if (!obj || !(key in obj)) return value;
  const { [key]: _dropped, ...rest } = obj;
  return rest;
};

/**
 * A policy as admission decides with it: its messages and documentation annotations left out, so
 * typing in a message or a description changes no verdict key. (The text of a finding does quote the
 * denying rule's message: a denied CronJob also keys on its denier, see `fingerprint`.)
 */
export function verdictText(raw: Obj): string {
  const metadata = asObj(raw.metadata);
  const annotations = asObj(metadata?.annotations);
  const spec = asObj(raw.spec);
  const copy: Obj = { ...raw };
  if (metadata && annotations) copy.metadata = { ...metadata, annotations: Object.fromEntries(Object.entries(annotations).filter(([k]) => !DOC_ANNOTATION.test(k))) };
  if (spec) {
    const rules = Array.isArray(spec.rules)
      ? spec.rules.map((rule) => {
          const validate = asObj(asObj(rule)?.validate);
          if (!validate) return rule;
          const cel = asObj(validate.cel);
          const stripped = omit(validate, 'message') as Obj;
          return { ...asObj(rule), validate: cel && Array.isArray(cel.expressions) ? { ...stripped, cel: { ...cel, expressions: cel.expressions.map((e) => omit(e, 'message')) } } : stripped };
        })
      : spec.rules;
    const validations = Array.isArray(spec.validations) ? spec.validations.map((v) => omit(v, 'message')) : spec.validations;
    copy.spec = { ...spec, rules, validations };
  }
  return JSON.stringify(copy);
}

// Keyed by the model object, which is replaced whenever its file changes: each policy is
// serialised once per version, not once per pass.
const verdictKeys = new WeakMap<Policy, string>();
export const verdictKeyOf = (policy: Policy): string => {
  let key = verdictKeys.get(policy);
  if (key === undefined) verdictKeys.set(policy, (key = hashOf(verdictText(policy.raw))));
  return key;
};


// ImageValidatingPolicy: images of the resource matched against matchImageReferences (globs and
// CEL); validations that only reason over references are evaluated; signature and attestation
// checks need a registry and are unknown.
import picomatch from 'picomatch';
import type { AdmissionContext, PolicyResult } from '../types.ts';
import { openFrame, result } from './frame.ts';
import { runValidations } from './validating.ts';
import { asArray, isRecord } from './values.ts';

export function imagesOf(resource: Record<string, unknown>): string[] {
  const out: string[] = [];
  const visit = (spec: unknown) => {
    if (!isRecord(spec)) return;
    for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
      for (const c of asArray(spec[key])) if (isRecord(c) && typeof c.image === 'string') out.push(c.image);
    }
  };
  const spec = isRecord(resource.spec) ? resource.spec : {};
  visit(spec);
  if (isRecord(spec.template)) visit(spec.template.spec);
  if (isRecord(spec.jobTemplate) && isRecord(spec.jobTemplate.spec) && isRecord(spec.jobTemplate.spec.template)) visit(spec.jobTemplate.spec.template.spec);
  return out;
}

export function evaluateImageValidatingPolicy(policy: Record<string, unknown>, resource: Record<string, unknown>, context: AdmissionContext): PolicyResult {
  const opened = openFrame(policy, resource, context, { autogenKeys: [] });
  if ('results' in opened) return { rules: opened.results, patched: resource };
  const { frame } = opened;
  const refs = asArray(frame.spec.matchImageReferences).filter(isRecord);
  const images = imagesOf(resource);
  const selected = refs.length === 0 ? images : images.filter((img) => refs.some((r) => {
    if (typeof r.glob === 'string') return picomatch.isMatch(img, r.glob, { dot: true });
    if (typeof r.expression === 'string') { const o = frame.scope.run(r.expression, { ref: img }); return o.ok && o.value === true; }
    return false;
  }));
  if (selected.length === 0) return { rules: [result(frame, 'skip', 'no image matches matchImageReferences', ['spec', 'matchImageReferences'])], patched: resource };
  if (asArray(frame.spec.attestors).length > 0 || asArray(frame.spec.attestations).length > 0) {
    // Validations typically call verifyImageSignatures/verifyAttestationSignatures, which need the registry.
    const r = runValidations(frame, 'validations');
    if (r.status === 'pass' || r.status === 'fail') return { rules: [r], patched: resource };
    return { rules: [result(frame, 'unknown', `signature/attestation verification of ${selected.join(', ')} needs a registry`, ['spec', 'attestors'])], patched: resource };
  }
  return { rules: [runValidations(frame, 'validations')], patched: resource };
}

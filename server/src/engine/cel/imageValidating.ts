// ImageValidatingPolicy: images of the resource matched against matchImageReferences (globs and
// CEL); validations that only reason over references are evaluated; signature and attestation
// checks need a registry and are unknown.
import { RE2JS } from 're2js';
import type { AdmissionContext, PolicyResult } from '../types.ts';
import { openFrame, result } from './frame.ts';
import { runValidations } from './validating.ts';
import { asArray, toCel } from './values.ts';
import { isObj } from '../../k8s/objects.ts';

const containerFields = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** The images of a Pod-like resource by container field (`images.containers`, ... in CEL). */
export function imagesByField(resource: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = { containers: [], initContainers: [], ephemeralContainers: [] };
  const visit = (spec: unknown) => {
    if (!isObj(spec)) return;
    for (const key of containerFields) {
      for (const c of asArray(spec[key])) if (isObj(c) && typeof c.image === 'string') out[key]!.push(c.image);
    }
  };
  const spec = isObj(resource.spec) ? resource.spec : {};
  visit(spec);
  if (isObj(spec.template)) visit(spec.template.spec);
  if (isObj(spec.jobTemplate) && isObj(spec.jobTemplate.spec) && isObj(spec.jobTemplate.spec.template)) visit(spec.jobTemplate.spec.template.spec);
  return out;
}

export function imagesOf(resource: Record<string, unknown>): string[] {
  return Object.values(imagesByField(resource)).flat();
}

/**
 * Image globs as Kyverno compiles them (gobwas/glob with no separators): `*` spans any characters,
 * `/` included; `?` is one character; `[...]` a class; `{a,b}` alternatives.
 */
// A policy's few globs are matched against every image of every object it sees: compiled once.
const compiledGlobs = new Map<string, RE2JS | undefined>();
const COMPILED_GLOBS_LIMIT = 1000;

export function globMatches(glob: string, text: string): boolean {
  let compiled = compiledGlobs.get(glob);
  if (compiled === undefined && !compiledGlobs.has(glob)) {
    if (compiledGlobs.size >= COMPILED_GLOBS_LIMIT) compiledGlobs.clear();
    compiled = compileGlob(glob);
    compiledGlobs.set(glob, compiled);
  }
  return compiled ? compiled.matcher(text).matches() : false;
}

function compileGlob(glob: string): RE2JS | undefined {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) { re += '\\['; continue; }
      const body = glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
      re += `[${body}]`;
      i = end;
    } else if (ch === '{') {
      const end = glob.indexOf('}', i + 1);
      if (end < 0) { re += '\\{'; continue; }
      re += `(?:${glob.slice(i + 1, end).split(',').map((alt) => alt.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`;
      i = end;
    } else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  try {
    return RE2JS.compile(`^(?:${re})$`);
  } catch {
    return undefined;
  }
}

export function evaluateImageValidatingPolicy(policy: Record<string, unknown>, resource: Record<string, unknown>, context: AdmissionContext): PolicyResult {
  const opened = openFrame(policy, resource, context, { autogenKeys: [] });
  if ('results' in opened) return { rules: opened.results, patched: resource };
  const { frame } = opened;
  const refs = asArray(frame.spec.matchImageReferences).filter(isObj);
  const all = imagesOf(resource);
  const selected = refs.length === 0 ? all : all.filter((img) => refs.some((r) => {
    if (typeof r.glob === 'string') return globMatches(r.glob, img);
    if (typeof r.expression === 'string') { const o = frame.scope.run(r.expression, { ref: img }); return o.ok && o.value === true; }
    return false;
  }));
  if (selected.length === 0) return { rules: [result(frame, 'skip', 'no image matches matchImageReferences', ['spec', 'matchImageReferences'])], patched: resource };
  const byField = imagesByField(resource);
  const images = Object.fromEntries(Object.entries(byField).map(([k, list]) => [k, list.filter((i) => selected.includes(i))]));
  const attestors = Object.fromEntries(asArray(frame.spec.attestors).filter(isObj).map((a) => [String(a.name ?? ''), a]));
  const attestations = Object.fromEntries(asArray(frame.spec.attestations).filter(isObj).map((a) => [String(a.name ?? ''), a]));
  const extra = toCel({ images, attestors, attestations }) as Record<string, unknown>;
  if (Object.keys(attestors).length > 0 || Object.keys(attestations).length > 0) {
    // Validations typically call verifyImageSignatures/verifyAttestationSignatures, which need the registry.
    const r = runValidations(frame, 'validations', extra);
    if (r.status === 'pass' || r.status === 'fail') return { rules: [r], patched: resource };
    return { rules: [result(frame, 'unknown', `signature/attestation verification of ${selected.join(', ')} needs a registry`, ['spec', 'attestors'])], patched: resource };
  }
  return { rules: [runValidations(frame, 'validations', extra)], patched: resource };
}

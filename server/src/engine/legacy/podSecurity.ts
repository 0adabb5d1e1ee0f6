// validate.podSecurity: Pod Security Standards checks with Kyverno's exclusions.
import type { Path } from '../../yaml/paths.ts';
import { checkPodSecurity, type PssViolation } from './pss.ts';
import { wildcardMatch } from '../match/wildcard.ts';
import { fail, pass, type Outcome } from './outcome.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Exclusion {
  controlName?: string;
  images?: string[];
  restrictedField?: string;
  values?: string[];
}

export function validatePodSecurity(ps: Obj, resource: Obj, msg: string, path: Path): Outcome {
  const level = String(ps.level ?? 'baseline');
  const violations = checkPodSecurity(resource, level, String(ps.version ?? 'latest'));
  const exclusions = (Array.isArray(ps.exclude) ? ps.exclude : []) as Exclusion[];
  const remaining = violations.filter((v) => !exclusions.some((x) => excludes(x, v)));
  if (remaining.length === 0) return pass(`the resource meets the ${level} Pod Security Standard`, path);
  const detail = remaining.map((v) => `${v.control}: ${v.detail}`).join('; ');
  return fail(`${msg ? `${msg} ` : ''}(Pod Security Standard ${level} violated: ${detail})`, path);
}

function excludes(x: Exclusion, v: PssViolation): boolean {
  if (x.controlName !== v.control) return false;
  if (x.images && x.images.length > 0) {
    // Image exclusions cover container-level violations only.
    if (v.image === undefined || !x.images.some((p) => wildcardMatch(p, v.image!))) return false;
  } else if (v.image !== undefined && x.restrictedField === undefined) {
    // Without images, an exclusion covers pod-level checks; container-level ones need images or a field.
  }
  if (x.restrictedField !== undefined) {
    if (!fieldMatches(x.restrictedField, v.field)) return false;
    if (x.values && x.values.length > 0) return v.value !== undefined && x.values.some((p) => wildcardMatch(p, String(v.value)));
  }
  return true;
}

function fieldMatches(pattern: string, field: string | undefined): boolean {
  if (!field) return false;
  const norm = (s: string) => s.replace(/\[\d+\]/g, '[*]');
  return norm(pattern) === norm(field);
}

export { isObj };

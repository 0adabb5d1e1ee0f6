// validate.podSecurity: Pod Security Standards checks with Kyverno's exclusions.
import type { Path } from '../../yaml/paths.ts';
import { checkPodSecurity, type PssViolation } from './pss.ts';
import { wildcardMatch } from '../match/wildcard.ts';
import { fail, pass, type Outcome } from './outcome.ts';

type Obj = Record<string, unknown>;

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

/**
 * Kyverno's exemption rules: a container-level violation needs an exclusion whose images match the
 * container; a pod-level one needs the control (images play no part). A restrictedField narrows
 * the exclusion to that field and to the listed values.
 */
function excludes(x: Exclusion, v: PssViolation): boolean {
  if (x.controlName !== v.control) return false;
  if (v.image !== undefined && !(x.images ?? []).some((p) => wildcardMatch(p, v.image!))) return false;
  if (x.restrictedField === undefined || x.restrictedField === '') return true;
  if (!fieldMatches(x.restrictedField, v.field)) return false;
  const values = x.values ?? [];
  const items = Array.isArray(v.value) ? v.value : [v.value];
  return items.every((item) => item !== undefined && values.some((p) => wildcardMatch(p, typeof item === 'string' ? item : JSON.stringify(item))));
}

function fieldMatches(pattern: string, field: string | undefined): boolean {
  if (!field) return false;
  const norm = (s: string) => s.replace(/\[\d+\]/g, '[*]');
  return norm(pattern) === norm(field);
}


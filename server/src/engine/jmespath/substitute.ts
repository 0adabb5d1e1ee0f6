// `{{ ... }}` variable substitution in policy values, as Kyverno's variables.SubstituteAll does.
import { NotFoundError, UnsupportedError } from './errors.ts';
import { query } from './query.ts';
import { parseAnchor } from '../legacy/anchors.ts';

export interface SubstituteOptions {
  /** Preconditions and deny conditions: a variable that cannot be resolved becomes "" instead of an error. */
  lenient?: boolean;
}

interface Found {
  start: number;
  end: number;
  inner: string;
}

/**
 * Finds unescaped innermost `{{ }}` spans (Kyverno's RegexVariables: one level of `{...}` allowed inside,
 * so `{{ f('{{ x }}') }}` yields the inner variable first; callers substitute until none remain).
 */
export function findVariables(text: string): Found[] {
  const out: Found[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    if (open < 0) break;
    if (open > 0 && text[open - 1] === '\\') {
      i = open + 2;
      continue;
    }
    const end = matchBody(text, open + 2);
    if (end < 0) {
      i = open + 1;
      continue;
    }
    out.push({ start: open, end, inner: text.slice(open + 2, end - 2).trim() });
    i = end;
  }
  return out;
}

/** Matches `({[^{}]*}|[^{}])*}}` from pos; returns the index after the closing braces or -1. */
function matchBody(text: string, pos: number): number {
  let j = pos;
  while (j < text.length) {
    const c = text[j];
    if (c === '}') return text[j + 1] === '}' ? j + 2 : -1;
    if (c === '{') {
      const close = text.indexOf('}', j + 1);
      if (close < 0) return -1;
      if (text.slice(j + 1, close).includes('{')) return -1;
      j = close + 1;
      continue;
    }
    j++;
  }
  return -1;
}

export function hasVariables(value: unknown): boolean {
  if (typeof value === 'string') return findVariables(value).length > 0;
  if (Array.isArray(value)) return value.some(hasVariables);
  if (value && typeof value === 'object') return Object.values(value).some(hasVariables);
  return false;
}

export class SubstitutionError extends Error {}

/** Substitutes every variable in a value tree; throws SubstitutionError / UnsupportedError. */
export function substitute(value: unknown, data: unknown, options: SubstituteOptions = {}, path: string[] = []): unknown {
  if (typeof value === 'string') return substituteString(value, data, options, path);
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, data, options, [...path, String(i)]));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // Keys may hold variables too (annotation names built from element.name).
      const key = findVariables(k).length > 0 ? stringify(substituteString(k, data, options, path)) : k;
      out[key] = substitute(v, data, options, [...path, k]);
    }
    return out;
  }
  return value;
}

export function substituteString(text: string, data: unknown, options: SubstituteOptions = {}, path: string[] = []): unknown {
  let current: unknown = text;
  // Inner variables resolve first; the text they produce may form an outer variable.
  for (let round = 0; round < 10 && typeof current === 'string'; round++) {
    if (findVariables(current).length === 0) break;
    current = substituteOnce(current, data, options, path);
  }
  return typeof current === 'string' ? unescape(current) : current;
}

function substituteOnce(text: string, data: unknown, options: SubstituteOptions, path: string[]): unknown {
  const vars = findVariables(text);
  if (vars.length === 1 && vars[0]!.start === 0 && vars[0]!.end === text.length) {
    return resolve(vars[0]!.inner, data, options, path);
  }
  let out = '';
  let last = 0;
  for (const v of vars) {
    out += text.slice(last, v.start) + stringify(resolve(v.inner, data, options, path));
    last = v.end;
  }
  return out + text.slice(last);
}

function resolve(inner: string, data: unknown, options: SubstituteOptions, path: string[]): unknown {
  const expr = inner === '@' ? atPath(path) : inner;
  try {
    return query(expr, data);
  } catch (e) {
    if (e instanceof UnsupportedError) throw e;
    if (options.lenient) return '';
    const why = e instanceof NotFoundError ? `JMESPath query failed: ${e.message}` : (e as Error).message;
    throw new SubstitutionError(`failed to resolve ${inner} at path /${path.join('/')}: ${why}`);
  }
}

/** `{{@}}` names the resource value at the same place as the pattern value. */
function atPath(path: string[]): string {
  let expr = 'request.object';
  for (const seg of path) {
    const key = parseAnchor(seg)?.key ?? seg;
    if (/^\d+$/.test(key)) expr += `[${key}]`;
    else expr += /^[A-Za-z_]\w*$/.test(key) ? `.${key}` : `."${key.replace(/"/g, '\\"')}"`;
  }
  return expr;
}

export function stringify(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function unescape(text: string): string {
  return text.includes('\\{{') ? text.replace(/\\\{\{/g, '{{') : text;
}

import { RE2JS } from 're2js';

// Workspace regexes run on RE2 (linear time): no expression can backtrack catastrophically.
const cache = new Map<string, RE2JS>();
const CACHE_MAX = 256;

export function compileRe2(pattern: string): RE2JS {
  let re = cache.get(pattern);
  if (!re) {
    re = RE2JS.compile(pattern);
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(pattern, re);
  }
  return re;
}

export function re2Test(input: string, pattern: string): boolean {
  return compileRe2(pattern).test(input);
}

export function re2Find(input: string, pattern: string): string {
  const m = compileRe2(pattern).matcher(input);
  return m.find() ? (m.group() ?? '') : '';
}

export function re2FindAll(input: string, pattern: string, limit = -1): string[] {
  const out: string[] = [];
  if (limit === 0) return out;
  const m = compileRe2(pattern).matcher(input);
  while (m.find()) {
    out.push(m.group() ?? '');
    if (limit > 0 && out.length >= limit) break;
  }
  return out;
}

// Condition operators of preconditions and deny conditions (pkg/engine/variables/operator semantics).
import { wildcardMatch } from '../match/wildcard.ts';
import { parseDuration, parseQuantity } from '../jmespath/quantity.ts';
import { cmp, matchValue, operatorOf, parseGoFloat, parseGoInt } from './valuePattern.ts';
import deepEqual from 'fast-deep-equal';

/** Go's fmt.Sprint for the JSON values a condition can hold. */
function sprint(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(sprint).join(' ')}]`;
  return `map[${Object.keys(v as object).sort().map((k) => `${k}:${sprint((v as Record<string, unknown>)[k])}`).join(' ')}]`;
}

function durations(key: unknown, value: unknown): [number, number] | undefined {
  let k = typeof key === 'string' ? parseDuration(key) : undefined;
  let v = typeof value === 'string' ? parseDuration(value) : undefined;
  if (k === undefined && v === undefined) return undefined;
  if (k === undefined) k = typeof key === 'number' ? key : undefined;
  if (v === undefined) v = typeof value === 'number' ? value : undefined;
  return k === undefined || v === undefined ? undefined : [k, v];
}

export function equals(key: unknown, value: unknown): boolean {
  if (typeof key === 'boolean') return typeof value === 'boolean' && key === value;
  if (typeof key === 'number') {
    if (typeof value === 'number') return key === value;
    if (typeof value === 'string') {
      const n = Number.isInteger(key) ? parseGoInt(value) ?? parseGoFloat(value) : parseGoFloat(value);
      return n !== undefined && n === key;
    }
    return false;
  }
  if (typeof key === 'string') {
    const d = durations(key, value);
    if (d) return d[0] === d[1];
    const kq = parseQuantity(key);
    if (kq !== undefined && typeof value === 'string') {
      const vq = parseQuantity(value);
      return vq !== undefined && quantitiesEqual(key, kq, value, vq);
    }
    return typeof value === 'string' && wildcardMatch(value, key);
  }
  if (Array.isArray(key)) return Array.isArray(value) && deepEqual(key, value);
  if (key !== null && typeof key === 'object') return value !== null && typeof value === 'object' && !Array.isArray(value) && deepEqual(key, value);
  return false;
}

/** Kubernetes quantities are exact; past float precision, plain integers compare as big integers. */
function quantitiesEqual(a: string, av: number, b: string, bv: number): boolean {
  const big = (x: number) => !Number.isFinite(x) || Math.abs(x) > Number.MAX_SAFE_INTEGER;
  if ((big(av) || big(bv)) && /^[+-]?\d+$/.test(a) && /^[+-]?\d+$/.test(b)) return BigInt(a) === BigInt(b);
  return av === bv;
}

function notEquals(key: unknown, value: unknown): boolean {
  if (key === null || key === undefined) return false;
  return !equals(key, value);
}

function numeric(key: unknown, value: unknown, op: string): boolean {
  if (typeof key === 'number') return numericWithNumber(key, value, op);
  if (typeof key !== 'string') return false;
  const d = durations(key, value);
  if (d) return cmp(d[0], d[1], op);
  const kq = parseQuantity(key);
  if (kq !== undefined && typeof value === 'string') {
    const vq = parseQuantity(value);
    if (vq !== undefined) return cmp(kq, vq, op);
  }
  const f = parseGoFloat(key);
  if (f !== undefined) return numericWithNumber(f, value, op);
  const sk = semver(key);
  if (sk && typeof value === 'string') {
    const sv = semver(value);
    if (sv) return cmp(semverCmp(sk, sv), 0, op);
  }
  return false;
}

function numericWithNumber(key: number, value: unknown, op: string): boolean {
  if (typeof value === 'number') return cmp(key, value, op);
  if (typeof value === 'string') {
    const d = durations(key, value);
    if (d) return cmp(d[0], d[1], op);
    const f = parseGoFloat(value);
    if (f !== undefined) return cmp(key, f, op);
  }
  return false;
}

function semver(s: string): number[] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(s);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function semverCmp(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function durationOp(key: unknown, value: unknown, op: string): boolean {
  const k = typeof key === 'number' ? key : typeof key === 'string' ? parseDuration(key) : undefined;
  const v = typeof value === 'number' ? value : typeof value === 'string' ? parseDuration(value) : undefined;
  return k !== undefined && v !== undefined && cmp(k, v, op);
}

const bothWays = (a: string, b: string) => wildcardMatch(a, b) || wildcardMatch(b, a);

/** The value side of a set operator: a list, a JSON list in a string, a range, or a single string. */
function valueSet(value: unknown): { list?: string[]; range?: string; invalid?: boolean } {
  if (Array.isArray(value)) return { list: value.map(sprint) };
  if (typeof value === 'number') return { list: [sprint(value)] };
  if (typeof value === 'string') {
    if (operatorOf(value) === 'range') return { range: value, list: [value] };
    const t = value.trim();
    if (t.startsWith('[')) {
      try {
        const parsed = JSON.parse(t);
        if (Array.isArray(parsed)) return { list: parsed.map(sprint) };
      } catch {
        return { invalid: true };
      }
    }
    return { list: [value] };
  }
  return { invalid: true };
}

function keyList(key: unknown): string[] | undefined {
  if (Array.isArray(key)) return key.map(sprint);
  if (typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean') return [sprint(key)];
  return undefined;
}

function inSet(k: string, set: { list?: string[]; range?: string }): boolean {
  if (set.range !== undefined && matchValue(k, set.range)) return true;
  return (set.list ?? []).some((v) => bothWays(k, v));
}

function anyIn(key: unknown, value: unknown): boolean {
  const keys = keyList(key);
  const set = valueSet(value);
  if (!keys || set.invalid) return false;
  return keys.some((k) => inSet(k, set));
}

function allIn(key: unknown, value: unknown): boolean {
  const keys = keyList(key);
  const set = valueSet(value);
  if (!keys || set.invalid) return false;
  return keys.every((k) => inSet(k, set));
}

function anyNotIn(key: unknown, value: unknown): boolean {
  const keys = keyList(key);
  const set = valueSet(value);
  if (!keys || set.invalid) return false;
  return keys.some((k) => !inSet(k, set));
}

function allNotIn(key: unknown, value: unknown): boolean {
  const keys = keyList(key);
  const set = valueSet(value);
  if (!keys || set.invalid) return false;
  return keys.every((k) => !inSet(k, set));
}

/** Deprecated In/NotIn: exact membership (a list key must be a subset). */
function legacyIn(key: unknown, value: unknown): boolean | undefined {
  const set = valueSet(value);
  if (set.invalid) return undefined;
  if (Array.isArray(key)) return key.map(sprint).every((k) => (set.list ?? []).includes(k));
  if (typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean') {
    const k = sprint(key);
    return (set.list ?? []).some((v) => v === k || wildcardMatch(v, k));
  }
  return undefined;
}

const OPERATORS: Record<string, (key: unknown, value: unknown) => boolean> = {
  equal: equals,
  equals,
  notequal: notEquals,
  notequals: notEquals,
  in: (k, v) => legacyIn(k, v) === true,
  notin: (k, v) => legacyIn(k, v) === false,
  anyin: anyIn,
  allin: allIn,
  anynotin: anyNotIn,
  allnotin: allNotIn,
  greaterthanorequals: (k, v) => numeric(k, v, '>='),
  greaterthan: (k, v) => numeric(k, v, '>'),
  lessthanorequals: (k, v) => numeric(k, v, '<='),
  lessthan: (k, v) => numeric(k, v, '<'),
  durationgreaterthanorequals: (k, v) => durationOp(k, v, '>='),
  durationgreaterthan: (k, v) => durationOp(k, v, '>'),
  durationlessthanorequals: (k, v) => durationOp(k, v, '<='),
  durationlessthan: (k, v) => durationOp(k, v, '<'),
};

/** Evaluates one operator; undefined when the operator name is not one Kyverno knows. */
export function evaluateOperator(operator: string, key: unknown, value: unknown): boolean | undefined {
  const fn = OPERATORS[operator.toLowerCase()];
  return fn ? fn(key, value) : undefined;
}

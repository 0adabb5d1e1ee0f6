// Leaf comparison of a validate pattern: Kyverno's pattern.Validate on one resource value.
import { wildcardMatch } from '../match/wildcard.ts';
import { parseDuration, parseQuantity } from '../jmespath/quantity.ts';
import { isObj } from '../../k8s/objects.ts';

type Op = '>=' | '<=' | '>' | '<' | '!' | 'range' | 'notrange' | '=';

const RANGE = /^(\d+(?:\.\d+)?)([^-]*)-(\d+(?:\.\d+)?)([^-]*)$/;
const NOT_RANGE = /^(\d+(?:\.\d+)?)([^-]*)!-(\d+(?:\.\d+)?)([^-]*)$/;

export function operatorOf(pattern: string): Op {
  if (pattern.length < 2) return '=';
  if (pattern.startsWith('>=')) return '>=';
  if (pattern.startsWith('<=')) return '<=';
  if (pattern.startsWith('>')) return '>';
  if (pattern.startsWith('<')) return '<';
  if (pattern.startsWith('!')) return '!';
  if (NOT_RANGE.test(pattern)) return 'notrange';
  if (RANGE.test(pattern)) return 'range';
  return '=';
}

/** Does a resource value satisfy a scalar (or nil/map) pattern leaf? */
export function matchValue(value: unknown, pattern: unknown): boolean {
  if (typeof pattern === 'boolean') return typeof value === 'boolean' && value === pattern;
  if (typeof pattern === 'number') return matchNumber(value, pattern);
  if (typeof pattern === 'string') return matchStringPatterns(value, pattern);
  if (pattern === null || pattern === undefined) return matchNil(value);
  if (isObj(pattern)) return isObj(value);
  return false;
}

function matchNumber(value: unknown, pattern: number): boolean {
  if (typeof value === 'number') return value === pattern;
  if (typeof value === 'string') {
    // Pattern numbers arrive as float64 in Kyverno, so a numeric string parses as a float.
    const n = parseGoFloat(value);
    return n !== undefined && n === pattern;
  }
  return false;
}

function matchNil(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'number') return value === 0;
  if (typeof value === 'string') return value === '';
  if (typeof value === 'boolean') return !value;
  return false;
}

function matchStringPatterns(value: unknown, pattern: string): boolean {
  for (const alternative of pattern.split('|')) {
    const conjuncts = alternative.trim().split('&');
    if (conjuncts.every((c) => matchStringPattern(value, c.trim()))) return true;
  }
  return false;
}

function matchStringPattern(value: unknown, pattern: string): boolean {
  const op = operatorOf(pattern);
  if (op === 'range') {
    const [left, right] = splitOnce(pattern, '-');
    return compareOrdered(value, left, '>=') && compareOrdered(value, right, '<=');
  }
  if (op === 'notrange') {
    const [left, right] = splitOnce(pattern, '!-');
    return compareOrdered(value, left, '<') || compareOrdered(value, right, '>');
  }
  if (op === '=' || op === '!') {
    const rest = op === '!' ? pattern.slice(1).trim() : pattern;
    const text = scalarText(value);
    if (text === undefined) return false;
    const hit = wildcardMatch(rest, text);
    return op === '!' ? !hit : hit;
  }
  return compareOrdered(value, pattern.slice(op.length).trim(), op);
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return [s.slice(0, i), s.slice(i + sep.length)];
}

/** The text Kyverno compares a non-string value as, for wildcard equality. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

function compareOrdered(value: unknown, pattern: string, op: '>=' | '<=' | '>' | '<'): boolean {
  const pq = parseQuantity(pattern);
  if (pq !== undefined) {
    const vq = typeof value === 'number' ? value : typeof value === 'string' ? parseQuantity(value) : undefined;
    if (vq !== undefined) return cmp(vq, pq, op);
  }
  const pd = parseDuration(pattern);
  if (pd !== undefined) {
    const vd = typeof value === 'string' ? parseDuration(value) : undefined;
    if (vd !== undefined) return cmp(vd, pd, op);
  }
  return false;
}

export function cmp(a: number, b: number, op: string): boolean {
  switch (op) {
    case '>=': return a >= b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '<': return a < b;
    default: return false;
  }
}

export function parseGoInt(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

export function parseGoFloat(s: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) && !/^[+-]?(inf|infinity|nan)$/i.test(s)) return undefined;
  return Number(s);
}

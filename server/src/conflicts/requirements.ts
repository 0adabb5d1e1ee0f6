// What an enforcing validation demands of one field, decided by the engine's own evaluators:
// a legacy pattern leaf through `matchValue`, a CEL conjunct by evaluating it on a witness object
// that holds only the field in question. Only requirements that depend on that field alone are
// kept, so "rejects" always means "rejects because of this value".
import type { Policy, Rule, SourceRef } from '../model/types.ts';
import { matchValue } from '../engine/legacy/valuePattern.ts';
import { parseAnchor } from '../engine/legacy/anchors.ts';
import { celObjectReads } from '../model/reads.ts';
import { evaluateCel } from '../cel/evaluate.ts';
import { displayPath } from './paths.ts';
import { asObj } from '../k8s/objects.ts';

type Obj = Record<string, unknown>;
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export interface Requirement {
  /** The field (legacy: the pattern leaf) or the prefix a CEL conjunct reads (`spec.containers`). */
  path: string[];
  /** Does the validation accept `value` written at `writePath` (at or below `path`)? undefined: cannot tell. */
  accepts(writePath: string[], value: unknown): boolean | undefined;
  /** Is an object without the field accepted? */
  acceptsAbsent: boolean | undefined;
  /** The constant the validation demands, when it demands exactly one. */
  wanted?: { value: unknown };
  /** `metadata.labels.app == 'frontend'`, for messages. */
  text: string;
  source: SourceRef;
  /** Inside a conditional anchor: applies only to some objects. */
  conditional: boolean;
  /**
   * What a list element must be for this requirement to matter (legacy patterns): `(name): X`
   * selects elements, `name: X` beside the leaf rejects every other element anyway. `index` is the
   * position of the element's '*' in `path`.
   */
  elementFilters?: { index: number; key: string; pattern: string }[];
}

const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** A pattern leaf that demands exactly one value (no operator, wildcard, alternative or variable). */
function exactPatternValue(leaf: unknown): { value: unknown } | undefined {
  if (typeof leaf === 'boolean' || typeof leaf === 'number') return { value: leaf };
  if (typeof leaf !== 'string' || leaf === '') return undefined;
  if (/[*?|&<>!{}]/.test(leaf) || /^\d+(\.\d+)?[^-]*-\d/.test(leaf)) return undefined;
  // Kyverno compares "2000" with 2000 and "false" with false: the typed value is what an object holds.
  if (/^-?\d+$/.test(leaf)) return { value: Number(leaf) };
  if (leaf === 'true' || leaf === 'false') return { value: leaf === 'true' };
  return { value: leaf };
}

export function validationRequirements(policy: Policy, rule: Rule): Requirement[] {
  if (rule.phase !== 'validate') return [];
  if (policy.cls.family === 'kyverno-legacy') {
    const validate = asObj(rule.raw.validate);
    if (!validate) return [];
    const base = rule.source.path;
    const out: Requirement[] = [];
    if (validate.pattern !== undefined) out.push(...patternRequirements(validate.pattern, { ...rule.source, path: [...base, 'validate', 'pattern'] }));
    const anyPattern = asArray(validate.anyPattern);
    if (anyPattern.length === 1) out.push(...patternRequirements(anyPattern[0], { ...rule.source, path: [...base, 'validate', 'anyPattern', 0] }));
    asArray(asObj(validate.cel)?.expressions).forEach((e, i) => {
      const expression = asObj(e)?.expression;
      if (typeof expression === 'string') out.push(...celRequirements(expression, { ...rule.source, path: [...base, 'validate', 'cel', 'expressions', i, 'expression'] }));
    });
    return out;
  }
  const out: Requirement[] = [];
  asArray(rule.raw.validations).forEach((v, i) => {
    const expression = asObj(v)?.expression;
    if (typeof expression === 'string') out.push(...celRequirements(expression, { ...policy.source, path: ['spec', 'validations', i, 'expression'] }));
  });
  return out;
}

/** Leaves of a validate pattern as requirements; conditional anchors make their siblings conditional. */
export function patternRequirements(pattern: unknown, ref: SourceRef): Requirement[] {
  const out: Requirement[] = [];
  type Filter = { index: number; key: string; pattern: string };
  const walk = (node: unknown, path: string[], src: (string | number)[], optional: boolean, conditional: boolean, filters: Filter[] = []): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, [...path, '*'], [...src, i], optional, conditional, filters));
      return;
    }
    const obj = asObj(node);
    if (obj && path[path.length - 1] === '*') {
      // A list element: its scalar conditions and merge-key leaves decide which elements it is about.
      const own: Filter[] = [];
      for (const [key, value] of Object.entries(obj)) {
        const a = parseAnchor(key);
        const field = a ? a.key : key;
        if ((a?.kind === 'condition' || (!a && field === 'name')) && typeof value === 'string') own.push({ index: path.length - 1, key: field, pattern: value });
      }
      filters = [...filters, ...own];
    }
    if (obj) {
      const hasCondition = Object.keys(obj).some((k) => { const a = parseAnchor(k); return a && (a.kind === 'condition' || a.kind === 'global' || a.kind === 'existence'); });
      for (const [key, value] of Object.entries(obj)) {
        const anchor = parseAnchor(key);
        if (key.includes('{{')) continue;
        if (anchor && anchor.kind !== 'equality' && anchor.kind !== 'negation') continue; // a condition, not a requirement
        const field = anchor ? anchor.key : key;
        if (anchor?.kind === 'negation') {
          out.push({
            path: [...path, field], accepts: () => false, acceptsAbsent: true,
            text: `\`${displayPath([...path, field])}\` to be absent`, source: { ...ref, path: [...src, key] }, conditional: conditional || hasCondition,
          });
          continue;
        }
        // An optional ancestor (`=(ephemeralContainers)`) lets the whole subtree be absent.
        walk(value, [...path, field], [...src, key], optional || anchor?.kind === 'equality', conditional || hasCondition, filters);
      }
      return;
    }
    if (!isScalar(node) || (typeof node === 'string' && node.includes('{{'))) return;
    const leaf = node;
    const memo = new Map<unknown, boolean>();
    out.push({
      path,
      accepts: (_p, value) => {
        if (!isScalar(value)) return undefined;
        let hit = memo.get(value);
        if (hit === undefined) memo.set(value, (hit = matchValue(value, leaf)));
        return hit;
      },
      acceptsAbsent: optional || leaf === '*' ? true : false,
      wanted: exactPatternValue(leaf),
      text: `\`${displayPath(path)}\` to match ${JSON.stringify(leaf)}`,
      source: { ...ref, path: src },
      conditional,
      elementFilters: filters.length ? filters : undefined,
    });
  };
  walk(pattern, [], ref.path, false, false);
  return out;
}

/** Splits at top-level `&&` (outside parentheses, brackets and string literals). */
export function topLevelConjuncts(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0 && c === '&' && expression[i + 1] === '&') {
      parts.push(expression.slice(start, i));
      start = i + 2;
      i++;
    } else if (depth === 0 && c === '|' && expression[i + 1] === '|') {
      return [expression]; // a disjunction at top level: one requirement, whole
    }
  }
  parts.push(expression.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** A witness object holding one value at one path ('*' = a one-element list). */
export function objectWith(path: string[], value: unknown): Obj {
  const build = (i: number): unknown => {
    if (i === path.length) return value;
    if (path[i] === '*') return [build(i + 1)];
    return { [path[i]]: build(i + 1) };
  };
  return (build(0) as Obj) ?? {};
}

const isPrefix = (prefix: string[], path: string[]) => prefix.length <= path.length && prefix.every((s, i) => s === path[i] || (s === '*' && path[i] !== undefined));

const LITERAL = String.raw`('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false)`;
const FIELD = String.raw`object((?:\.\??[A-Za-z_][A-Za-z0-9_]*|\[\s*'[^']*'\s*\]|\[\s*"[^"]*"\s*\])+)(?:\.orValue\([^()]*\))?`;
const EQ_RIGHT = new RegExp(`^\\(?\\s*${FIELD}\\s*==\\s*${LITERAL}\\s*\\)?$`);
const EQ_LEFT = new RegExp(`^\\(?\\s*${LITERAL}\\s*==\\s*${FIELD}\\s*\\)?$`);

function literalValue(text: string): unknown {
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^-?\d/.test(text)) return Number(text);
  return text.slice(1, -1).replace(/\\(.)/g, '$1');
}

/** `object.metadata.?labels['app']` -> ['metadata', 'labels', 'app'] */
export function celFieldPath(text: string): string[] {
  const path: string[] = [];
  for (const m of text.matchAll(/\.\??([A-Za-z_][A-Za-z0-9_]*)|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]/g)) path.push(m[1] ?? m[2] ?? m[3]);
  return path;
}

function celReadPaths(conjunct: string): string[][] {
  const paths = celObjectReads(conjunct, { file: '', docIndex: 0, path: [] }).map((r) => r.path);
  // Index access (`labels['app.kubernetes.io/name']`) is invisible to the dotted reader: add it.
  for (const m of conjunct.matchAll(new RegExp(FIELD, 'g'))) if (m[1].includes('[')) paths.push(celFieldPath(m[1]));
  return paths;
}

/** Requirements of one CEL validation: each top-level conjunct that reads a single field subtree. */
export function celRequirements(expression: string, ref: SourceRef): Requirement[] {
  if (/\b(oldObject|request|params|namespaceObject|variables|authorizer)\b/.test(expression)) return [];
  const out: Requirement[] = [];
  for (const conjunct of topLevelConjuncts(expression)) {
    const reads = celReadPaths(conjunct);
    if (reads.length === 0) continue;
    // The deepest read is the field; every other read must be one of its prefixes (has(object.a) && object.a.b …).
    const path = reads.reduce((a, b) => (b.length > a.length ? b : a));
    if (!reads.every((r) => isPrefix(r, path))) continue;
    const evaluate = (object: Obj, errorAs: boolean | undefined): boolean | undefined => {
      const result = evaluateCel(conjunct, { object });
      if (!result.ok) return 'unknown' in result ? undefined : errorAs;
      return typeof result.value === 'boolean' ? result.value : undefined;
    };
    const exact = EQ_RIGHT.exec(conjunct) ?? EQ_LEFT.exec(conjunct);
    let wanted: { value: unknown } | undefined;
    if (exact) {
      const [fieldText, literal] = EQ_RIGHT.test(conjunct) ? [exact[1], exact[2]] : [exact[2], exact[1]];
      if (celFieldPath(fieldText).join('.') === path.join('.')) wanted = { value: literalValue(literal) };
    }
    // Absent field: an evaluation error (no such key) denies, as Kyverno does with a failing expression.
    const absent = evaluate({}, false);
    const literals = [...conjunct.matchAll(new RegExp(LITERAL, 'g'))].map((m) => literalValue(m[1])).slice(0, 8);
    const decide = (writePath: string[], value: unknown): boolean | undefined => {
      if (!isPrefix(path, writePath)) return undefined;
      // Below the field read, only a universal quantifier (`all`) judges every element on its own.
      if (writePath.length > path.length && !/\.all\(/.test(conjunct)) return undefined;
      // …and only when it names the written field: the witness holds nothing else of the element.
      const leaf = [...writePath].reverse().find((seg) => seg !== '*') ?? '';
      if (writePath.length > path.length && !new RegExp(`\\b${leaf.replace(/[^A-Za-z0-9_]/g, '.')}\\b`).test(conjunct)) return undefined;
      // An error means the witness lacks something else the conjunct reads: undecided.
      const verdict = evaluate(objectWith(writePath, value), undefined);
      if (verdict !== false) return verdict;
      // Rejected because of this value only if some other value of the field passes (else the
      // conjunct fails on something the witness lacks, whatever is written).
      const probes = [...(wanted ? [wanted.value] : []), ...literals, true, false, 0, 1, 'x'];
      return probes.some((u) => evaluate(objectWith(writePath, u), undefined) === true) ? false : undefined;
    };
    const memo = new Map<string, boolean | undefined>();
    out.push({
      path,
      accepts: (writePath, value) => {
        const key = `${writePath.join('\u0000')}\u0001${JSON.stringify(value)}`;
        if (memo.has(key)) return memo.get(key);
        const verdict = decide(writePath, value);
        if (memo.size < 256) memo.set(key, verdict);
        return verdict;
      },
      acceptsAbsent: absent === true,
      wanted,
      text: `\`${conjunct.replace(/\s+/g, ' ').slice(0, 120)}\``,
      source: ref,
      conditional: false,
    });
  }
  return out;
}

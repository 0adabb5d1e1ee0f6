// ajv's errors turned into problems a person can act on: one per mistake, at the key or value to
// fix, in words that name the field, what was expected and what was found.
import type { ErrorObject } from 'ajv';
import type { Path } from '../yaml/paths.ts';
import { schemaAt, propertiesOf, type SchemaNode } from './store.ts';
import { closest, describeValue, kindOfValue, listWords, quotedPath, typeWord } from './words.ts';

export interface SchemaProblem {
  /** `schema/<ajv keyword>`: schema/type, schema/required, schema/additionalProperties, schema/enum, … */
  code: string;
  message: string;
  /** Into the document's value: the offending key or value, or the object missing a field. */
  path: Path;
  target: 'key' | 'value';
}

/**
 * The schema of a combinator keyword (oneOf, not, …) an error points at. ajv's schemaPath is relative
 * to the $defs entry when the error is inside a referenced schema, so the node is found from the
 * instance path and only the keyword's tail (`/else/oneOf`) is taken from the schemaPath.
 */
function keywordSchema(root: SchemaNode, path: Path, schemaPath: string): unknown {
  const node = schemaAt(root, path)?.schema;
  const tail = /(?:\/else)?\/(?:oneOf|anyOf|allOf|not)$/.exec(schemaPath)?.[0];
  if (!node || !tail) return undefined;
  let current: unknown = node;
  for (const key of tail.split('/').filter(Boolean)) current = current && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
  return current;
}

function valueAt(value: unknown, path: Path): unknown {
  let current = value;
  for (const segment of path) current = current && typeof current === 'object' ? (current as Record<string | number, unknown>)[segment] : undefined;
  return current;
}

/** JSON pointer -> Path, with indexes as numbers where the document has a list. */
function toPath(pointer: string, value: unknown): Path {
  if (pointer === '') return [];
  const path: Path = [];
  let current: unknown = value;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current) && /^\d+$/.test(key)) {
      path.push(Number(key));
      current = current[Number(key)];
    } else {
      path.push(key);
      current = current && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}

const COMBINATORS = new Set(['oneOf', 'anyOf']);

export function explain(root: SchemaNode, value: unknown, errors: ErrorObject[]): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const problem of mergeRequired(collapse(root, value, errors))) {
    const id = `${problem.code}|${problem.target}|${JSON.stringify(problem.path)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push(problem);
  }
  return problems;
}

/** Several missing fields of one object are one mistake to fix, reported once. */
function mergeRequired(problems: (SchemaProblem & { missing?: string })[]): SchemaProblem[] {
  const byPath = new Map<string, string[]>();
  for (const p of problems) {
    if (p.missing === undefined) continue;
    const id = JSON.stringify(p.path);
    byPath.set(id, [...(byPath.get(id) ?? []), p.missing]);
  }
  return problems.map(({ missing, ...p }) => {
    const all = missing === undefined ? undefined : byPath.get(JSON.stringify(p.path))!;
    if (!all || all.length < 2) return p;
    return { ...p, message: `${quotedPath(p.path)} is missing the required fields ${listWords(all, 'and')}` };
  });
}

/** True when `error` was raised inside a branch of the combinator error `parent`. */
function isBranchOf(error: ErrorObject, parent: ErrorObject): boolean {
  return error !== parent && error.schemaPath.startsWith(`${parent.schemaPath}/`) && error.instancePath.startsWith(parent.instancePath);
}

/**
 * ajv reports every failing branch of a oneOf/anyOf and then the combinator itself. A person wants
 * one sentence: either "set one of these fields" or the errors of the branch that came closest.
 */
function collapse(root: SchemaNode, value: unknown, errors: ErrorObject[]): (SchemaProblem & { missing?: string })[] {
  const combinators = errors.filter((e) => COMBINATORS.has(e.keyword));
  // Outermost first: a combinator nested in another's branch is handled with that branch.
  const outer = combinators.filter((c) => !combinators.some((o) => isBranchOf(c, o)));
  const consumed = new Set<ErrorObject>();
  const problems: (SchemaProblem & { missing?: string })[] = [];
  for (const combinator of outer) {
    const branchErrors = errors.filter((e) => isBranchOf(e, combinator));
    branchErrors.forEach((e) => consumed.add(e));
    consumed.add(combinator);
    problems.push(...explainCombinator(root, value, combinator, branchErrors));
  }
  for (const error of errors) {
    // `if: {type: null}, else: …` only restates the errors of its `else` (see generate-schemas.mjs).
    if (consumed.has(error) || error.keyword === 'if') continue;
    const problem = explainOne(root, value, error);
    if (problem) problems.push(problem);
  }
  return problems;
}

function explainCombinator(root: SchemaNode, value: unknown, combinator: ErrorObject, branchErrors: ErrorObject[]): SchemaProblem[] {
  const path = toPath(combinator.instancePath, value);
  const branches = (keywordSchema(root, path, combinator.schemaPath) as SchemaNode[] | undefined) ?? [];
  const requiredOnly = branches.length > 0 && branches.every((b) => b.required?.length === 1 && Object.keys(b).every((k) => k === 'required'));
  const fields = requiredOnly ? branches.map((b) => b.required![0]) : [];
  const passing = (combinator.params as { passingSchemas?: number[] | null }).passingSchemas;
  if (passing && passing.length > 1) {
    const message = requiredOnly
      ? `${quotedPath(path)} must set only one of ${listWords(passing.map((i) => fields[i]), 'and')}, not several`
      : `${quotedPath(path)} matches more than one of its allowed forms; it must match exactly one`;
    return [{ code: `schema/${combinator.keyword}`, message, path, target: 'key' }];
  }
  if (requiredOnly) {
    return [{ code: `schema/${combinator.keyword}`, message: `${quotedPath(path)} must set one of ${listWords(fields)}`, path, target: 'key' }];
  }
  // The closest branch: fewest errors, and not one that rejects the value's very type.
  const byBranch = new Map<string, ErrorObject[]>();
  for (const error of branchErrors) {
    const index = error.schemaPath.slice(combinator.schemaPath.length + 1).split('/')[0];
    byBranch.set(index, [...(byBranch.get(index) ?? []), error]);
  }
  const score = (list: ErrorObject[]) => list.length + (list.some((e) => e.keyword === 'type' && e.instancePath === combinator.instancePath) ? 1000 : 0);
  const best = [...byBranch.values()].sort((a, b) => score(a) - score(b))[0];
  if (!best) {
    return [{ code: `schema/${combinator.keyword}`, message: `${quotedPath(path)} does not match any of its allowed forms`, path, target: 'value' }];
  }
  return collapse(root, value, best);
}

function explainOne(root: SchemaNode, value: unknown, error: ErrorObject): (SchemaProblem & { missing?: string }) | undefined {
  const code = `schema/${error.keyword}`;
  const path = toPath(error.instancePath, value);
  const where = quotedPath(path);
  const params = error.params as Record<string, unknown>;
  const data = valueAt(value, path);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const keyPath = [...path, key];
      const parent = schemaAt(root, path)?.schema;
      const allowed = parent ? propertiesOf(root, parent).map((p) => p.key) : [];
      const suggestion = closest(key, allowed);
      const hint = suggestion
        ? `; did you mean \`${suggestion}\`?`
        : allowed.length > 0 && allowed.length <= 8
          ? `; allowed here: ${listWords(allowed)}`
          : '';
      return { code, message: `${quotedPath(keyPath)} is not a known field of ${path.length ? where : 'the document'}${hint}`, path: keyPath, target: 'key' };
    }
    case 'required': {
      const missing = String(params.missingProperty);
      return { code, message: `${where} is missing the required field \`${missing}\``, path, target: 'key', missing };
    }
    case 'type': {
      const expected = String(params.type).split(',').filter((t) => t !== 'null');
      const found = kindOfValue(data);
      return {
        code,
        message: `${where} must be ${expected.map(typeWord).join(' or ')}, not ${typeWord(found)}`,
        path,
        target: 'value',
      };
    }
    case 'enum': {
      const allowed = ((params.allowedValues as unknown[]) ?? []).filter((v) => v !== null).map(String);
      const suggestion = typeof data === 'string' ? closest(data, allowed) : undefined;
      const hint = suggestion ? `; did you mean \`${suggestion}\`?` : '';
      return { code, message: `${where} must be one of ${listWords(allowed)}, not ${describeValue(data)}${hint}`, path, target: 'value' };
    }
    case 'not': {
      const forbidden = (keywordSchema(root, path, error.schemaPath) as SchemaNode | undefined)?.required;
      const message = forbidden && forbidden.length > 1
        ? `${where} must not set ${listWords(forbidden, 'and')} together`
        : `${where} is not allowed in this form`;
      return { code, message, path, target: 'key' };
    }
    default:
      return { code, message: `${where} ${otherMessage(error.keyword, params)}`, path, target: 'value' };
  }
}

/** The rarer keywords, in the same voice as the others (ajv's own messages are switched off). */
function otherMessage(keyword: string, params: Record<string, unknown>): string {
  switch (keyword) {
    case 'pattern': return `must match the pattern \`${String(params.pattern)}\``;
    case 'format': return `must be a valid ${String(params.format)}`;
    case 'minLength': return `must have at least ${String(params.limit)} characters`;
    case 'maxLength': return `must have at most ${String(params.limit)} characters`;
    case 'minItems': return `must have at least ${String(params.limit)} items`;
    case 'maxItems': return `must have at most ${String(params.limit)} items`;
    case 'minProperties': return `must have at least ${String(params.limit)} fields`;
    case 'maxProperties': return `must have at most ${String(params.limit)} fields`;
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
      return `must be ${String(params.comparison)} ${String(params.limit)}`;
    case 'uniqueItems': return `must not repeat items (items ${String(params.j)} and ${String(params.i)} are equal)`;
    case 'const': return `must be \`${JSON.stringify(params.allowedValue)}\``;
    default: return `does not satisfy the schema's \`${keyword}\` rule`;
  }
}

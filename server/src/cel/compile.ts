// Parsing shared by checking, evaluation and write extraction: message-construction rewrite,
// RE2 for `matches`, and a bounded cache per environment.
import { Optional, type ASTNode, type Environment, type ParseResult } from '@marcbachmann/cel-js';
import { rewriteMessages, type Rewritten } from './messages.ts';
import { re2Test } from './lib/regex.ts';
import { syntaxMessage } from './syntaxMessages.ts';

export interface Parsed {
  ok: true;
  parsed: ParseResult;
  rewritten: Rewritten;
}

export interface ParseFailure {
  ok: false;
  message: string;
  /** UTF-16 offsets into the original expression. */
  start: number;
  end: number;
}

const CACHE_MAX = 2000;
const caches = new WeakMap<Environment, Map<string, Parsed | ParseFailure>>();

export function parseCel(env: Environment, expression: string): Parsed | ParseFailure {
  let cache = caches.get(env);
  if (!cache) caches.set(env, (cache = new Map()));
  const hit = cache.get(expression);
  if (hit) {
    // Refresh recency: a Map iterates in insertion order, so the oldest entry is evicted first.
    cache.delete(expression);
    cache.set(expression, hit);
    return hit;
  }
  const result = parseUncached(env, expression);
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(expression, result);
  return result;
}

// An expression is parsed once per environment it is checked in (the checker annotates the tree,
// so trees are not shared), two or three on average; the rewrite before the parse depends on the
// text alone.
const rewrites = new Map<string, Rewritten>();
function rewrittenOf(expression: string): Rewritten {
  let rewritten = rewrites.get(expression);
  if (!rewritten) {
    rewritten = rewriteMessages(expression);
    if (rewrites.size >= CACHE_MAX) rewrites.delete(rewrites.keys().next().value!);
    rewrites.set(expression, rewritten);
  }
  return rewritten;
}

function parseUncached(env: Environment, expression: string): Parsed | ParseFailure {
  const rewritten = rewrittenOf(expression);
  try {
    const parsed = env.parse(rewritten.text);
    useRe2(parsed.ast);
    widenHas(parsed.ast);
    lenientOrValue(parsed.ast);
    return { ok: true, parsed, rewritten };
  } catch (error) {
    const e = error as { range?: { start: number; end: number }; summary?: string; message?: string };
    const start = rewritten.toOriginal(e.range?.start ?? 0);
    const end = Math.max(start, rewritten.toOriginal(e.range?.end ?? e.range?.start ?? 0));
    const raw = e.summary ?? firstLine(e.message ?? String(error));
    return { ok: false, message: syntaxMessage(raw, rewritten.text, e.range?.start ?? 0, e.range?.end ?? e.range?.start ?? 0), start, end };
  }
}

export function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

/** Children of an AST node, in source order. */
export function childrenOf(node: ASTNode): ASTNode[] {
  const a = node.args as unknown;
  switch (node.op) {
    case 'value': case 'id': return [];
    case '.': case '.?': return [(a as [ASTNode])[0]];
    case 'call': return (a as [string, ASTNode[]])[1];
    case 'rcall': return [(a as [string, ASTNode, ASTNode[]])[1], ...(a as [string, ASTNode, ASTNode[]])[2]];
    case 'map': return (a as [ASTNode, ASTNode][]).flat();
    case '!_': case '-_': return [a as ASTNode];
    default: return Array.isArray(a) ? (a as unknown[]).filter(isNode) : [];
  }
}

function isNode(x: unknown): x is ASTNode {
  return !!x && typeof x === 'object' && 'op' in x && 'args' in x;
}

interface RunnableNode {
  evaluate: (ev: { run(n: ASTNode, ctx: unknown): unknown }, ast: ASTNode, ctx: unknown) => unknown;
}

type Evaluate = RunnableNode['evaluate'];

/** Re-points every one-argument receiver call `name` at another evaluation (cel-js allows no second overload). */
function overrideMethod(root: ASTNode, name: string, evaluate: (receiver: ASTNode, arg: ASTNode) => Evaluate): void {
  const stack = [root];
  while (stack.length) {
    const node = stack.pop()!;
    stack.push(...childrenOf(node));
    if (node.op !== 'rcall') continue;
    const [called, receiver, args] = node.args as [string, ASTNode, ASTNode[]];
    if (called === name && args.length === 1) (node as unknown as RunnableNode).evaluate = evaluate(receiver, args[0]!);
  }
}

/** cel-js runs `string.matches` on JavaScript's backtracking RegExp: the nodes use RE2 instead. */
function useRe2(root: ASTNode): void {
  overrideMethod(root, 'matches', (receiver, pattern) => (ev, _ast, ctx) => {
    const s = ev.run(receiver, ctx);
    const p = ev.run(pattern, ctx);
    if (typeof s !== 'string' || typeof p !== 'string') throw new Error('found no matching overload for matches');
    return re2Test(s, p);
  });
}

/**
 * cel-go's `orValue` on a value that is not optional returns the value unchanged
 * (interpreter evalOptionalOrValue: `if !ok { return optLHS }`); cel-js raises. Policies rely on
 * cel-go's behaviour (`object.spec.x.orValue(d)` with a dyn receiver), so the nodes follow it.
 */
function lenientOrValue(root: ASTNode): void {
  overrideMethod(root, 'orValue', (receiver, fallback) => (ev, _ast, ctx) => {
    const value = ev.run(receiver, ctx);
    if (!(value instanceof Optional)) return value;
    return value.hasValue() ? value.value() : ev.run(fallback, ctx);
  });
}

interface MacroNode {
  meta: { macro?: unknown };
}

interface Checker {
  check(node: ASTNode, ctx: unknown): unknown;
  getType(name: string): unknown;
}

/**
 * cel-js accepts has() only over a chain of field selections from an identifier; CEL allows any
 * operand (`has(c[i].env)`, `has(image.GetMetadata(x).config)`). For those, the operand is
 * evaluated as usual and the field's presence tested, which is what cel-go does.
 */
function widenHas(root: ASTNode): void {
  const stack = [root];
  while (stack.length) {
    const node = stack.pop()!;
    stack.push(...childrenOf(node));
    if (node.op !== 'call') continue;
    const [name, args] = node.args as [string, ASTNode[]];
    const arg = args[0];
    if (name !== 'has' || args.length !== 1 || !arg || arg.op !== '.' || isIdChain(arg)) continue;
    const [operand, field] = arg.args as [ASTNode, string];
    (node as unknown as MacroNode).meta.macro = {
      args,
      async: false,
      typeCheck(checker: Checker, _macro: unknown, ctx: unknown) {
        checker.check(operand, ctx);
        return checker.getType('bool');
      },
      evaluate(ev: { run(n: ASTNode, ctx: unknown): unknown }, _macro: unknown, ctx: unknown) {
        return hasField(ev.run(operand, ctx), field);
      },
    };
  }
}

function isIdChain(node: ASTNode): boolean {
  let n = node;
  while (n.op === '.' || n.op === '.?') n = (n.args as [ASTNode, string])[0];
  return n.op === 'id';
}

function hasField(target: unknown, field: string): boolean {
  if (target instanceof Map) return target.has(field);
  if (target && typeof target === 'object' && !Array.isArray(target)) {
    return Object.prototype.hasOwnProperty.call(target, field) && (target as Record<string, unknown>)[field] !== undefined;
  }
  throw new Error(`has(): no field selection on ${Array.isArray(target) ? 'list' : typeof target}`);
}

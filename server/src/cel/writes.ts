// What a CEL mutation writes, read from its AST without evaluating it: apply configurations
// (`Object{spec: Object.spec{...}}`) and JSONPatch lists. Values that are not literals are
// UNKNOWN; list elements become '*' path segments.
import type { ASTNode } from '@marcbachmann/cel-js';
import { UNKNOWN } from '../model/types.ts';
import { evaluationEnvironment } from './environment.ts';
import { parseCel } from './compile.ts';
import { MESSAGE_FN, OPT_FN, OPT_LIST_FN, OPT_MAP_FN } from './messages.ts';

export type WriteGuard = 'always' | 'ifAbsent' | 'conditional';

export interface CelWrite {
  path: string[];
  value: unknown | typeof UNKNOWN;
  guard: WriteGuard;
}

export function celMutationWrites(expression: string): CelWrite[] {
  const parsed = parseCel(evaluationEnvironment().env, expression);
  if (!parsed.ok) return [];
  const out: CelWrite[] = [];
  collect(parsed.parsed.ast, 'always', out);
  return out;
}

const weaker = (a: WriteGuard, b: WriteGuard): WriteGuard =>
  a === 'conditional' || b === 'conditional' ? 'conditional' : a === 'ifAbsent' || b === 'ifAbsent' ? 'ifAbsent' : 'always';

/** Walks the top of a mutation expression: messages, JSONPatch lists, ternaries, concatenations. */
function collect(node: ASTNode, guard: WriteGuard, out: CelWrite[]): void {
  const msg = message(node);
  if (msg?.type === 'JSONPatch') return jsonPatch(msg.fields, guard, out);
  if (msg) return applyConfiguration(msg.fields, [], guard, out);
  switch (node.op) {
    case '?:': {
      const [cond, then, otherwise] = node.args as [ASTNode, ASTNode, ASTNode];
      // `!has(object.x) ? <writes x> : <nothing>` writes only when x is absent.
      const absent = negatedHas(cond);
      collect(then, absent ? weaker(guard, 'ifAbsent') : 'conditional', out);
      collect(otherwise, 'conditional', out);
      return;
    }
    case 'list':
      for (const item of node.args as ASTNode[]) collect(item, guard, out);
      return;
    case '+':
      for (const side of node.args as ASTNode[]) collect(side, guard, out);
      return;
    case 'call': {
      const [name, args] = node.args as [string, ASTNode[]];
      if (name === OPT_LIST_FN && args[0]) collect(args[0], guard, out);
      if (name === OPT_FN && args[0]) collect(args[0], 'conditional', out);
      return;
    }
    case 'rcall': {
      // list.map(x, JSONPatch{...}) / list.map(x, cond, JSONPatch{...}) / list.filter(...).map(...)
      const [name, , args] = node.args as [string, ASTNode, ASTNode[]];
      if (name === 'map' && args.length >= 2) collect(args[args.length - 1]!, args.length === 3 ? 'conditional' : guard, out);
      return;
    }
    default:
      return;
  }
}

interface Message {
  type: string;
  fields: [string, ASTNode][];
}

/** `__msg("Type", {"f": v})` (see messages.ts) as its type name and fields. */
function message(node: ASTNode): Message | undefined {
  if (node.op !== 'call') return undefined;
  const [name, args] = node.args as [string, ASTNode[]];
  if (name !== MESSAGE_FN || args.length !== 2) return undefined;
  const [type, fields] = args as [ASTNode, ASTNode];
  if (type.op !== 'value' || typeof type.args !== 'string' || fields.op !== 'map') return undefined;
  const entries: [string, ASTNode][] = [];
  for (const [k, v] of fields.args as [ASTNode, ASTNode][]) {
    if (k.op === 'value' && typeof k.args === 'string') entries.push([k.args, v]);
  }
  return { type: type.args, fields: entries };
}

function applyConfiguration(fields: [string, ASTNode][], path: string[], guard: WriteGuard, out: CelWrite[]): void {
  for (const [field, value] of fields) applyValue(value, [...path, field], guard, out);
}

function applyValue(value: ASTNode, path: string[], guard: WriteGuard, out: CelWrite[]): void {
  const nested = message(value);
  if (nested) return applyConfiguration(nested.fields, path, guard, out);
  if (value.op === 'call' && (value.args as unknown as [string])[0] === OPT_FN) {
    const inner = (value.args as [string, ASTNode[]])[1][0];
    if (inner) applyValue(inner, path, 'conditional', out);
    return;
  }
  if (value.op === 'list') {
    const items = value.args as ASTNode[];
    if (items.length && items.every((i) => message(i))) {
      for (const item of items) applyValue(item, [...path, '*'], guard, out);
      return;
    }
  }
  if (value.op === 'rcall') {
    // list.map(x, Msg{...}): every element gets the message's fields.
    const [name, , args] = value.args as [string, ASTNode, ASTNode[]];
    const transform = args[args.length - 1];
    if (name === 'map' && args.length >= 2 && transform && message(transform)) {
      applyValue(transform, [...path, '*'], args.length === 3 ? 'conditional' : guard, out);
      return;
    }
  }
  if (value.op === 'map' && !isConstant(value)) {
    for (const [k, v] of value.args as [ASTNode, ASTNode][]) {
      if (k.op === 'value' && typeof k.args === 'string') applyValue(v, [...path, k.args], guard, out);
    }
    return;
  }
  if (value.op === '?:') {
    const [cond, then, otherwise] = value.args as [ASTNode, ASTNode, ASTNode];
    // `has(object.f) ? object.f : default` keeps what is there and writes default otherwise.
    const checked = hasPath(cond);
    if (checked && samePath(readPath(then), checked) && samePath(checked, ['object', ...path])) {
      out.push({ path, value: constant(otherwise), guard: weaker(guard, 'ifAbsent') });
      return;
    }
    applyValue(then, path, 'conditional', out);
    applyValue(otherwise, path, 'conditional', out);
    return;
  }
  if (value.op === 'rcall' && (value.args as unknown as [string])[0] === 'orValue') {
    // object.?f.orValue(default): the existing value wins.
    const [, receiver, args] = value.args as [string, ASTNode, ASTNode[]];
    if (samePath(readPath(receiver), ['object', ...path]) && args[0]) {
      out.push({ path, value: constant(args[0]), guard: weaker(guard, 'ifAbsent') });
      return;
    }
  }
  out.push({ path, value: constant(value), guard });
}

function jsonPatch(fields: [string, ASTNode][], guard: WriteGuard, out: CelWrite[]): void {
  const get = (k: string): ASTNode | undefined => fields.find(([f]) => f === k)?.[1];
  const op = get('op');
  const opName = op && op.op === 'value' ? op.args : undefined;
  if (opName !== 'add' && opName !== 'replace') return;
  const pathNode = get('path');
  const pointer = pathNode && template(pathNode);
  if (!pointer) return;
  const path = pointerSegments(pointer);
  if (!path) return;
  const valueNode = get('value');
  out.push({ path, value: valueNode ? constant(valueNode) : UNKNOWN, guard });
}

const HOLE = '\u0000';

/** A string expression as text with HOLE where a part is computed; undefined when not a string. */
function template(node: ASTNode): string | undefined {
  if (node.op === 'value') return typeof node.args === 'string' ? node.args : undefined;
  if (node.op === '+') {
    const [a, b] = node.args as [ASTNode, ASTNode];
    const l = template(a) ?? HOLE;
    const r = template(b) ?? HOLE;
    return l + r;
  }
  if (node.op === 'rcall') {
    const [name, receiver, args] = node.args as [string, ASTNode, ASTNode[]];
    if (name === 'escapeKey' && receiver.op === 'id' && receiver.args === 'jsonpatch' && args[0]) {
      const key = template(args[0]);
      return key === undefined || key.includes(HOLE) ? HOLE : key.replace(/~/g, '~0').replace(/\//g, '~1');
    }
  }
  return HOLE;
}

function pointerSegments(pointer: string): string[] | undefined {
  if (!pointer.startsWith('/')) return undefined;
  const segments = pointer.slice(1).split('/').map((s) => {
    if (s.includes(HOLE) || s === '-') return '*';
    return s.replace(/~1/g, '/').replace(/~0/g, '~');
  });
  return segments;
}

/** The value of a literal expression (numbers as JSON numbers), or UNKNOWN. */
function constant(node: ASTNode): unknown {
  switch (node.op) {
    case 'value': {
      const v = node.args;
      if (typeof v === 'bigint') return Number(v);
      if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
      return UNKNOWN;
    }
    case 'list': {
      const items = (node.args as ASTNode[]).map(constant);
      return items.includes(UNKNOWN) ? UNKNOWN : items;
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of node.args as [ASTNode, ASTNode][]) {
        const key = constant(k);
        const value = constant(v);
        if (typeof key !== 'string' || value === UNKNOWN) return UNKNOWN;
        out[key] = value;
      }
      return out;
    }
    case '-_': {
      const v = constant(node.args as ASTNode);
      return typeof v === 'number' ? -v : UNKNOWN;
    }
    case 'call': {
      const [name, args] = node.args as [string, ASTNode[]];
      if (name === MESSAGE_FN && args[1]) return constant(args[1]);
      if (name === OPT_MAP_FN && args[0]) return constant(args[0]);
      return UNKNOWN;
    }
    default:
      return UNKNOWN;
  }
}

function isConstant(node: ASTNode): boolean {
  return constant(node) !== UNKNOWN;
}

/** `object.a.?b.c` as ['object', 'a', 'b', 'c']; undefined for anything else. */
function readPath(node: ASTNode): string[] | undefined {
  const out: string[] = [];
  let n = node;
  while (n.op === '.' || n.op === '.?' || n.op === '[]' || n.op === '[?]') {
    const [target, key] = n.args as [ASTNode, string | ASTNode];
    const name = typeof key === 'string' ? key : key.op === 'value' && typeof key.args === 'string' ? key.args : undefined;
    if (name === undefined) return undefined;
    out.unshift(name);
    n = target;
  }
  if (n.op !== 'id') return undefined;
  out.unshift(n.args as string);
  return out;
}

function samePath(a: string[] | undefined, b: string[] | undefined): boolean {
  return !!a && !!b && a.length === b.length && a.every((s, i) => s === b[i]);
}

function hasPath(node: ASTNode): string[] | undefined {
  if (node.op !== 'call') return undefined;
  const [name, args] = node.args as [string, ASTNode[]];
  return name === 'has' && args[0] ? readPath(args[0]) : undefined;
}

/** `!has(object.a)`, or `!has(object.a) || !has(object.a.b)` (every level that may be absent). */
function negatedHas(node: ASTNode): boolean {
  if (node.op === '||') return (node.args as ASTNode[]).every(negatedHas);
  return node.op === '!_' && hasPath(node.args as ASTNode) !== undefined;
}

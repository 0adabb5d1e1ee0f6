// RFC 6902 patches as Kyverno applies them: missing parents are created on add, removing a
// missing path is not an error.
import { isObj } from '../../k8s/objects.ts';

type Obj = Record<string, unknown>;

export interface PatchOp {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new Error(`invalid JSON pointer '${path}'`);
  return path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function get(doc: unknown, parts: string[]): unknown {
  let cur = doc;
  for (const p of parts) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isObj(cur)) cur = cur[p];
    else return undefined;
  }
  return cur;
}

function parentOf(doc: unknown, parts: string[], create: boolean): unknown {
  let cur = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i]!;
    const container = () => (/^-?\d+$/.test(parts[i + 1]!) || parts[i + 1] === '-' ? [] : {});
    let next: unknown;
    if (Array.isArray(cur)) {
      let idx = p === '-' ? cur.length : Number(p);
      if (idx < 0) idx = Math.max(0, idx + cur.length);
      next = cur[idx];
      // Creating missing parents extends a list by one element at its end.
      if (next === undefined && create && idx === cur.length) {
        next = container();
        cur.push(next);
      }
    } else if (isObj(cur)) {
      next = cur[p];
      if ((next === undefined || next === null) && create) {
        next = container();
        cur[p] = next;
      }
    }
    if (next === undefined) return undefined;
    cur = next;
  }
  return cur;
}

function add(doc: unknown, parts: string[], value: unknown): unknown {
  if (parts.length === 0) return value;
  const parent = parentOf(doc, parts, true);
  const last = parts[parts.length - 1]!;
  if (Array.isArray(parent)) {
    let i = last === '-' ? parent.length : Number(last);
    // Negative indices count from the end, as evanphx/json-patch allows.
    if (i < 0) i += parent.length + 1;
    if (!Number.isInteger(i) || i < 0 || i > parent.length) throw new Error(`add: index ${last} out of range`);
    parent.splice(i, 0, value);
  } else if (isObj(parent)) parent[last] = value;
  else throw new Error(`add: no parent for /${parts.join('/')}`);
  return doc;
}

function remove(doc: unknown, parts: string[]): unknown {
  const parent = parentOf(doc, parts, false);
  const last = parts[parts.length - 1]!;
  if (Array.isArray(parent)) {
    let i = Number(last);
    if (i < 0) i += parent.length;
    if (i >= 0 && i < parent.length) parent.splice(i, 1);
  } else if (isObj(parent)) delete parent[last];
  return doc;
}

export function applyJsonPatch(resource: unknown, ops: PatchOp[]): unknown {
  let doc: unknown = JSON.parse(JSON.stringify(resource));
  for (const op of ops) {
    if (!op || typeof op !== 'object' || typeof op.path !== 'string') throw new Error(`JSON patch operation without a path: ${JSON.stringify(op)}`);
    const parts = pointer(op.path);
    switch (op.op) {
      case 'add':
        doc = add(doc, parts, structuredClone(op.value));
        break;
      case 'remove':
        doc = remove(doc, parts);
        break;
      case 'replace':
        if (get(doc, parts) === undefined) throw new Error(`replace: path ${op.path} does not exist`);
        doc = remove(doc, parts);
        doc = add(doc, parts, structuredClone(op.value));
        break;
      case 'move': {
        const from = pointer(op.from ?? '');
        const v = get(doc, from);
        if (v === undefined) throw new Error(`move: path ${op.from} does not exist`);
        doc = remove(doc, from);
        doc = add(doc, parts, v);
        break;
      }
      case 'copy': {
        const v = get(doc, pointer(op.from ?? ''));
        if (v === undefined) throw new Error(`copy: path ${op.from} does not exist`);
        doc = add(doc, parts, structuredClone(v));
        break;
      }
      case 'test':
        if (JSON.stringify(get(doc, parts)) !== JSON.stringify(op.value)) throw new Error(`test failed at ${op.path}`);
        break;
      default:
        throw new Error(`unknown JSON patch op ${op.op}`);
    }
  }
  return doc;
}

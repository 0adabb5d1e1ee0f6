// Reading the generated schemas: lookup by group/kind/version and walking a schema along a document
// path. Shared by validation (messages name allowed keys) and by hover/completion.
import type { Path } from '../yaml/paths.ts';
import { schemaRegistry, sharedDefs } from './registry.ts';

/** The subset of a generated schema node that this layer reads. */
export interface SchemaNode {
  $ref?: string;
  description?: string;
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  format?: string;
  'x-format'?: string;
  'x-preserve-unknown-fields'?: boolean;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  required?: string[];
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  allOf?: SchemaNode[];
  not?: SchemaNode;
  else?: SchemaNode;
  $defs?: Record<string, SchemaNode>;
}

export function schemaKey(group: string, kind: string, version: string): string {
  return `${group}/${kind}/${version}`;
}

export function rootSchema(group: string, kind: string, version: string): SchemaNode | undefined {
  return schemaRegistry[schemaKey(group, kind, version)] as SchemaNode | undefined;
}

/** Follows a `$defs` reference: local (`#/$defs/x`) or into a group's shared `_defs.json`. */
export function deref(root: SchemaNode, node: SchemaNode): SchemaNode {
  let current = node;
  for (let guard = 0; current.$ref && guard < 16; guard++) {
    const hash = current.$ref.indexOf('#/$defs/');
    if (hash < 0) return current;
    const base = current.$ref.slice(0, hash);
    const file = base === '' ? root : (sharedDefs[base] as SchemaNode | undefined);
    const target = file?.$defs?.[current.$ref.slice(hash + '#/$defs/'.length)];
    if (!target) return current;
    current = target;
  }
  return current;
}

/** Every schema a value at this node must also satisfy: the node and its allOf/oneOf/anyOf branches. */
function alternatives(root: SchemaNode, node: SchemaNode): SchemaNode[] {
  const out: SchemaNode[] = [node];
  for (const list of [node.allOf, node.oneOf, node.anyOf, node.else ? [node.else] : undefined]) {
    for (const branch of list ?? []) out.push(...alternatives(root, deref(root, branch)));
  }
  return out;
}

export interface ChildSchema {
  schema: SchemaNode;
  /** True when the parent object lists this key in `required`. */
  required: boolean;
}

/** The schema of one child (a key of an object, an index of a list), or undefined when not described. */
export function childSchema(root: SchemaNode, parent: SchemaNode, segment: string | number): ChildSchema | undefined {
  for (const candidate of alternatives(root, deref(root, parent))) {
    if (typeof segment === 'number' || /^\d+$/.test(segment)) {
      if (candidate.items) return { schema: deref(root, candidate.items), required: false };
    }
    if (typeof segment === 'string') {
      const property = candidate.properties?.[segment];
      if (property) return { schema: deref(root, property), required: isRequired(root, parent, segment) };
      if (candidate.additionalProperties && typeof candidate.additionalProperties === 'object') {
        return { schema: deref(root, candidate.additionalProperties), required: false };
      }
    }
  }
  return undefined;
}

function isRequired(root: SchemaNode, parent: SchemaNode, key: string): boolean {
  const node = deref(root, parent);
  return (node.required ?? []).includes(key) || (node.allOf ?? []).some((b) => isRequired(root, b, key));
}

/** Walks from the root along `path`; undefined as soon as a segment is not described by the schema. */
export function schemaAt(root: SchemaNode, path: Path): ChildSchema | undefined {
  let current: ChildSchema = { schema: root, required: true };
  for (const segment of path) {
    const next = childSchema(root, current.schema, segment);
    if (!next) return undefined;
    current = next;
  }
  return current;
}

/** The properties an object node declares, its branches' included, in schema order. */
export function propertiesOf(root: SchemaNode, node: SchemaNode): { key: string; schema: SchemaNode; required: boolean }[] {
  const seen = new Set<string>();
  const out: { key: string; schema: SchemaNode; required: boolean }[] = [];
  const required = new Set(deref(root, node).required ?? []);
  for (const candidate of alternatives(root, deref(root, node))) {
    for (const [key, schema] of Object.entries(candidate.properties ?? {})) {
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ key, schema: deref(root, schema), required: required.has(key) });
    }
  }
  return out;
}

/** A readable type name for a schema node: `object`, `string`, `integer or string`, `list of string`. */
export function typeName(root: SchemaNode, node: SchemaNode): string | undefined {
  const resolved = deref(root, node);
  const types = resolved.type === undefined ? [] : Array.isArray(resolved.type) ? resolved.type : [resolved.type];
  const named = types.filter((t) => t !== 'null');
  if (named.length === 0) return undefined;
  if (named.length === 1 && named[0] === 'array' && resolved.items) {
    const inner = typeName(root, resolved.items);
    return inner ? `list of ${inner}` : 'list';
  }
  if (named.length === 1 && named[0] === 'object' && resolved.additionalProperties && typeof resolved.additionalProperties === 'object' && !resolved.properties) {
    const inner = typeName(root, resolved.additionalProperties);
    return inner ? `map of ${inner}` : 'map';
  }
  return named.map((t) => (t === 'array' ? 'list' : t)).join(' or ');
}

// What the schema says about a place in a document: the data behind hover and completion.
import type { Path } from '../yaml/paths.ts';
import { propertiesOf, rootSchema, schemaAt, typeName, type SchemaNode } from './store.ts';

export interface FieldDescription {
  description?: string;
  /** Readable: `string`, `integer or string`, `list of object`, `map of string`. */
  type?: string;
  enum?: unknown[];
  /** Whether the enclosing object requires this field. */
  required?: boolean;
  default?: unknown;
}

export interface KeyCompletion {
  key: string;
  description?: string;
  type?: string;
  required: boolean;
}

/** The field at `path` (a key's path, or a list item's); undefined when the schema does not describe it. */
export function describeAt(group: string, kind: string, version: string, path: Path): FieldDescription | undefined {
  const root = rootSchema(group, kind, version);
  if (!root) return undefined;
  const hit = schemaAt(root, path);
  if (!hit) return undefined;
  const { schema } = hit;
  const out: FieldDescription = {};
  if (schema.description !== undefined) out.description = schema.description;
  const type = typeName(root, schema);
  if (type !== undefined) out.type = type;
  const values = enumOf(schema);
  if (values) out.enum = values;
  if (path.length > 0 && typeof path[path.length - 1] === 'string') out.required = hit.required;
  if (schema.default !== undefined) out.default = schema.default;
  return out;
}

/** Keys the object at `path` may hold, required ones first; [] when the object is free-form. */
export function completionsAt(group: string, kind: string, version: string, path: Path): KeyCompletion[] {
  const root = rootSchema(group, kind, version);
  if (!root) return [];
  const hit = schemaAt(root, path);
  if (!hit) return [];
  const keys = propertiesOf(root, hit.schema).map(({ key, schema, required }): KeyCompletion => {
    const item: KeyCompletion = { key, required };
    if (schema.description !== undefined) item.description = schema.description;
    const type = typeName(root, schema);
    if (type !== undefined) item.type = type;
    return item;
  });
  return keys.sort((a, b) => Number(b.required) - Number(a.required));
}

/** The values a scalar at `path` may take: its enum, or true/false for a boolean. */
export function valueCompletionsAt(group: string, kind: string, version: string, path: Path): unknown[] {
  const root = rootSchema(group, kind, version);
  if (!root) return [];
  const hit = schemaAt(root, path);
  if (!hit) return [];
  return enumOf(hit.schema) ?? (typeName(root, hit.schema) === 'boolean' ? [true, false] : []);
}

function enumOf(schema: SchemaNode): unknown[] | undefined {
  return schema.enum?.filter((v) => v !== null);
}

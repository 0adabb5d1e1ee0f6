// Field types of Kubernetes' built-in kinds, from schemas/k8s/types.json (generated from
// @kubernetes/client-node's model by scripts/generate-k8s-types.mjs; the grammar of its type
// expressions is documented there).
import typesJson from '../../../schemas/k8s/types.json' with { type: 'json' };

export type PrimitiveName = 'string' | 'integer' | 'number' | 'boolean' | 'int-or-string' | 'quantity' | 'date-time' | 'any';

export type K8sType =
  | { kind: 'object'; name: string }
  | { kind: 'primitive'; name: PrimitiveName }
  | { kind: 'array'; items: K8sType }
  | { kind: 'map'; values: K8sType };

interface TypesFile {
  kinds: Record<string, string>;
  types: Record<string, Record<string, string>>;
}

const data = typesJson as TypesFile;

const primitives: Record<string, PrimitiveName> = {
  string: 'string',
  integer: 'integer',
  number: 'number',
  boolean: 'boolean',
  Date: 'date-time',
  IntOrString: 'int-or-string',
  Quantity: 'quantity',
  any: 'any',
};

// Expressions repeat across hundreds of fields; parsing each once keeps lookups allocation-free.
const parsed = new Map<string, K8sType>();

/** Parses one type expression of types.json; unknown names become `any` rather than a guess. */
export function parseTypeExpr(expr: string): K8sType {
  const cached = parsed.get(expr);
  if (cached) return cached;
  let result: K8sType;
  const array = /^Array<(.+)>$/.exec(expr);
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(expr);
  if (array) result = { kind: 'array', items: parseTypeExpr(array[1]) };
  else if (map) result = { kind: 'map', values: parseTypeExpr(map[1]) };
  else if (primitives[expr]) result = { kind: 'primitive', name: primitives[expr] };
  else if (data.types[expr]) result = { kind: 'object', name: expr };
  else result = { kind: 'primitive', name: 'any' };
  parsed.set(expr, result);
  return result;
}

/** The model type of a built-in kind: typeOfKind('batch/v1', 'CronJob') === 'V1CronJob'. */
export function typeOfKind(apiVersion: string, kind: string): string | undefined {
  return Object.hasOwn(data.kinds, `${apiVersion}/${kind}`) ? data.kinds[`${apiVersion}/${kind}`] : undefined;
}

const fieldCache = new Map<string, Readonly<Record<string, K8sType>>>();

/** The fields of a model type by their JSON names (shared and frozen: the type checker asks often). */
export function fieldsOf(typeName: string): Readonly<Record<string, K8sType>> | undefined {
  if (!Object.hasOwn(data.types, typeName)) return undefined;
  let fields = fieldCache.get(typeName);
  if (!fields) {
    const out: Record<string, K8sType> = {};
    for (const [field, expr] of Object.entries(data.types[typeName])) out[field] = parseTypeExpr(expr);
    fields = Object.freeze(out);
    fieldCache.set(typeName, fields);
  }
  return fields;
}

/**
 * The type at a field path of a kind: ['spec', 'jobTemplate', 'spec']. List items are addressed by
 * an index or '*', map values by any key. Undefined when the path leaves the model.
 */
export function resolvePath(apiVersion: string, kind: string, path: string[]): K8sType | undefined {
  const typeName = typeOfKind(apiVersion, kind);
  if (!typeName) return undefined;
  let current: K8sType = { kind: 'object', name: typeName };
  for (const segment of path) {
    const next = step(current, segment);
    if (!next) return undefined;
    current = next;
  }
  return current;
}

function step(type: K8sType, segment: string): K8sType | undefined {
  switch (type.kind) {
    case 'object': {
      const fields = data.types[type.name];
      return fields && Object.hasOwn(fields, segment) ? parseTypeExpr(fields[segment]) : undefined;
    }
    case 'array':
      return segment === '*' || /^\d+$/.test(segment) ? type.items : undefined;
    case 'map':
      return type.values;
    case 'primitive':
      return type.name === 'any' ? type : undefined;
  }
}

// `$(path)` references in a legacy rule: Kyverno resolves them against the rule document itself,
// before its variables, in generate rules and validate patterns alike.
import { isObj } from '../../k8s/objects.ts';

type Obj = Record<string, unknown>;

const REFERENCE = /(?<!\\)\$\(([^()]+)\)/g;
// An operator written before the path is kept before the value: `$(<=./../limit)` reads `<=2`.
const OPERATOR = /^(>=|<=|!=|>|<|!)/;

/** The value at a JSON-pointer-like path ('/'-separated, `..` going up) of the rule document. */
function at(doc: unknown, pointer: string[]): unknown {
  let cur = doc;
  for (const key of pointer) {
    if (Array.isArray(cur)) cur = cur[Number(key)];
    else if (isObj(cur)) cur = cur[key];
    else return undefined;
  }
  return cur;
}

/**
 * Resolves `$(path)` references: a path relative to the field holding it (`./../data/x` from
 * `generate.name` is `generate.data.x`) or absolute from the rule. A whole-value reference takes
 * the value as it is (as text after an operator); an embedded one its text.
 */
export function resolveReferences(value: unknown, rule: Obj, here: string[] = []): unknown {
  if (Array.isArray(value)) return value.map((v, i) => resolveReferences(v, rule, [...here, String(i)]));
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveReferences(v, rule, [...here, k])]));
  if (typeof value !== 'string' || !value.includes('$(')) return value;
  const resolve = (written: string): unknown => {
    const op = OPERATOR.exec(written)?.[1] ?? '';
    const ref = written.slice(op.length);
    const parts: string[] = ref.startsWith('/') ? [] : [...here];
    for (const seg of ref.split('/')) {
      if (seg === '' || seg === '.') continue;
      if (seg === '..') parts.pop();
      else parts.push(seg);
    }
    const found = at(rule, parts);
    if (!op || found === undefined) return found;
    return `${op}${typeof found === 'string' ? found : JSON.stringify(found)}`;
  };
  // Text that only looks like a reference (a shell `$(date)`) is left as written.
  const whole = /^\$\(([^()]+)\)$/.exec(value);
  if (whole) return resolve(whole[1]!) ?? value;
  return value.replace(REFERENCE, (m, ref: string) => {
    const v = resolve(ref);
    return v === undefined ? m : typeof v === 'string' ? v : JSON.stringify(v);
  });
}

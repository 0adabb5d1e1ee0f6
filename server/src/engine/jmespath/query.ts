// Runs one JMESPath expression with Kyverno's functions and its "Unknown key" behaviour for plain paths.
import { compile, TreeInterpreter, type JSONValue } from '@jmespath-community/jmespath';
import { NotFoundError, UnsupportedError } from './errors.ts';
import { registerKyvernoFunctions } from './functions.ts';

// A dotted/indexed path with no functions or projections: Kyverno reports a missing key on these as an error.
const PLAIN_PATH = /^(?:[A-Za-z_][\w]*|"[^"]*")(?:\.(?:[A-Za-z_][\w]*|"[^"]*")|\[\d+\])*$/;

export function query(expression: string, data: unknown): unknown {
  registerKyvernoFunctions();
  const expr = expression.trim();
  const ast = compiled(expr);
  let result: unknown;
  try {
    result = TreeInterpreter.search(ast, data as JSONValue);
  } catch (e) {
    if (e instanceof UnsupportedError) throw e;
    throw new Error(`JMESPath query '${expr}' failed: ${(e as Error).message}`);
  }
  if ((result === null || result === undefined) && PLAIN_PATH.test(expr)) {
    const missing = missingKey(expr, data);
    if (missing !== undefined) throw new NotFoundError(`Unknown key "${missing}" in path`);
  }
  return result ?? null;
}

type Ast = ReturnType<typeof compile>;
// A rule's expressions are evaluated on every witness of every simulation; the interpreter only
// reads the tree, so one compiled tree per text serves them all. Bounded.
const asts = new Map<string, Ast>();
const ASTS_LIMIT = 4096;
function compiled(expr: string): Ast {
  let ast = asts.get(expr);
  if (ast) return ast;
  try {
    ast = compile(expr);
  } catch (e) {
    throw new Error(`invalid JMESPath expression '${expr}': ${(e as Error).message}`);
  }
  if (asts.size >= ASTS_LIMIT) asts.clear();
  asts.set(expr, ast);
  return ast;
}

function missingKey(expr: string, data: unknown): string | undefined {
  const segments = expr.match(/"[^"]*"|[A-Za-z_][\w]*|\[\d+\]/g) ?? [];
  let cur: unknown = data;
  for (const seg of segments) {
    if (seg.startsWith('[')) {
      const i = Number(seg.slice(1, -1));
      if (!Array.isArray(cur) || i >= cur.length) return seg;
      cur = cur[i];
      continue;
    }
    const key = seg.startsWith('"') ? seg.slice(1, -1) : seg;
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !(key in cur)) return key;
    cur = (cur as Record<string, unknown>)[key];
  }
  return undefined;
}

// Static problems in one CEL expression: syntax (exact offsets), unknown functions, and type
// errors the checker is certain of. `object` is typed from the matched kinds when the caller
// supplies Kubernetes types; otherwise, and for any kind it does not know, it stays dyn.
import type { ASTNode, Environment } from '@marcbachmann/cel-js';
import type { CelSite } from './extract.ts';
import { checkEnvironment, typedEnvironment, typedEnvironmentWithVariables } from './environment.ts';
import { parseCel, childrenOf, firstLine, type Parsed } from './compile.ts';
import { MESSAGE_FN } from './messages.ts';
import type { K8sTypeSource, KindRef } from './objectType.ts';

export interface CelProblem {
  code: 'cel/syntax' | 'cel/type' | 'cel/unknown-function' | 'cel/cost';
  severity: 'error' | 'warning';
  message: string;
  /** UTF-16 offsets into site.expression. */
  start: number;
  end: number;
}

export interface CheckOptions {
  /** The kinds `object` can be (from the policy's match); empty or absent: dyn. */
  objectKinds?: KindRef[];
  /** Kubernetes type data (server/src/k8s/types.ts); absent: `object` is dyn. */
  types?: K8sTypeSource;
}

interface CheckError {
  code?: string;
  message?: string;
  range?: { start: number; end: number };
}

export function checkCel(site: CelSite, options: CheckOptions = {}): CelProblem[] {
  const { env } = checkEnvironment();
  const parsed = parseCel(env, site.expression);
  if (!parsed.ok) return [{ code: 'cel/syntax', severity: 'error', message: parsed.message, start: parsed.start, end: parsed.end }];
  const result = parsed.parsed.check();
  if (!result.valid) {
    const problem = fromCheckError(env, parsed, site.expression, result.error as CheckError);
    return problem ? [problem] : [];
  }
  const problems: CelProblem[] = [];
  const wrongResult = resultTypeProblem(site, result.type ?? 'dyn');
  if (wrongResult) problems.push(wrongResult);
  problems.push(...undeclaredVariables(site, parsed));
  const typedProblem = checkTyped(site, options, identifiers(parsed.parsed.ast));
  if (typedProblem && !problems.some((p) => p.start === typedProblem.start && p.end === typedProblem.end)) problems.push(typedProblem);
  return problems;
}

const concrete = new Set(['int', 'uint', 'double', 'string', 'bool', 'bytes', 'list', 'map', 'null', 'google.protobuf.Timestamp', 'google.protobuf.Duration']);

function resultTypeProblem(site: CelSite, type: string): CelProblem | undefined {
  const want = site.resultType;
  if (!want || want === 'any' || !concrete.has(type) || type === want) return undefined;
  return {
    code: 'cel/type', severity: 'warning',
    message: `a ${site.role} expression must evaluate to ${want}, this one evaluates to ${type}`,
    start: 0, end: site.expression.length,
  };
}

/** `variables.x` where no variable x is declared: Kyverno fails at evaluation with "no such key". */
function undeclaredVariables(site: CelSite, parsed: Parsed): CelProblem[] {
  if (site.role === 'precondition') return [];
  const declared = new Set(site.variableNames);
  const out: CelProblem[] = [];
  walk(parsed.parsed.ast, (node) => {
    if (node.op !== '.' && node.op !== '.?') return;
    const [target, field] = node.args as [ASTNode, string];
    if (target.op !== 'id' || target.args !== 'variables' || declared.has(field)) return;
    const end = parsed.rewritten.toOriginal(node.end);
    out.push({
      code: 'cel/type', severity: 'warning',
      message: `no variable '${field}' is declared in this policy's variables`,
      start: end - field.length, end,
    });
  });
  return out;
}

/** Every identifier the expression names (variables, comprehension variables). */
function identifiers(root: ASTNode): Set<string> {
  const out = new Set<string>();
  walk(root, (node) => {
    if (node.op === 'id' && typeof node.args === 'string') out.add(node.args);
  });
  return out;
}

function walk(root: ASTNode, visit: (n: ASTNode) => void): void {
  const stack = [root];
  while (stack.length) {
    const node = stack.pop()!;
    visit(node);
    stack.push(...childrenOf(node));
  }
}

const functionNames = new WeakMap<Environment, Set<string>>();

function knownFunctions(env: Environment): Set<string> {
  let names = functionNames.get(env);
  if (!names) {
    names = new Set(env.getDefinitions().functions.map((f) => f.name));
    functionNames.set(env, names);
  }
  return names;
}

function fromCheckError(env: Environment, parsed: Parsed, expression: string, error: CheckError | undefined): CelProblem | undefined {
  if (!error) return undefined;
  const toOriginal = parsed.rewritten.toOriginal;
  const start = toOriginal(error.range?.start ?? 0);
  const end = Math.max(start, toOriginal(error.range?.end ?? 0));
  const message = firstLine(error.message ?? 'type error');
  if (error.code === 'no_matching_overload') {
    const call = callAt(parsed.parsed.ast, error.range);
    if (call && !knownFunctions(env).has(call.name)) {
      const at = nameOffset(expression, call, toOriginal);
      return {
        code: 'cel/unknown-function', severity: 'warning',
        message: `unknown function '${call.name}': not in the Kubernetes or Kyverno CEL libraries`,
        start: at, end: at + call.name.length,
      };
    }
  }
  return { code: 'cel/type', severity: 'warning', message, start, end };
}

interface CallSite {
  name: string;
  node: ASTNode;
  receiver?: ASTNode;
}

function callAt(root: ASTNode, range: { start: number; end: number } | undefined): CallSite | undefined {
  if (!range) return undefined;
  let found: CallSite | undefined;
  walk(root, (node) => {
    if (found || node.start !== range.start || node.end !== range.end) return;
    if (node.op === 'call') {
      const [name] = node.args as [string, ASTNode[]];
      if (name !== MESSAGE_FN) found = { name, node };
    } else if (node.op === 'rcall') {
      const [name, receiver] = node.args as [string, ASTNode, ASTNode[]];
      found = { name, node, receiver };
    }
  });
  return found;
}

function nameOffset(expression: string, call: CallSite, toOriginal: (n: number) => number): number {
  const from = toOriginal(call.receiver ? call.receiver.end : call.node.start);
  const at = expression.indexOf(call.name, from);
  return at >= 0 ? at : toOriginal(call.node.start);
}

/**
 * `object` as the union of the matched kinds: a field is reported only when no kind has it at
 * that place; a kind the type data does not know (a CRD) makes `object` dyn, so nothing is.
 * Declared variables are typed by their own expressions, so `variables.containers.all(c, c.x)`
 * is checked too.
 */
function checkTyped(site: CelSite, options: CheckOptions, names: Set<string>): CelProblem | undefined {
  const { types, objectKinds } = options;
  if (!types || !objectKinds?.length) return undefined;
  // Only `object` and `variables` are typed differently from the dyn check, which passed: an
  // expression naming neither checks the same here (most of a policy's messages and match
  // conditions), so it is not parsed and checked again.
  if (!names.has('object') && !names.has('variables')) return undefined;
  const typed = typedEnvironment(types, objectKinds);
  if (!typed) return undefined;
  const withVariables = site.variables?.length && names.has('variables') ? typedEnvironmentWithVariables(types, objectKinds, variableTypes(typed.env, site)) : undefined;
  const env = (withVariables ?? typed).env;
  const parsed = parseCel(env, site.expression);
  if (!parsed.ok) return undefined;
  const result = parsed.parsed.check();
  if (result.valid) return undefined;
  const error = result.error as CheckError;
  // Only a missing field is certain; overload questions were settled by the dyn check.
  if (error.code !== 'no_such_key') return undefined;
  const start = parsed.rewritten.toOriginal(error.range?.start ?? 0);
  const end = Math.max(start, parsed.rewritten.toOriginal(error.range?.end ?? 0));
  const field = firstLine(error.message ?? '').replace(/^No such key: /, '');
  const kinds = [...new Set(objectKinds.map((k) => k.kind))].join(', ');
  return { code: 'cel/type', severity: 'warning', message: `no field '${field}' here in ${kinds}`, start, end };
}

/** Each declared variable's type, from its expression in the typed environment; dyn when unsure. */
function variableTypes(env: Environment, site: CelSite): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of site.variables ?? []) {
    const parsed = parseCel(env, v.expression);
    const result = parsed.ok ? parsed.parsed.check() : undefined;
    const type = result?.valid ? result.type ?? 'dyn' : 'dyn';
    out[v.name] = type === 'list' ? 'list<dyn>' : type === 'map' ? 'map<dyn, dyn>' : type;
  }
  return out;
}

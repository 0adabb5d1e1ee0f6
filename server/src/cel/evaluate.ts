// Evaluates an expression against plain JSON data, within a cost budget, with Kyverno's I/O
// functions answered from caller-provided data only.
import { Optional } from '@marcbachmann/cel-js';
import { evaluationEnvironment, type CelEnvironment } from './environment.ts';
import { parseCel, firstLine } from './compile.ts';
import { toCel } from './lib/kyverno.ts';
import { CostExceeded, UnknownValue, type ModelledIO } from './session.ts';

/**
 * Kubernetes caps one expression at a runtime cost of 1,000,000 units (roughly one per node
 * visited or element iterated); counting every node evaluation here lands in the same range.
 */
export const DEFAULT_COST_LIMIT = 1_000_000;

export interface EvaluateOptions extends ModelledIO {
  costLimit?: number;
  /**
   * The policy's `variables` declarations, evaluated in order (each sees the ones before it) and
   * bound as `variables.<name>`; a failed one makes only the expressions that read it fail.
   */
  variables?: { name: string; expression: string }[];
}

export type EvaluateResult =
  | { ok: true; value: unknown }
  | { ok: false; error: string; code?: 'cel/cost' | 'cel/syntax' }
  | { ok: false; unknown: string };

export function evaluateCel(expression: string, activation: Record<string, unknown>, options: EvaluateOptions = {}): EvaluateResult {
  if (!options.variables?.length) return evaluateOne(expression, activation, options);
  const values: Record<string, unknown> = { ...(activation.variables as Record<string, unknown> | undefined) };
  const failures = new Map<string, EvaluateResult>();
  for (const { name, expression: variableExpression } of options.variables) {
    const result = evaluateOne(variableExpression, { ...activation, variables: values }, options);
    if (result.ok) values[name] = result.value;
    else failures.set(name, result);
  }
  const result = evaluateOne(expression, { ...activation, variables: values }, options);
  if (!result.ok && 'error' in result) {
    const missing = /^No such key: (.+)$/.exec(result.error)?.[1];
    const failure = missing === undefined ? undefined : failures.get(missing);
    if (failure) return failure;
  }
  return result;
}

function evaluateOne(expression: string, activation: Record<string, unknown>, options: EvaluateOptions): EvaluateResult {
  const celEnv = evaluationEnvironment();
  const parsed = parseCel(celEnv.env, expression);
  if (!parsed.ok) return { ok: false, error: parsed.message, code: 'cel/syntax' };
  const context: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(activation)) context[k] = toCel(v);
  return runInSession(celEnv, () => fromCel(parsed.parsed(context)), options, options.costLimit ?? DEFAULT_COST_LIMIT);
}

export type SessionOutcome = { ok: true; value: unknown } | { ok: false; error: string; code?: 'cel/cost' } | { ok: false; unknown: string };

/**
 * Runs an evaluation in the environment's metered session with the I/O answers given: the one
 * place cel-js's failures are mapped (this module's `evaluateCel` and the engine's `runCel` both
 * run through it). The meter's stop is an error with `cel/cost`; a value the model cannot know
 * (unanswered modelled I/O, a variable the environment does not provide) is unknown, not an error.
 */
export function runInSession(celEnv: CelEnvironment, run: () => unknown, io: ModelledIO, costLimit: number): SessionOutcome {
  celEnv.session.begin(io, costLimit);
  try {
    return { ok: true, value: run() };
  } catch (error) {
    if (error instanceof CostExceeded) return { ok: false, error: error.message, code: 'cel/cost' };
    if (error instanceof UnknownValue) return { ok: false, unknown: error.what };
    const e = error as { code?: string; message?: string };
    const message = firstLine(e.message ?? String(error));
    if (e.code === 'unknown_variable') return { ok: false, unknown: message };
    return { ok: false, error: message };
  } finally {
    celEnv.session.end();
  }
}

/** CEL values back to plain JSON: ints to numbers, maps to objects, library types to strings. */
export function fromCel(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), fromCel(v)]));
  if (value instanceof Optional) return value.hasValue() ? fromCel(value.value()) : null;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromCel(v);
    return out;
  }
  const name = proto?.constructor?.name;
  if (name === 'UnsignedInt') return Number((value as { valueOf(): unknown }).valueOf());
  if (name === 'Duration') {
    const d = value as { seconds: number | bigint; nanos: number };
    return `${Number(d.seconds) + d.nanos / 1e9}s`;
  }
  return String(value);
}

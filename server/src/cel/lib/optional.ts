// cel-go's optional extras Kubernetes enables and cel-js lacks: optMap/optFlatMap (macros that
// bind a variable to the optional's value) and optional.ofNonZeroValue.
import { Optional, type ASTNode, type Environment } from '@marcbachmann/cel-js';

interface MacroContext {
  forkWithVariable(name: string, type: unknown): MacroContext;
  reuse(ctx: unknown): { setIterValue(value: unknown, ev: unknown): unknown };
}

interface Checker {
  check(node: ASTNode, ctx: unknown): { kind?: string; valueType?: unknown };
  getType(name: string): unknown;
  createError(code: string, message: string, node: ASTNode): Error;
}

interface Ev {
  run(node: ASTNode, ctx: unknown): unknown;
}

interface OptMacro {
  receiver: ASTNode;
  name: string;
  body: ASTNode;
  bindCtx?: MacroContext;
  flat: boolean;
}

function optMacro(flat: boolean) {
  return ({ args, receiver }: { args: ASTNode[]; receiver: ASTNode }) => {
    const [variable, body] = args as [ASTNode, ASTNode];
    return {
      receiver,
      body,
      flat,
      name: variable.op === 'id' ? (variable.args as string) : '',
      async: false,
      typeCheck(checker: Checker, m: OptMacro, ctx: MacroContext) {
        if (!m.name) throw checker.createError('invalid_macro_argument', `opt${flat ? 'FlatMap' : 'Map'}(var, expr) invalid variable`, variable);
        const type = checker.check(m.receiver, ctx);
        const valueType = type.kind === 'optional' && type.valueType ? type.valueType : checker.getType('dyn');
        m.bindCtx = ctx.forkWithVariable(m.name, valueType);
        checker.check(m.body, m.bindCtx);
        return checker.getType('optional');
      },
      evaluate(ev: Ev, m: OptMacro, ctx: unknown) {
        const value = ev.run(m.receiver, ctx);
        if (!(value instanceof Optional) || !value.hasValue()) return Optional.none();
        const result = ev.run(m.body, m.bindCtx!.reuse(ctx).setIterValue(value.value(), ev));
        if (!m.flat) return Optional.of(result);
        if (result instanceof Optional) return result;
        throw new Error('optFlatMap: expression must return an optional');
      },
    };
  };
}

function isZero(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === '' || v === 0 || v === 0n) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof Map) return v.size === 0;
  if (v instanceof Uint8Array) return v.length === 0;
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.keys(v).length === 0;
  return false;
}

export function registerOptionalExtras(env: Environment): void {
  env
    .registerFunction('optional.optMap(ast, ast): optional<dyn>', optMacro(false) as never)
    .registerFunction('optional.optFlatMap(ast, ast): optional<dyn>', optMacro(true) as never)
    .registerFunction('OptionalNamespace.ofNonZeroValue(dyn): optional<dyn>', (_: unknown, v: unknown) => (isZero(v) ? Optional.none() : Optional.of(v)));
}

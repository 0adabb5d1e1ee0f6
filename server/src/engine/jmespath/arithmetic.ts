// Kyverno's arithmetic functions: numbers, Kubernetes quantities and Go durations keep their kind.
import { formatDuration, parseDuration, parseQuantity } from './quantity.ts';
import { formatOf, formatQuantity, type QuantityFormat } from './quantityFormat.ts';

type Operand =
  | { kind: 'scalar'; value: number }
  | { kind: 'quantity'; value: number; format: QuantityFormat }
  | { kind: 'duration'; value: number };

function operand(v: unknown, fn: string, other?: unknown): Operand {
  if (typeof v === 'number') return { kind: 'scalar', value: v };
  if (typeof v === 'string') {
    const q = parseQuantity(v);
    const d = parseDuration(v);
    // "30m" is both a quantity (0.03) and a duration: it is a duration only next to an unambiguous duration.
    const otherIsDuration = typeof other === 'string' && parseDuration(other) !== undefined && parseQuantity(other) === undefined;
    if (d !== undefined && (q === undefined || otherIsDuration)) return { kind: 'duration', value: d };
    if (q !== undefined) return { kind: 'quantity', value: q, format: formatOf(v) };
  }
  throw new Error(`${fn}: '${String(v)}' is not a number, quantity or duration`);
}

function out(kind: Operand['kind'], value: number, format: QuantityFormat = 'DecimalSI'): unknown {
  if (kind === 'scalar') return value;
  if (kind === 'duration') return formatDuration(value);
  return formatQuantity(value, format);
}

export function arithmetic(op: 'add' | 'subtract' | 'multiply' | 'divide' | 'modulo', a: unknown, b: unknown): unknown {
  const x = operand(a, op, b);
  const y = operand(b, op, a);
  const fmt = x.kind === 'quantity' ? x.format : y.kind === 'quantity' ? y.format : 'DecimalSI';
  switch (op) {
    case 'add':
    case 'subtract': {
      const kind = sameKind(x, y, op);
      return out(kind, op === 'add' ? x.value + y.value : x.value - y.value, fmt);
    }
    case 'multiply': {
      if (x.kind !== 'scalar' && y.kind !== 'scalar') throw new Error('multiply: at least one operand must be a number');
      const kind = x.kind === 'scalar' ? y.kind : x.kind;
      return out(kind, x.value * y.value, fmt);
    }
    case 'divide': {
      if (y.value === 0) throw new Error('divide: division by zero');
      if (y.kind === 'scalar') return out(x.kind, x.value / y.value, fmt);
      if (x.kind === y.kind) return x.value / y.value;
      throw new Error('divide: incompatible operands');
    }
    case 'modulo': {
      if (y.value === 0) throw new Error('modulo: division by zero');
      const kind = sameKind(x, y, op);
      if (kind === 'scalar' && (!Number.isInteger(x.value) || !Number.isInteger(y.value))) throw new Error('modulo: non-integer operand');
      return out(kind, x.value % y.value, fmt);
    }
  }
}

function sameKind(x: Operand, y: Operand, op: string): Operand['kind'] {
  if (x.kind === y.kind) return x.kind;
  // A bare number next to a quantity reads as a quantity in Kyverno ("1" parses as both).
  if ((x.kind === 'quantity' && y.kind === 'scalar') || (x.kind === 'scalar' && y.kind === 'quantity')) return 'quantity';
  throw new Error(`${op}: operands of different kinds (${x.kind}, ${y.kind})`);
}

export function roundValue(a: unknown, digits: unknown): number {
  if (typeof a !== 'number') throw new Error('round: expected a number');
  if (typeof digits !== 'number' || !Number.isInteger(digits) || digits < 0) throw new Error('round: digits must be a non-negative integer');
  const f = 10 ** digits;
  return Math.round(a * f) / f;
}

export function sumValues(list: unknown): unknown {
  if (!Array.isArray(list)) throw new Error('sum: expected an array');
  if (list.length === 0) return 0;
  let acc: unknown = list[0];
  for (const v of list.slice(1)) acc = arithmetic('add', acc, v);
  return acc;
}

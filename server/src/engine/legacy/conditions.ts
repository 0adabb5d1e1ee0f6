// preconditions / deny.conditions: any/all blocks and the legacy list form over substituted operands.
import { substitute } from '../jmespath/substitute.ts';
import { evaluateOperator } from './operators.ts';
import { isObj } from '../../k8s/objects.ts';

interface Condition {
  key?: unknown;
  operator?: string;
  value?: unknown;
  message?: string;
}

export interface ConditionsOutcome {
  result: boolean;
  /** The condition that decided a false outcome (for messages). */
  message: string;
}

type Obj = Record<string, unknown>;

export class InvalidConditionError extends Error {}

function one(c: Condition, data: unknown): boolean {
  const key = substitute(c.key ?? null, data, { lenient: true });
  const value = substitute(c.value ?? null, data, { lenient: true });
  const result = evaluateOperator(String(c.operator ?? 'Equals'), key, value);
  if (result === undefined) throw new InvalidConditionError(`unknown condition operator ${String(c.operator)}`);
  return result;
}

/** Evaluates a conditions block; an absent block holds. Throws UnsupportedError from JMESPath. */
export function evaluateConditions(conditions: unknown, data: unknown): ConditionsOutcome {
  if (conditions === undefined || conditions === null) return { result: true, message: '' };
  if (Array.isArray(conditions)) {
    for (const c of conditions as Condition[]) {
      if (!one(c, data)) return { result: false, message: c.message ?? describe(c) };
    }
    return { result: true, message: '' };
  }
  if (!isObj(conditions)) return { result: true, message: '' };
  const any = conditions.any as Condition[] | undefined;
  const all = conditions.all as Condition[] | undefined;
  if (Array.isArray(any)) {
    let hit = false;
    const messages: string[] = [];
    for (const c of any) {
      if (one(c, data)) {
        hit = true;
        break;
      }
      messages.push(c.message ?? describe(c));
    }
    if (!hit) return { result: false, message: messages.join('; ') };
  }
  if (Array.isArray(all)) {
    for (const c of all) {
      if (!one(c, data)) return { result: false, message: c.message ?? describe(c) };
    }
  }
  return { result: true, message: '' };
}

function describe(c: Condition): string {
  return `${JSON.stringify(c.key)} ${String(c.operator)} ${JSON.stringify(c.value)}`;
}

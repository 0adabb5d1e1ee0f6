// matchConditions / conditions: every expression must be true. A false one skips the policy; an
// error fails closed (failurePolicy Fail, the default); an unknown one is reported as such.
import type { Scope } from './activation.ts';
import { asArray } from './values.ts';
import { isObj } from '../../k8s/objects.ts';
import type { Path } from '../../yaml/paths.ts';

export type ConditionOutcome =
  | { kind: 'true' }
  | { kind: 'false'; name: string; path: Path }
  | { kind: 'error'; message: string; path: Path }
  | { kind: 'unknown'; reason: string; path: Path };

export function evaluateConditions(conditions: unknown, scope: Scope, basePath: Path): ConditionOutcome {
  let pending: ConditionOutcome | undefined;
  const list = asArray(conditions);
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (!isObj(c) || typeof c.expression !== 'string') continue;
    const path = [...basePath, i, 'expression'];
    const out = scope.run(c.expression);
    if (out.ok) {
      if (out.value === false) return { kind: 'false', name: String(c.name ?? i), path };
      if (out.value !== true) pending ??= { kind: 'error', message: `condition ${String(c.name ?? i)} did not return a bool`, path };
    } else if ('unknown' in out) {
      pending ??= { kind: 'unknown', reason: out.unknown, path };
    } else {
      pending ??= { kind: 'error', message: `condition ${String(c.name ?? i)}: ${out.error}`, path };
    }
  }
  return pending ?? { kind: 'true' };
}

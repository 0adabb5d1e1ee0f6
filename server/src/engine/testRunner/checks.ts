// A Test's `checks` as `kyverno test` runs them: every response (policy x resource) that the
// match.resource and match.policy trees hold on, every rule response of it that match.rule holds on
// ({name}), is one row; `assert` must hold on {name, status}, `error` must not. A check whose trees
// use expressions, or read anything else of a rule response (message, ruleType, exceptions, …) whose
// wording or shape the engine does not reproduce, is one unknown row rather than a guess.
import type { RuleResult } from '../types.ts';
import { assertTree, expressionIn } from './assertTree.ts';
import { isObj } from '../../k8s/objects.ts';

export interface CheckCandidate {
  policy: Record<string, unknown>;
  resource: Record<string, unknown>;
  rules: RuleResult[];
}

export interface CheckRow {
  check: number;
  policy: string;
  rule: string;
  resource: string;
  kind: 'agree' | 'disagree' | 'unknown';
  actual: string;
  reason: string;
}

const RULE_FIELDS = new Set(['name', 'status']);

function name(o: Record<string, unknown>): string {
  const m = isObj(o.metadata) ? o.metadata : {};
  return m.namespace ? `${String(m.namespace)}/${String(m.name ?? '')}` : String(m.name ?? '');
}

/** Why a check cannot be decided here, if it cannot. */
function undecidable(check: Record<string, unknown>): string | undefined {
  const match = isObj(check.match) ? check.match : {};
  for (const [label, tree] of [['match.resource', match.resource], ['match.policy', match.policy], ['match.rule', match.rule], ['assert', check.assert], ['error', check.error]] as const) {
    const at = expressionIn(tree);
    if (at) return `${label} uses an expression at ${at}`;
  }
  // match.rule sees only {name}: another field is simply not found there, as in Kyverno.
  for (const [label, tree] of [['assert', check.assert], ['error', check.error]] as const) {
    const foreign = isObj(tree) ? Object.keys(tree).find((f) => !RULE_FIELDS.has(f)) : undefined;
    if (foreign !== undefined) return `${label} reads ${foreign} of the rule response, which the engine does not reproduce`;
  }
  return undefined;
}

export function runChecks(checks: unknown, candidates: CheckCandidate[]): CheckRow[] {
  if (!Array.isArray(checks)) return [];
  const rows: CheckRow[] = [];
  checks.forEach((check, index) => {
    if (!isObj(check)) return;
    const why = undecidable(check);
    if (why) { rows.push({ check: index, policy: '', rule: '', resource: '', kind: 'unknown', actual: 'unknown', reason: why }); return; }
    const match = isObj(check.match) ? check.match : {};
    for (const c of candidates) {
      if (match.resource !== undefined && assertTree(match.resource, c.resource).kind !== 'holds') continue;
      if (match.policy !== undefined && assertTree(match.policy, c.policy).kind !== 'holds') continue;
      for (const rule of c.rules) {
        if (match.rule !== undefined && assertTree(match.rule, { name: rule.rule }).kind !== 'holds') continue;
        const row = (kind: CheckRow['kind'], reason: string) => rows.push({ check: index, policy: name(c.policy), rule: rule.rule, resource: `${String(c.resource.kind)}/${name(c.resource)}`, kind, actual: rule.status, reason });
        for (const [tree, positive] of [[check.assert, true], [check.error, false]] as const) {
          if (tree === undefined || tree === null) continue;
          if (rule.status === 'unknown') { row('unknown', rule.reason); continue; }
          const v = assertTree(tree, { name: rule.rule, status: rule.status });
          if ((v.kind === 'holds') === positive) row('agree', '');
          else row('disagree', positive ? `the assertion fails at ${v.kind === 'fails' ? v.at : '.'}` : 'the error assertion holds');
        }
      }
    }
  });
  return rows;
}

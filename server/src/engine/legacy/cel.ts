// validate.cel in legacy rules: ValidatingAdmissionPolicy-style expressions over the admission request.
import type { AdmissionContext } from '../types.ts';
import type { Path } from '../../yaml/paths.ts';
import { evaluateCel } from '../../cel/evaluate.ts';
import { fail, pass, unknown, type Outcome } from './outcome.ts';
import { isObj } from '../../k8s/objects.ts';

type Obj = Record<string, unknown>;

/** Without a cluster Kyverno builds the Namespace object from its name alone; so do we. */
function namespaceOf(resource: Obj): Obj | null {
  const meta = isObj(resource.metadata) ? resource.metadata : {};
  if (resource.kind === 'Namespace' || typeof meta.namespace !== 'string' || meta.namespace === '') return null;
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: meta.namespace } };
}

export function validateCel(cel: Obj, resource: Obj, data: Obj, ctx: AdmissionContext, path: Path, ruleMessage?: unknown): Outcome {
  if (cel.paramKind !== undefined || cel.paramRef !== undefined) {
    if (ctx.params === undefined) return unknown('validate.cel uses params that were not supplied', path);
  }
  const request = isObj(data.request) ? data.request : {};
  const activation: Obj = {
    object: ctx.operation === 'DELETE' ? null : resource,
    oldObject: isObj(request.oldObject) ? request.oldObject : null,
    request: { operation: ctx.operation, userInfo: request.userInfo, namespace: request.namespace, name: request.name, kind: request.kind },
    namespaceObject: ctx.namespaceObject ?? namespaceOf(resource),
    params: ctx.params ?? null,
  };
  const variables: Obj = {};
  activation.variables = variables;
  const vars = Array.isArray(cel.variables) ? cel.variables : [];
  for (let i = 0; i < vars.length; i++) {
    const v = vars[i];
    if (!isObj(v) || typeof v.name !== 'string' || typeof v.expression !== 'string') continue;
    const r = evaluateCel(v.expression, activation);
    if (r.ok) variables[v.name] = r.value;
    else if ('unknown' in r) return unknown(`variable ${v.name}: ${r.unknown}`, [...path, 'variables', i]);
    // Variables are lazy in Kyverno: a broken one only matters to the expressions that use it.
  }
  const exprs = Array.isArray(cel.expressions) ? cel.expressions : [];
  for (let i = 0; i < exprs.length; i++) {
    const e = exprs[i];
    if (!isObj(e) || typeof e.expression !== 'string') continue;
    const here = [...path, 'expressions', i];
    const r = evaluateCel(e.expression, activation);
    // With the default failurePolicy (Fail), an expression that errors denies the request.
    if (!r.ok) return 'unknown' in r ? unknown(r.unknown, here) : fail(`expression error: ${r.error}`, here);
    if (typeof r.value !== 'boolean') return fail('the expression did not evaluate to a boolean', here);
    if (!r.value) {
      let msg = typeof e.message === 'string' ? e.message : typeof ruleMessage === 'string' ? ruleMessage : `failed expression: ${e.expression}`;
      if (typeof e.messageExpression === 'string') {
        const m = evaluateCel(e.messageExpression, activation);
        if (m.ok && typeof m.value === 'string') msg = m.value;
      }
      return fail(msg, here);
    }
  }
  return pass('every CEL expression holds', path);
}

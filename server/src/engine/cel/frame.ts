// What every CEL policy kind does before its own phase: pick the spec that applies to the resource
// (the policy's own or an autogen variant), build the activation, check matchConditions, apply
// policies.kyverno.io PolicyExceptions.
import type { AdmissionContext, RuleResult, RuleStatus } from '../types.ts';
import type { Path } from '../../yaml/paths.ts';
import { buildScope, type Scope } from './activation.ts';
import { autogenVariants } from './autogen.ts';
import { evaluateConditions } from './conditions.ts';
import { matchConstraints } from './match.ts';
import { asArray } from './values.ts';
import { isObj } from '../../k8s/objects.ts';

export interface Frame {
  policyName: string;
  ruleName: string;
  spec: Record<string, unknown>;
  scope: Scope;
  /** Path of `spec` inside the policy document. */
  specPath: Path;
}

export type FrameOutcome = { frame: Frame } | { results: RuleResult[] };

export function policyId(policy: Record<string, unknown>): string {
  const meta = isObj(policy.metadata) ? policy.metadata : {};
  const name = String(meta.name ?? '');
  return meta.namespace && String(policy.kind ?? '').startsWith('Namespaced') ? `${String(meta.namespace)}/${name}` : name;
}

export function result(frame: { policyName: string; ruleName: string }, status: RuleStatus, reason: string, path?: Path, extra: Partial<RuleResult> = {}): RuleResult {
  return { policy: frame.policyName, rule: frame.ruleName, status, reason, ...(path ? { path } : {}), ...extra };
}

export interface FrameOptions {
  /** Spec keys whose expressions autogen rewrites; empty disables autogen. */
  autogenKeys: string[];
  /** A custom autogen for kinds that rewrite differently (MutatingPolicy). */
  autogen?: (spec: Record<string, unknown>) => { prefix: string; spec: Record<string, unknown> }[];
  /** A payload in place of a Kubernetes request (evaluation mode JSON): nothing is matched, matchConditions alone decide. */
  payload?: boolean;
}

export function openFrame(policy: Record<string, unknown>, resource: Record<string, unknown>, context: AdmissionContext, options: FrameOptions): FrameOutcome {
  const policyName = policyId(policy);
  const spec = isObj(policy.spec) ? policy.spec : {};
  const meta = isObj(policy.metadata) ? policy.metadata : {};
  const nsScoped = String(policy.kind ?? '').startsWith('Namespaced');
  const resMeta = isObj(resource.metadata) ? resource.metadata : {};
  // A namespaced policy only sees requests in its own namespace.
  if (!options.payload && nsScoped && meta.namespace && resMeta.namespace !== meta.namespace) return { results: [] };
  const candidates: { prefix: string; spec: Record<string, unknown> }[] = [{ prefix: '', spec }];
  if (options.autogen) candidates.push(...options.autogen(spec));
  else if (options.autogenKeys.length > 0) candidates.push(...autogenVariants(spec, options.autogenKeys));
  let chosen: { prefix: string; spec: Record<string, unknown> } | undefined = options.payload ? { prefix: '', spec } : undefined;
  for (const c of options.payload ? [] : candidates) {
    const d = matchConstraints(c.spec.matchConstraints, resource, context);
    if (d.kind === 'match') { chosen = c; break; }
    if (d.kind === 'unknown') return { results: [result({ policyName, ruleName: policyName }, 'unknown', d.reason, ['spec', 'matchConstraints'])] };
  }
  if (!chosen) return { results: [] };
  const ruleName = chosen.prefix ? `${chosen.prefix}-${String(meta.name ?? '')}` : policyName;
  const exceptions = matchingExceptionValues(policy, context);
  // On DELETE the request has no object, only the old one.
  const object = context.operation === 'DELETE' ? null : resource;
  const scope = buildScope({ object, context, variables: chosen.spec.variables, extra: { exceptions: exceptions.values }, ...(nsScoped ? { policyNamespace: String(meta.namespace ?? 'default') } : {}) });
  const frame: Frame = { policyName, ruleName, spec: chosen.spec, scope, specPath: ['spec'] };
  // Kyverno looks at exceptions before the policy's own matchConditions.
  for (const exc of exceptions.skipping) {
    const out = evaluateConditions(isObj(exc.spec) ? exc.spec.matchConditions : undefined, scope, ['spec', 'matchConditions']);
    const name = isObj(exc.metadata) ? String(exc.metadata.name ?? '') : '';
    if (out.kind === 'true') {
      const reportAs = isObj(exc.spec) && exc.spec.reportResult === 'pass' ? 'pass' : 'skip';
      return { results: [result(frame, reportAs, `policy exception ${name} applies`)] };
    }
    if (out.kind === 'unknown') return { results: [result(frame, 'unknown', `policy exception ${name}: ${out.reason}`)] };
    if (out.kind === 'error') return { results: [result(frame, 'error', `policy exception ${name}: ${out.message}`)] };
  }
  const cond = evaluateConditions(chosen.spec.matchConditions, scope, ['spec', 'matchConditions']);
  if (cond.kind === 'false') return { results: [result(frame, 'skip', `matchCondition ${cond.name} is false`, cond.path)] };
  // A condition that cannot be evaluated fails the request, unless the policy ignores failures.
  if (cond.kind === 'error') return { results: [chosen.spec.failurePolicy === 'Ignore' ? result(frame, 'skip', `${cond.message} (failurePolicy Ignore)`, cond.path) : result(frame, 'error', cond.message, cond.path)] };
  if (cond.kind === 'unknown') return { results: [result(frame, 'unknown', cond.reason, cond.path)] };
  return { frame };
}

/** Exceptions are cluster objects: the ones handed in as cluster resources that reference this policy. */
function matchingExceptionValues(policy: Record<string, unknown>, context: AdmissionContext): { skipping: Record<string, unknown>[]; values: Record<string, unknown> } {
  const meta = isObj(policy.metadata) ? policy.metadata : {};
  const skipping: Record<string, unknown>[] = [];
  const allowedImages: unknown[] = [];
  const allowedValues: unknown[] = [];
  for (const r of context.clusterResources ?? []) {
    if (r.kind !== 'PolicyException' || !String(r.apiVersion ?? '').startsWith('policies.kyverno.io/')) continue;
    const spec = isObj(r.spec) ? r.spec : {};
    const refs = asArray(spec.policyRefs).filter(isObj);
    if (!refs.some((ref) => ref.name === meta.name && (ref.kind === undefined || ref.kind === policy.kind))) continue;
    const images = asArray(spec.images);
    const values = asArray(spec.allowedValues);
    if (images.length || values.length) { allowedImages.push(...images); allowedValues.push(...values); continue; }
    skipping.push(r);
  }
  return { skipping, values: { allowedImages, allowedValues } };
}

// The CEL activation of an admission request (object, oldObject, request, namespaceObject, params,
// exceptions) and the policy's variables, evaluated on first use, at most once, each seeing only
// the variables declared before it.
import type { AdmissionContext } from '../types.ts';
import type { ModelledIO } from '../../cel/session.ts';
import { identityOf } from './kinds.ts';
import { modelledIO, runCel, type CelOutcome } from './runtime.ts';
import { asArray, toCel } from './values.ts';
import { isObj } from '../../k8s/objects.ts';

export function requestOf(object: Record<string, unknown> | null, context: AdmissionContext): Record<string, unknown> {
  const subject = object ?? context.oldObject ?? {};
  // A resource standing for its parent's subresource (Scale for deployments/scale) is requested as the parent.
  const parent = context.requestKind;
  const id = identityOf(parent ? { apiVersion: parent.group ? `${parent.group}/${parent.version}` : parent.version, kind: parent.kind } : subject);
  const meta = isObj(subject.metadata) ? subject.metadata : {};
  const [resource, subresource] = id.plural.split('/');
  const kind = { group: id.group, version: id.version, kind: parent?.kind ?? String(subject.kind ?? '') };
  const user = context.userInfo ?? {};
  return {
    uid: '',
    kind,
    resource: { group: id.group, version: id.version, resource: resource ?? '' },
    subResource: context.subresource ?? subresource ?? '',
    requestKind: kind,
    name: String(meta.name ?? ''),
    namespace: String(meta.namespace ?? ''),
    operation: context.operation,
    userInfo: { username: user.username ?? '', uid: user.uid ?? '', groups: user.groups ?? [] },
    dryRun: false,
  };
}

const varRef = /\bvariables\s*(?:\.\s*\??\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*\??\s*["']([^"']+)["']\s*\])/g;

function referencedVariables(expression: string): string[] | 'all' {
  const names = new Set<string>();
  for (const m of expression.matchAll(varRef)) names.add((m[1] ?? m[2])!);
  const bare = expression.replace(varRef, '').match(/\bvariables\b/);
  return bare ? 'all' : [...names];
}

type VarState = { ok: true; value: unknown } | { ok: false; failure: CelOutcome };

export class Scope {
  private readonly decls: { name: string; expression: string }[];
  private readonly states = new Map<string, VarState>();
  readonly io: ModelledIO;

  constructor(readonly base: Record<string, unknown>, variables: unknown, io: ModelledIO) {
    this.decls = asArray(variables).filter(isObj).filter((v) => typeof v.name === 'string' && typeof v.expression === 'string')
      .map((v) => ({ name: String(v.name), expression: String(v.expression) }));
    this.io = io;
  }

  /** A scope over a different object (a mutation's output), with fresh variables. */
  withObject(object: Record<string, unknown> | null): Scope {
    return new Scope({ ...this.base, object: object ? toCel(object) : null }, this.decls, this.io);
  }

  run(expression: string, extra: Record<string, unknown> = {}): CelOutcome {
    return this.runVisible(expression, this.decls.length, extra);
  }

  private runVisible(expression: string, visible: number, extra: Record<string, unknown>): CelOutcome {
    const refs = referencedVariables(expression);
    const wanted = this.decls.slice(0, visible).map((d, i) => ({ ...d, index: i })).filter((d) => refs === 'all' || refs.includes(d.name));
    const vars: Record<string, unknown> = {};
    let failed: CelOutcome | undefined;
    for (const d of wanted) {
      const st = this.variable(d.index);
      if (st.ok) vars[d.name] = st.value;
      else if (!failed || ('unknown' in st.failure && !('unknown' in failed))) failed = st.failure;
    }
    const out = runCel(expression, { ...this.base, ...extra, variables: vars }, this.io);
    if (!out.ok && failed) return failed;
    return out;
  }

  private variable(index: number): VarState {
    const d = this.decls[index]!;
    const key = `${index}`;
    const cached = this.states.get(key);
    if (cached) return cached;
    // Guard against a variable reading itself through a later declaration.
    this.states.set(key, { ok: false, failure: { ok: false, error: `variable ${d.name} refers to itself` } });
    const out = this.runVisible(d.expression, index, {});
    const st: VarState = out.ok ? { ok: true, value: out.value } : { ok: false, failure: 'unknown' in out ? out : { ok: false, error: `variable ${d.name}: ${out.error}` } };
    this.states.set(key, st);
    return st;
  }
}

export interface ScopeInput {
  object: Record<string, unknown> | null;
  context: AdmissionContext;
  variables: unknown;
  extra?: Record<string, unknown>;
  /** A namespaced policy's namespace (its resource library reads there). */
  policyNamespace?: string;
}

export function buildScope(input: ScopeInput): Scope {
  const { context } = input;
  const base: Record<string, unknown> = {
    object: input.object ? toCel(input.object) : null,
    oldObject: context.oldObject ? toCel(context.oldObject) : null,
    request: toCel(requestOf(input.object, context)),
    namespaceObject: context.namespaceObject ? toCel(context.namespaceObject) : null,
    params: context.params === undefined ? null : toCel(context.params),
    ...Object.fromEntries(Object.entries(input.extra ?? {}).map(([k, v]) => [k, toCel(v)])),
  };
  return new Scope(base, input.variables, modelledIO(context, input.policyNamespace));
}

// Payloads a Test gives in place of resources: `jsonPayload`/`jsonPayloads` (any JSON value, for
// ValidatingPolicies in JSON mode), `httpPayloads` and `envoyPayloads` (authorization requests).
// `kyverno test` keys each one's responses by its path, and an entry names it by that path.
import { extname, resolve } from 'node:path';
import type { AdmissionContext, PolicyResult } from '../types.ts';
import { evaluateValidatingPolicyOnPayload, evaluationMode } from '../cel/validating.ts';
import { evaluateAuthorization } from '../cel/authorization.ts';
import { policyId } from '../cel/frame.ts';
import { parseYaml } from '../../yaml/parse.ts';
import { readWorkspacePath } from '../../workspace/safeRead.ts';
import { defaultConfig } from '../../workspace/config.ts';
import { SuiteError, resolveConfined } from './files.ts';
import type { PayloadMode, TestSpec } from './model.ts';
import { isObj } from '../../k8s/objects.ts';

export interface SuitePayload {
  /** The path as the Test writes it. */
  path: string;
  /** The path resolved against the suite's directory: what an entry's resource name is compared by. */
  resolved: string;
  mode: PayloadMode;
  value: Record<string, unknown>;
}

/**
 * One document, JSON or YAML by the file's extension, whose root is an object, as `kyverno test`
 * loads a payload; anything else fails the whole test there, so it is a suite error here.
 */
function loadPayload(file: string, written: string): Record<string, unknown> {
  if (!/^\.(json|ya?ml)$/i.test(extname(file))) throw new SuiteError(`payload ${written}: unrecognized payload format, must be yaml or json`);
  const read = readWorkspacePath(file, { roots: [], maxBytes: defaultConfig.maxFileSize });
  if (!read.ok) throw new SuiteError(`payload ${written}: ${read.message}`);
  const parsed = parseYaml(read.text);
  const docs = parsed.documents.filter((d) => d.value !== null && d.value !== undefined);
  const problem = parsed.errors[0] ?? docs.flatMap((d) => d.errors)[0];
  if (problem) throw new SuiteError(`payload ${written}: ${problem.message}`);
  if (docs.length !== 1) throw new SuiteError(`payload ${written} must hold exactly one document (it has ${docs.length})`);
  const value = docs[0]!.value;
  if (!isObj(value)) throw new SuiteError(`payload ${written} needs an object at its root`);
  return value;
}

export function loadPayloads(test: TestSpec, root: string, dir: string): SuitePayload[] {
  return test.payloads.map((p) => ({ path: p.path, resolved: resolve(dir, p.path), mode: p.mode, value: loadPayload(resolveConfined(root, dir, p.path), p.path) }));
}

/**
 * The payloads an entry's resource name stands for: the same file however the path is spelled
 * (`./x.json`, `x.json`); an entry that names no resource is checked against every payload.
 */
export function payloadsNamed(payloads: SuitePayload[], dir: string, name: string): SuitePayload[] {
  if (name === '') return payloads;
  const wanted = resolve(dir, name);
  return payloads.filter((p) => p.resolved === wanted);
}

const validatingKinds = new Set(['ValidatingPolicy', 'NamespacedValidatingPolicy']);

/**
 * One policy's response to one payload. `kyverno test` gives a JSON payload to the
 * ValidatingPolicies that are not in HTTP or Envoy mode, and an HTTP (Envoy) request to those in
 * HTTP (Envoy) mode only: other policies give no response. Modelled: JSON mode on a JSON payload,
 * HTTP (Envoy) mode on an HTTP (Envoy) request; a Kubernetes-mode policy on a JSON payload is an
 * error. Every other pairing is reported undecided with the reason.
 */
export function payloadResponse(policy: Record<string, unknown>, payload: SuitePayload, context: AdmissionContext): PolicyResult {
  const name = policyId(policy);
  const kind = String(policy.kind ?? '');
  const unknown = (reason: string): PolicyResult => ({ rules: [{ policy: name, rule: name, status: 'unknown', reason }], patched: payload.value });
  const none: PolicyResult = { rules: [], patched: payload.value };
  const mode = validatingKinds.has(kind) ? evaluationMode(policy) : undefined;
  const authz = mode === 'HTTP' || mode === 'Envoy';
  if (payload.mode !== 'JSON') {
    if (mode !== payload.mode) return none;
    return evaluateAuthorization(policy, payload.value, payload.mode, context);
  }
  if (authz) return none;
  if (!mode) return unknown(`JSON payload ${payload.path}: how kyverno test applies a ${kind || 'policy'} to a JSON payload is not modelled (only ValidatingPolicies in JSON mode are)`);
  // Kyverno's engine refuses it: there is no admission request to read object, request and namespaceObject from.
  if (mode === 'Kubernetes') return { rules: [{ policy: name, rule: name, status: 'error', reason: 'cannot evaluate Kubernetes-mode policy without admission attributes' }], patched: payload.value };
  if (mode !== 'JSON') return unknown(`JSON payload ${payload.path}: ${kind} ${name} is in evaluation mode ${mode}, which Kyverno does not define`);
  return evaluateValidatingPolicyOnPayload(policy, payload.value, context);
}

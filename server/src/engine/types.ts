// The engine's plain-data contract, shared by the legacy (kyverno.io) and CEL (policies.kyverno.io,
// admissionregistration) evaluators, the admission simulation and the `kyverno test` runner.
import type { Path } from '../yaml/paths.ts';

export type RuleStatus = 'pass' | 'fail' | 'skip' | 'warn' | 'error' | 'unknown';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  /** Kyverno's RBAC view of the requester: "namespace:role" and cluster role names. */
  roles?: string[];
  clusterRoles?: string[];
}

/** One mocked HTTP answer (a Test's `apiCallResponses`): legacy apiCall service calls and CEL http.Get/Post. */
export interface HttpMock {
  /** Upper case; absent when the suite names none, and then it answers any method. */
  method?: string;
  url: string;
  statusCode: number;
  body: unknown;
}

/**
 * A GlobalContextEntry as a suite supplies it (a Test's `globalContextEntries`): the data after
 * `fieldPath`, or, when the entry has projections, an object of projection name -> value. An entry
 * the suite gives wrongly is an error for every lookup of it, as in `kyverno test`.
 */
export type GlobalContextValue = { ok: true; value: unknown } | { ok: false; error: string };

/** Everything about one admission request apart from the policies. */
export interface AdmissionContext {
  operation: Operation;
  oldObject?: Record<string, unknown>;
  userInfo?: UserInfo;
  /** Labels of the resource's namespace (namespaceSelector), when known. */
  namespaceLabels?: Record<string, string>;
  namespaceObject?: Record<string, unknown>;
  /** Variables supplied by a values file: global ones and this policy/resource's ones. */
  variables?: Record<string, unknown>;
  /**
   * Every object a suite supplies for lookups, never fetched from a cluster: a Context file's
   * spec.resources, clusterResources (ClusterResource spec.resources or plain files), values-file
   * Namespaces, exceptions, param resources, clone sources; plus, for the CEL layer's sake, the
   * cli.kyverno.io Context and Test documents themselves (images, apiCallResponses). apiCall urlPath
   * GETs, configMap entries and resource.Get/List all read this list.
   */
  clusterResources?: Record<string, unknown>[];
  /**
   * Set when a `kyverno test` suite is evaluated; absent (the editor's workspace), the supplied
   * objects are a partial view and a lookup they do not answer is unknown. Kyverno's CLI always
   * builds its fake cluster from the suite, so every CEL lookup is closed: a resource, image or
   * global context entry the suite lacks is answered as the CLI answers it (not found, null). Legacy
   * apiCall and configMap entries it loads only when the Test lists clusterResources
   * (`legacyLookups`, store.AllowApiCall): then a list is complete, a missing object is absent, and
   * the loaded value overwrites the values file's answer; otherwise the values file answers them.
   * HTTP without a mock stays unknown either way: the CLI would call the network.
   */
  suite?: { legacyLookups: boolean };
  /** A values file's foreachValues for this rule: a foreach context entry of that name takes the element index's value. */
  foreachValues?: Record<string, unknown[]>;
  /** Params for VAP/MAP and CEL policies with paramKind. */
  params?: unknown;
  /**
   * The request's subresource ("scale", "exec", "status"), when the resource stands for one: a
   * values file's `subresources` maps its kind (Scale) to the parent's (Deployment). The resource is
   * then matched as `<parent kind>/<subresource>`; `requestKind` names the parent.
   */
  subresource?: string;
  requestKind?: { group: string; version: string; kind: string };
  /** Mocked HTTP answers, by method and URL; a call none answers is not made. */
  httpMocks?: HttpMock[];
  /** GlobalContextEntry values by entry name; an entry not listed is not known. */
  globalContext?: Record<string, GlobalContextValue>;
  /** Image data a cli.kyverno.io Context supplies (`spec.images`: image, resolvedImage, manifest, config, ...). */
  images?: Record<string, unknown>[];
  /** What CEL's time.now() reads (RFC 3339); unset, it is unknown. `kyverno test` reads the clock. */
  now?: string;
}

export interface RuleResult {
  policy: string;
  rule: string;
  status: RuleStatus;
  /** One sentence: why this status (the failing pattern path, the denying condition, the unknown construct). */
  reason: string;
  /** The deciding part of the rule, as a path into the policy document's value. */
  path?: Path;
  /** For mutations: the resource after this rule. */
  patched?: Record<string, unknown>;
  /** For generation: the resources this rule creates. */
  generated?: Record<string, unknown>[];
  /** For mutate existing: each target the rule reaches, as patched, with its own status. */
  targets?: TargetResult[];
}

export interface TargetResult {
  resource: Record<string, unknown>;
  status: RuleStatus;
  reason: string;
}

export interface PolicyResult {
  rules: RuleResult[];
  /** The resource after every mutation of this policy (unchanged when none applied). */
  patched: Record<string, unknown>;
}

/** Evaluates one policy document on one resource. Never throws: failures become 'error' results. */
export type PolicyEvaluator = (
  policy: Record<string, unknown>,
  resource: Record<string, unknown>,
  context: AdmissionContext,
) => PolicyResult;

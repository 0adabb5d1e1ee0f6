// What an evaluation may know about the world. Kyverno's I/O functions (resource.Get, http.Get,
// globalContext.Get, image.GetMetadata, the authorizer) never reach the network or the cluster:
// they answer from this data, or the evaluation ends as "unknown".

/** resource.Get/List answers: `apiVersion|resource` → namespace ('' for cluster-scoped objects) → name → object. */
export type ResourceTable = Map<string, Map<string, Map<string, unknown>>>;

/** A GlobalContextEntry's data (an object of projection name -> value when it has projections), or why it has none. */
export type GlobalContextData = { ok: true; value: unknown } | { ok: false; error: string };

export interface ModelledIO {
  resources?: ResourceTable;
  /**
   * The data is all there is (a `kyverno test` suite, whose CLI reads only what the suite gives):
   * a resource, image or global context entry it lacks is "not found", as Kyverno's CLI answers,
   * not unknown. HTTP stays unknown without a mock: the CLI would call the network.
   */
  closedWorld?: boolean;
  /** A namespaced policy's namespace: what resource.Get(3)/List(2) read, as Kyverno binds them. */
  policyNamespace?: string;
  /** http.Get/Post answers keyed `GET:<url>` / `POST:<url>`, or `<url>` for any method. */
  http?: Record<string, { statusCode: number; body: unknown }>;
  /** globalContext.Get answers by entry name. */
  globalContext?: Record<string, GlobalContextData>;
  /** image.GetMetadata answers keyed by image reference. */
  imageData?: Record<string, unknown>;
  /** Authorizer decisions; undefined means unknown. */
  authorize?: (request: AuthorizationRequest) => boolean | undefined;
  /** What time.now() returns (RFC 3339); unset, time.now() is unknown. */
  now?: string;
  /** Where generator.Apply records what it would create; unset, the calls record nothing. */
  generated?: { namespace: string; objects: unknown[] }[];
}

export interface AuthorizationRequest {
  user?: { serviceAccount?: { namespace: string; name: string } };
  path?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  verb: string;
}

/** Thrown by a modelled function that has no answer; the evaluation result is "unknown". */
export class UnknownValue extends Error {
  constructor(readonly what: string) {
    super(`unknown: ${what}`);
  }
}

/** Thrown when an evaluation exceeds its cost budget. */
export class CostExceeded extends Error {
  constructor(readonly limit: number) {
    super(`CEL evaluation exceeded its cost budget of ${limit}`);
  }
}

/**
 * Per-evaluation state an environment's function handlers read. One per environment, reset by
 * the evaluator before each run: handlers have no other way to reach the caller's data.
 */
export class Session {
  io: ModelledIO = {};
  cost = 0;
  limit = Infinity;
  /** The environment's evaluator, captured once so its node visits can be metered. */
  evaluator: unknown;

  begin(io: ModelledIO, limit: number): void {
    this.io = io;
    this.cost = 0;
    this.limit = limit;
  }

  end(): void {
    this.io = {};
  }

  /** Charges `units` against the budget; throws when over. */
  charge(units: number): void {
    this.cost += units;
    if (this.cost > this.limit) throw new CostExceeded(this.limit);
  }
}

export function lookup(table: Record<string, unknown> | undefined, key: string, what: string): unknown {
  if (table && Object.prototype.hasOwnProperty.call(table, key)) return table[key];
  throw new UnknownValue(what);
}

// What an evaluation may know about the world. Kyverno's I/O functions (resource.Get, http.Get,
// globalContext.Get, image.GetMetadata, the authorizer) never reach the network or the cluster:
// they answer from this data, or the evaluation ends as "unknown".

export interface ModelledIO {
  /** resource.Get answers, keyed `apiVersion|resource|namespace|name`; resource.List ones keyed `apiVersion|resource|namespace`. */
  resources?: Record<string, unknown>;
  /** http.Get/Post answers keyed `GET <url>` / `POST <url>`. */
  http?: Record<string, unknown>;
  /** globalContext.Get answers keyed `<entry>|<projection>`. */
  globalContext?: Record<string, unknown>;
  /** image.GetMetadata answers keyed by image reference. */
  imageData?: Record<string, unknown>;
  /** Authorizer decisions; undefined means unknown. */
  authorize?: (request: AuthorizationRequest) => boolean | undefined;
  /** What time.now() returns (RFC 3339); unset, time.now() is unknown. */
  now?: string;
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

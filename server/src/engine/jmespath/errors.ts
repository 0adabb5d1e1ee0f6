// Distinguishes why a query could not produce a value: callers map these to 'error' vs 'unknown'.

/** A path query reached a key the data does not have (Kyverno: "Unknown key ... in path"). */
export class NotFoundError extends Error {}

/** A construct this analyzer does not model (external data, unsupported function): the result is 'unknown'. */
export class UnsupportedError extends Error {}

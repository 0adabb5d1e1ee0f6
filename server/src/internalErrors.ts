// Exceptions the analysis catches to go on (a simulation the engine cannot run, an autogen rule it
// cannot expand) would otherwise be silent false negatives: each is reported here, so the CLI
// counts and lists them and the language server logs them.
export interface InternalError {
  /** Which step gave up: the conflict simulation, or the pod-controller autogen expansion. */
  where: 'simulation' | 'autogen';
  message: string;
}

type Listener = (error: InternalError) => void;
const listeners = new Set<Listener>();

/** Called from a catch block that drops its work; cheap when nobody listens. */
export function recordInternalError(where: InternalError['where'], error: unknown): void {
  if (listeners.size === 0) return;
  const message = error instanceof Error ? error.message : String(error);
  for (const listener of listeners) listener({ where, message });
}

/** Tells this thread's listeners of an error recorded on a worker thread (the CLI's indexer sends them back). */
export function replayInternalError(error: InternalError): void {
  for (const listener of listeners) listener(error);
}

/** Listens until the returned function is called (the server logs to its output channel this way). */
export function onInternalError(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Runs `fn` and returns what it recorded on this thread, worker threads' errors replayed here included. */
export async function collectInternalErrors<T>(fn: () => T | Promise<T>): Promise<{ result: T; errors: InternalError[] }> {
  const errors: InternalError[] = [];
  const stop = onInternalError((e) => errors.push(e));
  try {
    return { result: await fn(), errors };
  } finally {
    stop();
  }
}

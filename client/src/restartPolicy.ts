// When the server crashes: restart it, unless it crashed too often lately. Pure, so it is unit-tested
// without VS Code (test/lsp/restartPolicy.test.ts).

export interface RestartPolicy {
  /** At most this many crashes inside `windowMs` are restarted; one more and we give up. */
  maxRestarts: number;
  windowMs: number;
}

export const defaultRestartPolicy: RestartPolicy = { maxRestarts: 4, windowMs: 3 * 60_000 };

export type RestartDecision =
  | { restart: true; crashes: number[]; message: string }
  | { restart: false; crashes: number[]; message: string };

/** Given earlier crash times and a new crash at `now`, decide; `crashes` is the history to keep. */
export function decideRestart(previous: readonly number[], now: number, policy: RestartPolicy = defaultRestartPolicy): RestartDecision {
  const crashes = [...previous.filter((t) => now - t < policy.windowMs), now];
  const minutes = Math.round(policy.windowMs / 60_000);
  if (crashes.length > policy.maxRestarts) {
    return { restart: false, crashes, message: `The Kyverno analyzer crashed ${crashes.length} times in ${minutes} minutes and will not be restarted. See the "Kyverno" output for details; run "Kyverno: Re-index Workspace" to start it again.` };
  }
  return { restart: true, crashes, message: `The Kyverno analyzer stopped unexpectedly and was restarted (${crashes.length} of ${policy.maxRestarts} restarts in ${minutes} minutes).` };
}

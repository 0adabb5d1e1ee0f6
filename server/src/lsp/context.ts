// What a feature module gets when it registers handlers on the connection: the live connection, the
// workspace snapshot and the diagnostics scheduler. Custom requests (e.g. `kyverno/conflicts` from
// ./conflicts.ts) register with this in server.ts.
import type { Connection } from 'vscode-languageserver';
import type { DiagnosticsScheduler } from './diagnostics.ts';
import type { ServerState } from './state.ts';

export interface FeatureContext {
  connection: Connection;
  state: ServerState;
  scheduler: DiagnosticsScheduler;
  /** Brings an open document's analysis up to date with its text before answering a request. */
  fresh(uri: string): void;
}

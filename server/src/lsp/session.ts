// The one state object every handler works on (rust-analyzer's GlobalState): the connection, the
// workspace snapshot (ServerState, whose `open` map is the only document store), the diagnostics
// scheduler, and what the client told us at initialization. Handlers in handlers/*.ts are plain
// functions of (session, params); server.ts only wires them to the connection.
import { CodeLensRefreshRequest, type ClientCapabilities, type Connection } from 'vscode-languageserver';
import { allChecks } from '../checks/registry.ts';
import type { FileId } from '../findings.ts';
import { onInternalError, type InternalError } from '../internalErrors.ts';
import { fileIdOf } from './convert.ts';
import { DiagnosticsScheduler } from './diagnostics.ts';
import { STATUS_NOTIFICATION, type StatusParams } from './protocol.ts';
import { ServerState } from './state.ts';
import { Inbox } from './transport.ts';

const MAX_GAVE_UP_LOGGED = 100;

export class Session {
  readonly state: ServerState;
  readonly scheduler: DiagnosticsScheduler;
  capabilities: ClientCapabilities = {};
  folderUris: string[] = [];
  /** Settings from initializationOptions or didChangeConfiguration (clients without workspace/configuration). */
  pushedSettings: unknown = undefined;
  /** Until the first index pass ends, the status says "indexing" and cross-file checks wait for it. */
  indexing = true;
  /** Bumped by every (re)index and at shutdown: an index pass of an older generation stops. */
  generation = 0;
  reconfigureTimer: ReturnType<typeof setTimeout> | undefined;
  /** The folders' first settings, read at `initialized`: a reconfiguration compares against them, not against none. */
  foldersLoaded: Promise<void> | undefined;

  constructor(
    readonly connection: Connection,
    readonly inbox = new Inbox(),
  ) {
    this.state = new ServerState(allChecks, (message) => this.log.error(message));
    this.scheduler = new DiagnosticsScheduler(this.state, {
      publish: (uri, version, diagnostics) => void connection.sendDiagnostics({ uri, version, diagnostics }),
      afterWorkspacePass: () => {
        this.sendStatus();
        // The lenses count conflicts: after a pass (a quick fix applied, another file edited) the
        // editor recounts them now instead of showing the old count until it next asks.
        if (this.capabilities.workspace?.codeLens?.refreshSupport) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
      },
    });
    this.scheduler.holdWorkspacePass = true;
    this.stopListening = onInternalError((e) => this.gaveUp(e));
  }

  private readonly stopListening: () => void;
  private readonly gaveUpSeen = new Set<string>();

  /** A step of a check that gave up (the engine could not simulate, an autogen rule could not be expanded): logged once per message, so it is never a silent false negative. */
  private gaveUp({ where, message }: InternalError): void {
    const key = `${where}\0${message}`;
    if (this.gaveUpSeen.has(key) || this.gaveUpSeen.size >= MAX_GAVE_UP_LOGGED) return;
    this.gaveUpSeen.add(key);
    const last = this.gaveUpSeen.size === MAX_GAVE_UP_LOGGED ? ` (the first ${MAX_GAVE_UP_LOGGED} distinct ones are logged)` : '';
    this.log.warn(`${where === 'simulation' ? 'conflict simulation' : 'pod-controller autogen'} gave up: ${message}; findings that depend on it are missing${last}`);
  }

  /** The "Kyverno" output channel (the client shows the server's console there). */
  get log(): { info(m: string): void; warn(m: string): void; error(m: string): void } {
    return this.connection.console;
  }

  status(): StatusParams {
    return this.state.status(this.indexing);
  }

  sendStatus(): void {
    void this.connection.sendNotification(STATUS_NOTIFICATION, this.status());
  }

  /** Before answering a request on a document: its latest text is analysed. */
  fresh(uri: string): FileId {
    const file = fileIdOf(uri);
    this.scheduler.ensureAnalysed(file);
    return file;
  }

  dispose(): void {
    this.stopListening();
    this.generation++; // stops a running index pass
    clearTimeout(this.reconfigureTimer);
    this.scheduler.dispose();
  }
}

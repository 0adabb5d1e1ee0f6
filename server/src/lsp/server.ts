// The language server: wires the connection to the feature modules. Nothing is analysed here.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  CodeActionKind,
  CompletionItemKind,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver';
import { createConnection, IPCMessageReader, IPCMessageWriter, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { UsageError, type CliIo } from '../cli/io.ts';
import { allChecks } from '../checks/registry.ts';
import { CONFIG_FILE_NAME } from '../workspace/config.ts';
import { fileIdOf } from './convert.ts';
import { DiagnosticsScheduler } from './diagnostics.ts';
import { ServerState, type FolderConfig } from './state.ts';
import { mergeSettings, sanitizeSettings } from './settings.ts';
import { indexFolders } from './indexer.ts';
import { hoverAt } from './hover.ts';
import { completeAt } from './completion.ts';
import { documentSymbols, workspaceSymbols } from './symbols.ts';
import { codeLenses, resolveCodeLens } from './codeLens.ts';
import { codeActions } from './codeActions.ts';
import { registerConflictRequests } from './conflicts.ts';
import { registerAdmissionPreviewRequest } from './admissionPreview.ts';

export const REINDEX_COMMAND = 'kyverno.server.reindex';
export const STATUS_NOTIFICATION = 'kyverno/status';

export interface StatusParams {
  indexing: boolean;
  policies: number;
  conflicts: number;
}

export async function runLanguageServer(args: string[], _io: CliIo): Promise<number> {
  let connection: Connection;
  if (args.includes('--node-ipc')) {
    if (!process.send) throw new UsageError('--node-ipc needs a parent process with an IPC channel');
    connection = createConnection(ProposedFeatures.all, new IPCMessageReader(process), new IPCMessageWriter(process));
  } else if (args.includes('--stdio')) {
    connection = createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
  } else {
    throw new UsageError('lsp needs a transport: --stdio or --node-ipc');
  }
  startServer(connection);
  connection.listen();
  // The connection owns the process from here: `exit` ends it (0 after shutdown, 1 otherwise).
  return new Promise<number>(() => {});
}

export function startServer(connection: Connection): void {
  const log = (message: string) => connection.console.error(message);
  const state = new ServerState(allChecks, log);
  const documents = new Map<string, TextDocument>();
  let capabilities: ClientCapabilities = {};
  let folderUris: string[] = [];
  let pushedSettings: unknown = undefined;
  // Until the first index pass ends, the status says "indexing" and cross-file checks wait for it.
  let indexing = true;
  let generation = 0;

  const sendStatus = () => connection.sendNotification(STATUS_NOTIFICATION, state.status(indexing) satisfies StatusParams);
  const scheduler = new DiagnosticsScheduler(state, {
    publish: (uri, version, diagnostics) => void connection.sendDiagnostics({ uri, version, diagnostics }),
    afterWorkspacePass: sendStatus,
  });
  scheduler.holdWorkspacePass = true;
  const fresh = (uri: string) => scheduler.ensureAnalysed(fileIdOf(uri));

  async function loadFolders(): Promise<void> {
    const folders: FolderConfig[] = [];
    for (const uri of folderUris) {
      const path = fileIdOf(uri);
      let settings = pushedSettings;
      if (capabilities.workspace?.configuration) {
        settings = await connection.workspace.getConfiguration({ scopeUri: uri, section: 'kyverno' }).catch(() => pushedSettings);
      }
      const configFile = join(path, CONFIG_FILE_NAME);
      const open = state.open.get(configFile);
      const text = open?.text ?? (existsSync(configFile) ? readFileSync(configFile, 'utf8') : undefined);
      const merged = mergeSettings(sanitizeSettings(settings), text);
      folders.push({ folder: { uri, path }, config: merged.config, configFile: text === undefined ? undefined : configFile, problems: merged.fileProblems });
    }
    state.setFolders(folders, mergeSettings(sanitizeSettings(pushedSettings), undefined).config);
  }

  /** (Re)indexes every folder in the background with `$/progress`; a newer call cancels an older one. */
  async function indexWorkspace(): Promise<void> {
    const mine = ++generation;
    indexing = true;
    scheduler.holdWorkspacePass = true;
    sendStatus();
    const progress = await connection.window.createWorkDoneProgress();
    progress.begin('Kyverno: indexing', 0, 'discovering files', true);
    try {
      const done = await indexFolders(state, scheduler, {
        report: (percentage, message) => progress.report(percentage, message),
        isCancelled: () => mine !== generation || progress.token.isCancellationRequested,
      }, log);
      if (!done || mine !== generation) return;
      indexing = false;
      scheduler.holdWorkspacePass = false;
      scheduler.runWorkspacePass();
      (globalThis as { gc?: () => void }).gc?.();
    } catch (error) {
      log(`indexing failed: ${error instanceof Error ? error.stack : String(error)}`);
    } finally {
      progress.done();
      if (mine === generation && indexing) {
        // Cancelled by the user: what is indexed so far still gets cross-file checks.
        indexing = false;
        scheduler.holdWorkspacePass = false;
        scheduler.runWorkspacePass();
      }
    }
  }

  /** Re-reads settings and `.kyverno-analyzer.yaml`; re-analyses everything when they changed (or when forced). */
  async function reconfigure(force = false): Promise<void> {
    const before = JSON.stringify(state.folders.map((f) => [f.folder, f.config, f.problems]));
    await loadFolders();
    if (!force && JSON.stringify(state.folders.map((f) => [f.folder, f.config, f.problems])) === before) return;
    state.recheckAll();
    scheduler.publishAll();
    await indexWorkspace();
  }
  let reconfigureTimer: ReturnType<typeof setTimeout> | undefined;
  const reconfigureSoon = () => {
    clearTimeout(reconfigureTimer);
    reconfigureTimer = setTimeout(() => void reconfigure(), 300);
  };

  connection.onInitialize((params): InitializeResult => {
    capabilities = params.capabilities;
    // Clients without workspace/configuration may pass `{ kyverno: {...} }` (Helix's `config`) or `{ settings: {...} }`.
    const options = params.initializationOptions as { kyverno?: unknown; settings?: unknown } | undefined;
    pushedSettings = options?.kyverno ?? options?.settings;
    const folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: '' }] : []);
    folderUris = folders.map((f) => f.uri).filter((uri) => uri.startsWith('file:'));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        completionProvider: { triggerCharacters: [' '], resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        codeLensProvider: { resolveProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        executeCommandProvider: { commands: [REINDEX_COMMAND] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'kyverno-analyzer' },
    };
  });

  connection.onInitialized(async () => {
    if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{yaml,yml}' }] });
    }
    if (capabilities.workspace?.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        const removed = new Set(event.removed.map((f) => f.uri));
        folderUris = [...folderUris.filter((u) => !removed.has(u)), ...event.added.map((f) => f.uri).filter((u) => u.startsWith('file:'))];
        void reconfigure(true);
      });
    }
    await loadFolders();
    // Documents opened before this point were analysed on open; now the rest of the workspace.
    await indexWorkspace();
  });

  // ---- documents -----------------------------------------------------------------------------

  connection.onDidOpenTextDocument(({ textDocument }) => {
    const doc = TextDocument.create(textDocument.uri, textDocument.languageId, textDocument.version, textDocument.text);
    documents.set(textDocument.uri, doc);
    const file = fileIdOf(textDocument.uri);
    state.rememberUri(file, textDocument.uri);
    state.open.set(file, { uri: textDocument.uri, version: doc.version, text: doc.getText() });
    scheduler.opened(file);
  });

  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return;
    TextDocument.update(doc, contentChanges, textDocument.version);
    const file = fileIdOf(textDocument.uri);
    state.open.set(file, { uri: textDocument.uri, version: doc.version, text: doc.getText() });
    scheduler.changed(file);
    if (basename(file) === CONFIG_FILE_NAME) reconfigureSoon();
  });

  connection.onDidCloseTextDocument(({ textDocument }) => {
    documents.delete(textDocument.uri);
    const file = fileIdOf(textDocument.uri);
    state.open.delete(file);
    scheduler.closed(file);
    // A workspace file falls back to its text on disk; anything else leaves the index.
    if (textDocument.uri.startsWith('file:') && state.folderOf(file) && existsSync(file)) {
      state.updateFromDisk(file);
      state.index.releaseTrees(file); // unchanged on disk: the tree the editor used is no longer needed
      scheduler.publish(file);
    } else {
      state.removeFile(file);
      scheduler.clear(file);
    }
    scheduler.scheduleWorkspacePass();
  });

  connection.onDidChangeWatchedFiles(({ changes }) => {
    let configChanged = false;
    for (const change of changes) {
      const file = fileIdOf(change.uri);
      if (basename(file) === CONFIG_FILE_NAME) configChanged = true;
      if (state.open.has(file)) continue;
      if (change.type === FileChangeType.Deleted) {
        state.removeFile(file);
        scheduler.clear(file);
      } else if (state.folderOf(file) && state.isIncluded(file)) {
        state.updateFromDisk(file);
        scheduler.publish(file);
      }
    }
    if (configChanged) void reconfigure();
    else scheduler.scheduleWorkspacePass();
  });

  connection.onDidChangeConfiguration(({ settings }) => {
    const section = (settings as { kyverno?: unknown } | null)?.kyverno;
    if (section !== undefined) pushedSettings = section;
    void reconfigure();
  });

  // ---- requests ------------------------------------------------------------------------------

  connection.onHover(({ textDocument, position }) => {
    fresh(textDocument.uri);
    const indexed = state.index.getFile(fileIdOf(textDocument.uri));
    if (!indexed) return null;
    const answer = hoverAt(indexed, indexed.lines.offsetAt(position), undefined, { index: state.index, uriOf: (f) => state.uriOf(f), linesOf: (f) => state.linesOf(f) });
    if (!answer) return null;
    return { contents: { kind: 'markdown', value: answer.markdown }, range: indexed.lines.rangeOf(answer.span) };
  });

  connection.onCompletion(({ textDocument, position, context: completionContext }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return null;
    const answer = completeAt(doc.getText(), doc.offsetAt(position));
    if (!answer) return null;
    // A typed space only asks for values (`key: ␣`), not for keys on every indentation step.
    if (completionContext?.triggerCharacter === ' ' && answer.items.some((i) => i.kind === 'key')) return null;
    const range = { start: doc.positionAt(answer.span.start), end: doc.positionAt(answer.span.end) };
    return {
      isIncomplete: false,
      items: answer.items.map((item, i) => ({
        label: item.label,
        kind: item.kind === 'key' ? CompletionItemKind.Property : CompletionItemKind.Value,
        detail: item.detail,
        documentation: item.documentation ? { kind: 'markdown' as const, value: item.documentation } : undefined,
        sortText: `${item.required ? 0 : 1}${String(i).padStart(4, '0')}`,
        textEdit: { range, newText: item.insertText },
      })),
    };
  });

  connection.onCodeAction(({ textDocument, range, context: actionContext }) => {
    fresh(textDocument.uri);
    return codeActions(state, fileIdOf(textDocument.uri), range, actionContext.diagnostics);
  });

  connection.onCodeLens(({ textDocument }) => {
    fresh(textDocument.uri);
    const indexed = state.index.getFile(fileIdOf(textDocument.uri));
    return indexed ? codeLenses(indexed, state.index) : [];
  });

  connection.onCodeLensResolve((lens) => resolveCodeLens(lens, state.index, (f) => state.uriOf(f), (f) => state.linesOf(f)));

  connection.onDocumentSymbol(({ textDocument }) => {
    fresh(textDocument.uri);
    const indexed = state.index.getFile(fileIdOf(textDocument.uri));
    return indexed ? documentSymbols(indexed) : [];
  });

  connection.onWorkspaceSymbol(({ query }, token) => workspaceSymbols(state.index, query, (f) => state.uriOf(f), (f) => state.linesOf(f), token));

  connection.onExecuteCommand(async ({ command }) => {
    if (command === REINDEX_COMMAND) {
      await reconfigure(true);
      return state.status(indexing);
    }
    return null;
  });

  // Custom requests: the conflict view's data source (`kyverno/conflicts`).
  registerConflictRequests(connection, () => {
    scheduler.ensureAnalysedAll();
    return state.index;
  }, (f) => state.uriOf(f));
  // `kyverno/admissionPreview`: the pipeline of the resource under the cursor (or of a witness).
  registerAdmissionPreviewRequest(connection, () => {
    scheduler.ensureAnalysedAll();
    return { index: state.index, uriOf: (f) => state.uriOf(f), linesOf: (f) => state.linesOf(f) };
  });

  connection.onShutdown(() => {
    generation++; // stops a running index pass
    clearTimeout(reconfigureTimer);
    scheduler.dispose();
  });
}

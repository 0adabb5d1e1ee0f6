// The workspace's lifecycle: initialization, folders and their settings, (re)indexing in the
// background with progress, and the server's commands.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  TextDocumentSyncKind,
  WatchKind,
  type DidChangeConfigurationParams,
  type ExecuteCommandParams,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver';
import { MAX_CONFIG_BYTES } from '../../analysis.ts';
import { CONFIG_FILE_NAME } from '../../workspace/config.ts';
import { readWorkspacePath, workspaceRoots } from '../../workspace/safeRead.ts';
import { fileIdOf } from '../convert.ts';
import { indexFolders } from '../indexer.ts';
import { REINDEX_COMMAND, type StatusParams } from '../protocol.ts';
import { mergeSettings, sanitizeSettings } from '../settings.ts';
import type { Session } from '../session.ts';
import type { FolderConfig } from '../state.ts';
import { Progress } from '../progress.ts';

export function initialize(session: Session, params: InitializeParams): InitializeResult {
  session.capabilities = params.capabilities;
  // Clients without workspace/configuration may pass `{ kyverno: {...} }` (Helix's `config`) or `{ settings: {...} }`.
  const options = params.initializationOptions as { kyverno?: unknown; settings?: unknown } | undefined;
  session.pushedSettings = options?.kyverno ?? options?.settings;
  const folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: '' }] : []);
  session.folderUris = folders.map((f) => f.uri).filter((uri) => uri.startsWith('file:'));
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
}

export async function initialized(session: Session): Promise<void> {
  const { capabilities, connection } = session;
  session.log.info(`Kyverno analyzer started (Node ${process.version}, pid ${process.pid}); folders: ${session.folderUris.map(fileIdOf).join(', ') || 'none'}`);
  if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
    // Folders too (created and deleted only): a folder renamed or deleted is reported as the folder alone, and documents.ts expands it.
    const folders = { globPattern: '**/*', kind: WatchKind.Create | WatchKind.Delete };
    await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{yaml,yml}' }, folders] });
  }
  if (capabilities.workspace?.workspaceFolders) connection.workspace.onDidChangeWorkspaceFolders((event) => foldersChanged(session, event));
  session.foldersLoaded = loadFolders(session);
  await session.foldersLoaded;
  // Documents opened before this point were analysed on open, with the default settings: those
  // whose folder's settings differ are analysed again. Then the rest of the workspace.
  for (const file of session.state.recheckStale()) session.scheduler.publish(file);
  await indexWorkspace(session);
}

function foldersChanged(session: Session, event: WorkspaceFoldersChangeEvent): void {
  const removed = new Set(event.removed.map((f) => f.uri));
  session.folderUris = [...session.folderUris.filter((u) => !removed.has(u)), ...event.added.map((f) => f.uri).filter((u) => u.startsWith('file:'))];
  void reconfigure(session, true);
}

async function loadFolders(session: Session): Promise<void> {
  const { state, connection, capabilities } = session;
  const folders: FolderConfig[] = [];
  for (const uri of session.folderUris) {
    const path = fileIdOf(uri);
    let settings = session.pushedSettings;
    if (capabilities.workspace?.configuration) {
      settings = await connection.workspace.getConfiguration({ scopeUri: uri, section: 'kyverno' }).catch(() => session.pushedSettings);
    }
    const configFile = join(path, CONFIG_FILE_NAME);
    const text = state.open.get(configFile)?.text ?? readConfigFile(session, configFile, path);
    const merged = mergeSettings(sanitizeSettings(settings), text);
    folders.push({ folder: { uri, path }, config: merged.config, configFile: text === undefined ? undefined : configFile, problems: merged.fileProblems });
  }
  state.setFolders(folders, mergeSettings(sanitizeSettings(session.pushedSettings), undefined).config);
}

/** The folder's `.kyverno-analyzer.yaml` through the one bounded read: a FIFO or a link out of the folder is refused, never waited on. */
function readConfigFile(session: Session, configFile: string, folder: string): string | undefined {
  if (!existsSync(configFile)) return undefined;
  const read = readWorkspacePath(configFile, { roots: workspaceRoots([folder]), maxBytes: MAX_CONFIG_BYTES });
  if (read.ok) return read.text;
  session.log.warn(`${configFile}: ${read.message}; the folder uses its settings without it`);
  return undefined;
}

/** (Re)indexes every folder in the background, then runs the cross-file checks, with one progress for both; a newer call cancels an older one. */
async function indexWorkspace(session: Session): Promise<void> {
  const { scheduler } = session;
  const mine = ++session.generation;
  session.indexing = true;
  scheduler.holdWorkspacePass = true;
  session.sendStatus();
  const progress = await Progress.start(session, 'Kyverno: indexing', 'discovering files');
  const isCancelled = () => mine !== session.generation || progress.cancelled;
  try {
    const started = performance.now();
    await indexFolders(session.state, scheduler, { report: (percentage, message) => progress.report(percentage, `indexing ${message}`), isCancelled, inbox: session.inbox }, (m) => session.log.warn(m));
    if (mine !== session.generation) return; // a newer pass took over; cancelled by the user, what is indexed so far still gets checked
    const indexedMs = performance.now() - started;
    scheduler.holdWorkspacePass = false;
    scheduler.onCheckStarted = (id, i, total) => progress.report(Math.floor((i / total) * 100), `checking ${id} (${i + 1}/${total})`);
    await scheduler.runWorkspacePassNow();
    scheduler.onCheckStarted = undefined;
    session.log.info(indexSummary(session, indexedMs, performance.now() - started - indexedMs));
    (globalThis as { gc?: () => void }).gc?.();
  } catch (error) {
    session.log.error(`indexing failed: ${error instanceof Error ? error.stack : String(error)}`);
  } finally {
    progress.done();
    if (mine === session.generation) {
      session.indexing = false;
      scheduler.holdWorkspacePass = false;
      session.sendStatus();
    }
  }
}

function indexSummary(session: Session, indexedMs: number, checkedMs: number): string {
  const files = session.state.index.files();
  const skipped = files.filter((f) => f.role === 'skipped').length;
  const { policies, conflicts } = session.status();
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return `indexed ${files.length} files (${policies} policies${skipped ? `, ${skipped} skipped` : ''}) in ${seconds(indexedMs)}; cross-file checks in ${seconds(checkedMs)}: ${conflicts} conflicts`;
}

/** Re-reads settings and `.kyverno-analyzer.yaml`; re-analyses everything when they changed (or when forced). */
export async function reconfigure(session: Session, force = false): Promise<void> {
  const { state, scheduler } = session;
  // A didChangeConfiguration sent right after initialized must not compare with the folders not yet read.
  await session.foldersLoaded;
  const snapshot = () => JSON.stringify(state.folders.map((f) => [f.folder, f.config, f.problems]));
  const before = snapshot();
  await loadFolders(session);
  if (!force && snapshot() === before) return;
  state.recheckAll();
  scheduler.publishAll();
  await indexWorkspace(session);
}

/** After an edit of `.kyverno-analyzer.yaml`: reconfigure when typing pauses. */
export function reconfigureSoon(session: Session): void {
  clearTimeout(session.reconfigureTimer);
  session.reconfigureTimer = setTimeout(() => void reconfigure(session), 300);
}

export function didChangeConfiguration(session: Session, { settings }: DidChangeConfigurationParams): void {
  const section = (settings as { kyverno?: unknown } | null)?.kyverno;
  if (section !== undefined) session.pushedSettings = section;
  void reconfigure(session);
}

export async function executeCommand(session: Session, { command }: ExecuteCommandParams): Promise<StatusParams | null> {
  if (command !== REINDEX_COMMAND) return null;
  await reconfigure(session, true);
  return session.status();
}

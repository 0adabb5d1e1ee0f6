// Text synchronisation and file events: the editor's texts go into the one document store
// (state.open) and the scheduler decides when they are analysed and published.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { FileChangeType, type DidChangeTextDocumentParams, type DidChangeWatchedFilesParams, type DidCloseTextDocumentParams, type DidOpenTextDocumentParams } from 'vscode-languageserver';
import { CONFIG_FILE_NAME } from '../../workspace/config.ts';
import { fileIdOf } from '../convert.ts';
import { OpenText } from '../openText.ts';
import type { Session } from '../session.ts';
import { reconfigure, reconfigureSoon } from './workspace.ts';

export function didOpen(session: Session, { textDocument }: DidOpenTextDocumentParams): void {
  const file = fileIdOf(textDocument.uri);
  session.state.rememberUri(file, textDocument.uri);
  session.state.open.set(file, new OpenText(textDocument.uri, textDocument.version, textDocument.text));
  session.scheduler.opened(file);
}

export function didChange(session: Session, { textDocument, contentChanges }: DidChangeTextDocumentParams): void {
  const file = fileIdOf(textDocument.uri);
  const doc = session.state.open.get(file);
  if (!(doc instanceof OpenText)) return;
  doc.update(contentChanges, textDocument.version);
  session.scheduler.changed(file);
  if (basename(file) === CONFIG_FILE_NAME) reconfigureSoon(session);
}

export function didClose(session: Session, { textDocument }: DidCloseTextDocumentParams): void {
  const { state, scheduler } = session;
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
}

export function didChangeWatchedFiles(session: Session, { changes }: DidChangeWatchedFilesParams): void {
  const { state, scheduler } = session;
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
  if (configChanged) void reconfigure(session);
  else scheduler.scheduleWorkspacePass();
}

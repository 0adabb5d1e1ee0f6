// Text synchronisation and file events: the editor's texts go into the one document store
// (state.open) and the scheduler decides when they are analysed and published.
import { existsSync, statSync } from 'node:fs';
import { basename, sep } from 'node:path';
import { FileChangeType, type DidChangeTextDocumentParams, type DidChangeWatchedFilesParams, type DidCloseTextDocumentParams, type DidOpenTextDocumentParams } from 'vscode-languageserver';
import { CONFIG_FILE_NAME } from '../../workspace/config.ts';
import { discoverFiles } from '../../workspace/discover.ts';
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
  session.state.edited.add(file);
  session.scheduler.changed(file);
  if (basename(file) === CONFIG_FILE_NAME) reconfigureSoon(session);
}

export function didClose(session: Session, { textDocument }: DidCloseTextDocumentParams): void {
  const { state, scheduler } = session;
  const file = fileIdOf(textDocument.uri);
  state.open.delete(file);
  state.edited.delete(file);
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
  let configChanged = false;
  for (const change of changes) {
    const path = fileIdOf(change.uri);
    if (basename(path) === CONFIG_FILE_NAME) configChanged = true;
    // A folder created, deleted or renamed (a deletion plus a creation) is reported as the folder alone.
    for (const file of filesCoveredBy(session, path, change.type)) fileChanged(session, file, change.type);
  }
  if (configChanged) void reconfigure(session);
  else session.scheduler.scheduleWorkspacePass();
}

/** The files an event on `path` is about: the path itself, or the indexed files below a deleted folder, or the files discovered in a created one. */
function filesCoveredBy(session: Session, path: string, type: FileChangeType): string[] {
  const { state } = session;
  if (type === FileChangeType.Deleted) {
    if (state.index.getFile(path)) return [path];
    const below = path.endsWith(sep) ? path : path + sep;
    return state.index.files().map((f) => f.file).filter((f) => f.startsWith(below));
  }
  const folder = state.folderOf(path);
  if (!folder || !statSync(path, { throwIfNoEntry: false })?.isDirectory()) return [path];
  if (type !== FileChangeType.Created) return [];
  const { files, problems } = discoverFiles([path], folder.folder.path, folder.config);
  for (const p of problems) session.log.warn(`${p.code}: ${p.message}`);
  return files.map((f) => f.path);
}

function fileChanged(session: Session, file: string, type: FileChangeType): void {
  const { state, scheduler } = session;
  if (state.open.has(file)) return; // the editor's text wins over the disk
  if (type === FileChangeType.Deleted) {
    state.removeFile(file);
    scheduler.clear(file);
  } else if (state.folderOf(file) && state.isIncluded(file)) {
    state.updateFromDisk(file);
    scheduler.publish(file);
  }
}

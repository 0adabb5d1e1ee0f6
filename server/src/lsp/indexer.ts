// Indexing the workspace folders in the background: discover, read, analyse and publish file by
// file, yielding to the event loop so that requests on open documents are answered meanwhile, with
// progress reports, and stopping when cancelled (by the user, or by a newer re-index). While the
// editor's messages wait (a burst of didOpen when a window restores its tabs), indexing steps aside:
// vscode-jsonrpc hands out one message per turn of the event loop, so a slice of indexing between
// each would make the opened documents wait for the whole index.
import { discoverFiles, type DiscoveredFile } from '../workspace/discover.ts';
import type { DiagnosticsScheduler } from './diagnostics.ts';
import type { ServerState } from './state.ts';
import type { Inbox } from './transport.ts';

export interface IndexProgress {
  report(percentage: number, message: string): void;
  isCancelled(): boolean;
  /** The editor's document messages not yet taken by a handler. */
  inbox?: Inbox;
}

const SLICE_MS = 15;
/** Steps aside while the editor's messages are being taken; a counted message no handler takes for this long must not stop indexing. */
const STUCK_MS = 200;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function yieldToEditor(inbox: Inbox | undefined): Promise<void> {
  await yieldToEventLoop();
  let progressAt = performance.now();
  let handled = inbox?.handled;
  while (inbox?.waiting) {
    if (inbox.handled !== handled) [handled, progressAt] = [inbox.handled, performance.now()];
    else if (performance.now() - progressAt > STUCK_MS) {
      inbox.handled = inbox.received;
      return;
    }
    await yieldToEventLoop();
  }
}

/** Indexes every folder; returns false when cancelled before the end. */
export async function indexFolders(state: ServerState, scheduler: DiagnosticsScheduler, progress: IndexProgress, log: (m: string) => void): Promise<boolean> {
  const discovered: DiscoveredFile[] = [];
  for (const { folder, config } of state.folders) {
    const { files, problems } = discoverFiles([folder.path], folder.path, config);
    for (const p of problems) log(`${p.code}: ${p.message}`);
    discovered.push(...files);
  }
  // Files indexed before (a re-index) that are no longer discovered leave the workspace.
  const keep = new Set(discovered.map((f) => f.path));
  for (const file of state.index.files().map((f) => f.file)) {
    if (!keep.has(file) && !state.open.has(file)) {
      state.removeFile(file);
      scheduler.clear(file);
    }
  }
  let sliceStart = performance.now();
  for (let i = 0; i < discovered.length; i++) {
    if (performance.now() - sliceStart > SLICE_MS) {
      progress.report(Math.floor((i / discovered.length) * 100), `${i}/${discovered.length} files`);
      await yieldToEditor(progress.inbox);
      if (progress.isCancelled()) return false;
      sliceStart = performance.now();
    }
    const { path: file, realPath } = discovered[i];
    if (state.open.has(file)) continue; // already analysed from the editor's text, and published first
    state.updateFromDisk(file, realPath);
    scheduler.publish(file);
  }
  progress.report(100, `${discovered.length}/${discovered.length} files`);
  return true;
}

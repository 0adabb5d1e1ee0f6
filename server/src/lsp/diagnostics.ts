// When to analyse and what to publish: an edit re-analyses its document, publishes it, then re-runs
// the workspace checks and republishes only the files whose cross-file findings changed. Results
// computed on an older text than the editor's are not published.
// The debounce adapts to cost: a document whose analysis took under QUICK_MS last time is analysed
// QUICK_DELAY_MS after the edit (enough to coalesce a burst of changes sent together, short enough
// that the user sees the result within the 50 ms budget); the workspace pass after it starts at once when the
// last one was quick. Slower work waits for a pause in typing, so a huge document is not re-parsed
// per keystroke.
import type { Diagnostic } from 'vscode-languageserver';
import type { FileId } from '../findings.ts';
import { toDiagnostic } from './convert.ts';
import type { ServerState } from './state.ts';

export interface DiagnosticsSink {
  publish(uri: string, version: number | undefined, diagnostics: Diagnostic[]): void;
  /** Called after every workspace pass (the status item's numbers may have changed). */
  afterWorkspacePass(): void;
}

/**
 * Costs are the process's CPU time, not the wall clock: on a loaded machine the wall clock counts
 * the time spent waiting for a core, and every document would look slow and wait for a pause.
 */
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const wallMs = (): number => performance.now();

const QUICK_MS = 20;
const QUICK_DELAY_MS = 10;
/** The workspace pass yields between checks and is dropped when overtaken: it may take longer and still start at once. */
const QUICK_PASS_MS = 200;

export class DiagnosticsScheduler {
  /** How long the last analysis of each document, and the last workspace pass, took. */
  private readonly documentCost = new Map<FileId, number>();
  private workspaceCost = Infinity;
  private readonly pending = new Map<FileId, ReturnType<typeof setTimeout>>();
  /** The version of the open document whose text is in the index. */
  private readonly analyzedVersion = new Map<FileId, number>();
  private readonly published = new Set<FileId>();
  /** Open documents without findings: the version last published as an empty list. */
  private readonly cleanVersionPublished = new Map<FileId, number>();
  private workspaceTimer: ReturnType<typeof setTimeout> | undefined;
  /** While the initial indexing runs, workspace passes wait for it to finish. */
  holdWorkspacePass = false;

  constructor(
    private readonly state: ServerState,
    private readonly sink: DiagnosticsSink,
    private readonly delayMs = 150,
  ) {}

  /**
   * A document was opened: analyse and publish at once (open documents come first). Its cost is
   * taken from the wall clock, an upper bound of the CPU time: reading the process's CPU time
   * (getrusage over every thread) took a sixth of the server's time when a window restored 1,234
   * tabs on a loaded machine, and an opened document's cost only decides the first edit's delay.
   */
  opened(file: FileId): void {
    this.flushDocument(file, wallMs);
  }

  /** A document changed: analyse it when typing pauses. */
  changed(file: FileId): void {
    clearTimeout(this.pending.get(file));
    this.pending.set(file, setTimeout(() => this.flushDocument(file), this.delayFor(this.documentCost.get(file), QUICK_MS, QUICK_DELAY_MS)));
  }

  private delayFor(lastCostMs: number | undefined, quickMs: number, quickDelayMs: number): number {
    return lastCostMs !== undefined && lastCostMs <= quickMs ? Math.min(quickDelayMs, this.delayMs) : this.delayMs;
  }

  closed(file: FileId): void {
    clearTimeout(this.pending.get(file));
    this.pending.delete(file);
    this.analyzedVersion.delete(file);
    this.documentCost.delete(file);
    this.cleanVersionPublished.delete(file);
  }

  /** Before answering a request on an open document: analyse its latest text if not done yet. */
  ensureAnalysed(file: FileId): void {
    const doc = this.state.open.get(file);
    if (doc && (this.pending.has(file) || this.analyzedVersion.get(file) !== doc.version)) this.flushDocument(file);
  }

  /** Before a whole-workspace answer: every open document with a pending edit is analysed. */
  ensureAnalysedAll(): void {
    for (const file of [...this.pending.keys()]) this.flushDocument(file);
  }

  flushDocument(file: FileId, clock: () => number = cpuMs): void {
    clearTimeout(this.pending.get(file));
    this.pending.delete(file);
    const doc = this.state.open.get(file);
    if (!doc) return;
    const started = clock();
    this.state.updateText(file, doc.text);
    this.documentCost.set(file, clock() - started);
    this.analyzedVersion.set(file, doc.version);
    this.publish(file);
    this.scheduleWorkspacePass();
  }

  scheduleWorkspacePass(delayMs = this.delayFor(this.workspaceCost, QUICK_PASS_MS, 0)): void {
    clearTimeout(this.workspaceTimer);
    this.workspaceTimer = setTimeout(() => void this.runWorkspacePassCooperatively(), delayMs);
  }

  /** Immediately and in one go (initial indexing, re-index, settings): callers publish right after. */
  runWorkspacePass(): void {
    clearTimeout(this.workspaceTimer);
    this.workspaceTimer = undefined;
    if (this.holdWorkspacePass) return;
    const started = cpuMs();
    for (const file of this.state.runWorkspace()) this.publish(file);
    this.workspaceCost = cpuMs() - started;
    this.sink.afterWorkspacePass();
  }

  private cooperativePass: Promise<void> | undefined;
  private rerunAfterPass = false;
  /** Told which cross-file check a pass is at (the progress of the pass after indexing). */
  onCheckStarted: ((checkId: string, index: number, total: number) => void) | undefined;

  /** The cross-file pass now, check by check, yielding to requests; resolves once it has published (or was overtaken by an edit). */
  async runWorkspacePassNow(): Promise<void> {
    clearTimeout(this.workspaceTimer);
    await this.runWorkspacePassCooperatively();
  }

  /** After an edit: check by check, yielding to requests; a pass overtaken by a newer edit starts again. */
  private async runWorkspacePassCooperatively(): Promise<void> {
    this.workspaceTimer = undefined;
    if (this.holdWorkspacePass) return;
    if (this.cooperativePass) {
      this.rerunAfterPass = true;
      return;
    }
    const revision = this.state.index.revision;
    this.cooperativePass = (async () => {
      // CPU between the start and the end includes requests answered between slices: an upper bound.
      const started = cpuMs();
      const changed = await this.state.runWorkspaceCooperatively(() => this.state.index.revision !== revision, undefined, this.onCheckStarted);
      if (changed) {
        this.workspaceCost = cpuMs() - started;
        for (const file of changed) this.publish(file);
        this.sink.afterWorkspacePass();
      } else this.rerunAfterPass = true;
    })();
    try {
      await this.cooperativePass;
    } finally {
      this.cooperativePass = undefined;
    }
    if (this.rerunAfterPass) {
      this.rerunAfterPass = false;
      this.scheduleWorkspacePass();
    }
  }

  /** Publishes one file's findings, unless the editor's text moved on since they were computed. */
  publish(file: FileId): void {
    const doc = this.state.open.get(file);
    if (doc && this.pending.has(file)) return; // a newer text is waiting to be analysed; it publishes then
    const version = doc ? this.analyzedVersion.get(file) : undefined;
    if (doc && version !== doc.version) return;
    const findings = this.state.findingsOf(file);
    // A file never published needs no empty list, except an open document: its editor is told, once
    // per version, that this version was analysed and is clean.
    if (findings.length === 0 && !this.published.has(file)) {
      if (!doc || this.cleanVersionPublished.get(file) === version) return;
      this.cleanVersionPublished.set(file, version!);
    }
    if (findings.length) this.published.add(file);
    else this.published.delete(file);
    this.sink.publish(this.state.uriOf(file), version, findings.map((f) => toDiagnostic(f, this.state)));
  }

  /** Clears a file that left the workspace. */
  clear(file: FileId): void {
    if (!this.published.delete(file)) return;
    this.sink.publish(this.state.uriOf(file), undefined, []);
  }

  /** Everything with findings now, and everything that had some before (to clear it). */
  publishAll(): void {
    for (const file of new Set([...this.published, ...this.state.filesWithFindings()])) this.publish(file);
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    clearTimeout(this.workspaceTimer);
  }
}

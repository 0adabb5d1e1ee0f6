// The server's snapshot of the workspace: the index, the texts the client has open, and the findings
// per file (document checks and workspace checks kept apart, so an edit re-runs only its own file's
// document checks). No transport here: the server and the tests drive it.
import { isAbsolute, relative, sep } from 'node:path';
import { compileGlobs } from '../workspace/glob.ts';
import type { FileId, Finding } from '../findings.ts';
import { WorkspaceIndex } from '../workspace/index.ts';
import { defaultConfig, type AnalyzerConfig, type ConfigProblem } from '../workspace/config.ts';
import { readWorkspacePath, workspaceRoots } from '../workspace/safeRead.ts';
import { testDataGlobs } from '../workspace/testData.ts';
import type { IndexedFile } from '../workspace/document.ts';
import { LineIndex } from '../yaml/lineIndex.ts';
import { runDocumentChecks, type CheckFailure } from '../checks/run.ts';
import { applySuppressions, hasSuppressions } from '../checks/hygiene/suppression.ts';
import { WorkspacePass } from '../checks/workspacePass.ts';
import type { Check } from '../checks/types.ts';
import { defaultUriOf, type ConvertContext } from './convert.ts';

export interface WorkspaceFolder {
  uri: string;
  path: string;
}

export interface FolderConfig {
  folder: WorkspaceFolder;
  config: AnalyzerConfig;
  configFile?: string;
  problems: ConfigProblem[];
}

export interface OpenDocument {
  uri: string;
  version: number;
  text: string;
}

// Compared for every document after the folders' settings are read: serialised once per configuration.
const configKeys = new WeakMap<AnalyzerConfig, string>();
function configKey(config: AnalyzerConfig): string {
  let key = configKeys.get(config);
  if (key === undefined) configKeys.set(config, (key = JSON.stringify(config)));
  return key;
}

// Asked for every file published after every pass: the globs are compiled once per configuration.
const matchers = new WeakMap<AnalyzerConfig, (rel: string) => boolean>();
function includedBy(config: AnalyzerConfig): (rel: string) => boolean {
  let matcher = matchers.get(config);
  if (!matcher) {
    const include = compileGlobs(config.include);
    const exclude = compileGlobs(config.exclude);
    matchers.set(config, (matcher = (rel) => include(rel) && !exclude(rel)));
  }
  return matcher;
}

/** How long the cross-file pass computes before it lets requests and newer edits in. */
const SLICE_MS = 10;

export class ServerState implements ConvertContext {
  readonly index = new WorkspaceIndex();
  folders: FolderConfig[] = [];
  readonly open = new Map<FileId, OpenDocument>();
  /** Open documents the editor has changed since opening them: only these keep their syntax trees. */
  readonly edited = new Set<FileId>();
  private readonly clientUris = new Map<FileId, string>();
  private readonly docFindings = new Map<FileId, Finding[]>();
  /** The settings each file's document findings were computed under (see settingsKey). */
  private readonly analysedWith = new Map<FileId, string>();
  private pass: WorkspacePass;
  private readonly reportedFailures = new Set<string>();

  constructor(
    private readonly checks: readonly Check[],
    private readonly log: (message: string) => void,
  ) {
    this.pass = this.newPass();
  }

  private newPass(): WorkspacePass {
    return new WorkspacePass(this.index, this.checks, { onCheckFailure: (f) => this.checkFailed(f) });
  }

  // ---- conversion context --------------------------------------------------------------------

  rememberUri(file: FileId, uri: string): void {
    this.clientUris.set(file, uri);
  }

  uriOf(file: FileId): string {
    return this.clientUris.get(file) ?? defaultUriOf(file);
  }

  linesOf(file: FileId): LineIndex | undefined {
    return this.index.getFile(file)?.lines;
  }

  versionOf(file: FileId): number | null {
    return this.open.get(file)?.version ?? null;
  }

  // ---- configuration -------------------------------------------------------------------------

  /** The folder holding a file (longest path prefix); its settings apply to the file. */
  folderOf(file: FileId): FolderConfig | undefined {
    if (!isAbsolute(file)) return undefined; // untitled: and other non-file documents
    let best: FolderConfig | undefined;
    for (const f of this.folders) {
      const rel = relative(f.folder.path, file);
      if (!rel.startsWith('..') && !rel.startsWith(sep) && (!best || f.folder.path.length > best.folder.path.length)) best = f;
    }
    return best;
  }

  configOf(file: FileId): AnalyzerConfig {
    return this.folderOf(file)?.config ?? this.folders[0]?.config ?? this.index.config;
  }

  /** Whether include/exclude globs (relative to the file's folder) keep this file. Untitled documents are always analysed. */
  isIncluded(file: FileId): boolean {
    const folder = this.folderOf(file);
    if (!folder) return true;
    const rel = relative(folder.folder.path, file).split(sep).join('/');
    return includedBy(folder.config)(rel);
  }

  /** `fallback` applies to files outside every folder (and to everything when no folder is open). */
  private rootsOf: { folders: FolderConfig[]; roots: string[] } | undefined;
  /** The folders' real paths, resolved once per set of folders rather than once per file read. */
  private folderRoots(): string[] {
    if (this.rootsOf?.folders !== this.folders) this.rootsOf = { folders: this.folders, roots: workspaceRoots(this.folders.map((f) => f.folder.path)) };
    return this.rootsOf.roots;
  }

  setFolders(folders: FolderConfig[], fallback: AnalyzerConfig = defaultConfig): void {
    this.folders = folders;
    this.index.config = folders[0]?.config ?? fallback;
    const globs = folders.map((f) => testDataGlobs(f.folder.path, f.config.testData));
    this.index.testData.inGlobs = (file) => globs.some((inGlobs) => inGlobs(file));
  }

  // ---- indexing ------------------------------------------------------------------------------

  /** Re-indexes one file from the given text and re-runs its document checks. */
  updateText(file: FileId, text: string): { changed: boolean } {
    if (!this.isIncluded(file)) return { changed: this.removeFile(file) };
    const { indexed, changed } = this.index.setFile(file, text);
    // Only the documents being edited keep their syntax trees (hover, completion, code actions walk
    // them per keystroke); the others are re-parsed on the rare occasions a position inside them
    // is needed that the index did not keep (see landmarkSpans). A document only opened is not
    // being edited: a window restoring hundreds of tabs would otherwise hold every tree.
    // Released after the document checks, which walk the trees the parse just built.
    if (changed || !this.docFindings.has(file)) this.docFindings.set(file, this.runDocument(indexed));
    if (changed && !this.edited.has(file)) this.index.releaseTrees(file);
    this.recheckRoleChanges();
    return { changed };
  }

  /** Files a test started or stopped naming were indexed again in their new role: their document findings follow. */
  private recheckRoleChanges(): void {
    for (const other of this.index.takeRoleChanges()) {
      if (!this.edited.has(other.file)) this.index.releaseTrees(other.file);
      this.docFindings.set(other.file, this.runDocument(other));
      this.unpublished.add(other.file);
    }
  }

  /**
   * Reads a file from disk unless the editor has it open (the editor's text wins). `realPath`: its
   * real path when discovery has just resolved it.
   */
  updateFromDisk(file: FileId, realPath?: string): { changed: boolean } {
    if (this.open.has(file)) return { changed: false };
    const config = this.configOf(file);
    // Confined to the workspace folders (a link out of them is not read), regular files only.
    const read = readWorkspacePath(file, { roots: this.folderRoots(), maxBytes: config.maxFileSize, realPath });
    if (read.ok) return this.updateText(file, read.text);
    const problem: Finding = { code: read.code, severity: 'warning', message: read.message, file, span: { start: 0, end: 0 } };
    const record: IndexedFile = { file, text: '', role: 'skipped', lines: new LineIndex(''), documents: [], problems: [problem] };
    this.index.setIndexed(record);
    this.docFindings.set(file, [problem]);
    return { changed: true };
  }

  removeFile(file: FileId): boolean {
    const had = this.index.removeFile(file);
    const hadFindings = this.docFindings.delete(file);
    this.analysedWith.delete(file);
    this.recheckRoleChanges();
    return had || hadFindings;
  }

  /** Re-runs every file's document checks (after a configuration change). */
  recheckAll(): void {
    this.pass = this.newPass(); // levels and globs may have changed: nothing of the last pass is reused
    for (const indexed of this.index.files()) {
      this.index.removeFile(indexed.file);
      if (indexed.role === 'skipped' && indexed.text === '') this.updateFromDisk(indexed.file);
      else this.updateText(indexed.file, indexed.text);
    }
  }

  /**
   * What a file's analysis depends on besides its text: its folder's configuration, the index's
   * (parse limits), whether the test-data globs name it; a folder's configuration file is checked
   * against the folder's problems, so it is always analysed again.
   */
  private settingsKey(file: FileId): string {
    if (this.folderOf(file)?.configFile === file) return `config-file ${Math.random()}`;
    return `${configKey(this.configOf(file))}\u0000${configKey(this.index.config)}\u0000${this.index.testData.inGlobs(file)}`;
  }

  /**
   * Analyses again the files analysed under other settings than they have now (documents opened
   * while the folders' settings were being read got the defaults) and returns them; a file whose
   * settings came out the same is not analysed twice.
   */
  recheckStale(): FileId[] {
    const stale = [...this.analysedWith].filter(([file, key]) => key !== this.settingsKey(file)).map(([file]) => file);
    for (const file of stale) {
      const indexed = this.index.getFile(file);
      if (!indexed) continue;
      this.index.removeFile(file);
      if (indexed.role === 'skipped' && indexed.text === '') this.updateFromDisk(file);
      else this.updateText(file, indexed.text);
    }
    return stale;
  }

  private runDocument(indexed: IndexedFile): Finding[] {
    this.analysedWith.set(indexed.file, this.settingsKey(indexed.file));
    const config = this.configOf(indexed.file);
    const findings = runDocumentChecks(indexed, this.checks, config, { onCheckFailure: (f) => this.checkFailed(f) });
    const folder = this.folderOf(indexed.file);
    if (folder?.configFile === indexed.file) {
      for (const p of folder.problems) findings.push({ code: 'config/invalid', severity: 'error', message: p.message, file: indexed.file, span: p.span });
    }
    return findings;
  }

  /** Runs the cross-file checks (only what changed since the last pass) and returns the files whose workspace findings changed. */
  runWorkspace(): FileId[] {
    for (const file of this.pass.run()) this.unpublished.add(file);
    return this.takeUnpublished();
  }

  /** Files a check changed in a pass that was then overtaken: the pass that completes publishes them too. */
  private readonly unpublished = new Set<FileId>();

  private takeUnpublished(): FileId[] {
    const files = [...this.unpublished];
    this.unpublished.clear();
    return files;
  }

  /**
   * The same pass in slices of about SLICE_MS (between checks, and between the files a per-document
   * check looks at) with a turn of the event loop after each, so hover, completion and edits are
   * answered while it runs. Stops (undefined) as soon as `isStale` says the index moved on; what
   * it did so far is kept and the next pass goes on from there.
   */
  async runWorkspaceCooperatively(isStale: () => boolean, sliceMs = SLICE_MS, onCheck?: (checkId: string, index: number, total: number) => void): Promise<FileId[] | undefined> {
    let sliceStart = -Infinity;
    const checks = this.pass.workspaceChecks;
    for (const [i, check] of checks.entries()) {
      onCheck?.(check.id, i, checks.length);
      const steps = this.pass.checkSteps(check);
      for (;;) {
        if (performance.now() - sliceStart >= sliceMs) {
          await new Promise((resolve) => setImmediate(resolve));
          if (isStale()) {
            steps.return([]);
            return undefined;
          }
          sliceStart = performance.now();
        }
        const step = steps.next();
        if (!step.done) continue;
        for (const file of step.value) this.unpublished.add(file);
        break;
      }
    }
    return this.takeUnpublished();
  }

  findingsOf(file: FileId): Finding[] {
    const own = this.docFindings.get(file) ?? [];
    // Findings on files outside the include globs are dropped (a conflict's other side, for one).
    const cross = !this.isIncluded(file) && this.index.getFile(file) ? [] : this.pass.findingsOf(file);
    return this.suppressed(file, cross.length ? [...own, ...cross] : own);
  }

  /** The file's suppression comments applied to everything found in it (the CLI does the same in `analysis.ts`). */
  private suppressed(file: FileId, findings: Finding[]): Finding[] {
    const indexed = this.index.getFile(file);
    if (!indexed || !hasSuppressions(indexed)) return findings;
    const ids = this.checks.map((c) => c.id);
    return applySuppressions(file, indexed.text, findings, this.configOf(file), { known: ids, ran: ids }, indexed.lines);
  }

  filesWithFindings(): FileId[] {
    return [...new Set([...this.docFindings.keys(), ...this.pass.filesWithFindings()])].filter((f) => this.findingsOf(f).length > 0);
  }

  status(indexing: boolean): { indexing: boolean; policies: number; conflicts: number } {
    // A conflict may be reported on each rule involved; count it once (same code, same places).
    const conflicts = new Set<string>();
    {
      for (const f of this.pass.allFindings((check) => check.id.startsWith('conflict/'))) {
        if (!f.code.startsWith('conflict/')) continue;
        // Each side's finding lists both rules as related places: the same set identifies the conflict.
        const places = (f.related?.length ? f.related : [f]).map((p) => `${p.file}:${p.span.start}`).sort();
        conflicts.add(`${f.code} ${places.join(' ')}`);
      }
    }
    return { indexing, policies: this.index.policiesCount, conflicts: conflicts.size };
  }

  /** An exception inside a check is logged once per check and file; the other checks still report. */
  private checkFailed(failure: CheckFailure): void {
    const key = `${failure.checkId}\0${failure.file ?? ''}`;
    if (this.reportedFailures.has(key)) return;
    this.reportedFailures.add(key);
    const error = failure.error instanceof Error ? failure.error.stack ?? failure.error.message : String(failure.error);
    this.log(`check ${failure.checkId} failed${failure.file ? ` on ${failure.file}` : ''}: ${error}`);
  }
}

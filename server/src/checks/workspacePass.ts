// The cross-file checks as the language server runs them after every edit: each check's findings
// are kept per file, and a pass re-runs only what the edit can have changed. Whole-workspace
// checks re-run (the conflict join underneath is itself incremental) and are compared file by
// file; per-document checks (`checkInWorkspace`) re-run on the changed files and on the files that
// read a topic the changed files contribute to, and nothing else.
import type { FileId, Finding } from '../findings.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import type { IndexedDocument } from '../workspace/document.ts';
import { isCheckedFile, reporter, uncheckedFilesOf, workspaceContext, type RunHooks } from './run.ts';
import { workspaceConflictSteps } from './conflicts.ts';
import type { Check, DocumentInWorkspaceCheck, WorkspaceCheckContext } from './types.ts';

interface FileResult {
  findings: Finding[];
  reads: readonly string[];
  contributes: readonly string[];
  /** The documents checked (the very array of the indexed file) and each one's fingerprint then. */
  documents: readonly IndexedDocument[];
  fingerprints: (readonly unknown[] | undefined)[];
}

const sameFingerprint = (a: readonly unknown[] | undefined, b: readonly unknown[] | undefined): boolean =>
  !!a && !!b && a.length === b.length && a.every((x, i) => x === b[i]);

interface CheckState {
  /** Findings per file, as last published. */
  byFile: Map<FileId, Finding[]>;
  /** Whole-workspace checks: each file's findings as compared (`signature`), kept so that a pass serialises only its own. */
  signatures: Map<FileId, string>;
  /** Per-document checks: what each file read and contributed when it was last checked. */
  results: Map<FileId, FileResult>;
  readers: Map<string, Set<FileId>>;
  seenRevision: number;
  /**
   * Files still to check again, with whether their own text changed: taken in when a run starts,
   * left when each is done, so a run stopped halfway (a newer edit) loses nothing.
   */
  pending: Map<FileId, boolean>;
  /** Files whose findings changed in a run not finished yet: the run that finishes reports them. */
  unreported: Set<FileId>;
}

// Findings are compared by content, not identity: a re-run that finds the same thing must not republish.
const signature = (findings: readonly Finding[]): string => JSON.stringify(findings);

export class WorkspacePass {
  private readonly states = new Map<string, CheckState>();
  /** The checks a pass runs, in order; `runCheck` one by one lets a caller yield in between. */
  readonly workspaceChecks: readonly Check[];

  constructor(
    private readonly index: WorkspaceIndex,
    checks: readonly Check[],
    private readonly hooks: RunHooks = {},
  ) {
    this.workspaceChecks = checks.filter((c) => c.checkWorkspace || c.checkInWorkspace);
  }

  /** Runs every cross-file check; returns the files whose cross-file findings changed. */
  run(): Set<FileId> {
    const changed = new Set<FileId>();
    for (const check of this.workspaceChecks) for (const file of this.runCheck(check)) changed.add(file);
    return changed;
  }

  /** Runs one check; returns the files whose findings of this check changed. */
  runCheck(check: Check): FileId[] {
    const steps = this.checkSteps(check);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /**
   * The same run, pausing after each file a per-document check looked at, so a caller can yield
   * to the event loop between slices. Abandoning it at a pause is safe: the files not yet checked
   * stay pending and the next run of the check takes them first (with any newer edits).
   */
  *checkSteps(check: Check): Generator<void, FileId[]> {
    let state = this.states.get(check.id);
    if (!state) this.states.set(check.id, (state = { byFile: new Map(), signatures: new Map(), results: new Map(), readers: new Map(), seenRevision: -1, pending: new Map(), unreported: new Set() }));
    if (check.checkWorkspace) {
      // The conflict join is computed in steps here, not in one go when the check first asks for it.
      if (check.conflicts?.length && this.context(check, [])) yield* workspaceConflictSteps(this.index);
      this.runWhole(check, state, state.unreported);
      if (!check.checkInWorkspace) state.seenRevision = this.index.revision;
    }
    if (check.checkInWorkspace) yield* this.runPerDocument(check, check.checkInWorkspace, state);
    const changed = [...state.unreported];
    state.unreported.clear();
    return changed;
  }

  findingsOf(file: FileId): Finding[] {
    const out: Finding[] = [];
    for (const check of this.workspaceChecks) {
      const list = this.states.get(check.id)?.byFile.get(file);
      if (list) out.push(...list);
    }
    return out;
  }

  filesWithFindings(): FileId[] {
    const files = new Set<FileId>();
    for (const state of this.states.values()) for (const [file, list] of state.byFile) if (list.length) files.add(file);
    return [...files];
  }

  /** Every finding of the last pass, check by check (of the checks `which` keeps). */
  allFindings(which: (check: Check) => boolean = () => true): Finding[] {
    return this.workspaceChecks.filter(which).flatMap((check) => [...(this.states.get(check.id)?.byFile.values() ?? [])].flat());
  }

  private context(check: Check, sink: Finding[]): WorkspaceCheckContext | undefined {
    const report = reporter(check, this.index.config, sink, uncheckedFilesOf(this.index));
    if (!report) return undefined;
    return workspaceContext(this.index, report);
  }

  private runWhole(check: Check, state: CheckState, changed: Set<FileId>): void {
    const findings: Finding[] = [];
    const ctx = this.context(check, findings);
    try {
      if (ctx) check.checkWorkspace!(ctx);
    } catch (error) {
      this.hooks.onCheckFailure?.({ checkId: check.id, error });
    }
    const next = new Map<FileId, Finding[]>();
    for (const f of findings) {
      const list = next.get(f.file);
      if (list) list.push(f);
      else next.set(f.file, [f]);
    }
    for (const file of new Set([...state.byFile.keys(), ...next.keys()])) {
      const before = state.signatures.get(file);
      const after = next.get(file);
      const now = after && signature(after);
      if (before === undefined || now === undefined || before !== now) changed.add(file);
      if (after) {
        state.byFile.set(file, after);
        state.signatures.set(file, now!);
      } else {
        state.byFile.delete(file);
        state.signatures.delete(file);
      }
    }
  }

  private *runPerDocument(check: Check, inWorkspace: DocumentInWorkspaceCheck, state: CheckState): Generator<void> {
    const edited = state.seenRevision < 0 ? undefined : this.index.changedSince(state.seenRevision);
    const { pending } = state;
    const queue = (file: FileId, own: boolean) => pending.set(file, own || (pending.get(file) ?? false));
    if (!edited) {
      for (const file of state.results.keys()) queue(file, true);
      for (const file of this.index.files()) queue(file.file, true);
    } else {
      const touched = new Set<string>();
      for (const file of edited) {
        queue(file, true);
        for (const topic of state.results.get(file)?.contributes ?? []) touched.add(topic);
        for (const document of this.index.getFile(file)?.documents ?? []) for (const topic of inWorkspace.contributes(document)) touched.add(topic);
      }
      for (const topic of touched) for (const file of state.readers.get(topic) ?? []) queue(file, false);
    }
    // Everything up to this revision is in `pending` now.
    state.seenRevision = this.index.revision;
    const probe = inWorkspace.fingerprint ? this.context(check, []) : undefined;
    for (const [file, own] of pending) {
      pending.delete(file);
      const before = state.results.get(file);
      if (probe && before && !own && this.unchangedInputs(probe, inWorkspace, file, before)) continue;
      for (const topic of before?.reads ?? []) state.readers.get(topic)?.delete(file);
      const result = this.checkFile(check, inWorkspace, file);
      // A file that reads nothing, contributes nothing and has no finding needs no record (most files, for most checks).
      const after = result && (result.findings.length || result.reads.length || result.contributes.length) ? result : undefined;
      if (after) {
        state.results.set(file, after);
        for (const topic of after.reads) {
          let readers = state.readers.get(topic);
          if (!readers) state.readers.set(topic, (readers = new Set()));
          readers.add(file);
        }
      } else state.results.delete(file);
      const previous = state.byFile.get(file) ?? [];
      const findings = after?.findings ?? [];
      if (previous.length !== findings.length || (findings.length && signature(previous) !== signature(findings))) state.unreported.add(file);
      if (findings.length) state.byFile.set(file, findings);
      else state.byFile.delete(file);
      state.signatures.delete(file); // kept for whole-workspace runs only
      yield;
    }
  }

  /** A reader re-checked only because a topic changed: skipped when every document's fingerprint is the same. */
  private unchangedInputs(ctx: WorkspaceCheckContext, inWorkspace: DocumentInWorkspaceCheck, file: FileId, before: FileResult): boolean {
    const indexed = this.index.getFile(file);
    if (!inWorkspace.fingerprint || !indexed || indexed.documents !== before.documents) return false;
    try {
      return indexed.documents.every((document) => !document.cls || sameFingerprint(inWorkspace.fingerprint!(ctx, document), before.fingerprints[document.index]));
    } catch {
      return false;
    }
  }

  private checkFile(check: Check, inWorkspace: DocumentInWorkspaceCheck, file: FileId): FileResult | undefined {
    const indexed = this.index.getFile(file);
    if (!indexed || !isCheckedFile(indexed, this.index.config)) return undefined;
    const findings: Finding[] = [];
    const reads = new Set<string>();
    const contributes = new Set<string>();
    const fingerprints: (readonly unknown[] | undefined)[] = [];
    const ctx = this.context(check, findings);
    try {
      for (const document of indexed.documents) {
        if (!document.cls) continue;
        for (const topic of inWorkspace.reads(document)) reads.add(topic);
        for (const topic of inWorkspace.contributes(document)) contributes.add(topic);
        if (ctx) inWorkspace.check(ctx, indexed, document);
        // After the check: a fingerprint may name what the check found it depends on (the policy that denied).
        if (ctx && inWorkspace.fingerprint) fingerprints[document.index] = inWorkspace.fingerprint(ctx, document);
      }
    } catch (error) {
      this.hooks.onCheckFailure?.({ checkId: check.id, file, error });
    }
    const elsewhere = findings.filter((f) => f.file !== file);
    if (elsewhere.length) this.hooks.onCheckFailure?.({ checkId: check.id, file, error: new Error(`reported on ${elsewhere[0].file} while checking ${file}`) });
    return { findings: findings.filter((f) => f.file === file), reads: [...reads], contributes: [...contributes], documents: indexed.documents, fingerprints };
  }
}

import type { Finding, FindingTag, Fix, Related, Severity, Span } from '../findings.ts';
import type { IndexedDocument, IndexedFile } from '../workspace/document.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import type { SourceRef } from '../model/types.ts';
import type { Path } from '../yaml/paths.ts';
import type { Conflict, ConflictFinder } from '../conflicts/index.ts';

export interface ReportOptions {
  related?: Related[];
  /** Fixes, or a function computing them: only an editor asking for code actions pays for building them. */
  fixes?: Fix[] | (() => Fix[]);
  /** Overrides the check's severity for this finding (e.g. error when every object is rejected, warning when some). */
  severity?: Severity;
  /** For checks that own several codes (`schema/*`, `cel/*`): the code of this finding. */
  code?: string;
  tags?: FindingTag[];
}

/** Every finding is built through `report`, so the result format changes in one place (Regal's `result.fail`). */
export type Report = (location: { file: string; span: Span }, message: string, options?: ReportOptions) => void;

export interface DocumentCheckContext {
  file: IndexedFile;
  document: IndexedDocument;
  /** Span of a path inside this document. */
  spanOf(path: Path, target?: 'key' | 'value'): Span;
  report: Report;
}

export interface WorkspaceCheckContext {
  index: WorkspaceIndex;
  spanOf(ref: SourceRef, target?: 'key' | 'value'): Span;
  report: Report;
  /** The workspace's conflicts, found by every registered check's finders (computed once per index revision). */
  conflicts(): readonly Conflict[];
}

export interface Check {
  /** Stable id: the diagnostic code, the docs page (`docs/checks/<id>.md`) and the config key. */
  id: string;
  title: string;
  severity: Severity;
  /**
   * Codes reported besides `id` (`options.code`), each with a docs page; `family/*` when the names
   * are made at run time (`schema/<JSON Schema keyword>`). The meta-test fails on an undeclared one.
   */
  codes?: readonly string[];
  /** Runs on one document at a time: results depend on that document alone and can be cached by content. */
  checkDocument?(ctx: DocumentCheckContext): void;
  /** Runs over the whole index: results depend on several documents (conflicts, blocked-by-policy). */
  checkWorkspace?(ctx: WorkspaceCheckContext): void;
  /**
   * Findings on one document that also depend on named parts of the workspace ("topics": the
   * mutations of Pods, the resources of a kind). After an edit only the edited documents and the
   * documents reading a topic the edit touched are checked again.
   */
  checkInWorkspace?: DocumentInWorkspaceCheck;
  /**
   * A conflict check's finders: they run in the conflict join with every registered check's
   * finders (whichever checks are enabled: what one finds, a later stage skips), and the check
   * reports its own conflicts from `ctx.conflicts()` (`reportConflicts`).
   */
  conflicts?: readonly ConflictFinder[];
}

export interface DocumentInWorkspaceCheck {
  /** Topics this document's findings depend on besides the document itself. */
  reads(document: IndexedDocument): readonly string[];
  /** Topics this document is part of (what readers must be re-checked for when it changes). */
  contributes(document: IndexedDocument): readonly string[];
  /**
   * What the findings depend on in the topics read, compared element by element (`===`): when a
   * topic changed but the document's fingerprint did not, its findings are kept without a re-run.
   */
  fingerprint?(ctx: WorkspaceCheckContext, document: IndexedDocument): readonly unknown[];
  /** Reports on `document` only (a finding elsewhere is a defect of the check). */
  check(ctx: WorkspaceCheckContext, file: IndexedFile, document: IndexedDocument): void;
}

export type { Finding };

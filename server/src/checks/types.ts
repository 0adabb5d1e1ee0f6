import type { Finding, Fix, Related, Severity, Span } from '../findings.ts';
import type { IndexedDocument, IndexedFile } from '../workspace/document.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import type { SourceRef } from '../model/types.ts';
import type { Path } from '../yaml/paths.ts';

export interface ReportOptions {
  related?: Related[];
  /** Fixes, or a function computing them: only an editor asking for code actions pays for building them. */
  fixes?: Fix[] | (() => Fix[]);
  /** Overrides the check's severity for this finding (e.g. error when every object is rejected, warning when some). */
  severity?: Severity;
  /** For checks that own several codes (`schema/*`, `cel/*`): the code of this finding. */
  code?: string;
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
}

export interface Check {
  /** Stable id: the diagnostic code, the docs page (`docs/checks/<id>.md`) and the config key. */
  id: string;
  title: string;
  severity: Severity;
  /** Runs on one document at a time: results depend on that document alone and can be cached by content. */
  checkDocument?(ctx: DocumentCheckContext): void;
  /** Runs over the whole index: results depend on several documents (conflicts, blocked-by-policy). */
  checkWorkspace?(ctx: WorkspaceCheckContext): void;
}

export type { Finding };

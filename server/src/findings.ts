// Plain data shared by every layer of the analysis core. Positions are UTF-16 offsets into the
// file's text (what JavaScript strings index by, and what LSP characters count); the CLI and the
// LSP layer turn them into line/character once, at the edge.

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export const severityRank: Record<Severity | 'never', number> = { error: 3, warning: 2, info: 1, hint: 0, never: 99 };

export interface Span {
  start: number;
  end: number;
}

/** A file is named by its absolute path, or by a URI for documents that have no path (untitled). */
export type FileId = string;

export interface Related {
  file: FileId;
  span: Span;
  message: string;
}

export interface TextEdit {
  file: FileId;
  span: Span;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  isPreferred?: boolean;
}

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  file: FileId;
  span: Span;
  related?: Related[];
  fixes?: Fix[];
  /** How an editor may render it besides its severity (struck through for `deprecated`). */
  tags?: FindingTag[];
}

export type FindingTag = 'deprecated' | 'unnecessary';

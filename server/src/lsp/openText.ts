// The text of a document the client has open: the server's only document store (state.open holds
// these). Incremental changes are applied against a table of line starts that is updated in place
// (the lines before the edit are untouched, those after it shift), so an edit to a 20 MB document
// costs a string splice and a pass over the line table, never a re-scan of the whole text.
import type { Position, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { OpenDocument } from './state.ts';

export class OpenText implements OpenDocument {
  private content: string;
  /** Offsets where each line starts (CRLF, LF and a lone CR end a line, as in yaml/lineIndex.ts); built on first use. */
  private starts: number[] | undefined;

  constructor(
    readonly uri: string,
    public version: number,
    text: string,
  ) {
    this.content = text;
  }

  get text(): string {
    return this.content;
  }

  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if (!('range' in change) || !change.range) {
        this.content = change.text;
        this.starts = undefined;
        continue;
      }
      const start = this.offsetAt(change.range.start);
      const end = Math.max(start, this.offsetAt(change.range.end));
      const old = this.content;
      this.content = old.slice(0, start) + change.text + old.slice(end);
      // A CR on either side of the seam may pair with an LF into one break, or stop doing so.
      if (this.starts && (old.charCodeAt(start - 1) === 13 || change.text.includes('\r'))) this.starts = undefined;
      if (this.starts) this.shiftLines(this.starts, start, end, change.text);
    }
    this.version = version;
  }

  offsetAt(position: Position): number {
    const starts = this.lineStarts();
    if (position.line >= starts.length) return this.content.length;
    if (position.line < 0) return 0;
    const next = position.line + 1 < starts.length ? starts[position.line + 1]! : this.content.length;
    return Math.min(starts[position.line]! + Math.max(0, position.character), next);
  }

  positionAt(offset: number): Position {
    const starts = this.lineStarts();
    const clamped = Math.max(0, Math.min(offset, this.content.length));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - starts[low]! };
  }

  private lineStarts(): number[] {
    return (this.starts ??= [0].concat(lineStartsIn(this.content, 0)));
  }

  /** Replaces the line starts inside [start, end] by those of `text`, and moves the later ones by the change in length. */
  private shiftLines(starts: number[], start: number, end: number, text: string): void {
    const first = upperBound(starts, start); // first line start after `start`
    const last = upperBound(starts, end); // first line start after `end`
    const delta = text.length - (end - start);
    for (let i = last; i < starts.length; i++) starts[i]! += delta;
    const added = lineStartsIn(text, start);
    if (added.length < 10_000) starts.splice(first, last - first, ...added);
    else this.starts = starts.slice(0, first).concat(added, starts.slice(last));
  }
}

/** Offsets (plus `base`) just after each line break in `text`. */
function lineStartsIn(text: string, base: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) out.push(base + i + 1);
  }
  return out;
}

/** Index of the first element greater than `value` in an ascending array. */
function upperBound(values: readonly number[], value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (values[mid]! <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}

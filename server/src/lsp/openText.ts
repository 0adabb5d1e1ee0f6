// The text of a document the client has open: the server's only document store (state.open holds
// these). An edit to a 20 MB document must not cost 20 MB: V8 flattens a concatenated string on
// the next slice or character read, so splicing the text per change copied all of it per change.
// Instead the text is a list of pieces (slices of flat strings, which V8 shares, not copies) and
// is joined once when it is read (the analysis after a pause in typing); positions come from a
// table of line starts updated in place (lines before the edit untouched, those after it shifted).
import type { Position, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { OpenDocument } from './state.ts';

/** Past this many pieces an edit joins them (reading a position walks the list). */
const MAX_PIECES = 512;

export class OpenText implements OpenDocument {
  /** The text is these pieces joined; one piece after every read. */
  private pieces: string[];
  private length: number;
  /** Offsets where each line starts (CRLF, LF and a lone CR end a line, as in yaml/lineIndex.ts); built on first use. */
  private starts: number[] | undefined;

  constructor(
    readonly uri: string,
    public version: number,
    text: string,
  ) {
    this.pieces = [text];
    this.length = text.length;
  }

  get text(): string {
    if (this.pieces.length > 1) this.pieces = [this.pieces.join('')];
    return this.pieces[0] ?? '';
  }

  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if (!('range' in change) || !change.range) {
        this.pieces = [change.text];
        this.length = change.text.length;
        this.starts = undefined;
        continue;
      }
      const start = this.offsetAt(change.range.start);
      const end = Math.max(start, this.offsetAt(change.range.end));
      // A CR on either side of the seam may pair with an LF into one break, or stop doing so.
      if (this.starts && (this.charCodeAt(start - 1) === 13 || change.text.includes('\r'))) this.starts = undefined;
      if (this.starts) this.shiftLines(this.starts, start, end, change.text);
      this.splice(start, end, change.text);
    }
    if (this.pieces.length > MAX_PIECES) void this.text;
    this.version = version;
  }

  offsetAt(position: Position): number {
    const starts = this.lineStarts();
    if (position.line >= starts.length) return this.length;
    if (position.line < 0) return 0;
    const next = position.line + 1 < starts.length ? starts[position.line + 1]! : this.length;
    return Math.min(starts[position.line]! + Math.max(0, position.character), next);
  }

  positionAt(offset: number): Position {
    const starts = this.lineStarts();
    const clamped = Math.max(0, Math.min(offset, this.length));
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
    return (this.starts ??= [0].concat(lineStartsIn(this.text, 0)));
  }

  private charCodeAt(offset: number): number {
    if (offset < 0) return NaN;
    for (const piece of this.pieces) {
      if (offset < piece.length) return piece.charCodeAt(offset);
      offset -= piece.length;
    }
    return NaN;
  }

  /** Replaces [start, end) by `text` in the piece list: slices of the pieces the edit cuts, no copy of the rest. */
  private splice(start: number, end: number, text: string): void {
    const out: string[] = [];
    this.length += text.length - (end - start);
    let at = 0;
    for (const piece of this.pieces) {
      const pieceEnd = at + piece.length;
      if (pieceEnd <= start || at >= end) {
        if (at >= end && at === start && text) out.push(text), (text = ''); // an insertion at a piece boundary
        out.push(piece);
      } else {
        if (at < start) out.push(piece.slice(0, start - at));
        if (text) out.push(text), (text = '');
        if (pieceEnd > end) out.push(piece.slice(end - at));
      }
      at = pieceEnd;
    }
    if (text) out.push(text);
    this.pieces = out.filter((p) => p.length > 0);
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
  if (!text.includes('\r')) {
    // The usual case, searched natively: a per-character loop over 20 MB takes most of a second.
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) out.push(base + i + 1);
    return out;
  }
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

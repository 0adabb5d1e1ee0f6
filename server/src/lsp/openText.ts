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
  private starts: LineStarts | undefined;

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
      this.starts?.replace(start, end, change.text);
      this.splice(start, end, change.text);
    }
    if (this.pieces.length > MAX_PIECES) void this.text;
    this.version = version;
  }

  offsetAt(position: Position): number {
    const starts = this.lineStarts();
    if (position.line >= starts.count) return this.length;
    if (position.line < 0) return 0;
    const next = position.line + 1 < starts.count ? starts.at(position.line + 1) : this.length;
    return Math.min(starts.at(position.line) + Math.max(0, position.character), next);
  }

  positionAt(offset: number): Position {
    const starts = this.lineStarts();
    const clamped = Math.max(0, Math.min(offset, this.length));
    const line = starts.upperBound(clamped) - 1;
    return { line, character: clamped - starts.at(line) };
  }

  private lineStarts(): LineStarts {
    return (this.starts ??= LineStarts.of(this.text));
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
}

/**
 * Offsets where each line starts, in a typed array with room to grow: after an edit the later
 * lines move with one memmove and one pass of additions (a plain array of 1.7 million numbers
 * took 9 ms per edit).
 */
class LineStarts {
  private constructor(
    private buffer: Uint32Array,
    public count: number,
  ) {}

  static of(text: string): LineStarts {
    const starts = lineStartsIn(text, 0);
    const buffer = new Uint32Array(starts.length + 1 + 1024);
    buffer.set(starts, 1);
    return new LineStarts(buffer, starts.length + 1);
  }

  at(line: number): number {
    return this.buffer[line]!;
  }

  /** Index of the first line start greater than `offset`. */
  upperBound(offset: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.buffer[mid]! <= offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** The text in [start, end) became `text`: the line starts inside are replaced by those of `text`, the later ones move by the change in length. */
  replace(start: number, end: number, text: string): void {
    const first = this.upperBound(start);
    const last = this.upperBound(end);
    const added = lineStartsIn(text, start);
    const count = this.count - (last - first) + added.length;
    if (count > this.buffer.length) {
      const grown = new Uint32Array(count + (count >> 3) + 1024);
      grown.set(this.buffer.subarray(0, this.count));
      this.buffer = grown;
    }
    const buffer = this.buffer;
    const moved = first + added.length;
    buffer.copyWithin(moved, last, this.count);
    const delta = text.length - (end - start);
    for (let i = moved; i < count; i++) buffer[i] += delta;
    buffer.set(added, first);
    this.count = count;
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

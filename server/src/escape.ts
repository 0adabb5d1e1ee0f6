// One escaping function per output channel. Names, messages and values in findings come from the
// repository being analysed, which may be hostile: in a terminal an ESC sequence clears the screen
// or hides a hyperlink and a newline forges a finding line; in Markdown a `](command:…)` makes a
// link that runs a command and `<img>` is raw HTML; in Mermaid and DOT a quote ends a label.

/** C0 and C1 controls, DEL, and the Unicode line separators and bidirectional overrides. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

/**
 * Terminal text: every control character shown as a visible escape (`\n`, `\x1b`, `\u202e`),
 * so that one finding stays one line and nothing reaches the terminal as a command.
 */
export function terminalText(value: string): string {
  return String(value).replace(CONTROL, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Markdown text: one line, and the characters that could open emphasis, a link, an image, HTML,
 * an entity or an autolink backslash-escaped (CommonMark), as is a leading one that could open a
 * block.
 * Backticks stay: a code span shows its content literally (no link or HTML can start inside
 * one), and the analyzer's own messages quote names between them.
 */
export function markdownText(value: string): string {
  return String(value)
    .replace(CONTROL, ' ')
    .replace(/[\\*_{}[\]()<>#!|~&@]/g, '\\$&')
    // GFM turns bare URLs and addresses into links: `https\://`, `www\.` and `\@` stay text.
    .replace(/:(?=\/\/)/g, '\\:')
    .replace(/\b(www)\./gi, '$1\\.')
    .replace(/^[-+.=:]/, '\\$&')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** A Markdown code span holding `value` literally, on one line, whatever backticks it contains. */
export function markdownCode(value: string): string {
  const text = String(value).replace(CONTROL, ' ');
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || (text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A fence for a Markdown code block: longer than any run of backticks in its lines. */
export function markdownFence(lines: readonly string[]): string {
  const longest = Math.max(0, ...lines.flatMap((line) => Array.from(line.matchAll(/`+/g), (m) => m[0].length)));
  return '`'.repeat(Math.max(3, longest + 1));
}

const LINK_SCHEMES = /^(?:file|https?):/i;

/**
 * A Markdown link whose text is escaped and whose target is a `file:`/`http(s):` URL with every
 * character that could end it percent-encoded; any other target (`command:`, `javascript:`)
 * yields the escaped text alone.
 */
export function markdownLink(label: string, url: string): string {
  // Code spans bind tighter than link brackets: a backtick in the text is escaped here.
  const text = markdownText(label).replace(/`/g, '\\`');
  if (!LINK_SCHEMES.test(url)) return text;
  const target = url.replace(/[\u0000-\u0020()<>[\]\\`"'{}|^\u007f-\u009f\u2028\u2029]/g, (c) => encodeURIComponent(c) === c ? `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}` : encodeURIComponent(c));
  return `[${text}](${target})`;
}

/**
 * A Mermaid label (inside `"…"`): anything but letters, digits, spaces and `._/:-` as a Mermaid
 * entity (`#35;`), so no quote, bracket, HTML or Markdown string survives.
 */
export function mermaidLabel(value: string): string {
  return Array.from(String(value).replace(CONTROL, ' '), (c) => (/[A-Za-z0-9 ._/:-]/.test(c) ? c : `#${c.codePointAt(0)};`)).join('');
}

/** A Graphviz DOT quoted string: controls become spaces, `\` and `"` are escaped. */
export function dotLabel(value: string): string {
  return `"${String(value).replace(CONTROL, ' ').replace(/[\\"]/g, '\\$&')}"`;
}

// cel-js reports syntax errors with its token names ("Unexpected token: RPAREN", "Expected COLON,
// got EOF"). The editor says what the author wrote and what CEL expected there, in CEL's own
// characters ("Unexpected ')': expected a value …").

const TOKENS: Record<string, string> = {
  EOF: 'the end of the expression',
  NUMBER: 'a number',
  STRING: 'a string',
  BYTES: 'a bytes literal',
  BOOLEAN: 'true or false',
  NULL: 'null',
  IDENTIFIER: 'a name',
  PLUS: "'+'",
  MINUS: "'-'",
  MULTIPLY: "'*'",
  DIVIDE: "'/'",
  MODULO: "'%'",
  EQ: "'=='",
  NE: "'!='",
  LT: "'<'",
  LE: "'<='",
  GT: "'>'",
  GE: "'>='",
  AND: "'&&'",
  OR: "'||'",
  NOT: "'!'",
  IN: "'in'",
  LPAREN: "'('",
  RPAREN: "')'",
  LBRACKET: "'['",
  RBRACKET: "']'",
  LBRACE: "'{'",
  RBRACE: "'}'",
  DOT: "'.'",
  COMMA: "','",
  COLON: "':'",
  QUESTION: "'?'",
};

const A_VALUE = "a value (a name, a literal, '(', '[', '{', '!' or '-')";
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** `message` as cel-js wrote it for `source`, where [start, end) is the offending text. */
export function syntaxMessage(message: string, source: string, start: number, end: number): string {
  const found = (token: string) => (token === 'EOF' || start >= source.length ? 'end of the expression' : `'${source.slice(start, Math.max(end, start + 1))}'`);
  let m = /^Expected ([A-Z_]+), got ([A-Z_]+)$/.exec(message);
  if (m) return `Unexpected ${found(m[2]!)}: expected ${TOKENS[m[1]!] ?? m[1]}.`;
  m = /^Unexpected token: ([A-Z_]+)$/.exec(message);
  if (m) return `Unexpected ${found(m[1]!)}: expected ${A_VALUE}.`;
  m = /^Unexpected character: '(.+)'$/.exec(message);
  if (m) {
    // Raised after a complete expression: whatever follows it is one too many.
    const ch = m[1]!;
    if (CLOSERS[ch]) return `Unexpected '${ch}': there is no '${CLOSERS[ch]}' open to close.`;
    return `Unexpected '${ch}': expected an operator or the end of the expression.`;
  }
  m = /^Unexpected character: (.+)$/.exec(message);
  if (m) {
    const ch = m[1]!;
    if (ch === '=') return "Unexpected '=': CEL compares with '==' and has no assignment.";
    if (ch === '&' || ch === '|') return `Unexpected '${ch}': the logical operators are '&&' and '||'.`;
    return `Unexpected '${ch}': it is not part of CEL's syntax here.`;
  }
  return message;
}

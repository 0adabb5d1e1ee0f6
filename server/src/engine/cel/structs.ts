// Kubernetes CEL writes apply configurations and patches as typed object literals
// (`Object{spec: Object.spec{...}}`, `JSONPatch{op: "add", ...}`). The evaluator has no message
// types, and for admission only the field names and values matter, so these literals are rewritten
// to map literals with string keys before parsing.

const typedLiteral = /^(Object(?:\.[A-Za-z_][A-Za-z0-9_]*)*|JSONPatch)\s*\{/;

export function rewriteTypedLiterals(source: string): string {
  if (!source.includes('Object') && !source.includes('JSONPatch')) return source;
  let out = '';
  // Each open brace records whether it opened a typed literal (its keys are bare field names).
  const braces: boolean[] = [];
  let expectKey = false;
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '"' || ch === "'") {
      const end = stringEnd(source, i);
      out += source.slice(i, end);
      i = end;
      expectKey = false;
      continue;
    }
    const prevIdent = i > 0 && /[A-Za-z0-9_.]/.test(source[i - 1]!);
    if (!prevIdent) {
      const m = typedLiteral.exec(source.slice(i));
      if (m) {
        out += '{';
        braces.push(true);
        i += m[0].length;
        expectKey = true;
        continue;
      }
    }
    if (ch === '{') { braces.push(false); out += ch; i++; expectKey = false; continue; }
    if (ch === '}') { braces.pop(); out += ch; i++; expectKey = false; continue; }
    if (ch === '(' || ch === '[') { braces.push(false); out += ch; i++; expectKey = false; continue; }
    if (ch === ')' || ch === ']') { braces.pop(); out += ch; i++; expectKey = false; continue; }
    if (ch === ',' && braces[braces.length - 1] === true) { out += ch; i++; expectKey = true; continue; }
    if (expectKey && braces[braces.length - 1] === true) {
      const m = /^(\s*)([A-Za-z_][A-Za-z0-9_]*)(\s*):/.exec(source.slice(i));
      if (m) {
        out += `${m[1]}"${m[2]}"${m[3]}:`;
        i += m[0].length;
        expectKey = false;
        continue;
      }
      if (!/\s/.test(ch)) expectKey = false;
    }
    out += ch;
    i++;
  }
  return out;
}

function stringEnd(source: string, start: number): number {
  const quote = source[start]!;
  const triple = source.startsWith(quote.repeat(3), start);
  if (triple) {
    const end = source.indexOf(quote.repeat(3), start + 3);
    return end < 0 ? source.length : end + 3;
  }
  let i = start + 1;
  while (i < source.length) {
    if (source[i] === '\\') { i += 2; continue; }
    if (source[i] === quote) return i + 1;
    i++;
  }
  return source.length;
}

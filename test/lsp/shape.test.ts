// The language server stays a set of small handlers (issue 17.5): no function under
// server/src/lsp/ is longer than 80 lines, measured on the syntax tree with the TypeScript compiler.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const LSP = 'server/src/lsp';
const MAX_LINES = 80;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Every function-like node of a file with its length in lines (first to last line, inclusive). */
export function functionLengths(path: string, text = readFileSync(path, 'utf8')): { name: string; lines: number }[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true);
  const out: { name: string; lines: number }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = (node as ts.FunctionLikeDeclaration).name?.getText(source) ?? `<anonymous at line ${first + 1}>`;
      out.push({ name: `${relative('.', path)}: ${name}`, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

test('the measure counts a function from its first to its last line', () => {
  const body = Array.from({ length: 81 }, (_, i) => `  const a${i} = ${i};`).join('\n');
  const lengths = functionLengths('x.ts', `export function long(): void {\n${body}\n}\nconst short = () => {\n  return 1;\n};\n`);
  assert.deepEqual(lengths.map((l) => l.lines), [83, 3]);
});

test(`no function in ${LSP}/ is longer than ${MAX_LINES} lines`, () => {
  const files = sourceFiles(LSP);
  assert.ok(files.some((f) => f.endsWith('server.ts')) && files.some((f) => f.includes('handlers')), 'the measure sees the server and its handlers');
  const long = files.flatMap((f) => functionLengths(f)).filter((l) => l.lines > MAX_LINES);
  assert.deepEqual(long, [], long.map((l) => `${l.name}: ${l.lines} lines`).join('\n'));
});

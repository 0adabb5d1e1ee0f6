// Fixture expectations are written under the text they point at (STYLE.md; rust-analyzer's
// `//^^^ error: …`):
//
//   image: nginx:latest
//   #      ^^^^^^^^^^^^ warning: cronjob/mutable-image: uses the tag :latest
//
// - the carets underline the finding's span on the nearest line above that is not an annotation
//   (a span over several lines is underlined to the end of its first line; `|` marks an empty span);
// - carets touching the `#` are read one column to the left, so `#^^^^` underlines columns 0-3;
// - `error@-2:` points 2 lines further up (used under a multi-line scalar, where a comment line
//   would be part of the value);
// - the text after the code is a fragment the message must contain.
// Severity, code, exact columns and the fragment are compared. A fixture that expects nothing is a
// false-positive guard. `# fixture-checks: cronjob/*, schema` limits the comparison to those codes.
// A file `<name>.fixed` beside a fixture file is that file after every finding's preferred fix.
// UPDATE_EXPECT=1 rewrites annotations and `.fixed` files from the actual results (review the diff);
// it also converts the former `# expect: <code>` form (line and code only), still read until then.
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments, visit, isScalar } from 'yaml';
import { analyzeWorkspace, loadConfig } from '../../server/src/analysis.ts';
import { LineIndex } from '../../server/src/yaml/lineIndex.ts';
import type { Finding, Fix } from '../../server/src/findings.ts';
import type { CheckLevel } from '../../server/src/workspace/config.ts';

export interface Expectation {
  file: string;
  line: number;
  code: string;
  /** Absent for the former `# expect:` form. */
  annotation?: { start: number; end: number; severity: string; fragment: string };
}

export interface FixtureOutcome {
  expected: string[];
  actual: string[];
  findings: Finding[];
  /** Expected and actual `.fixed` texts, by path. */
  fixed: { expected: Record<string, string>; actual: Record<string, string> };
}

const EXPECT = /#\s*expect:\s*([^#\n]+)/;
const SCOPE = /#\s*fixture-checks:\s*([^#\n]+)/;
export const ANNOTATION = /^(\s*)#(\s*)(\^+|\|)\s+(error|warning|info|hint)(?:@-(\d+))?:\s*([a-z][\w-]*(?:\/[\w-]+)*):[ \t]?(.*)$/;
const FIXED_SUFFIX = '.fixed';

function yamlFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => yamlFiles(join(path, name))).filter((f) => /\.ya?ml$/.test(f));
}

export function readExpectations(path: string): { expectations: Expectation[]; scope?: string[]; oldForm: boolean } {
  const expectations: Expectation[] = [];
  let scope: string[] | undefined;
  let oldForm = false;
  for (const file of yamlFiles(path)) {
    let target = -1;
    readFileSync(file, 'utf8').split(/\r?\n/).forEach((text, line) => {
      const a = ANNOTATION.exec(text);
      if (a) {
        const [, indent, gap, markers, severity, up, code, fragment] = a;
        const markerColumn = indent.length + 1 + gap.length;
        const start = gap === '' ? markerColumn - 1 : markerColumn;
        const end = markers === '|' ? start : start + markers.length;
        expectations.push({ file: resolve(file), line: target - Number(up ?? 0), code, annotation: { start, end, severity, fragment: fragment.trim() } });
        return;
      }
      target = line;
      const m = EXPECT.exec(text);
      if (m) {
        oldForm = true;
        for (const code of m[1].split(',').map((c) => c.trim()).filter(Boolean)) expectations.push({ file: resolve(file), line, code });
      }
      const s = SCOPE.exec(text);
      if (s) scope = s[1].split(',').map((c) => c.trim()).filter(Boolean);
    });
  }
  return { expectations, scope, oldForm };
}

function inScope(code: string, scope?: string[]): boolean {
  if (!scope) return true;
  return scope.some((s) => (s.endsWith('/*') ? code.startsWith(s.slice(0, -1)) : code === s || code.startsWith(s + '/')));
}

function fixtureRoot(path: string): string {
  return statSync(path).isDirectory() ? path : join(path, '..');
}

function analyzeFixture(path: string, levels: Record<string, CheckLevel>, scope?: string[]): Finding[] {
  const root = fixtureRoot(path);
  const configPath = join(root, '.kyverno-analyzer.yaml');
  let config = loadConfig(undefined);
  try {
    if (statSync(configPath).isFile() && statSync(path).isDirectory()) config = loadConfig(configPath);
  } catch {
    // no config beside the fixture
  }
  if (Object.keys(levels).length) config = { ...config, config: { ...config.config, checks: { ...config.config.checks, ...levels } } };
  const result = analyzeWorkspace({ roots: [resolve(path)], workspaceRoot: resolve(root), config });
  return result.findings.filter((f) => inScope(f.code, scope));
}

/** A finding's place as an annotation states it: line, first column, last column on that line. */
function placeOf(finding: Finding, texts: Map<string, string>): { line: number; start: number; end: number } {
  let text = texts.get(finding.file);
  if (text === undefined) texts.set(finding.file, (text = readFileSync(finding.file, 'utf8')));
  const lines = new LineIndex(text);
  const a = lines.positionAt(finding.span.start);
  const b = lines.positionAt(finding.span.end);
  const lineText = text.split(/\r?\n/)[a.line] ?? '';
  return { line: a.line, start: a.character, end: b.line === a.line ? b.character : Math.max(a.character + 1, lineText.trimEnd().length) };
}

/** Every finding's preferred fix applied (a fix overlapping one already applied is left out), by file. */
export function fixedTexts(findings: Finding[]): Record<string, string> {
  const chosen: Fix['edits'] = [];
  const overlaps = (x: Fix['edits'][number]) => chosen.some((y) => y.file === x.file && x.span.start < Math.max(y.span.end, y.span.start + 1) && y.span.start < Math.max(x.span.end, x.span.start + 1));
  const ordered = [...findings].sort((a, b) => (a.file === b.file ? a.span.start - b.span.start || a.code.localeCompare(b.code) : a.file < b.file ? -1 : 1));
  for (const f of ordered) {
    const fix = f.fixes?.find((x) => x.isPreferred);
    if (!fix || fix.edits.some(overlaps)) continue;
    chosen.push(...fix.edits);
  }
  const out: Record<string, string> = {};
  for (const file of new Set(chosen.map((e) => e.file))) {
    let text = readFileSync(file, 'utf8');
    for (const e of chosen.filter((x) => x.file === file).sort((x, y) => y.span.start - x.span.start)) text = text.slice(0, e.span.start) + e.newText + text.slice(e.span.end);
    // The annotations describe the text before the fix: the after-text goes without them.
    out[file + FIXED_SUFFIX] = text.split('\n').filter((l) => !ANNOTATION.test(l.replace(/\r$/, ''))).join('\n');
  }
  return out;
}

function fixedFilesOn(path: string): Record<string, string> {
  const files = statSync(path).isDirectory() ? allFiles(path) : [path + FIXED_SUFFIX];
  const out: Record<string, string> = {};
  for (const f of files) if (f.endsWith(FIXED_SUFFIX) && existsSync(f)) out[resolve(f)] = readFileSync(f, 'utf8');
  return out;
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? allFiles(join(dir, name)) : [join(dir, name)]));
}

/**
 * Runs the analyzer over one fixture (a file or a folder) and lists expected and actual entries
 * (`file:line:col-col severity code "fragment"`, or `file:line code` for the former form), sorted;
 * `levels` are added to its configuration.
 */
export function runFixture(path: string, levels: Record<string, CheckLevel> = {}): FixtureOutcome {
  const { expectations, scope, oldForm } = readExpectations(path);
  const root = resolve(fixtureRoot(path));
  const findings = analyzeFixture(path, levels, scope);
  const rel = (file: string) => file.slice(root.length + 1);
  const texts = new Map<string, string>();
  const fixed = { expected: fixedFilesOn(path), actual: fixedTexts(findings) };
  if (oldForm) {
    const key = (file: string, line: number, code: string) => `${rel(file)}:${line + 1} ${code}`;
    return {
      expected: expectations.map((e) => key(e.file, e.line, e.code)).sort(),
      actual: findings.map((f) => key(f.file, placeOf(f, texts).line, f.code)).sort(),
      findings,
      fixed,
    };
  }
  const key = (file: string, p: { line: number; start: number; end: number }, severity: string, code: string) => `${rel(file)}:${p.line + 1}:${p.start + 1}-${p.end + 1} ${severity} ${code}`;
  const open = expectations.map((e) => ({ key: key(e.file, { line: e.line, ...e.annotation! }, e.annotation!.severity, e.code), fragment: e.annotation!.fragment }));
  const expected = open.map((e) => `${e.key} "${e.fragment}"`).sort();
  const actual = findings
    .map((f) => {
      const k = key(f.file, placeOf(f, texts), f.severity, f.code);
      const i = open.findIndex((e) => e.key === k && f.message.includes(e.fragment));
      if (i < 0) return `${k} "${f.message}"`;
      const [match] = open.splice(i, 1);
      return `${k} "${match.fragment}"`;
    })
    .sort();
  return { expected, actual, findings, fixed };
}

// ---- UPDATE_EXPECT=1 ----

/** A short, whole-word start of the message: enough to say which finding it is. */
function fragmentOf(message: string): string {
  const words = message.split('\n')[0].trim().split(' ');
  let out = words[0];
  for (const w of words.slice(1)) {
    if (out.length >= 40 || out.length + w.length > 100) break;
    out += ' ' + w;
  }
  return out;
}

/** Lines after which a comment line would land inside a scalar (a block or multi-line flow scalar), mapped to the scalar's last line. */
function scalarSpans(text: string): { first: number; last: number }[] {
  const lines = new LineIndex(text);
  const out: { first: number; last: number }[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (!('contents' in doc)) continue;
    visit(doc, {
      Scalar(_, node) {
        if (!isScalar(node) || !node.range) return;
        let end = node.range[1];
        while (end > node.range[0] && /\s/.test(text[end - 1])) end--;
        const first = lines.positionAt(node.range[0]).line;
        const last = lines.positionAt(Math.max(node.range[0], end - 1)).line;
        if (last > first) out.push({ first, last });
      },
    });
  }
  return out;
}

/** Rewrites one fixture's annotations and `.fixed` files from what the analyzer reports now. */
export function updateFixture(path: string): void {
  const files = yamlFiles(path);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const stripped = text
      .split('\n')
      .filter((l) => !ANNOTATION.test(l.replace(/\r$/, '')))
      .map((l) => l.replace(/[ \t]*#\s*expect:[^\n\r]*/, ''))
      .join('\n');
    if (stripped !== text) writeFileSync(file, stripped);
  }
  for (const f of Object.keys(fixedFilesOn(path))) rmSync(f);
  const { scope } = readExpectations(path);
  const findings = analyzeFixture(path, {}, scope);
  const texts = new Map<string, string>();
  for (const file of files.map((f) => resolve(f))) {
    const own = findings.filter((f) => f.file === file);
    if (!own.length) continue;
    const text = readFileSync(file, 'utf8');
    const spans = scalarSpans(text);
    const after = new Map<number, string[]>();
    const placed = own
      .map((f) => ({ f, p: placeOf(f, texts) }))
      .sort((a, b) => a.p.line - b.p.line || a.p.start - b.p.start || a.f.code.localeCompare(b.f.code));
    for (const { f, p } of placed) {
      let line = p.line;
      for (let moved = true; moved; ) {
        moved = false;
        for (const s of spans) if (s.first <= line && line < s.last) (line = s.last), (moved = true);
      }
      const markers = p.end === p.start ? '|' : '^'.repeat(p.end - p.start);
      // From column 2 on the `#` sits at column 0; before that the carets touch it.
      const lead = p.start >= 2 ? '#' + ' '.repeat(p.start - 1) : ' '.repeat(p.start) + '#';
      const up = line > p.line ? `@-${line - p.line}` : '';
      const list = after.get(line) ?? [];
      list.push(`${lead}${markers} ${f.severity}${up}: ${f.code}: ${fragmentOf(f.message)}`);
      after.set(line, list);
    }
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const out: string[] = [];
    text.split(/\r?\n/).forEach((l, i) => {
      out.push(l);
      out.push(...(after.get(i) ?? []));
    });
    writeFileSync(file, out.join(eol));
  }
  const fresh = analyzeFixture(path, {}, scope);
  for (const [file, text] of Object.entries(fixedTexts(fresh))) writeFileSync(file, text);
}

/** The fixtures of one check: files and scenario folders directly under test/fixtures/<check-id>/. */
export function fixturesOf(fixturesRoot: string, checkId: string): string[] {
  const dir = join(fixturesRoot, checkId);
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.map((name) => join(dir, name)).filter((path) => statSync(path).isDirectory() || /\.ya?ml$/.test(path));
}

// Reads expectations written inline in fixture files, on the line they point at:
//   image: nginx:latest   # expect: cronjob/mutable-image
//   kind: CronJob         # expect: cronjob/history-limits, cronjob/starting-deadline
// A fixture that expects nothing is a false-positive guard. `# fixture-checks: cronjob/*, schema`
// anywhere in a fixture limits the comparison to those codes (prefix match on a family with /*).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeWorkspace, loadConfig } from '../../server/src/analysis.ts';
import { LineIndex } from '../../server/src/yaml/lineIndex.ts';
import type { Finding } from '../../server/src/findings.ts';
import type { CheckLevel } from '../../server/src/workspace/config.ts';

export interface Expectation {
  file: string;
  line: number;
  code: string;
}

export interface FixtureOutcome {
  expected: string[];
  actual: string[];
  findings: Finding[];
}

const EXPECT = /#\s*expect:\s*([^#\n]+)/;
const SCOPE = /#\s*fixture-checks:\s*([^#\n]+)/;

function yamlFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => yamlFiles(join(path, name))).filter((f) => /\.ya?ml$/.test(f));
}

export function readExpectations(path: string): { expectations: Expectation[]; scope?: string[] } {
  const expectations: Expectation[] = [];
  let scope: string[] | undefined;
  for (const file of yamlFiles(path)) {
    readFileSync(file, 'utf8').split(/\r?\n/).forEach((text, line) => {
      const m = EXPECT.exec(text);
      if (m) for (const code of m[1].split(',').map((c) => c.trim()).filter(Boolean)) expectations.push({ file: resolve(file), line, code });
      const s = SCOPE.exec(text);
      if (s) scope = s[1].split(',').map((c) => c.trim()).filter(Boolean);
    });
  }
  return { expectations, scope };
}

function inScope(code: string, scope?: string[]): boolean {
  if (!scope) return true;
  return scope.some((s) => (s.endsWith('/*') ? code.startsWith(s.slice(0, -1)) : code === s || code.startsWith(s + '/')));
}

/** Runs the analyzer over one fixture (a file or a folder) and lists expected and actual `file:line code` entries, sorted; `levels` are added to its configuration. */
export function runFixture(path: string, levels: Record<string, CheckLevel> = {}): FixtureOutcome {
  const { expectations, scope } = readExpectations(path);
  const root = statSync(path).isDirectory() ? path : join(path, '..');
  const configPath = join(root, '.kyverno-analyzer.yaml');
  let config = loadConfig(undefined);
  try {
    if (statSync(configPath).isFile() && statSync(path).isDirectory()) config = loadConfig(configPath);
  } catch {
    // no config beside the fixture
  }
  if (Object.keys(levels).length) config = { ...config, config: { ...config.config, checks: { ...config.config.checks, ...levels } } };
  const result = analyzeWorkspace({ roots: [resolve(path)], workspaceRoot: resolve(root), config });
  const findings = result.findings.filter((f) => inScope(f.code, scope));
  const lineOf = (file: string, offset: number) => new LineIndex(readFileSync(file, 'utf8')).positionAt(offset).line;
  const key = (file: string, line: number, code: string) => `${file.slice(resolve(root).length + 1)}:${line + 1} ${code}`;
  return {
    expected: expectations.map((e) => key(e.file, e.line, e.code)).sort(),
    actual: findings.map((f) => key(f.file, lineOf(f.file, f.span.start), f.code)).sort(),
    findings,
  };
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

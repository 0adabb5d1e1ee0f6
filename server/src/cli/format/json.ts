import { relative } from 'node:path';
import type { Finding } from '../../findings.ts';
import type { AnalysisSummary, LineIndexes } from '../../analysis.ts';

/** The stable JSON contract (schemas/cli-output.schema.json): 0-based lines/characters as in LSP, files relative to cwd. */
export function toJsonReport(findings: Finding[], summary: AnalysisSummary, lines: LineIndexes, cwd: string) {
  const rel = (file: string) => (file.includes('://') ? file : relative(cwd, file) || file);
  return {
    version: 1,
    findings: findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      message: f.message,
      file: rel(f.file),
      range: lines.get(f.file).rangeOf(f.span),
      related: (f.related ?? []).map((r) => ({ file: rel(r.file), range: lines.get(r.file).rangeOf(r.span), message: r.message })),
    })),
    summary,
  };
}

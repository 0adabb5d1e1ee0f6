import { relative } from 'node:path';
import type { Finding } from '../../findings.ts';
import type { AnalysisSummary, LineIndexes } from '../../analysis.ts';
import { terminalText } from '../../escape.ts';

/**
 * `file:line:col severity code message`, 1-based like compilers print, then a one-line summary.
 * Paths, codes and messages come from the repository: each is escaped, so a finding is one line.
 */
export function toText(findings: Finding[], summary: AnalysisSummary & { internalErrors?: number }, lines: LineIndexes, cwd: string): string {
  const out: string[] = [];
  for (const f of findings) {
    const { start } = lines.get(f.file).rangeOf(f.span);
    const file = f.file.includes('://') ? f.file : relative(cwd, f.file) || f.file;
    out.push(`${terminalText(file)}:${start.line + 1}:${start.character + 1} ${f.severity} ${terminalText(f.code)} ${terminalText(f.message)}`);
    for (const r of f.related ?? []) {
      const at = lines.get(r.file).rangeOf(r.span).start;
      out.push(`    related: ${terminalText(relative(cwd, r.file) || r.file)}:${at.line + 1}:${at.character + 1} ${terminalText(r.message)}`);
    }
  }
  const counts = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const f of findings) counts[f.severity]++;
  out.push(
    `${summary.files} files, ${summary.documents} documents, ${summary.policies} policies, ${summary.rules} rules: ` +
      `${counts.error} errors, ${counts.warning} warnings, ${counts.info} infos, ${counts.hint} hints (${summary.durationMs} ms)`,
  );
  if (summary.internalErrors) out.push(`${summary.internalErrors} internal errors: some simulations or autogen expansions were skipped, findings may be missing (--debug lists them)`);
  return out.join('\n') + '\n';
}

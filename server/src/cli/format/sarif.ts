import { relative, sep } from 'node:path';
import type { Finding } from '../../findings.ts';
import type { LineIndexes } from '../../analysis.ts';
import type { Check } from '../../checks/types.ts';

const level = { error: 'error', warning: 'warning', info: 'note', hint: 'note' } as const;
import { docsUrl } from '../../checks/docs.ts';

/** SARIF 2.1.0 for code-scanning uploads: regions are 1-based, URIs relative to the repository root. */
export function toSarif(findings: Finding[], checks: readonly Check[], lines: LineIndexes, cwd: string, version: string) {
  const uri = (file: string) => (file.includes('://') ? file : relative(cwd, file).split(sep).join('/') || file);
  const region = (file: string, span: Finding['span']) => {
    const range = lines.get(file).rangeOf(span);
    return { startLine: range.start.line + 1, startColumn: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 };
  };
  const codes = [...new Set([...checks.map((c) => c.id), ...findings.map((f) => f.code)])].sort();
  const titles = new Map(checks.map((c) => [c.id, c.title]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kyverno-analyzer',
            version,
            informationUri: 'https://github.com/kyverno-analyzer/kyverno-policy-analyzer',
            rules: codes.map((id) => ({
              id,
              shortDescription: { text: titles.get(id) ?? titles.get(id.split('/')[0]) ?? id },
              helpUri: docsUrl(id),
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.code,
          ruleIndex: codes.indexOf(f.code),
          level: level[f.severity],
          message: { text: f.message },
          locations: [{ physicalLocation: { artifactLocation: { uri: uri(f.file) }, region: region(f.file, f.span) } }],
          relatedLocations: (f.related ?? []).map((r, id) => ({
            id,
            message: { text: r.message },
            physicalLocation: { artifactLocation: { uri: uri(r.file) }, region: region(r.file, r.span) },
          })),
        })),
      },
    ],
  };
}

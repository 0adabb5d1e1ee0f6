// Quick fixes: the fixes a check attached to its findings, then "Disable <check> for this line / file",
// for the findings under the cursor or the diagnostics the client sends back.
import type { CodeAction, Diagnostic, Range } from 'vscode-languageserver';
import type { FileId } from '../findings.ts';
import { sameDiagnostic, toCodeAction, toDiagnostic } from './convert.ts';
import type { ServerState } from './state.ts';
import { suppressionFixes } from '../checks/hygiene/suppression.ts';

function intersects(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

export function codeActions(state: ServerState, file: FileId, range: Range, context: Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  // Two findings at one place may offer the same fix (e.g. the same companion file): offer it once.
  const offered = new Set<string>();
  const indexed = state.index.getFile(file);
  for (const finding of state.findingsOf(file)) {
    const diagnostic = toDiagnostic(finding, state);
    const asked = context.find((d) => sameDiagnostic(d, diagnostic));
    if (!asked && !intersects(diagnostic.range, range)) continue;
    // The check's own fixes first; silencing the finding is the last resort.
    const silence = indexed ? suppressionFixes(file, indexed.text, finding, indexed.lines) : [];
    for (const fix of [...(finding.fixes ?? []), ...silence]) {
      const key = fix.title + '\0' + JSON.stringify(fix.edits);
      if (offered.has(key)) continue;
      offered.add(key);
      actions.push(toCodeAction(fix, asked ?? diagnostic, state));
    }
  }
  return actions;
}

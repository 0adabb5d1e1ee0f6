// Runs checks over in-memory files and applies a fix's edits: the basis of the fix tests of the
// cronjob, generate, cleanup, advice, policy and hygiene families.
import { parseAllDocuments } from 'yaml';
import type { Finding, TextEdit } from '../../../server/src/findings.ts';
import { WorkspaceIndex } from '../../../server/src/workspace/index.ts';
import { runDocumentChecks, runWorkspaceChecks } from '../../../server/src/checks/run.ts';
import type { Check } from '../../../server/src/checks/types.ts';
import { defaultConfig } from '../../../server/src/workspace/config.ts';

export function analyze(files: Record<string, string>, checks: readonly Check[]): Finding[] {
  const index = new WorkspaceIndex(defaultConfig);
  const findings: Finding[] = [];
  const failures: unknown[] = [];
  for (const [path, text] of Object.entries(files)) {
    const { indexed } = index.setFile(path, text);
    findings.push(...runDocumentChecks(indexed, checks, defaultConfig, { onCheckFailure: (f) => failures.push(f.error) }).filter((f) => !f.code.startsWith('yaml/')));
  }
  findings.push(...runWorkspaceChecks(index, checks, { onCheckFailure: (f) => failures.push(f.error) }));
  if (failures.length) throw failures[0];
  return findings;
}

/** Applies edits to the files (an edit on an unknown file creates it), later offsets first. */
export function applyEdits(files: Record<string, string>, edits: TextEdit[]): Record<string, string> {
  const out = { ...files };
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start);
  for (const edit of sorted) {
    const text = out[edit.file] ?? '';
    out[edit.file] = text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end);
  }
  return out;
}

/** Every document of every file parses without error. */
export function yamlErrors(files: Record<string, string>): string[] {
  return Object.entries(files).flatMap(([path, text]) => parseAllDocuments(text).flatMap((d) => ('errors' in d ? d.errors : []).map((e) => `${path}: ${e.message}`)));
}

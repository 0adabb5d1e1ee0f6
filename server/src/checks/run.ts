import type { FileId, Finding, Severity } from '../findings.ts';
import type { IndexedFile } from '../workspace/document.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import { levelFor, type AnalyzerConfig, type CheckLevel } from '../workspace/config.ts';
import { spanInDocument } from '../yaml/parse.ts';
import type { SourceRef } from '../model/types.ts';
import type { Check, Report, WorkspaceCheckContext } from './types.ts';
import { workspaceConflicts } from './conflicts.ts';
import { isCheckedFile, uncheckedFilesOf } from './judged.ts';

export interface CheckFailure {
  checkId: string;
  file?: string;
  error: unknown;
}

export interface RunHooks {
  /** An exception inside one check is reported here (once per check and file) and the other checks go on. */
  onCheckFailure?: (failure: CheckFailure) => void;
}

const familyOf = (code: string) => code.split('/')[0] + '/*';

/** The level configured for a finding: its code's, its check's, its code's family's, its check's family's; else `fallback`. */
export function levelOf(config: AnalyzerConfig, code: string, checkId: string, fallback: Severity): CheckLevel {
  const c = config.checks;
  return c[code] ?? c[checkId] ?? c[familyOf(code)] ?? c[familyOf(checkId)] ?? fallback;
}

/**
 * The one gate every finding passes, a check's report and a file's own problems (`yaml/*`,
 * `limits/*`, `io/*`, `internal/model`) alike: `off` drops it, a configured level replaces its
 * severity. Returns a copy when the severity changes (file problems are shared by every run).
 */
export function admit(config: AnalyzerConfig, finding: Finding, checkId = finding.code): Finding | undefined {
  const level = levelOf(config, finding.code, checkId, finding.severity);
  if (level === 'off') return undefined;
  return level === finding.severity ? finding : { ...finding, severity: level };
}

export { isCheckedFile, uncheckedFilesOf };

export function reporter(check: Check, config: AnalyzerConfig, sink: Finding[], unchecked?: (file: FileId) => boolean): Report | undefined {
  // A check switched off is not run at all.
  if (levelFor(config, check.id, check.severity) === 'off') return undefined;
  return (location, message, options = {}) => {
    if (unchecked?.(location.file)) return;
    const code = options.code ?? check.id;
    const finding = admit(config, { code, severity: options.severity ?? check.severity, message, file: location.file, span: location.span }, check.id);
    if (!finding) return;
    if (options.related?.length) finding.related = options.related;
    if (options.tags?.length) finding.tags = options.tags;
    const fixes = options.fixes;
    if (typeof fixes === 'function') {
      // Computed on first read and not serialised: the CLI and the result cache never read fixes.
      let computed: Finding['fixes'];
      Object.defineProperty(finding, 'fixes', { get: () => (computed ??= fixes()), enumerable: false, configurable: true });
    } else if (fixes?.length) finding.fixes = fixes;
    sink.push(finding);
  };
}

/** Document-scope checks over one file: what a content-hash cache can store per file. */
export function runDocumentChecks(file: IndexedFile, checks: readonly Check[], config: AnalyzerConfig, hooks: RunHooks = {}): Finding[] {
  const findings: Finding[] = [];
  for (const problem of file.problems) {
    const admitted = admit(config, problem);
    if (admitted) findings.push(admitted);
  }
  if (!isCheckedFile(file, config)) return findings;
  for (const check of checks) {
    if (!check.checkDocument) continue;
    const report = reporter(check, config, findings);
    if (!report) continue;
    for (const document of file.documents) {
      if (!document.cls) continue;
      try {
        check.checkDocument({ file, document, report, spanOf: (path, target) => spanInDocument(file.yaml, document.yaml, path, target) });
      } catch (error) {
        hooks.onCheckFailure?.({ checkId: check.id, file: file.file, error });
        break;
      }
    }
  }
  return findings;
}

export function workspaceContext(index: WorkspaceIndex, report: Report): WorkspaceCheckContext {
  return { index, report, spanOf: (ref: SourceRef, target?: 'key' | 'value') => index.spanOf(ref, target), conflicts: () => workspaceConflicts(index) };
}

/** Every cross-file check over the whole index, once (the CLI); the server keeps a `WorkspacePass` instead. */
export function runWorkspaceChecks(index: WorkspaceIndex, checks: readonly Check[], hooks: RunHooks = {}): Finding[] {
  const findings: Finding[] = [];
  for (const check of checks) {
    const report = reporter(check, index.config, findings, uncheckedFilesOf(index));
    if (!report) continue;
    const ctx = workspaceContext(index, report);
    if (check.checkWorkspace) {
      try {
        check.checkWorkspace(ctx);
      } catch (error) {
        hooks.onCheckFailure?.({ checkId: check.id, error });
      }
    }
    const inWorkspace = check.checkInWorkspace;
    if (!inWorkspace) continue;
    for (const file of index.files()) {
      if (!isCheckedFile(file, index.config)) continue;
      try {
        for (const document of file.documents) if (document.cls) inWorkspace.check(ctx, file, document);
      } catch (error) {
        hooks.onCheckFailure?.({ checkId: check.id, file: file.file, error });
      }
    }
  }
  return findings;
}

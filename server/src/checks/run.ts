import type { Finding, Severity } from '../findings.ts';
import type { IndexedFile } from '../workspace/document.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import { levelFor, type AnalyzerConfig } from '../workspace/config.ts';
import { spanOf } from '../yaml/paths.ts';
import type { SourceRef } from '../model/types.ts';
import type { Check, Report } from './types.ts';

export interface CheckFailure {
  checkId: string;
  file?: string;
  error: unknown;
}

export interface RunHooks {
  /** An exception inside one check is reported here (once per check and file) and the other checks go on. */
  onCheckFailure?: (failure: CheckFailure) => void;
}

export function reporter(check: Check, config: AnalyzerConfig, sink: Finding[]): Report | undefined {
  const level = levelFor(config, check.id, check.severity);
  if (level === 'off') return undefined;
  return (location, message, options = {}) => {
    const code = options.code ?? check.id;
    const codeLevel = code === check.id ? level : levelFor(config, code, options.severity ?? level);
    if (codeLevel === 'off') return;
    const configured = config.checks[code] ?? config.checks[check.id];
    const severity: Severity = configured && configured !== 'off' ? configured : options.severity ?? (codeLevel as Severity);
    const finding: Finding = { code, severity, message, file: location.file, span: location.span };
    if (options.related?.length) finding.related = options.related;
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
  const findings: Finding[] = [...file.problems];
  // Test assertions (.chainsaw-test) are partial documents by design: no check judges them.
  if (file.role !== 'workspace') return findings;
  for (const check of checks) {
    if (!check.checkDocument) continue;
    const report = reporter(check, config, findings);
    if (!report) continue;
    for (const document of file.documents) {
      if (!document.cls) continue;
      try {
        check.checkDocument({ file, document, report, spanOf: (path, target) => spanOf(document.yaml.doc, path, target) });
      } catch (error) {
        hooks.onCheckFailure?.({ checkId: check.id, file: file.file, error });
        break;
      }
    }
  }
  return findings;
}

/** Every cross-file check over the whole index, once (the CLI); the server keeps a `WorkspacePass` instead. */
export function runWorkspaceChecks(index: WorkspaceIndex, checks: readonly Check[], hooks: RunHooks = {}): Finding[] {
  const findings: Finding[] = [];
  for (const check of checks) {
    const report = reporter(check, index.config, findings);
    if (!report) continue;
    const ctx = { index, report, spanOf: (ref: SourceRef, target?: 'key' | 'value') => index.spanOf(ref, target) };
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
      if (file.role !== 'workspace') continue;
      try {
        for (const document of file.documents) if (document.cls) inWorkspace.check(ctx, file, document);
      } catch (error) {
        hooks.onCheckFailure?.({ checkId: check.id, file: file.file, error });
      }
    }
  }
  return findings;
}

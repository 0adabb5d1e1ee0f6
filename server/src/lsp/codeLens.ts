// Code lenses: ide/codeLens.ts decides what each lens says; here its spots become LSP lenses and
// its answers become client commands. "N conflicts" and "M rules touch these fields" are two
// lenses on one line, so each part has its own click (VS Code draws the separator between them).
// The impact lens on a validating policy's name peeks at the objects it would deny, its tooltip
// listing each with the engine's message.
import type { CodeLens, Location } from 'vscode-languageserver';
import type { FileId, Span } from '../findings.ts';
import type { IndexedFile } from '../workspace/document.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import type { LineIndex } from '../yaml/lineIndex.ts';
import { lensSpots, resolveLens, type LensTarget } from '../ide/codeLens.ts';
import { SHOW_CONFLICTS_COMMAND, SHOW_RULES_COMMAND } from './protocol.ts';
import { toRange } from './convert.ts';

export function codeLenses(file: IndexedFile, index?: WorkspaceIndex): CodeLens[] {
  return lensSpots(file, index).map(({ offset, target }) => {
    const start = file.lines.positionAt(offset);
    return { range: { start, end: start }, data: target };
  });
}

export function resolveCodeLens(lens: CodeLens, index: WorkspaceIndex, uriOf: (file: FileId) => string, linesOf: (file: FileId) => LineIndex | undefined): CodeLens {
  const target = lens.data as LensTarget;
  const answer = resolveLens(index, target);
  if (answer.kind === 'stale') return { ...lens, command: { title: answer.title, command: '' } };
  if (answer.kind === 'conflicts') {
    return { ...lens, command: { title: answer.title, command: answer.count ? SHOW_CONFLICTS_COMMAND : '', arguments: [uriOf(target.file), lens.range.start] } };
  }
  if (answer.kind === 'impact') {
    const denied = locationsOf(answer.denied, uriOf, linesOf);
    return { ...lens, command: { title: answer.title, command: denied.length ? SHOW_RULES_COMMAND : '', arguments: [uriOf(target.file), lens.range.start, denied], ...(answer.tooltip ? { tooltip: answer.tooltip } : {}) } };
  }
  const locations = locationsOf(answer.rules, uriOf, linesOf);
  return { ...lens, command: { title: answer.title, command: answer.rules.length ? SHOW_RULES_COMMAND : '', arguments: [uriOf(target.file), lens.range.start, locations] } };
}

function locationsOf(places: readonly { file: FileId; span: Span }[], uriOf: (file: FileId) => string, linesOf: (file: FileId) => LineIndex | undefined): Location[] {
  const locations: Location[] = [];
  for (const { file, span } of places) {
    const lines = linesOf(file);
    if (lines) locations.push({ uri: uriOf(file), range: toRange(lines, span) });
  }
  return locations;
}

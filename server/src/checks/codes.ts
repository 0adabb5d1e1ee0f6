// Every code the analyzer can report, in one list: the meta-test proves each has a docs page and
// that configuration reaches it, and scans the sources for a code that is not listed here.
import type { Check } from './types.ts';
import { allChecks } from './registry.ts';

/**
 * Codes reported outside any check, while reading, parsing and modelling a file or reading the
 * configuration. They pass the same gate as check findings (`admit` in run.ts).
 */
export const FILE_CODES: readonly string[] = [
  'config/invalid',
  'io/binary',
  'io/encoding',
  'io/not-regular',
  'io/outside-workspace',
  'io/symlink-loop',
  'io/unreadable',
  'limits/document-count',
  'limits/file-size',
  'limits/nesting-depth',
  'limits/yaml-nodes',
  'limits/collection-items',
  'limits/parse-time',
  'limits/yaml-aliases',
  'limits/yaml-nodes',
  'limits/collection-items',
  'limits/parse-time',
  'yaml/syntax',
  'yaml/duplicate-key',
  'yaml/under-indented',
  'yaml/helm-template',
  'internal/model',
];

/** A check's codes: its id, and the codes it reports besides (`cel/syntax`; `schema/*` for a family named at run time). */
export function codesOf(check: Check): string[] {
  return [check.id, ...(check.codes ?? [])];
}

export function allCodes(checks: readonly Check[] = allChecks): string[] {
  return [...FILE_CODES, ...checks.flatMap(codesOf)];
}

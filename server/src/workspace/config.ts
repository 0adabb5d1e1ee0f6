import { parseDocument, isMap, isScalar, type Pair, type Scalar } from 'yaml';
import type { Severity, Span } from '../findings.ts';

export type CheckLevel = Severity | 'off';

export interface AnalyzerConfig {
  include: string[];
  exclude: string[];
  /** Per-check level; a key ending in '/*' applies to a whole family (`cronjob/*`). */
  checks: Record<string, CheckLevel>;
  maxFileSize: number;
  maxDocuments: number;
  maxAliasCount: number;
  /** YAML node tokens per file (scalars, aliases, collection starts, entry indicators). */
  maxNodes: number;
  /** Entries of one YAML collection. */
  maxCollectionItems: number;
  /** Milliseconds of YAML tokenising per file. */
  maxParseTime: number;
  /** Globs (relative to the workspace root) of files that are test data besides what tests name (workspace/testData.ts). */
  testData: string[];
  /** Run the checks of manifests on test data too (they are quiet there by default). */
  checkTestData: boolean;
}

export const CONFIG_FILE_NAME = '.kyverno-analyzer.yaml';

export const defaultConfig: AnalyzerConfig = {
  include: ['**/*.yaml', '**/*.yml'],
  exclude: ['**/node_modules/**', '**/.git/**'],
  checks: {},
  maxFileSize: 4 * 1024 * 1024,
  maxDocuments: 5000,
  maxAliasCount: 100,
  maxNodes: 100_000,
  maxCollectionItems: 20_000,
  maxParseTime: 10_000,
  testData: [],
  checkTestData: false,
};

export interface ConfigProblem {
  message: string;
  span: Span;
}

const levels = new Set(['error', 'warning', 'info', 'hint', 'off']);

/** Reads `.kyverno-analyzer.yaml`. Unknown keys and bad values are reported with their position, never ignored. */
export function parseConfig(text: string): { config: AnalyzerConfig; problems: ConfigProblem[] } {
  const config: AnalyzerConfig = { ...defaultConfig, checks: {} };
  const problems: ConfigProblem[] = [];
  const doc = parseDocument(text);
  for (const error of doc.errors) problems.push({ message: error.message.split('\n')[0], span: { start: error.pos[0], end: error.pos[1] } });
  if (doc.contents === null) return { config, problems };
  if (!isMap(doc.contents)) {
    problems.push({ message: 'The configuration must be a map of settings.', span: rangeSpan(doc.contents) });
    return { config, problems };
  }
  for (const pair of doc.contents.items as Pair<Scalar, unknown>[]) {
    const key = String(pair.key?.value);
    const keySpan = rangeSpan(pair.key);
    const value = isScalar(pair.value) ? pair.value.value : (pair.value as { toJSON?: () => unknown })?.toJSON?.();
    const valueSpan = rangeSpan(pair.value) ?? keySpan;
    switch (key) {
      case 'include':
      case 'exclude': {
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) problems.push({ message: `\`${key}\` must be a list of glob strings.`, span: valueSpan });
        else config[key] = key === 'exclude' ? [...defaultConfig.exclude, ...value] : value;
        break;
      }
      case 'checks': {
        if (!value || typeof value !== 'object' || Array.isArray(value)) {
          problems.push({ message: '`checks` must map check ids to error|warning|info|hint|off.', span: valueSpan });
          break;
        }
        for (const [id, level] of Object.entries(value as Record<string, unknown>)) {
          const normalized = level === false ? 'off' : level;
          if (typeof normalized !== 'string' || !levels.has(normalized)) problems.push({ message: `\`checks.${id}\` must be one of error, warning, info, hint, off (got ${JSON.stringify(level)}).`, span: valueSpan });
          else config.checks[id] = normalized as CheckLevel;
        }
        break;
      }
      case 'testData': {
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) problems.push({ message: '`testData` must be a list of glob strings.', span: valueSpan });
        else config.testData = value;
        break;
      }
      case 'checkTestData': {
        if (typeof value !== 'boolean') problems.push({ message: '`checkTestData` must be true or false.', span: valueSpan });
        else config.checkTestData = value;
        break;
      }
      case 'maxFileSize':
      case 'maxDocuments':
      case 'maxAliasCount':
      case 'maxNodes':
      case 'maxCollectionItems':
      case 'maxParseTime': {
        const parsed = key === 'maxFileSize' ? parseSize(value) : typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
        if (parsed === undefined) problems.push({ message: `\`${key}\` must be a positive ${key === 'maxFileSize' ? 'size (bytes, or e.g. 2MB)' : 'integer'}.`, span: valueSpan });
        else config[key] = parsed;
        break;
      }
      default:
        problems.push({ message: `Unknown setting \`${key}\`; known settings: include, exclude, checks, testData, checkTestData, maxFileSize, maxDocuments, maxAliasCount, maxNodes, maxCollectionItems, maxParseTime.`, span: keySpan });
    }
  }
  return { config, problems };
}

function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number' && value > 0) return value;
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/i.exec(value.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? 'B').toLowerCase();
  const factor = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 ** 2 : unit.startsWith('g') ? 1024 ** 3 : 1;
  return Math.round(Number(m[1]) * factor);
}

function rangeSpan(node: unknown): Span {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? { start: range[0], end: range[1] } : { start: 0, end: 0 };
}

/** The level a check runs at: an exact id wins over its family (`cronjob/*`), which wins over the default. */
export function levelFor(config: AnalyzerConfig, id: string, fallback: Severity): CheckLevel {
  if (config.checks[id]) return config.checks[id];
  const family = id.split('/')[0] + '/*';
  return config.checks[family] ?? fallback;
}

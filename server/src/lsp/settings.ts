// Editor settings (`kyverno.*`) merged under the workspace's `.kyverno-analyzer.yaml`: the file
// wins, so CI and the editor agree. Pure functions; the server fetches the inputs.
import { parseDocument } from 'yaml';
import { defaultConfig, parseConfig, type AnalyzerConfig, type CheckLevel, type ConfigProblem } from '../workspace/config.ts';

/** What a client may send under the `kyverno` section (VS Code settings, Neovim `settings`). */
export interface EditorSettings {
  checks?: Record<string, CheckLevel | boolean>;
  include?: string[];
  exclude?: string[];
  maxFileSize?: number;
  testData?: string[];
}

export interface LoadedSettings {
  config: AnalyzerConfig;
  /** Problems in `.kyverno-analyzer.yaml`, reported as diagnostics on that file. */
  fileProblems: ConfigProblem[];
}

const levels = new Set(['error', 'warning', 'info', 'hint', 'off']);

/** Keeps only well-formed values: a bad setting is ignored rather than breaking analysis. */
export function sanitizeSettings(raw: unknown): EditorSettings {
  if (!raw || typeof raw !== 'object') return {};
  const input = raw as Record<string, unknown>;
  const out: EditorSettings = {};
  if (input.checks && typeof input.checks === 'object' && !Array.isArray(input.checks)) {
    out.checks = {};
    for (const [id, level] of Object.entries(input.checks as Record<string, unknown>)) {
      const normalized = level === false ? 'off' : level;
      if (typeof normalized === 'string' && levels.has(normalized)) out.checks[id] = normalized as CheckLevel;
    }
  }
  for (const key of ['include', 'exclude', 'testData'] as const) {
    const value = input[key];
    if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) out[key] = value as string[];
  }
  if (typeof input.maxFileSize === 'number' && input.maxFileSize > 0) out.maxFileSize = input.maxFileSize;
  return out;
}

/**
 * defaults ← editor settings ← `.kyverno-analyzer.yaml`. Only keys the file actually sets
 * override the editor; `checks` merges per id (the file's level for an id wins).
 */
export function mergeSettings(settings: EditorSettings, configFileText: string | undefined): LoadedSettings {
  const config: AnalyzerConfig = { ...defaultConfig, checks: {} };
  for (const [id, level] of Object.entries(settings.checks ?? {})) config.checks[id] = level === false ? 'off' : (level as CheckLevel);
  if (settings.include) config.include = settings.include;
  if (settings.exclude) config.exclude = [...defaultConfig.exclude, ...settings.exclude];
  if (settings.maxFileSize) config.maxFileSize = settings.maxFileSize;
  if (settings.testData) config.testData = settings.testData;
  if (configFileText === undefined) return { config, fileProblems: [] };

  const parsed = parseConfig(configFileText);
  const present = topLevelKeys(configFileText);
  const merged: AnalyzerConfig = { ...config, checks: { ...config.checks, ...parsed.config.checks } };
  for (const key of ['include', 'exclude', 'maxFileSize', 'maxDocuments', 'maxAliasCount', 'testData', 'checkTestData'] as const) {
    if (present.has(key)) (merged as unknown as Record<string, unknown>)[key] = parsed.config[key];
  }
  return { config: merged, fileProblems: parsed.problems };
}

function topLevelKeys(text: string): Set<string> {
  try {
    const value = parseDocument(text).toJS() as unknown;
    return new Set(value && typeof value === 'object' ? Object.keys(value) : []);
  } catch {
    return new Set();
  }
}

// What `check` and `impact` read the same way from their arguments: a flag limited to a few values,
// and the configuration (--config, or the nearest .kyverno-analyzer.yaml above the paths).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { findConfigFile, loadConfig } from '../analysis.ts';
import { UsageError } from './io.ts';

/** The flag's value when it is one of `allowed` (`fallback` when absent); a usage error naming them otherwise. */
export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  const chosen = value ?? fallback;
  if (!(allowed as readonly string[]).includes(chosen)) throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got ${chosen})`);
  return chosen as T;
}

/** The configuration file a run uses and what it says; unreadable or missing is a usage error. */
export function commandConfig(roots: string[], configFlag: string | undefined, cwd: string): { configPath: string | undefined; config: ReturnType<typeof loadConfig> } {
  const configPath = configFlag ? resolve(cwd, configFlag) : findConfigFile(roots, cwd, existsSync);
  if (configFlag && !existsSync(configPath!)) throw new UsageError(`${configFlag}: config file not found`);
  try {
    return { configPath, config: loadConfig(configPath) };
  } catch (error) {
    throw new UsageError(`${configPath}: cannot read config (${(error as Error).message})`);
  }
}

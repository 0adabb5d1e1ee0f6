// A rule's verdict before it is stamped with policy/rule names.
import type { RuleStatus, TargetResult } from '../types.ts';
import type { Path } from '../../yaml/paths.ts';
import { UnsupportedError } from '../jmespath/errors.ts';

export interface Outcome {
  status: RuleStatus;
  reason: string;
  path?: Path;
  patched?: Record<string, unknown>;
  generated?: Record<string, unknown>[];
  targets?: TargetResult[];
}

export const pass = (reason: string, path?: Path): Outcome => ({ status: 'pass', reason, path });
export const fail = (reason: string, path?: Path): Outcome => ({ status: 'fail', reason, path });
export const skip = (reason: string, path?: Path): Outcome => ({ status: 'skip', reason, path });
export const unknown = (reason: string, path?: Path): Outcome => ({ status: 'unknown', reason, path });
export const error = (reason: string, path?: Path): Outcome => ({ status: 'error', reason, path });

/** Maps a thrown value to 'unknown' (not modelled) or 'error' (Kyverno would fail too). */
export function fromThrown(e: unknown, path?: Path): Outcome {
  if (e instanceof UnsupportedError) return unknown(e.message, path);
  return error(e instanceof Error ? e.message : String(e), path);
}

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Kyverno's policy library, read in place (KYVERNO_CORPUS overrides). Missing corpus fails loudly, never passes silently. */
export function corpusRoot(): string {
  const root = resolve(process.env.KYVERNO_CORPUS ?? '../shared/corpus/kyverno-policies');
  if (!existsSync(root)) throw new Error(`corpus not found at ${root}; set KYVERNO_CORPUS to Kyverno's policies repository`);
  return root;
}

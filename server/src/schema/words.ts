// How schema problems name things to a person: paths as written in YAML, values by their kind.
import type { Path } from '../yaml/paths.ts';

/** `spec.rules[0].context[1].variable`; odd keys are quoted (`metadata.labels["app.kubernetes.io/name"]`). */
export function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? 'the document' : out;
}

export function quotedPath(path: Path): string {
  return path.length === 0 ? 'the document' : `\`${formatPath(path)}\``;
}

const typeWords: Record<string, string> = {
  object: 'an object',
  array: 'a list',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  null: 'null',
};

export function typeWord(type: string): string {
  return typeWords[type] ?? type;
}

/** What a value is, in the words of `typeWord` (an integral number is an integer). */
export function kindOfValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

export function describeValue(value: unknown): string {
  const kind = kindOfValue(value);
  if (kind === 'string') {
    const text = value as string;
    return text.length <= 40 ? `the string \`${text}\`` : 'a string';
  }
  if (kind === 'integer' || kind === 'number' || kind === 'boolean') return `${typeWord(kind)} (\`${String(value)}\`)`;
  return typeWord(kind);
}

export function listWords(items: string[], conjunction: 'or' | 'and' = 'or'): string {
  const quoted = items.map((i) => `\`${i}\``);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${conjunction} ${quoted[quoted.length - 1]}`;
}

/** Levenshtein distance, bounded: good enough to suggest `validationFailureAction` for a typo. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = above;
    }
  }
  return prev[b.length];
}

/** The closest candidate when it is plausibly a typo (case-insensitive match, or few edits). */
export function closest(word: string, candidates: string[]): string | undefined {
  const lower = word.toLowerCase();
  const exactCase = candidates.find((c) => c.toLowerCase() === lower);
  if (exactCase) return exactCase;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.floor(word.length / 3));
  return bestDistance <= allowed ? best : undefined;
}

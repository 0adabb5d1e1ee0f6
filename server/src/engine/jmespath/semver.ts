// Semantic-version range checks for semver_compare (blang/semver range syntax).

type V = [number, number, number, string];

function parse(v: string): V | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0), m[4] ?? ''];
}

function compare(a: V, b: V): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  if (a[3] === b[3]) return 0;
  if (a[3] === '') return 1;
  if (b[3] === '') return -1;
  return a[3] < b[3] ? -1 : 1;
}

/** Does version satisfy a range like ">=1.2.0 <2.0.0 || 3.x"? Throws on unparsable input. */
export function semverSatisfies(version: string, range: string): boolean {
  const v = parse(version);
  if (!v) throw new Error(`semver_compare: '${version}' is not a version`);
  return range.split('||').some((alt) =>
    alt.trim().split(/\s+/).filter(Boolean).every((c) => {
      const m = /^(>=|<=|>|<|=|==|!=|!)?(.+)$/.exec(c)!;
      const op = m[1] ?? '=';
      const r = parse(m[2]!.replace(/\.[xX*]/g, '.0'));
      if (!r) throw new Error(`semver_compare: '${c}' is not a range`);
      const d = compare(v, r);
      switch (op) {
        case '>=': return d >= 0;
        case '<=': return d <= 0;
        case '>': return d > 0;
        case '<': return d < 0;
        case '!=': case '!': return d !== 0;
        default: return d === 0;
      }
    }),
  );
}

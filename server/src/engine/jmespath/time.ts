// Go time layouts and RFC 3339 rendering, for Kyverno's time_* JMESPath functions.
import { RE2JS } from 're2js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// Go reference-time tokens, longest first so "2006" wins over "2".
const TOKENS: [string, string, string][] = [
  ['2006', '(\\d{4})', 'year'], ['Z07:00', '(Z|[+-]\\d{2}:\\d{2})', 'zone'], ['-07:00', '([+-]\\d{2}:\\d{2})', 'zone'],
  ['-0700', '([+-]\\d{4})', 'zone'], ['Z0700', '(Z|[+-]\\d{4})', 'zone'], ['MST', '([A-Z]{3,4})', 'zname'],
  ['January', '([A-Za-z]+)', 'monthname'], ['Jan', '([A-Za-z]{3})', 'monthname'], ['Monday', '[A-Za-z]+', ''], ['Mon', '[A-Za-z]{3}', ''],
  ['.000000000', '\\.(\\d{9})', 'frac'], ['.000000', '\\.(\\d{6})', 'frac'], ['.000', '\\.(\\d{3})', 'frac'],
  ['.999999999', '(?:\\.(\\d+))?', 'frac'], ['.999', '(?:\\.(\\d+))?', 'frac'],
  ['01', '(\\d{2})', 'month'], ['02', '(\\d{2})', 'day'], ['15', '(\\d{2})', 'hour'], ['04', '(\\d{2})', 'minute'], ['05', '(\\d{2})', 'second'],
  ['06', '(\\d{2})', 'year2'], ['PM', '(AM|PM)', 'pm'], ['_2', ' ?(\\d{1,2})', 'day'], ['03', '(\\d{2})', 'hour12'],
  ['1', '(\\d{1,2})', 'month'], ['2', '(\\d{1,2})', 'day'], ['3', '(\\d{1,2})', 'hour12'], ['4', '(\\d{1,2})', 'minute'], ['5', '(\\d{1,2})', 'second'],
];

export const RFC3339 = '2006-01-02T15:04:05Z07:00';

/** Parses a time string with a Go layout; returns epoch milliseconds or undefined. */
export function parseGoTime(layout: string, value: string): number | undefined {
  if (layout === '' || layout === RFC3339 || layout === '2006-01-02T15:04:05.999999999Z07:00') {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
    const t = Date.parse(value);
    return Number.isNaN(t) ? undefined : t;
  }
  let source = '^';
  const fields: string[] = [];
  let rest = layout;
  while (rest.length > 0) {
    const tok = TOKENS.find(([t]) => rest.startsWith(t));
    if (tok) {
      source += tok[1];
      if (tok[2]) fields.push(tok[2]);
      rest = rest.slice(tok[0].length);
    } else {
      source += rest[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      rest = rest.slice(1);
    }
  }
  const m = RE2JS.compile(`${source}$`).matcher(value);
  if (!m.find()) return undefined;
  const parts: Record<string, string> = {};
  fields.forEach((f, i) => {
    const g = m.group(i + 1);
    if (g !== null && g !== undefined) parts[f] = g;
  });
  const year = parts.year ? Number(parts.year) : parts.year2 ? 2000 + Number(parts.year2) : 0;
  const month = parts.month ? Number(parts.month) - 1 : parts.monthname ? MONTHS.findIndex((n) => parts.monthname!.startsWith(n)) : 0;
  let hour = Number(parts.hour ?? parts.hour12 ?? 0);
  if (parts.pm === 'PM' && hour < 12) hour += 12;
  if (parts.pm === 'AM' && hour === 12) hour = 0;
  const ms = parts.frac ? Math.round(Number(`0.${parts.frac}`) * 1000) : 0;
  let t = Date.UTC(year, month, Number(parts.day ?? 1), hour, Number(parts.minute ?? 0), Number(parts.second ?? 0), ms);
  const zone = parts.zone;
  if (zone && zone !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
    if (z) t -= (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) * 60000;
  }
  return t;
}

/** RFC 3339 in UTC as Go prints it (no fractional part when whole seconds). */
export function formatRfc3339(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso.replace(/0+Z$/, 'Z');
}
